import type { MappingContext } from "@paperbridge/mapping"
import * as Effect from "effect/Effect"
import * as Ref from "effect/Ref"
import type { Pair } from "../state/endpoints.js"
import { StateStore } from "../state/store.js"
import type { SpooledFile } from "../transfer/spool.js"
import {
  type DocumentNotice,
  type DocumentOutcome,
  emptyOutcomeCounts,
  type LinkedWithDifferences,
  type SyncEvent,
  type TargetDifferences,
} from "./events.js"
import type { EngineOptions } from "./options.js"
import { stopIfServerGone } from "./server-gone.js"

/** What one run carries from document to document. */
export interface RunState {
  readonly runId: string
  readonly pair: Pair
  readonly options: EngineOptions
  readonly context: MappingContext
  readonly tempDirectory: string
  readonly counts: Ref.Ref<Record<DocumentOutcome, number>>
  readonly bytes: Ref.Ref<number>
  readonly failures: Ref.Ref<
    ReadonlyArray<{ readonly sourceId: string; readonly title: string; readonly reason: string }>
  >
  readonly losses: Ref.Ref<ReadonlyMap<string, number>>
  /** Source documents whose links to other documents could not be written yet. */
  readonly pendingRelations: Ref.Ref<ReadonlySet<string>>
  readonly linkedWithDifferences: Ref.Ref<ReadonlyArray<LinkedWithDifferences>>
  readonly notices: Ref.Ref<ReadonlyArray<DocumentNotice>>
  /**
   * The target documents that are there (not deleted, not in the trash), listed when the run
   * started; undefined when nothing was linked yet. A linked document missing here was removed
   * by hand and is carried anew.
   */
  readonly presentOnTarget: ReadonlySet<string> | undefined
  /** Every source document this run looked at (mutable: copying it per document would be quadratic). */
  readonly seen: Set<string>
}

export const makeRunState = (
  input: Omit<
    RunState,
    | "counts"
    | "bytes"
    | "failures"
    | "losses"
    | "pendingRelations"
    | "linkedWithDifferences"
    | "notices"
    | "seen"
  >,
) =>
  Effect.all({
    counts: Ref.make(emptyOutcomeCounts()),
    bytes: Ref.make(0),
    failures: Ref.make<RunState["failures"] extends Ref.Ref<infer A> ? A : never>([]),
    losses: Ref.make<ReadonlyMap<string, number>>(new Map()),
    pendingRelations: Ref.make<ReadonlySet<string>>(new Set()),
    linkedWithDifferences: Ref.make<ReadonlyArray<LinkedWithDifferences>>([]),
    notices: Ref.make<ReadonlyArray<DocumentNotice>>([]),
  }).pipe(Effect.map((refs): RunState => ({ ...input, ...refs, seen: new Set() })))

export interface DocumentResult {
  readonly sourceId: string
  readonly title: string
  readonly outcome: DocumentOutcome
  readonly targetId?: string
  readonly bytes?: number
  readonly reason?: string
  readonly losses?: ReadonlyArray<{ readonly field: string; readonly reason: string }>
  readonly pendingRelations?: boolean
  readonly targetDiffers?: TargetDifferences
}

/** Counts one document's result and tells the listener. */
export const record = (state: RunState, result: DocumentResult) =>
  Effect.gen(function* () {
    yield* Ref.update(state.counts, (counts) => ({ ...counts, [result.outcome]: counts[result.outcome] + 1 }))
    if (result.bytes !== undefined) yield* Ref.update(state.bytes, (bytes) => bytes + (result.bytes ?? 0))
    if (result.outcome === "failed")
      yield* Ref.update(state.failures, (failures) => [
        ...failures,
        { sourceId: result.sourceId, title: result.title, reason: result.reason ?? "unknown" },
      ])
    if (result.losses !== undefined && result.losses.length > 0)
      yield* Ref.update(state.losses, (losses) => {
        const next = new Map(losses)
        for (const loss of result.losses ?? []) {
          const line = `${loss.field}: ${loss.reason}`
          next.set(line, (next.get(line) ?? 0) + 1)
        }
        return next
      })
    const differs = result.targetDiffers
    if (differs !== undefined && result.targetId !== undefined) {
      const entry = { sourceId: result.sourceId, targetId: result.targetId, title: result.title, ...differs }
      yield* Ref.update(state.linkedWithDifferences, (entries) => [...entries, entry])
    }
    if (result.outcome === "file-replaced" || result.outcome === "carried-again") {
      const notice: DocumentNotice = {
        sourceId: result.sourceId,
        title: result.title,
        outcome: result.outcome,
        targetId: result.targetId,
        detail: result.reason ?? "",
      }
      yield* Ref.update(state.notices, (notices) => [...notices, notice])
    }
    state.seen.add(result.sourceId)
    yield* Ref.update(state.pendingRelations, (pending) => {
      const next = new Set(pending)
      if (result.pendingRelations === true) next.add(result.sourceId)
      else next.delete(result.sourceId)
      return next
    })
    const event: SyncEvent = {
      type: "document",
      sourceId: result.sourceId,
      title: result.title,
      outcome: result.outcome,
      ...(result.targetId === undefined ? {} : { targetId: result.targetId }),
      ...(result.bytes === undefined ? {} : { bytes: result.bytes }),
      ...(result.reason === undefined ? {} : { reason: result.reason }),
      ...(differs === undefined ? {} : { targetDiffers: differs }),
    }
    yield* state.options.onEvent(event)
  })

/** A failure as a person should read it: the typed error's message, never a secret-bearing dump. */
export const describeFailure = (error: unknown): string => {
  if (
    typeof error === "object" &&
    error !== null &&
    "message" in error &&
    typeof error.message === "string" &&
    error.message !== ""
  )
    return error.message
  if (typeof error === "object" && error !== null && "_tag" in error) return String(error._tag)
  return String(error)
}

/**
 * The end of a document that could not be carried: the failure is recorded (the next run retries
 * it) and reported; the run goes on. Unless a server went away: then the run stops, and this
 * document, like those not reached yet, is left for the next run.
 */
export const recordFailure = (state: RunState, sourceId: string, title: string) => (error: unknown) =>
  Effect.gen(function* () {
    yield* stopIfServerGone(error)
    const store = yield* StateStore
    const reason = describeFailure(error)
    yield* store.failures.record(state.pair, { kind: "document", sourceId, reason, runId: state.runId })
    return { sourceId, title, outcome: "failed", reason } satisfies DocumentResult
  })

/** The journal entry written before a file is sent: keyed by the source document and the file's hash. */
export const beginUpload = (state: RunState, sourceId: string, file: SpooledFile) =>
  Effect.flatMap(StateStore, (store) =>
    store.journal.begin(state.pair, {
      kind: "document",
      operation: "upload",
      sourceId,
      runId: state.runId,
      sha256: file.sha256,
      md5: file.md5,
      size: file.size,
    }),
  )
