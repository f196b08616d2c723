import * as Data from "effect/Data"
import type { EntityKind, Pair } from "./endpoints.js"

const describe = (cause: unknown): string => {
  if (cause instanceof Error) {
    const inner = "cause" in cause && cause.cause instanceof Error ? `: ${cause.cause.message}` : ""
    return `${cause.message}${inner}`
  }
  return String(cause)
}

/** The state file could not be opened, migrated, read or written. */
export class StateStoreError extends Data.TaggedError("StateStoreError")<{
  readonly operation: string
  readonly path: string
  readonly cause: unknown
}> {
  override get message() {
    return `state store ${this.path}: could not ${this.operation}: ${describe(this.cause)}`
  }
}

/**
 * A link would map an id that is already linked to a different partner. Linking it anyway would
 * let one document stand for two, so the engine must stop and report instead.
 */
export class LinkConflictError extends Data.TaggedError("LinkConflictError")<{
  readonly kind: EntityKind
  readonly pair: Pair
  readonly sourceId: string
  readonly targetId: string
  readonly linkedSourceId: string | undefined
  readonly linkedTargetId: string | undefined
}> {
  override get message() {
    const existing =
      this.linkedTargetId !== undefined
        ? `${this.sourceId} is already linked to ${this.linkedTargetId}`
        : `${this.targetId} is already linked to ${this.linkedSourceId}`
    return `cannot link ${this.kind} ${this.sourceId} (${this.pair.source}) to ${this.targetId} (${this.pair.target}): ${existing}`
  }
}

/**
 * Another run holds the pair's lease: two runs at once would both carry each document. The lease
 * is renewed while that run lives and runs out shortly after it stops, however it stopped.
 */
export class RunInProgressError extends Data.TaggedError("RunInProgressError")<{
  readonly pair: Pair
  readonly runId: string
  /** Who holds the lease: its process and machine. */
  readonly holder: string
  /** When the lease runs out unless its run renews it (ISO 8601). */
  readonly until: string
}> {
  override get message() {
    return `run ${this.runId} (${this.holder}) is working on ${this.pair.source} → ${this.pair.target}: it holds the pair until ${this.until} and renews that while it runs; wait for it to finish, or, if it was stopped, until then`
  }
}

/** A run's lease lapsed (it was not renewed in time) and another run took the pair over. */
export class RunLeaseLost extends Data.TaggedError("RunLeaseLost")<{ readonly runId: string }> {
  override get message() {
    return `run ${this.runId} lost its hold on the pair to another run (its lease was not renewed in time) and stopped, so that two runs never work at once`
  }
}
