import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Struct from "effect/Struct"
import { DEFAULT_STATE_PATH, openDatabase } from "./database.js"
import { failureOperations } from "./failures.js"
import { journalOperations } from "./journal.js"
import { knownFileOperations } from "./known-files.js"
import { linkOperations } from "./links.js"
import { runOperations } from "./runs.js"
import { snapshotOperations } from "./snapshots.js"

const make = (path: string) =>
  Effect.gen(function* () {
    const db = yield* openDatabase(path)
    const allLinks = linkOperations(db)
    const snapshots = snapshotOperations(db, allLinks)
    const failures = failureOperations(db)
    const journal = journalOperations(db, allLinks, snapshots, failures)
    const { saveCheckpoint, getCheckpoint, clearCheckpoint, ...runs } = runOperations(db)
    return {
      path: db.path,
      /** Runs several store operations as one: all of them are written, or none. */
      transaction: db.transaction,
      links: Struct.omit(allLinks, "linkIdOf"),
      snapshots,
      journal,
      failures,
      knownFiles: knownFileOperations(db),
      runs,
      checkpoints: { save: saveCheckpoint, get: getCheckpoint, clear: clearCheckpoint },
    }
  })

/**
 * The sync state file: links, base snapshots, the operation journal, failures, checkpoints and run
 * history. It never holds a secret: nothing here accepts credentials, and endpoints drop them.
 */
export class StateStore extends Context.Tag("@paperbridge/sync/StateStore")<
  StateStore,
  Effect.Effect.Success<ReturnType<typeof make>>
>() {
  /** Opens (creating and migrating as needed) the state file; closes it with the layer's scope. */
  static readonly layer = (options: { readonly path?: string | undefined } = {}) =>
    Layer.scoped(StateStore, make(options.path ?? DEFAULT_STATE_PATH))
}
