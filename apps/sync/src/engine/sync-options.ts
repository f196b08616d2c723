import type { ConflictPolicy, SnapshotField, SyncSide } from "@paperbridge/mapping"
import type { Pair } from "../state/endpoints.js"
import type { BridgeDirection, DocumentOutcome, RunSummary } from "./events.js"
import type { EngineOptions } from "./options.js"
import type { DeleteGuard } from "./sync-plan.js"

/**
 * `paperbridge sync`: both ways (`two-way`), or one way with the source as master
 * (`--direction paperless-to-papra` or the reverse) for the transition months.
 */
export type SyncMode = "two-way" | BridgeDirection

export interface SyncOptions extends Omit<EngineOptions, "direction" | "pair" | "filters"> {
  /** The pair as Paperless → Papra: links, base snapshots and the run's lease are kept under it. */
  readonly pair: Pair
  readonly mode: SyncMode
  /** `--conflict`: how a field changed differently on both sides is settled (default `fail`). */
  readonly conflict: ConflictPolicy
  /** `--max-delete` / `--force-delete`. */
  readonly guard: DeleteGuard
  /** `--resync`: rebuild links by content hash; nothing is deleted on either side. */
  readonly resync: boolean
  readonly reportDirectory: string
}

/** One scalar field changed differently on both sides, left as it is on both until settled. */
export interface ConflictReport {
  readonly paperlessId: string
  readonly papraId: string
  readonly title: string
  readonly fields: ReadonlyArray<{
    readonly field: SnapshotField | "file"
    readonly base: unknown
    readonly paperless: unknown
    readonly papra: unknown
  }>
}

/** What a sync did to linked documents, by what happened. */
export interface LinkedCounts {
  readonly unchanged: number
  /** Written on one side or both (a clean merge, or one side's change carried). */
  readonly updated: number
  /** A new Paperless version carried to Papra as a new file. */
  readonly fileReplaced: number
  readonly conflicts: number
  /** Trashed on this side because it was deleted on the other. */
  readonly trashed: Readonly<Record<SyncSide, number>>
  /** Deleted on one side while edited on the other: the edit was kept and the document brought back. */
  readonly keptEdited: number
  /** Gone from both sides: the link was dropped, a tombstone kept. */
  readonly forgotten: number
  readonly failed: number
}

export interface SyncSummary {
  readonly mode: SyncMode
  readonly startedAt: string
  readonly finishedAt: string
  readonly linked: LinkedCounts
  /** New documents carried each way (the migration path). */
  readonly carried: {
    readonly toPapra: Readonly<Record<DocumentOutcome, number>>
    readonly toPaperless: Readonly<Record<DocumentOutcome, number>>
  }
  readonly conflicts: ReadonlyArray<ConflictReport>
  /** The delete guard stopped the run before any write. */
  readonly refused?: { readonly side: SyncSide; readonly reason: string } | undefined
  readonly failures: RunSummary["failures"]
  readonly lossiness: ReadonlyArray<string>
  /** One line per document that needed special handling (kept edited, restored, replaced). */
  readonly notices: ReadonlyArray<string>
}

export type SyncResult = SyncSummary & { readonly runId: string; readonly reportPath: string }
