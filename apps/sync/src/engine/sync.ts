import type { SyncSide } from "@paperbridge/mapping"
import type { Document as PaperlessDocument } from "@paperbridge/paperless"
import { PapraClient, PapraDocumentId, type PapraDocumentListItem } from "@paperbridge/papra"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Stream from "effect/Stream"
import type { Pair } from "../state/endpoints.js"
import { StateStore } from "../state/store.js"
import type { Tombstone } from "../state/sync-records.js"
import { scopedTempDirectory } from "../transfer/spool.js"
import { loadContext } from "./definitions.js"
import type { BridgeDirection, RunSummary } from "./events.js"
import { definitionsPhase, forEachDocument, writeRelations, writeReport } from "./migrate.js"
import type { EngineOptions } from "./options.js"
import { PaperlessSource } from "./paperless-source.js"
import { papraFileIndex } from "./papra-index.js"
import { withRun } from "./run-lifecycle.js"
import { describeFailure, makeRunState, type RunState } from "./run-state.js"
import { applyLinked, type LinkedOutcome } from "./sync-apply.js"
import { definitionSyncLines, syncDefinitions } from "./sync-definitions.js"
import type { ConflictReport, LinkedCounts, SyncOptions, SyncResult, SyncSummary } from "./sync-options.js"
import { type LinkedState, planSync, type SyncAction, type SyncPlan } from "./sync-plan.js"
import { readSides } from "./sync-sides.js"
import { carryToPaperless } from "./to-paperless.js"
import { carryToPapra } from "./to-papra.js"

const reversed = (pair: Pair): Pair => ({ source: pair.target, target: pair.source })

const engineOptions = (options: SyncOptions, direction: BridgeDirection): EngineOptions => ({
  ...options,
  direction,
  pair: direction === "paperless-to-papra" ? options.pair : reversed(options.pair),
  filters: {},
})

const masterOf = (options: SyncOptions): SyncSide | undefined =>
  options.mode === "two-way" ? undefined : options.mode === "paperless-to-papra" ? "paperless" : "papra"

/** Whether a side's new documents are carried to the other: both in two-way, the master's only one way. */
const carriesFrom = (options: SyncOptions, side: SyncSide) => {
  const master = masterOf(options)
  return master === undefined || master === side
}

type Tallies = Omit<{ -readonly [K in keyof LinkedCounts]: LinkedCounts[K] }, "trashed"> & {
  readonly trashed: Record<SyncSide, number>
}

const emptyLinkedCounts = (): Tallies => ({
  unchanged: 0,
  updated: 0,
  fileReplaced: 0,
  conflicts: 0,
  trashed: { paperless: 0, papra: 0 },
  keptEdited: 0,
  forgotten: 0,
  failed: 0,
})

const conflictReport = (
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
const withPapraTimes = (plan: SyncPlan, options: Parameters<typeof planSync>[1]) =>
  Effect.gen(function* () {
    if (plan._tag === "Refused" || options.policy !== "newest" || options.master !== undefined) return plan
    const conflicted = plan.actions.filter(
      (action) => action._tag === "Conflict" && action.files === undefined,
    )
    if (conflicted.length === 0) return plan
    const timed = new Map<LinkedState, LinkedState>()
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

/**
 * `paperbridge sync`: one run keeping a Paperless-ngx instance and a Papra organization in step.
 * Definitions first (both ways), then every linked document planned against its base (the pure
 * `planSync`) and carried out, then the documents new on either side carried across by the
 * migration's own steps, then document links. A run the delete guard refuses writes nothing.
 */
export const sync = (options: SyncOptions) =>
  Effect.gen(function* () {
    const store = yield* StateStore
    const startedAt = yield* DateTime.now
    return yield* withRun(
      options.pair,
      "sync",
      (run) =>
        Effect.gen(function* () {
          const toPapraOptions = engineOptions(options, "paperless-to-papra")
          const toPaperlessOptions = engineOptions(options, "papra-to-paperless")
          yield* options.onEvent({
            type: "run-started",
            runId: run.id,
            direction: "paperless-to-papra",
            dryRun: false,
          })
          yield* options.onEvent({ type: "phase", phase: "definitions" })
          // Renames, recolours and deletes of linked definitions first: a definition deleted on one
          // side must be settled before the next step remakes what a side lacks by name.
          const definitionChanges = definitionSyncLines(
            yield* syncDefinitions(options.pair, options.mapping, {
              dryRun: false,
              onEvent: options.onEvent,
            }),
          )
          // Each way makes what the other side lacks; then both contexts see every link.
          const lossiness: Array<string> = []
          if (carriesFrom(options, "paperless"))
            lossiness.push(...(yield* definitionsPhase(toPapraOptions)).lossiness)
          if (carriesFrom(options, "papra"))
            lossiness.push(...(yield* definitionsPhase(toPaperlessOptions)).lossiness)
          const paperlessContext = yield* loadContext(options.pair, "paperless-to-papra", options.mapping)
          const papraContext = yield* loadContext(
            reversed(options.pair),
            "papra-to-paperless",
            options.mapping,
          )

          yield* options.onEvent({ type: "phase", phase: "documents" })
          const sides = yield* readSides(options.pair, options, {
            paperless: paperlessContext,
            papra: papraContext,
          })
          const planOptions = {
            policy: options.conflict,
            guard: options.resync ? { ...options.guard, force: true } : options.guard,
            master: masterOf(options),
          }
          const plan = yield* withPapraTimes(planSync(sides.linked, planOptions), planOptions)
          const tempDirectory = yield* scopedTempDirectory()
          const toPapra = yield* makeRunState({
            runId: run.id,
            pair: options.pair,
            options: toPapraOptions,
            context: paperlessContext,
            tempDirectory,
            presentOnTarget: undefined,
          })
          const toPaperless = yield* makeRunState({
            runId: run.id,
            pair: reversed(options.pair),
            options: toPaperlessOptions,
            context: papraContext,
            tempDirectory,
            presentOnTarget: undefined,
          })
          const counts = emptyLinkedCounts()
          const conflicts: Array<ConflictReport> = []
          const notices: Array<string> = []
          const failures: Array<RunSummary["failures"][number]> = []
          const carryAgain = { paperless: new Set<string>(), papra: new Set<string>() }
          let refused: SyncSummary["refused"]
          if (plan._tag === "Refused") {
            refused = { side: plan.side, reason: plan.reason }
            yield* options.onEvent({ type: "warning", message: plan.reason })
          } else {
            const papraIndex = yield* papraFileIndex(sides.papraFiles)
            const linkedRun = { pair: options.pair, toPapra, papraContext, papraIndex }
            const titles = new Map(sides.linked.map((entry) => [entry.paperlessId, entry.title]))
            const tally = (action: SyncAction, outcome: LinkedOutcome) =>
              Effect.sync(() => {
                const title = titles.get(action.link.paperlessId) ?? ""
                const where = `Paperless ${action.link.paperlessId} / Papra ${action.link.papraId} (${title})`
                switch (outcome._tag) {
                  case "Unchanged":
                    if (action._tag === "Conflict") {
                      counts.conflicts += 1
                      conflicts.push(conflictReport(action, title))
                    } else counts.unchanged += 1
                    return
                  case "Updated":
                    counts.updated += 1
                    if (masterOf(options) !== undefined && action._tag === "Write" && action.to.length > 0)
                      notices.push(
                        `${where}: overwrote ${action.to.flatMap((entry) => entry.fields).join(", ")} on ${action.to.map((entry) => entry.side).join(" and ")} with the master's values`,
                      )
                    return
                  case "FileReplaced":
                    counts.fileReplaced += 1
                    notices.push(`${where}: a new file on Paperless replaced Papra's copy`)
                    return
                  case "Trashed":
                    counts.trashed[outcome.on] += 1
                    notices.push(
                      `${where}: deleted on ${outcome.on === "papra" ? "Paperless" : "Papra"}, trashed on ${outcome.on === "papra" ? "Papra" : "Paperless"}`,
                    )
                    return
                  case "Forgotten":
                    counts.forgotten += 1
                    return
                  case "KeptEdited":
                    counts.keptEdited += 1
                    if (outcome.carryAgain !== undefined)
                      carryAgain[outcome.carryAgain].add(
                        outcome.carryAgain === "papra" ? action.link.paperlessId : action.link.papraId,
                      )
                    notices.push(
                      `${where}: deleted on one side while edited on the other; the edited document was kept and ${outcome.restored ? "restored from the trash" : "is carried back"}`,
                    )
                }
              })
            // Under --resync nothing is deleted: a link whose ends are not both there is dropped instead.
            const actions = options.resync
              ? plan.actions.map(
                  (action): SyncAction =>
                    action._tag === "Trash" || action._tag === "KeepEdited"
                      ? { _tag: "Forget", link: action.link }
                      : action,
                )
              : plan.actions
            yield* Effect.forEach(
              actions,
              (action) =>
                applyLinked(linkedRun, action, titles.get(action.link.paperlessId) ?? "").pipe(
                  Effect.flatMap((outcome) => tally(action, outcome)),
                  Effect.catchAll((error) =>
                    Effect.sync(() => {
                      counts.failed += 1
                      failures.push({
                        sourceId: action.link.paperlessId,
                        title: titles.get(action.link.paperlessId) ?? "",
                        reason: describeFailure(error),
                      })
                    }),
                  ),
                ),
              { concurrency: options.concurrency, discard: true },
            )
            if (masterOf(options) === undefined) yield* store.sync.replaceConflicts(options.pair, conflicts)

            // New documents on either side (and those a kept edit carries back), by the migration's steps.
            const tombstones = yield* store.sync.tombstones(options.pair)
            const buried = tombstoned(options.resync ? tombstones : [])
            const source = yield* PaperlessSource
            const papra = yield* PapraClient
            const unlinked = (pair: Pair, id: string) =>
              Effect.map(store.links.findTarget(pair, "document", id), Option.isNone)
            const again = yield* Effect.forEach([...carryAgain.paperless], (id) =>
              papra.documents.get(PapraDocumentId.make(id)),
            )
            const fromPapra = [...sides.newOnPapra, ...again]
            const carryFromPapra = (candidates: ReadonlyArray<PapraDocumentListItem>) =>
              forEachDocument(
                toPaperless,
                // A Papra document linked since the listing was carried from Paperless a moment ago.
                Stream.fromIterable(candidates).pipe(
                  Stream.filterEffect((document) =>
                    Effect.map(
                      unlinked(toPaperless.pair, document.id),
                      (free) => free && !buried(document.originalSha256Hash),
                    ),
                  ),
                ),
                (document) => carryToPaperless(toPaperless, document),
              )
            // An upload to Paperless that a killed run left half-done may be a Paperless document by
            // now, listed there as new: its resume links the two first, so it is not carried back.
            const resuming = new Set(
              (yield* store.journal.halfDone(toPaperless.pair))
                .filter((entry) => entry.operation === "upload")
                .map((entry) => entry.sourceId),
            )
            if (carriesFrom(options, "papra"))
              yield* carryFromPapra(fromPapra.filter((document) => resuming.has(document.id)))
            if (carriesFrom(options, "paperless")) {
              const ids = [...sides.newOnPaperless.map(String), ...carryAgain.papra]
              const documents = Stream.fromIterable(ids).pipe(
                Stream.filterEffect((id) => unlinked(toPapra.pair, id)),
                Stream.mapEffect((id) => source.document(Number(id))),
                Stream.filterMap((found) => found),
                Stream.filterEffect((document) =>
                  options.resync
                    ? Effect.map(source.fileChecksum(document, options.file), (checksum) => !buried(checksum))
                    : Effect.succeed(true),
                ),
              )
              yield* forEachDocument(toPapra, documents, (document: PaperlessDocument) =>
                carryToPapra(toPapra, document, papraIndex),
              )
            }
            if (carriesFrom(options, "papra"))
              yield* carryFromPapra(fromPapra.filter((document) => !resuming.has(document.id)))
            yield* writeRelations(toPapra)
            yield* writeRelations(toPaperless)
          }
          const states: ReadonlyArray<RunState> = [toPapra, toPaperless]
          for (const state of states) failures.push(...(yield* Ref.get(state.failures)))
          const summary: SyncSummary = {
            mode: options.mode,
            startedAt: DateTime.formatIso(startedAt),
            finishedAt: DateTime.formatIso(yield* DateTime.now),
            linked: counts,
            carried: {
              toPapra: yield* Ref.get(toPapra.counts),
              toPaperless: yield* Ref.get(toPaperless.counts),
            },
            conflicts,
            refused,
            failures,
            lossiness,
            notices: [
              ...definitionChanges,
              ...notices,
              ...[...(yield* Ref.get(toPapra.notices)), ...(yield* Ref.get(toPaperless.notices))].map(
                (notice) => `${notice.title}: ${notice.detail}`,
              ),
            ],
          }
          const reportPath = yield* writeReport(
            options.reportDirectory,
            run.id,
            summary as unknown as RunSummary,
          )
          return { summary, reportPath }
        }),
      (run, { summary, reportPath }) =>
        Effect.gen(function* () {
          const failed = summary.failures.length
          yield* store.runs.finish(run.id, {
            outcome: failed > 0 || summary.refused !== undefined ? "partial" : "ok",
            counts: {
              ...summary.linked.trashed,
              updated: summary.linked.updated,
              conflicts: summary.linked.conflicts,
              failed,
              uploaded: summary.carried.toPapra.uploaded + summary.carried.toPaperless.uploaded,
            },
            reportPath,
          })
          return { ...summary, runId: run.id, reportPath } satisfies SyncResult as SyncResult
        }),
    )
  })
