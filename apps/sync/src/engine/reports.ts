import type { DefinitionCounts, Direction, LinkedWithDifferences } from "./events.js"

/** What `plan` found: what a migration would do, with nothing written anywhere. */
export interface PlanReport {
  readonly direction: Direction
  readonly definitions: DefinitionCounts
  readonly documents: {
    /** Source documents the filters select (with `--limit`: the ones looked at to find the next N). */
    readonly total: number
    /** Not linked yet: their files would be copied (or linked to an identical file already there). */
    readonly toCopy: number
    /** Of those, the ones whose identical file is already on the target (known without downloading). */
    readonly identicalOnTarget: number
    /** Linked, with metadata that changed since the last run. */
    readonly toUpdate: number
    readonly unchanged: number
    /** Linked, and the source's file changed since (a new Paperless 3.0 version): the file would be replaced. */
    readonly fileReplaced: number
    /** Linked, but the target's copy was deleted or trashed by hand: carried anew. */
    readonly goneFromTarget: number
    /** Failed in an earlier run; retried by the next one. */
    readonly retrying: number
  }
  /**
   * Of `identicalOnTarget`, the ones whose metadata on the target differs from the source: the
   * source's values will be written, the target's own kept where the source has none.
   */
  readonly linkedWithDifferences: ReadonlyArray<LinkedWithDifferences>
  /** The mapping's lossiness report, one line per finding. */
  readonly lossiness: ReadonlyArray<string>
}

export type DriftProblem = "missing-on-target" | "file-differs" | "metadata-differs" | "missing-on-source"

/** A linked document the last two-way sync left in conflict: `verify` lists it and does not check it. */
export interface VerifyConflict {
  readonly paperlessId: string
  readonly papraId: string
  readonly title: string
  /** When the sync that left it found it (ISO 8601). */
  readonly detectedAt: string
  /** The fields in conflict (or `file`), with their base and both sides' values. */
  readonly fields: ReadonlyArray<{
    readonly field: string
    readonly base: unknown
    readonly paperless: unknown
    readonly papra: unknown
  }>
}

/** What `verify` found comparing both sides of every link. */
export interface VerifyReport {
  readonly direction: Direction
  /** Links compared (documents in open conflict are not). */
  readonly checked: number
  readonly drift: ReadonlyArray<{
    readonly sourceId: string
    readonly targetId: string
    /**
     * The way this document was carried, and so checked: the report's direction, or on a synced
     * pair the other one (then `sourceId` is the other side's id).
     */
    readonly direction: Direction
    readonly problem: DriftProblem
    readonly detail: string
  }>
  /** Documents in open sync conflict: left as they are on both sides, not counted as drift. */
  readonly conflicts: ReadonlyArray<VerifyConflict>
}
