import {
  canonicalJson,
  type DocumentSnapshot,
  documentSnapshot,
  type MappingContext,
  paperlessDocumentAsMapped,
  papraSnapshot,
} from "@paperbridge/mapping"
import { PaperlessClient, type Document as PaperlessDocument } from "@paperbridge/paperless"
import { PapraClient, type PapraDocumentListItem } from "@paperbridge/papra"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import type { Pair } from "../state/endpoints.js"
import type { Link } from "../state/links.js"
import { type BaseSnapshot, snapshotHash } from "../state/snapshots.js"
import { StateStore } from "../state/store.js"
import { carriedFileChanged } from "./known-files.js"
import type { EngineOptions } from "./options.js"
import { PaperlessSource } from "./paperless-source.js"
import type { LinkedState, SideState } from "./sync-plan.js"

/** A linked document as a sync found it: both sides' states, its stored link and its title. */
export type LinkedDocument = LinkedState & { readonly title: string; readonly link: Link }

/**
 * What one sync run finds on both sides, read in pages: every listed document is compared with
 * its base as the list gives it (Paperless's `modified` misses trash and late bulk edits, and
 * Papra's `updatedAt` never moves, so neither is trusted), and nothing is fetched one by one.
 */
export interface SyncSides {
  readonly linked: ReadonlyArray<LinkedDocument>
  /** Paperless documents with no link: new there, carried to Papra. */
  readonly newOnPaperless: ReadonlyArray<number>
  /** Papra documents with no link, as listed. */
  readonly newOnPapra: ReadonlyArray<PapraDocumentListItem>
  /** Every active Papra document by file SHA-256 (the run's upload index starts from it). */
  readonly papraFiles: Map<string, string>
  /** How many documents each side listed: a side that lists none is not believed. */
  readonly listed: { readonly paperless: number; readonly papra: number }
}

const paperlessState = (
  options: Pick<EngineOptions, "file" | "versions">,
  document: PaperlessDocument,
  context: MappingContext,
  link: Link,
  base: BaseSnapshot | undefined,
) =>
  Effect.gen(function* () {
    const snapshot = documentSnapshot(paperlessDocumentAsMapped(document, context))
    const changed = yield* carriedFileChanged(options, document, link, {
      metadataMoved: base === undefined || base.hash !== snapshotHash(canonicalJson(snapshot)),
      baseSavedAt: base?.updatedAt,
    })
    return {
      _tag: "Present",
      snapshot,
      // Only whether it changed matters to the plan: a changed file is "not the linked one".
      fileSha256: changed ? `changed:${document.id}` : (link.sha256 ?? ""),
      changedAt: document.modified,
    } satisfies SideState
  })

/**
 * Papra lists omit `content`, and its text is what Papra extracted from the file: it is never a
 * change to carry back (null reads "as before" in the merge), so a Papra document costs no request
 * of its own. Its file cannot change under the same id.
 */
const papraState = (document: PapraDocumentListItem, context: MappingContext, link: Link): SideState => ({
  _tag: "Present",
  snapshot: { ...papraSnapshot(document, context), contentSha256: null },
  fileSha256: link.sha256 ?? "",
})

/** The ids a side has in its trash, read only when some linked document is missing from its list. */
const trashedOnPaperless = Effect.flatMap(PaperlessClient, (paperless) =>
  Stream.runFold(paperless.trash.stream(), new Set<string>(), (ids, document) =>
    ids.add(String(document.id)),
  ),
)

const trashedOnPapra = Effect.flatMap(PapraClient, (papra) =>
  Stream.runFold(papra.documents.streamDeleted(), new Set<string>(), (ids, document) => ids.add(document.id)),
)

const absentState = (trashed: ReadonlySet<string> | undefined, id: string): SideState =>
  trashed?.has(id) === true ? { _tag: "Trashed" } : { _tag: "Gone" }

/**
 * Reads both sides of a pair (keyed Paperless → Papra) and pairs each linked document with its
 * base. A link without a base (its first carry had not settled) takes Papra's side as the base, so
 * what Paperless holds is written there, as the migration would have.
 */
export const readSides = (
  pair: Pair,
  options: Pick<EngineOptions, "file" | "versions" | "concurrency">,
  contexts: { readonly paperless: MappingContext; readonly papra: MappingContext },
) =>
  Effect.gen(function* () {
    const store = yield* StateStore
    const papra = yield* PapraClient
    const source = yield* PaperlessSource
    const links = yield* store.links.list(pair, "document")
    const bases = yield* store.snapshots.list(pair)
    const byPaperless = new Map(links.map((link) => [link.sourceId, link]))
    const byPapra = new Map(links.map((link) => [link.targetId, link]))

    const paperlessStates = new Map<string, SideState & { readonly title?: string }>()
    const titles = new Map<string, string>()
    const newOnPaperless: Array<number> = []
    let paperlessListed = 0
    const documents = (yield* source.documents({})).documents
    yield* documents.pipe(
      Stream.mapEffect(
        (document) =>
          Effect.gen(function* () {
            paperlessListed += 1
            const id = String(document.id)
            const link = byPaperless.get(id)
            if (link === undefined) return newOnPaperless.push(document.id)
            titles.set(id, document.title)
            paperlessStates.set(
              id,
              yield* paperlessState(options, document, contexts.paperless, link, bases.get(id)),
            )
          }),
        { concurrency: options.concurrency, unordered: true },
      ),
      Stream.runDrain,
    )

    const papraStates = new Map<string, SideState>()
    const papraSnapshots = new Map<string, DocumentSnapshot>()
    const newOnPapra: Array<PapraDocumentListItem> = []
    const papraFiles = new Map<string, string>()
    let papraListed = 0
    yield* Stream.runForEach(papra.documents.stream(), (document) =>
      Effect.sync(() => {
        papraListed += 1
        papraFiles.set(document.originalSha256Hash, document.id)
        const link = byPapra.get(document.id)
        if (link === undefined) return newOnPapra.push(document)
        if (!titles.has(link.sourceId)) titles.set(link.sourceId, document.name)
        const state = papraState(document, contexts.papra, link)
        papraStates.set(document.id, state)
        if (state._tag === "Present") papraSnapshots.set(document.id, state.snapshot)
      }),
    )

    const missing = (side: "paperless" | "papra") =>
      links.some((link) =>
        side === "paperless" ? !paperlessStates.has(link.sourceId) : !papraStates.has(link.targetId),
      )
    const paperlessTrash = missing("paperless") ? yield* trashedOnPaperless : undefined
    const papraTrash = missing("papra") ? yield* trashedOnPapra : undefined

    const linked = links.map((link) => {
      const paperless = paperlessStates.get(link.sourceId) ?? absentState(paperlessTrash, link.sourceId)
      const papraSide = papraStates.get(link.targetId) ?? absentState(papraTrash, link.targetId)
      const base = Option.fromNullable(bases.get(link.sourceId))
      const fallback =
        papraSnapshots.get(link.targetId) ?? (paperless._tag === "Present" ? paperless.snapshot : undefined)
      return {
        link,
        title: titles.get(link.sourceId) ?? `document ${link.sourceId}`,
        paperlessId: link.sourceId,
        papraId: link.targetId,
        base: Option.match(base, {
          onSome: (snapshot) => snapshot.metadata as unknown as DocumentSnapshot,
          onNone: () => fallback,
        }),
        baseFileSha256: link.sha256 ?? "",
        paperless,
        papra: papraSide,
      }
    })
    return {
      // A link with no base and neither side present has nothing to merge against: gone both ways.
      linked: linked.flatMap((entry) =>
        entry.base === undefined
          ? [
              {
                ...entry,
                base: emptySnapshot,
                paperless: { _tag: "Gone" } as const,
                papra: { _tag: "Gone" } as const,
              },
            ]
          : [{ ...entry, base: entry.base }],
      ),
      newOnPaperless: newOnPaperless.sort((a, b) => a - b),
      newOnPapra,
      papraFiles,
      listed: { paperless: paperlessListed, papra: papraListed },
    } satisfies SyncSides
  })

const emptySnapshot: DocumentSnapshot = {
  title: "",
  originalFileName: "",
  created: null,
  contentSha256: null,
  correspondent: null,
  documentType: null,
  storagePath: null,
  tags: [],
  archiveSerialNumber: null,
  customFields: {},
  notes: [],
}
