import type { MappingContext, SnapshotField, SyncSide } from "@paperbridge/mapping"
import { PapraClient, PapraDocumentId, type PapraDocumentListItem } from "@paperbridge/papra"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { type Pair, reversed } from "../state/endpoints.js"
import { StateStore } from "../state/store.js"
import type { Tombstone } from "../state/sync-records.js"
import type { BridgeDirection, DefinitionCounts } from "./events.js"
import type { EngineOptions } from "./options.js"
import { PaperlessSource } from "./paperless-source.js"
import { planBridge } from "./plan.js"
import { definitionSyncLines, syncDefinitions } from "./sync-definitions.js"
import type { ConflictReport, SyncMode, SyncOptions } from "./sync-options.js"
import { type LinkedState, planSync, type SyncAction, type SyncPlan } from "./sync-plan.js"
import { type LinkedDocument, readSides, type SyncSides } from "./sync-sides.js"

/**
 * What one sync would do, computed once: `sync` carries it out, `sync --plan` (`previewSync`)
 * only reports it. Both read the sides, plan every linked document and list the new documents
 * through the functions here, so the preview cannot drift from the run.
 */

export const engineOptions = (options: SyncOptions, direction: BridgeDirection): EngineOptions => ({
  ...options,
  direction,
  pair: direction === "paperless-to-papra" ? options.pair : reversed(options.pair),
  filters: {},
})

export const masterOf = (options: Pick<SyncOptions, "mode">): SyncSide | undefined =>
  options.mode === "two-way" ? undefined : options.mode === "paperless-to-papra" ? "paperless" : "papra"

/** Whether a side's new documents are carried to the other: both in two-way, the master's only one way. */
export const carriesFrom = (options: Pick<SyncOptions, "mode">, side: SyncSide) => {
  const master = masterOf(options)
  return master === undefined || master === side
}

export const conflictReport = (
  action: Extract<SyncAction, { _tag: "Conflict" }>,
  title: string,
): ConflictReport => ({
  paperlessId: action.link.paperlessId,
  papraId: action.link.papraId,
  title,
  fields:
    action.files === undefined
      ? action.conflicts.map((conflict) => ({
          field: conflict.field,
          base: conflict.base,
          paperless: conflict.paperless,
          papra: conflict.papra,
        }))
      : [
          {
            field: "file",
            base: action.link.baseFileSha256,
            paperless: action.files.paperless,
            papra: action.files.papra,
          },
        ],
})

/** What a tombstone says about a file: this document was deleted by a sync and is not brought back. */
const tombstoned = (tombstones: ReadonlyArray<Tombstone>) => {
  const checksums = new Set(tombstones.flatMap((tombstone) => [tombstone.sha256, tombstone.md5]))
  return (checksum: string | undefined) => checksum !== undefined && checksums.has(checksum)
}

/**
 * When a person last changed a Papra document: its newest activity by a user (the background
 * extraction has none). Papra's `updatedAt` never moves, and property edits leave no activity, so
 * this may be older than the change, or unknown: then `newest` cannot tell and the conflict stays.
 */
const papraChangedAt = (papraId: string) =>
  Effect.flatMap(PapraClient, (papra) =>
    papra.documents.activity(PapraDocumentId.make(papraId)).pipe(
      Stream.filter((activity) => activity.userId !== null),
      Stream.runHead,
      Effect.map(Option.map((activity) => activity.createdAt)),
      Effect.map(Option.getOrUndefined),
    ),
  )

/**
 * `--conflict newest` needs to know when each side changed, and Papra says so only in a document's
 * activity: asked for the documents in conflict alone, then those are planned again.
 */
const withPapraTimes = <L extends LinkedState>(plan: SyncPlan<L>, options: Parameters<typeof planSync>[1]) =>
  Effect.gen(function* () {
    if (plan._tag === "Refused" || options.policy !== "newest" || options.master !== undefined) return plan
    const conflicted = plan.actions.filter(
      (action) => action._tag === "Conflict" && action.files === undefined,
    )
    if (conflicted.length === 0) return plan
    const timed = new Map<L, L>()
    yield* Effect.forEach(
      conflicted,
      (action) =>
        Effect.map(papraChangedAt(action.link.papraId), (changedAt) => {
          const papra = action.link.papra
          if (changedAt !== undefined && papra._tag === "Present")
            timed.set(action.link, { ...action.link, papra: { ...papra, changedAt } })
        }),
      { concurrency: 4, discard: true },
    )
    const replanned = planSync([...timed.values()], { ...options, guard: { ...options.guard, force: true } })
    if (replanned._tag === "Refused") return plan
    const byLink = new Map([...timed.keys()].map((link, index) => [link, replanned.actions[index]]))
    return { ...plan, actions: plan.actions.map((action) => byLink.get(action.link) ?? action) }
  })

/** The mapping contexts of both ways, as loaded after the definitions step. */
export interface SyncContexts {
  readonly paperless: MappingContext
  readonly papra: MappingContext
}

/**
 * Both sides read and every linked document planned against its base. `actions` is what the run
 * carries out (empty when the delete guard refuses): under `--resync` nothing is deleted, so a
 * link whose ends are not both there is dropped instead.
 */
export const readAndPlan = (options: SyncOptions, contexts: SyncContexts) =>
  Effect.gen(function* () {
    const sides = yield* readSides(options.pair, options, contexts)
    const planOptions = {
      policy: options.conflict,
      guard: options.resync ? { ...options.guard, force: true } : options.guard,
      master: masterOf(options),
    }
    const plan = yield* withPapraTimes(planSync(sides.linked, planOptions), planOptions)
    const actions: ReadonlyArray<SyncAction<LinkedDocument>> =
      plan._tag === "Refused"
        ? []
        : options.resync
          ? plan.actions.map(
              (action): SyncAction<LinkedDocument> =>
                action._tag === "Trash" || action._tag === "KeepEdited"
                  ? { _tag: "Forget", link: action.link }
                  : action,
            )
          : plan.actions
    const titles = new Map(sides.linked.map((entry) => [entry.paperlessId, entry.title]))
    return { sides, plan, actions, titles }
  })

/**
 * The documents new on either side that would be carried to the other (with those a kept edit
 * carries back, by id). Each is checked as it is pulled: a Papra document linked since the listing
 * was carried from Paperless a moment ago, and under `--resync` a tombstoned file stays deleted.
 */
export const newDocumentCandidates = (
  options: SyncOptions,
  sides: SyncSides,
  carryAgain: { readonly paperless: ReadonlySet<string>; readonly papra: ReadonlySet<string> } = {
    paperless: new Set(),
    papra: new Set(),
  },
) =>
  Effect.gen(function* () {
    const store = yield* StateStore
    const source = yield* PaperlessSource
    const papra = yield* PapraClient
    const buried = tombstoned(options.resync ? yield* store.sync.tombstones(options.pair) : [])
    const unlinked = (pair: Pair, id: string) =>
      Effect.map(store.links.findTarget(pair, "document", id), Option.isNone)
    const again = yield* Effect.forEach([...carryAgain.paperless], (id) =>
      papra.documents.get(PapraDocumentId.make(id)),
    )
    const toPaperlessPair = reversed(options.pair)
    const fromPapra = (candidates: ReadonlyArray<PapraDocumentListItem>) =>
      Stream.fromIterable(candidates).pipe(
        Stream.filterEffect((document) =>
          Effect.map(
            unlinked(toPaperlessPair, document.id),
            (free) => free && !buried(document.originalSha256Hash),
          ),
        ),
      )
    const fromPaperless = Stream.fromIterable([
      ...sides.newOnPaperless.map(String),
      ...carryAgain.papra,
    ]).pipe(
      Stream.filterEffect((id) => unlinked(options.pair, id)),
      Stream.mapEffect((id) => source.document(Number(id))),
      Stream.filterMap((found) => found),
      Stream.filterEffect((document) =>
        options.resync
          ? Effect.map(source.fileChecksum(document, options.file), (checksum) => !buried(checksum))
          : Effect.succeed(true),
      ),
    )
    return { papra: [...sides.newOnPapra, ...again], fromPapra, fromPaperless }
  })

type Mutable<A> = { -readonly [K in keyof A]: A[K] }

/** What the documents of one side would have written: how many, and how many of them per field. */
export interface SideWrites {
  readonly documents: number
  readonly fields: Readonly<Partial<Record<SnapshotField, number>>>
}

/** What `sync` would do, as `sync --plan` tells it. Nothing in it has happened. */
export interface SyncPreview {
  readonly mode: SyncMode
  readonly linked: {
    readonly unchanged: number
    /** Linked documents written on one side or both (what the run counts as updated). */
    readonly updated: number
    readonly updatedOn: Readonly<Record<SyncSide, SideWrites>>
    readonly fileReplaced: number
    /** Trashed on this side because it was deleted on the other. */
    readonly trashed: Readonly<Record<SyncSide, number>>
    readonly keptEdited: number
    readonly forgotten: number
    readonly conflicts: number
  }
  readonly conflicts: ReadonlyArray<ConflictReport>
  /** Documents new on one side that would be carried to the other. */
  readonly newDocuments: { readonly toPapra: number; readonly toPaperless: number }
  readonly definitions: {
    /** Renames, recolours and deletes of linked definitions (and those held or unlinked). */
    readonly changes: ReadonlyArray<string>
    /** What each way would create and reuse; absent for a way a one-way sync does not carry. */
    readonly toPapra?: DefinitionCounts | undefined
    readonly toPaperless?: DefinitionCounts | undefined
  }
  /** The delete guard would stop the run before any document is written. */
  readonly refused?: { readonly side: SyncSide; readonly reason: string } | undefined
  readonly lossiness: ReadonlyArray<string>
}

const emptyWrites = (): Mutable<SideWrites> & { fields: Partial<Record<SnapshotField, number>> } => ({
  documents: 0,
  fields: {},
})

/** The figures of a planned run, action by action as `applyLinked` would report them. */
const linkedFigures = (actions: ReadonlyArray<SyncAction>, titles: ReadonlyMap<string, string>) => {
  const updatedOn = { paperless: emptyWrites(), papra: emptyWrites() }
  const linked: Mutable<Omit<SyncPreview["linked"], "updatedOn" | "trashed">> & {
    trashed: Record<SyncSide, number>
  } = {
    unchanged: 0,
    updated: 0,
    fileReplaced: 0,
    trashed: { paperless: 0, papra: 0 },
    keptEdited: 0,
    forgotten: 0,
    conflicts: 0,
  }
  const conflicts: Array<ConflictReport> = []
  for (const action of actions)
    switch (action._tag) {
      case "Unchanged":
        linked.unchanged += 1
        break
      case "Conflict":
        linked.conflicts += 1
        conflicts.push(conflictReport(action, titles.get(action.link.paperlessId) ?? ""))
        break
      case "Write":
        linked.updated += 1
        for (const { side, fields } of action.to) {
          updatedOn[side].documents += 1
          for (const field of fields) updatedOn[side].fields[field] = (updatedOn[side].fields[field] ?? 0) + 1
        }
        break
      case "ReplaceFile":
        linked.fileReplaced += 1
        break
      case "Trash":
        linked.trashed[action.on] += 1
        break
      case "KeepEdited":
        linked.keptEdited += 1
        break
      case "Forget":
        linked.forgotten += 1
    }
  return { linked: { ...linked, updatedOn }, conflicts }
}

/**
 * `paperbridge sync --plan`: reads both servers and the state store and says what one sync would
 * do, both ways. It sends no write to either server and changes nothing in the store (run it under
 * a read-only state). Definitions are planned, not made: the documents are read with the contexts
 * as they are now, so a tag the run would first create on the other side is not yet on a document.
 */
export const previewSync = (options: SyncOptions) =>
  Effect.gen(function* () {
    const definitionChanges = definitionSyncLines(
      yield* syncDefinitions(options.pair, options.mapping, { dryRun: true, onEvent: options.onEvent }),
    )
    const toPapra = yield* planBridge(engineOptions(options, "paperless-to-papra"), "paperless-to-papra")
    const toPaperless = yield* planBridge(engineOptions(options, "papra-to-paperless"), "papra-to-paperless")
    const fromPaperless = carriesFrom(options, "paperless")
    const fromPapra = carriesFrom(options, "papra")
    const { sides, plan, actions, titles } = yield* readAndPlan(options, {
      paperless: toPapra.context,
      papra: toPaperless.context,
    })
    const figures = linkedFigures(actions, titles)
    let newDocuments = { toPapra: 0, toPaperless: 0 }
    if (plan._tag !== "Refused") {
      const candidates = yield* newDocumentCandidates(options, sides)
      newDocuments = {
        toPapra: fromPaperless ? yield* Stream.runCount(candidates.fromPaperless) : 0,
        toPaperless: fromPapra ? yield* Stream.runCount(candidates.fromPapra(candidates.papra)) : 0,
      }
    }
    return {
      mode: options.mode,
      ...figures,
      newDocuments,
      definitions: {
        changes: definitionChanges,
        toPapra: fromPaperless ? toPapra.definitions : undefined,
        toPaperless: fromPapra ? toPaperless.definitions : undefined,
      },
      refused: plan._tag === "Refused" ? { side: plan.side, reason: plan.reason } : undefined,
      lossiness: [...(fromPaperless ? toPapra.lossiness : []), ...(fromPapra ? toPaperless.lossiness : [])],
    } satisfies SyncPreview
  })
