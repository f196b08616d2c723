import type { DocumentLoss, PendingRelation } from "@paperbridge/mapping"
import { canonicalJson } from "@paperbridge/mapping"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { snapshotHash } from "../state/snapshots.js"
import { StateStore } from "../state/store.js"
import type { TargetDifferences } from "./events.js"
import type { DocumentResult, RunState } from "./run-state.js"

export type { TargetDifferences } from "./events.js"

/** What `transfer` did with a document's file on the target. */
export type Transferred =
  | { readonly _tag: "Duplicate"; readonly targetId: string; readonly twinOf: string; readonly bytes: number }
  | {
      readonly _tag: "Linked"
      readonly targetId: string
      readonly outcome: "uploaded" | "linked-existing"
      readonly bytes: number
    }

/** What `apply` may change on the target. */
export interface ApplyOptions {
  /** paperbridge uploaded the file just now: the target takes exactly the mapping. */
  readonly freshUpload: boolean
  /**
   * The file was on the target before paperbridge linked it (someone put it there): write what the
   * source has, keep what only the target has.
   */
  readonly fillOnly?: boolean
  /** No base saved yet: what an earlier run wrote may not have settled (Papra's late extraction). */
  readonly unsettled?: boolean
}

export interface Applied {
  /**
   * False when the target may still undo a write on its own (Papra's text extraction had not run):
   * no base is saved, so the next run looks again.
   */
  readonly settled: boolean
  readonly differences?: TargetDifferences | undefined
}

export const hasDifferences = (
  differences: TargetDifferences | undefined,
): differences is TargetDifferences =>
  differences !== undefined && differences.replaced.length + differences.kept.length > 0

export interface CarrySteps<E, R> {
  readonly sourceId: string
  readonly title: string
  readonly mapping: {
    readonly losses: ReadonlyArray<DocumentLoss>
    readonly pendingRelations: ReadonlyArray<PendingRelation>
  }
  /** The source's mapped metadata: the base the next run compares with. */
  readonly snapshot: unknown
  readonly transfer: Effect.Effect<Transferred, E, R>
  readonly apply: (targetId: string, options: ApplyOptions) => Effect.Effect<Applied, E, R>
  readonly duplicateReason: (twinOf: string, targetId: string) => string
}

/**
 * The one document step both directions share: unchanged since the last base → nothing; linked →
 * metadata; else the file once, then metadata. The base snapshot is saved only once the target
 * carries everything, links to other documents included, so an interrupted document is finished
 * by the next run, never skipped.
 */
export const carryDocument = <E, R>(state: RunState, steps: CarrySteps<E, R>) =>
  Effect.gen(function* () {
    const store = yield* StateStore
    const { sourceId, mapping } = steps
    const base: DocumentResult = {
      sourceId,
      title: steps.title,
      outcome: "unchanged",
      losses: mapping.losses,
      pendingRelations: mapping.pendingRelations.length > 0,
    }
    const link = yield* store.links.findTarget(state.pair, "document", sourceId)
    let result: DocumentResult
    let applied: Applied
    if (Option.isSome(link)) {
      const targetId = link.value.targetId
      const previous = yield* store.snapshots.get(state.pair, sourceId)
      if (Option.isSome(previous) && previous.value.hash === snapshotHash(canonicalJson(steps.snapshot)))
        return { ...base, targetId }
      applied = yield* steps.apply(targetId, { freshUpload: false, unsettled: Option.isNone(previous) })
      result = { ...base, outcome: "updated", targetId }
    } else {
      const moved = yield* steps.transfer
      if (moved._tag === "Duplicate")
        return {
          ...base,
          outcome: "duplicate",
          targetId: moved.targetId,
          reason: steps.duplicateReason(moved.twinOf, moved.targetId),
        } satisfies DocumentResult
      applied = yield* steps.apply(moved.targetId, {
        freshUpload: moved.outcome === "uploaded",
        fillOnly: moved.outcome === "linked-existing",
      })
      result = { ...base, outcome: moved.outcome, targetId: moved.targetId, bytes: moved.bytes }
      if (hasDifferences(applied.differences)) result = { ...result, targetDiffers: applied.differences }
    }
    if (mapping.pendingRelations.length === 0 && applied.settled)
      yield* store.snapshots.save(state.pair, sourceId, steps.snapshot)
    return result
  })
