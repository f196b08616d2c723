import type { SyncSide } from "@paperbridge/mapping"
import type { Document as PaperlessDocument } from "@paperbridge/paperless"
import type { PapraDocumentListItem } from "@paperbridge/papra"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Ref from "effect/Ref"
import { reversed } from "../state/endpoints.js"
import { StateStore } from "../state/store.js"
import { scopedTempDirectory } from "../transfer/spool.js"
import { loadContext } from "./definitions.js"
import type { RunSummary } from "./events.js"
import {
  definitionsPhase,
  forEachDocument,
  forEachDocumentIntoPaperless,
  writeRelations,
  writeReport,
} from "./migrate.js"
import { papraFileIndex } from "./papra-index.js"
import { withRun } from "./run-lifecycle.js"
import { describeFailure, makeRunState, type RunState } from "./run-state.js"
import { applyLinked, type LinkedOutcome } from "./sync-apply.js"
import { definitionSyncLines, syncDefinitions } from "./sync-definitions.js"
import type { ConflictReport, LinkedCounts, SyncOptions, SyncResult, SyncSummary } from "./sync-options.js"
import type { SyncAction } from "./sync-plan.js"
import {
  carriesFrom,
  conflictReport,
  engineOptions,
  masterOf,
  newDocumentCandidates,
  readAndPlan,
} from "./sync-preview.js"
import { carryToPaperless } from "./to-paperless.js"
import { carryToPapra } from "./to-papra.js"

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

/**
 * `paperbridge sync`: one run keeping a Paperless-ngx instance and a Papra organization in step.
 * Definitions first (both ways), then every linked document planned against its base (the pure
 * `planSync`, through `readAndPlan`, which `sync --plan` shares) and carried out, then the
 * documents new on either side carried across by the migration's own steps, then document links.
 * A run the delete guard refuses writes no document.
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
          const { sides, plan, actions, titles } = yield* readAndPlan(options, {
            paperless: paperlessContext,
            papra: papraContext,
          })
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
            const candidates = yield* newDocumentCandidates(options, sides, carryAgain)
            const carryFromPapra = (documents: ReadonlyArray<PapraDocumentListItem>) =>
              forEachDocumentIntoPaperless(toPaperless, candidates.fromPapra(documents), (document) =>
                carryToPaperless(toPaperless, document),
              )
            // An upload to Paperless that a killed run left half-done may be a Paperless document by
            // now, listed there as new: its resume links the two first, so it is not carried back.
            const resuming = new Set(
              (yield* store.journal.halfDone(toPaperless.pair))
                .filter((entry) => entry.operation === "upload")
                .map((entry) => entry.sourceId),
            )
            if (carriesFrom(options, "papra"))
              yield* carryFromPapra(candidates.papra.filter((document) => resuming.has(document.id)))
            if (carriesFrom(options, "paperless"))
              yield* forEachDocument(toPapra, candidates.fromPaperless, (document: PaperlessDocument) =>
                carryToPapra(toPapra, document, papraIndex),
              )
            if (carriesFrom(options, "papra"))
              yield* carryFromPapra(candidates.papra.filter((document) => !resuming.has(document.id)))
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
