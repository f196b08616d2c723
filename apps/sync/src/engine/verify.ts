import {
  copyContext,
  copyLinks,
  type MappedPaperlessDocument,
  paperlessDocumentToPaperlessCopy,
  paperlessDocumentToPapra,
  papraDocumentToPaperless,
} from "@paperbridge/mapping"
import { DocumentId, PaperlessApiError, PaperlessClient } from "@paperbridge/paperless"
import { PapraApiError, PapraClient, PapraDocumentId } from "@paperbridge/papra"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { type Pair, reversed } from "../state/endpoints.js"
import type { Link } from "../state/links.js"
import { StateStore } from "../state/store.js"
import type { SyncConflict } from "../state/sync-records.js"
import { loadCopyDefinitions } from "./copy-definitions.js"
import { copyScope } from "./copy-to-paperless.js"
import { loadContext } from "./definitions.js"
import { type BridgeDirection, type Direction, isBridge } from "./events.js"
import type { EngineOptions } from "./options.js"
import { PaperlessSource } from "./paperless-source.js"
import type { DriftProblem, VerifyConflict, VerifyReport } from "./reports.js"
import { type PaperlessScope, paperlessPatch, papraLinkedScope } from "./to-paperless.js"
import { driftFields, papraDrift } from "./to-papra.js"

type VerifyOptions = Pick<EngineOptions, "pair" | "direction" | "mapping" | "concurrency">

type Drift = VerifyReport["drift"][number]

const notFound = (error: unknown) =>
  (error instanceof PapraApiError && error.status === 404) ||
  (error instanceof PaperlessApiError && error.status === 404)

/** Reads a document, answering None for a 404 (gone from that side) and failing on anything else. */
const orMissing = <A, E, R>(read: Effect.Effect<A, E, R>) =>
  read.pipe(
    Effect.map(Option.some),
    Effect.catchIf(notFound, () => Effect.succeed(Option.none<A>())),
  )

const otherWay = (direction: BridgeDirection): BridgeDirection =>
  direction === "paperless-to-papra" ? "papra-to-paperless" : "paperless-to-papra"

/** The same link read from the other end: its target becomes its source. */
const flipped = (link: Link): Link => ({
  ...link,
  source: link.target,
  sourceId: link.targetId,
  target: link.source,
  targetId: link.sourceId,
})

const conflictView = (conflict: SyncConflict): VerifyConflict => ({
  paperlessId: conflict.paperlessId,
  papraId: conflict.papraId,
  title: conflict.title,
  detectedAt: DateTime.formatIso(conflict.detectedAt),
  fields: conflict.fields,
})

/**
 * On a pair kept by `sync`, documents new on either side were carried both ways, and a link reads
 * the same from either end: the journal says which way each was carried. Each is checked the way it
 * was carried (the other way's mapping would see, say, the date Paperless gave a dateless Papra
 * document as drift). A document the last two-way sync left in conflict is listed, not checked: its
 * sides differ on purpose until the user settles it.
 */
const syncedLinks = (pair: Pair, direction: BridgeDirection) =>
  Effect.gen(function* () {
    const store = yield* StateStore
    const thisWay = yield* store.journal.carriedFrom(pair, "document")
    const thatWay = yield* store.journal.carriedFrom(reversed(pair), "document")
    // Conflicts are kept under the pair as Paperless → Papra, whatever way a run went.
    const conflicts = yield* store.sync.conflicts(direction === "paperless-to-papra" ? pair : reversed(pair))
    const inConflict = new Set(conflicts.map((conflict) => conflict.paperlessId))
    const links = yield* store.links.list(pair, "document")
    const paperlessIdOf = (link: Link) => (direction === "paperless-to-papra" ? link.sourceId : link.targetId)
    return {
      conflicts: conflicts.map(conflictView),
      checks: links
        .filter((link) => !inConflict.has(paperlessIdOf(link)))
        .map((link) =>
          thatWay.has(link.targetId) && !thisWay.has(link.sourceId)
            ? { way: otherWay(direction), link: flipped(link) }
            : { way: direction, link },
        ),
    }
  })

/**
 * Compares both sides of every document link: the target still exists, holds the same bytes
 * (by the checksum the target computes itself: nothing is downloaded) and carries what the source
 * maps to today. Writes nothing.
 */
export const verify = (options: VerifyOptions) =>
  Effect.gen(function* () {
    const store = yield* StateStore
    const direction = options.direction
    const bridgeContext = (way: BridgeDirection) =>
      isBridge(direction)
        ? loadContext(way === direction ? options.pair : reversed(options.pair), way, options.mapping)
        : Effect.die("not a bridge")
    // Read once, on the first document that needs them; the other way's only on a synced pair.
    const bridgeContexts = {
      "paperless-to-papra": yield* Effect.cached(bridgeContext("paperless-to-papra")),
      "papra-to-paperless": yield* Effect.cached(bridgeContext("papra-to-paperless")),
    }
    const copyRun = yield* Effect.cached(
      Effect.map(loadCopyDefinitions(options.pair), ({ source, target, stored }) => {
        const links = copyLinks(source, target, stored)
        return { context: copyContext(source, links), scope: copyScope(links, target) }
      }),
    )
    const { checks, conflicts } = isBridge(direction)
      ? yield* syncedLinks(options.pair, direction)
      : {
          checks: (yield* store.links.list(options.pair, "document")).map((link) => ({
            way: direction,
            link,
          })),
          conflicts: [],
        }
    const problemOf =
      (way: Direction) =>
      (link: Link, kind: DriftProblem, detail: string): Drift => ({
        sourceId: link.sourceId,
        targetId: link.targetId,
        direction: way,
        problem: kind,
        detail,
      })

    const checkToPapra = (link: Link) =>
      Effect.gen(function* () {
        const problem = problemOf("paperless-to-papra")
        const papra = yield* PapraClient
        const source = yield* Effect.flatMap(PaperlessSource, (paperless) =>
          paperless.document(Number(link.sourceId)),
        )
        if (Option.isNone(source))
          return [problem(link, "missing-on-source", "the Paperless document is gone or in the trash")]
        const target = yield* orMissing(papra.documents.get(PapraDocumentId.make(link.targetId)))
        if (Option.isNone(target)) return [problem(link, "missing-on-target", "the Papra document is gone")]
        const found: Array<Drift> = []
        if (target.value.isDeleted)
          found.push(problem(link, "missing-on-target", "the Papra document is in the trash"))
        if (link.sha256 !== null && target.value.originalSha256Hash !== link.sha256)
          found.push(
            problem(
              link,
              "file-differs",
              `Papra holds SHA-256 ${target.value.originalSha256Hash}, expected ${link.sha256}`,
            ),
          )
        const context = yield* bridgeContexts["paperless-to-papra"]
        const fields = driftFields(
          papraDrift(target.value, paperlessDocumentToPapra(source.value, context).document, context),
        )
        if (fields.length > 0)
          found.push(problem(link, "metadata-differs", `differs in ${fields.join(", ")}`))
        return found
      })

    /** A Paperless target against what its source maps to: still there, same bytes, same metadata. */
    const checkPaperlessTarget = (
      way: Exclude<Direction, "paperless-to-papra">,
      link: Link,
      mapped: MappedPaperlessDocument,
      scope: PaperlessScope,
    ) =>
      Effect.gen(function* () {
        const problem = problemOf(way)
        const paperless = yield* PaperlessClient
        const server = yield* paperless.server
        const targetId = DocumentId.make(Number(link.targetId))
        const target = yield* orMissing(paperless.documents.get(targetId))
        if (Option.isNone(target))
          return [problem(link, "missing-on-target", "the Paperless document is gone or in the trash")]
        const found: Array<Drift> = []
        const expected = server.generation === "2.20" ? link.md5 : link.sha256
        // 3.0 lists every version's SHA-256; the carried file is the newest one it holds.
        const versions = target.value.versions ?? []
        const held =
          versions.length > 0
            ? versions.reduce((newest, version) => (version.id > newest.id ? version : newest)).checksum
            : (yield* paperless.documents.metadata(targetId)).original_checksum
        if (expected !== null && held !== expected)
          found.push(problem(link, "file-differs", `Paperless holds checksum ${held}, expected ${expected}`))
        const fields = Object.keys(paperlessPatch(target.value, mapped, scope, { freshUpload: false }))
        const notes = new Set((target.value.notes ?? []).map((note) => note.note))
        if (mapped.notes.some((note) => !notes.has(note))) fields.push("notes")
        if (fields.length > 0)
          found.push(problem(link, "metadata-differs", `differs in ${fields.join(", ")}`))
        return found
      })

    const checkToPaperless = (link: Link) =>
      Effect.gen(function* () {
        const papra = yield* PapraClient
        const source = yield* orMissing(papra.documents.get(PapraDocumentId.make(link.sourceId)))
        if (Option.isNone(source) || source.value.isDeleted)
          return [
            problemOf("papra-to-paperless")(
              link,
              "missing-on-source",
              "the Papra document is gone or in the trash",
            ),
          ]
        const context = yield* bridgeContexts["papra-to-paperless"]
        const mapped = papraDocumentToPaperless(source.value, context).document
        return yield* checkPaperlessTarget("papra-to-paperless", link, mapped, papraLinkedScope(context))
      })

    const checkCopy = (link: Link) =>
      Effect.gen(function* () {
        const source = yield* Effect.flatMap(PaperlessSource, (paperless) =>
          paperless.document(Number(link.sourceId)),
        )
        if (Option.isNone(source))
          return [
            problemOf("paperless-to-paperless")(
              link,
              "missing-on-source",
              "the source document is gone or in the trash",
            ),
          ]
        const copy = yield* copyRun
        const mapped = paperlessDocumentToPaperlessCopy(source.value, copy.context).document
        return yield* checkPaperlessTarget("paperless-to-paperless", link, mapped, copy.scope)
      })

    const drift = yield* Effect.forEach(
      checks,
      ({
        way,
        link,
      }): Effect.Effect<
        ReadonlyArray<Drift>,
        Effect.Effect.Error<ReturnType<typeof checkToPapra | typeof checkToPaperless | typeof checkCopy>>,
        Effect.Effect.Context<ReturnType<typeof checkToPapra | typeof checkToPaperless | typeof checkCopy>>
      > =>
        way === "paperless-to-papra"
          ? checkToPapra(link)
          : way === "papra-to-paperless"
            ? checkToPaperless(link)
            : checkCopy(link),
      { concurrency: options.concurrency },
    )
    return {
      direction,
      checked: checks.length,
      drift: drift.flat(),
      conflicts,
    } satisfies VerifyReport
  })
