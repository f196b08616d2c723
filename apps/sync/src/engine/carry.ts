import type { DocumentLoss, PendingRelation } from "@paperbridge/mapping"
import { canonicalJson } from "@paperbridge/mapping"
import type * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { Link } from "../state/links.js"
import { snapshotHash } from "../state/snapshots.js"
import { StateStore } from "../state/store.js"
import type { TargetDifferences } from "./events.js"
import { forgetDocument } from "./forget.js"
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
  /**
   * The mapped notes are the document's whole list (a sync's merge): notes the target has beyond
   * them are deleted. Otherwise notes only grow, since a note cannot be told from a person's own.
   */
  readonly exactNotes?: boolean
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

/** What the base snapshot says about a linked document, before anything is asked of a server. */
export interface ChangeHint {
  /** The mapped metadata differs from the base (or there is no base). */
  readonly metadataMoved: boolean
  /** When the base was saved; undefined without one. */
  readonly baseSavedAt: DateTime.Utc | undefined
}

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
  /** The target server's name, for what the report says. */
  readonly targetName: "Papra" | "Paperless"
  /**
   * Whether the source's file differs from the one carried (looked at for linked documents only;
   * `hint` says what the base tells, for checks that cost a request). Absent where a source's file
   * cannot change (a Papra document's).
   */
  readonly fileChanged?: (link: Link, hint: ChangeHint) => Effect.Effect<boolean, E, R>
  /** Carries the source's new file and retires the old copy, moving the link to the new one. */
  readonly replace?: (link: Link) => Effect.Effect<Transferred, E, R>
}

/**
 * The one document step both directions share: unchanged since the last base → nothing; linked →
 * metadata; else the file once, then metadata. A linked document whose target copy was removed by
 * hand is carried anew, and one whose source file changed gets the new file (`replace`). The base
 * snapshot is saved only once the target carries everything, links to other documents included,
 * so an interrupted document is finished by the next run, never skipped.
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
    const duplicateOf = (moved: Extract<Transferred, { _tag: "Duplicate" }>): DocumentResult => ({
      ...base,
      outcome: "duplicate",
      targetId: moved.targetId,
      reason: steps.duplicateReason(moved.twinOf, moved.targetId),
    })
    let link = yield* store.links.findTarget(state.pair, "document", sourceId)
    let carriedAgain: string | undefined
    if (Option.isSome(link) && state.presentOnTarget?.has(link.value.targetId) === false) {
      carriedAgain = `its copy on ${steps.targetName} (${link.value.targetId}) was deleted or trashed there since the last run`
      yield* forgetDocument(state.pair, sourceId)
      link = Option.none()
    }
    let result: DocumentResult
    let applied: Applied
    if (Option.isSome(link)) {
      const targetId = link.value.targetId
      const previous = yield* store.snapshots.get(state.pair, sourceId)
      const unchanged =
        Option.isSome(previous) && previous.value.hash === snapshotHash(canonicalJson(steps.snapshot))
      const { fileChanged, replace } = steps
      const replacing =
        fileChanged !== undefined &&
        replace !== undefined &&
        (yield* fileChanged(link.value, {
          metadataMoved: !unchanged,
          baseSavedAt: Option.getOrUndefined(Option.map(previous, (base) => base.updatedAt)),
        }))
      if (replacing) {
        const moved = yield* replace(link.value)
        if (moved._tag === "Duplicate") return duplicateOf(moved)
        applied = yield* steps.apply(moved.targetId, { freshUpload: moved.outcome === "uploaded" })
        const retired = moved.targetId === targetId ? "" : `; the old copy ${targetId} is in its trash`
        result = {
          ...base,
          outcome: "file-replaced",
          targetId: moved.targetId,
          bytes: moved.bytes,
          reason: `the file changed on the source since it was carried: ${steps.targetName} has the new one as ${moved.targetId}${retired}`,
        }
      } else {
        if (unchanged) return { ...base, targetId }
        applied = yield* steps.apply(targetId, { freshUpload: false, unsettled: Option.isNone(previous) })
        result = { ...base, outcome: "updated", targetId }
      }
    } else {
      const moved = yield* steps.transfer
      if (moved._tag === "Duplicate") return duplicateOf(moved)
      applied = yield* steps.apply(moved.targetId, {
        freshUpload: moved.outcome === "uploaded",
        fillOnly: moved.outcome === "linked-existing",
      })
      result = { ...base, outcome: moved.outcome, targetId: moved.targetId, bytes: moved.bytes }
      if (carriedAgain !== undefined)
        result = {
          ...result,
          outcome: "carried-again",
          reason: `${carriedAgain}; carried anew as ${moved.targetId}`,
        }
      if (hasDifferences(applied.differences)) result = { ...result, targetDiffers: applied.differences }
    }
    if (mapping.pendingRelations.length === 0 && applied.settled)
      yield* store.snapshots.save(state.pair, sourceId, steps.snapshot)
    return result
  })
