import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import * as Struct from "effect/Struct"
import { type Database, DEFAULT_STATE_PATH, openDatabase } from "./database.js"
import { type DefinitionBaseOperations, definitionBaseOperations } from "./definition-bases.js"
import type { StateStoreError } from "./errors.js"
import { type FailureOperations, failureOperations } from "./failures.js"
import { type JournalOperations, journalOperations } from "./journal.js"
import { type KnownFileOperations, knownFileOperations } from "./known-files.js"
import { type LinkOperations, linkOperations } from "./links.js"
import { type CheckpointOperations, type RunHistory, runOperations } from "./runs.js"
import { type ScheduleOperations, scheduleOperations } from "./schedule.js"
import { type SnapshotOperations, snapshotOperations } from "./snapshots.js"
import { type SyncRecordOperations, syncRecordOperations } from "./sync-records.js"

/** What the state store offers, declared so that a change to an operation group shows here first. */
export interface StateStoreService {
  /** The state file's path. */
  readonly path: string
  /** Runs several store operations as one: all of them are written, or none. */
  readonly transaction: Database["transaction"]
  readonly links: LinkOperations
  readonly snapshots: SnapshotOperations
  readonly definitionBases: DefinitionBaseOperations
  readonly journal: JournalOperations
  readonly failures: FailureOperations
  readonly knownFiles: KnownFileOperations
  readonly runs: RunHistory
  readonly checkpoints: CheckpointOperations
  /** Tombstones and open conflicts of synced pairs. */
  readonly sync: SyncRecordOperations
  readonly schedule: ScheduleOperations
}

const make = (path: string): Effect.Effect<StateStoreService, StateStoreError, Scope.Scope> =>
  Effect.gen(function* () {
    const db = yield* openDatabase(path)
    const allLinks = linkOperations(db)
    const snapshots = snapshotOperations(db, allLinks)
    const failures = failureOperations(db)
    const journal = journalOperations(db, allLinks, snapshots, failures)
    const { saveCheckpoint, getCheckpoint, clearCheckpoint, ...runs } = runOperations(db)
    return {
      path: db.path,
      transaction: db.transaction,
      links: Struct.omit(allLinks, "linkIdQuery"),
      snapshots,
      definitionBases: definitionBaseOperations(db, allLinks),
      journal,
      failures,
      knownFiles: knownFileOperations(db),
      runs,
      checkpoints: { save: saveCheckpoint, get: getCheckpoint, clear: clearCheckpoint },
      sync: syncRecordOperations(db),
      schedule: scheduleOperations(db),
    }
  })

/**
 * The sync state file: links, base snapshots, the operation journal, failures, checkpoints and run
 * history. It never holds a secret: nothing here accepts credentials, and endpoints drop them.
 */
export class StateStore extends Context.Tag("@paperbridge/sync/StateStore")<StateStore, StateStoreService>() {
  /** Opens (creating and migrating as needed) the state file; closes it with the layer's scope. */
  static readonly layer = (options: { readonly path?: string | undefined } = {}) =>
    Layer.scoped(StateStore, make(options.path ?? DEFAULT_STATE_PATH))
}
