import * as SqlSchema from "@effect/sql/SqlSchema"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type { Database } from "./database.js"
import { Endpoint, EntityKind, type Pair } from "./endpoints.js"
import type { LinkConflictError, StateStoreError } from "./errors.js"
import type { FailureOperations } from "./failures.js"
import type { Link, LinkOperations } from "./links.js"
import type { SnapshotOperations } from "./snapshots.js"

/** Calls that would duplicate something if repeated blindly after a crash. */
export const JournalOperation = Schema.Literal("upload", "create")
export type JournalOperation = typeof JournalOperation.Type

export const JournalState = Schema.Literal("pending", "done", "failed")
export type JournalState = typeof JournalState.Type

/**
 * Written before a non-idempotent call and settled after it. An entry still `pending` when a run
 * starts is half-done: the call may or may not have reached the server, so the engine looks the
 * target up (Papra: SHA-256; Paperless: task id, then checksum) instead of calling again.
 */
export class JournalEntry extends Schema.Class<JournalEntry>("JournalEntry")({
  id: Schema.Number,
  runId: Schema.NullOr(Schema.String),
  sourceEndpoint: Endpoint,
  targetEndpoint: Endpoint,
  kind: EntityKind,
  operation: JournalOperation,
  sourceId: Schema.String,
  idempotencyKey: Schema.String,
  state: JournalState,
  sha256: Schema.NullOr(Schema.String),
  md5: Schema.NullOr(Schema.String),
  size: Schema.NullOr(Schema.Number),
  taskId: Schema.NullOr(Schema.String),
  targetId: Schema.NullOr(Schema.String),
  error: Schema.NullOr(Schema.String),
  attempts: Schema.Number,
  createdAt: Schema.DateTimeUtc,
  updatedAt: Schema.DateTimeUtc,
}) {}

export interface NewJournalEntry {
  readonly kind: EntityKind
  readonly operation: JournalOperation
  readonly sourceId: string
  /** Defaults to operation, kind, source id and SHA-256: the same file for the same source entity. */
  readonly idempotencyKey?: string | undefined
  readonly runId?: string | null | undefined
  readonly sha256?: string | null | undefined
  readonly md5?: string | null | undefined
  readonly size?: number | null | undefined
}

/**
 * - `Started`: go ahead with the call (a new entry, or a retry of a failed one: `attempts` > 1, and
 *   `taskId`/`targetId` keep what the failed attempt learnt).
 * - `HalfDone`: an earlier call with the same key never settled; reconcile before calling again.
 * - `AlreadyDone`: the call succeeded before; `targetId` says where its result lives.
 */
export type JournalBegin =
  | { readonly _tag: "Started"; readonly entry: JournalEntry }
  | { readonly _tag: "HalfDone"; readonly entry: JournalEntry }
  | { readonly _tag: "AlreadyDone"; readonly entry: JournalEntry }

export interface JournalCompletion {
  readonly targetId: string
  /** Link the source to the target in the same transaction (the usual case). */
  readonly link?:
    | { readonly sha256?: string | null | undefined; readonly md5?: string | null | undefined }
    | undefined
  /** The mapped metadata now on both sides: saved as the document's base snapshot. */
  readonly snapshot?: unknown
}

export const defaultIdempotencyKey = (entry: NewJournalEntry): string =>
  [entry.operation, entry.kind, entry.sourceId, entry.sha256 ?? ""].join(":")

/**
 * The write-ahead journal of calls that create something on a target (uploads, creates), so a run
 * cut off between the call and its checkpoint can tell what happened instead of creating it twice.
 */
export interface JournalOperations {
  /**
   * Opens an entry for a call about to be made, keyed by its idempotency key: `Started` for a new
   * (or retried failed) entry, `HalfDone` when an earlier call may have reached the server,
   * `AlreadyDone` when it did.
   */
  readonly begin: (pair: Pair, input: NewJournalEntry) => Effect.Effect<JournalBegin, StateStoreError>
  /** Keeps the Paperless consumption task id, as soon as the upload answered with it. */
  readonly recordTask: (id: number, taskId: string) => Effect.Effect<JournalEntry, StateStoreError>
  /** Keeps the created entity's id, as soon as it is known (before linking, in case linking fails). */
  readonly recordTarget: (id: number, targetId: string) => Effect.Effect<JournalEntry, StateStoreError>
  /**
   * Settles an entry as done and, in the same transaction, links the entity, stores its base
   * snapshot and clears any recorded failure: after a crash either all of it happened or none.
   */
  readonly complete: (
    id: number,
    completion: JournalCompletion,
  ) => Effect.Effect<
    { readonly entry: JournalEntry; readonly link: Link | undefined },
    StateStoreError | LinkConflictError
  >
  /** Settles an entry as failed and records the failure for the next run to retry. */
  readonly fail: (id: number, reason: string) => Effect.Effect<JournalEntry, StateStoreError>
  /**
   * Settles an entry whose Paperless consumption failed and forgets its task, so the next run posts
   * the file again instead of following the same dead task forever. (The caller records the
   * document's failure with the server's reason.)
   */
  readonly abandonTask: (id: number, reason: string) => Effect.Effect<JournalEntry, StateStoreError>
  /** Entries whose call may or may not have reached the server: reconcile these before anything else. */
  readonly halfDone: (pair: Pair) => Effect.Effect<ReadonlyArray<JournalEntry>, StateStoreError>
  /**
   * The source ids of `kind` whose upload or create under `pair` settled: the entities carried that
   * way. A link reads the same from either direction, so this is where the way it was made is kept.
   */
  readonly carriedFrom: (pair: Pair, kind: EntityKind) => Effect.Effect<ReadonlySet<string>, StateStoreError>
  /** One entry by id. */
  readonly get: (id: number) => Effect.Effect<JournalEntry, StateStoreError>
}

export const journalOperations = (
  db: Database,
  links: LinkOperations,
  snapshots: SnapshotOperations,
  failures: FailureOperations,
): JournalOperations => {
  const { sql } = db
  const now = Effect.map(DateTime.now, DateTime.formatIso)

  const byId = (id: number) =>
    db.guard(
      "read a journal entry",
      SqlSchema.single({
        Request: Schema.Number,
        Result: JournalEntry,
        execute: (entryId) => sql`SELECT * FROM journal WHERE id = ${entryId}`,
      })(id),
    )

  const byKey = (pair: Pair, key: string) =>
    db.guard(
      "read a journal entry",
      SqlSchema.findOne({
        Request: Schema.String,
        Result: JournalEntry,
        execute: (idempotencyKey) =>
          sql`SELECT * FROM journal WHERE source_endpoint = ${pair.source} AND target_endpoint = ${pair.target}
              AND idempotency_key = ${idempotencyKey}`,
      })(key),
    )

  /** The usual case in one statement: a new key inserts its entry, a known one inserts nothing. */
  const insertNew = (pair: Pair, input: NewJournalEntry, key: string, timestamp: string) =>
    db.guard(
      "write a journal entry",
      SqlSchema.findOne({
        Request: Schema.Void,
        Result: JournalEntry,
        execute: () =>
          sql`INSERT INTO journal ${sql.insert({
            runId: input.runId ?? null,
            sourceEndpoint: pair.source,
            targetEndpoint: pair.target,
            kind: input.kind,
            operation: input.operation,
            sourceId: input.sourceId,
            idempotencyKey: key,
            state: "pending",
            sha256: input.sha256 ?? null,
            md5: input.md5 ?? null,
            size: input.size ?? null,
            attempts: 1,
            createdAt: timestamp,
            updatedAt: timestamp,
          })} ON CONFLICT (source_endpoint, target_endpoint, idempotency_key) DO NOTHING RETURNING *`,
      })(undefined),
    )

  const resume = (pair: Pair, input: NewJournalEntry, key: string, timestamp: string) =>
    db.transaction(
      Effect.gen(function* () {
        // The insert found this key taken, so the row is there (inside the transaction: no lock taken twice).
        const entry = yield* db.guard("read a journal entry", Effect.flatten(byKey(pair, key)))
        if (entry.state === "pending") return { _tag: "HalfDone", entry } as const
        if (entry.state === "done") return { _tag: "AlreadyDone", entry } as const
        yield* db.guard(
          "restart a journal entry",
          sql`UPDATE journal SET state = 'pending', error = NULL, attempts = attempts + 1,
              run_id = ${input.runId ?? entry.runId}, updated_at = ${timestamp} WHERE id = ${entry.id}`,
        )
        return { _tag: "Started", entry: yield* byId(entry.id) } as const
      }),
    )

  const begin = (pair: Pair, input: NewJournalEntry): Effect.Effect<JournalBegin, StateStoreError> =>
    Effect.gen(function* () {
      const key = input.idempotencyKey ?? defaultIdempotencyKey(input)
      const timestamp = yield* now
      const inserted = yield* insertNew(pair, input, key, timestamp)
      if (Option.isSome(inserted)) return { _tag: "Started", entry: inserted.value } as const
      return yield* resume(pair, input, key, timestamp)
    })

  const setColumn = (id: number, column: "taskId" | "targetId", value: string) =>
    Effect.flatMap(now, (timestamp) =>
      db.guard(
        "update a journal entry",
        sql`UPDATE journal SET ${sql(column)} = ${value}, updated_at = ${timestamp} WHERE id = ${id}`,
      ),
    ).pipe(Effect.zipRight(byId(id)))

  const recordTask = (id: number, taskId: string) => setColumn(id, "taskId", taskId)

  const recordTarget = (id: number, targetId: string) => setColumn(id, "targetId", targetId)

  const complete = (id: number, completion: JournalCompletion) =>
    db.transaction(
      Effect.gen(function* () {
        const timestamp = yield* now
        // What the caller gets back is the settled row itself: nothing below changes it again.
        const entry = yield* db.guard(
          "complete a journal entry",
          SqlSchema.single({
            Request: Schema.Number,
            Result: JournalEntry,
            execute: (entryId) =>
              sql`UPDATE journal SET state = 'done', target_id = ${completion.targetId}, error = NULL,
                  updated_at = ${timestamp} WHERE id = ${entryId} RETURNING *`,
          })(id),
        )
        const pair = { source: entry.sourceEndpoint, target: entry.targetEndpoint }
        let link: Link | undefined
        if (completion.link !== undefined) {
          link = yield* links.link(pair, {
            kind: entry.kind,
            sourceId: entry.sourceId,
            targetId: completion.targetId,
            sha256: completion.link.sha256 ?? entry.sha256 ?? undefined,
            md5: completion.link.md5 ?? entry.md5 ?? undefined,
          })
          if (completion.snapshot !== undefined)
            yield* snapshots.save(pair, entry.sourceId, completion.snapshot)
        }
        yield* failures.clear(pair, entry.kind, entry.sourceId)
        return { entry, link }
      }),
    )

  const fail = (id: number, reason: string) =>
    db.transaction(
      Effect.gen(function* () {
        const entry = yield* byId(id)
        yield* db.guard(
          "fail a journal entry",
          sql`UPDATE journal SET state = 'failed', error = ${reason}, updated_at = ${yield* now} WHERE id = ${id}`,
        )
        yield* failures.record(
          { source: entry.sourceEndpoint, target: entry.targetEndpoint },
          { kind: entry.kind, sourceId: entry.sourceId, reason, runId: entry.runId ?? undefined },
        )
        return yield* byId(id)
      }),
    )

  const abandonTask = (id: number, reason: string) =>
    Effect.flatMap(now, (timestamp) =>
      db.guard(
        "settle a failed consumption",
        sql`UPDATE journal SET state = 'failed', task_id = NULL, error = ${reason}, updated_at = ${timestamp}
            WHERE id = ${id}`,
      ),
    ).pipe(Effect.zipRight(byId(id)))

  const halfDone = (pair: Pair) =>
    db.guard(
      "list half-done journal entries",
      SqlSchema.findAll({
        Request: Schema.Void,
        Result: JournalEntry,
        execute: () =>
          sql`SELECT * FROM journal WHERE source_endpoint = ${pair.source} AND target_endpoint = ${pair.target}
              AND state = 'pending' ORDER BY id`,
      })(undefined),
    )

  const carriedFrom = (pair: Pair, kind: EntityKind) =>
    db.guard(
      "list settled journal entries",
      SqlSchema.findAll({
        Request: Schema.Void,
        Result: Schema.Struct({ sourceId: Schema.String }),
        execute: () =>
          sql`SELECT DISTINCT source_id FROM journal WHERE source_endpoint = ${pair.source}
              AND target_endpoint = ${pair.target} AND kind = ${kind} AND state = 'done'`,
      })(undefined).pipe(Effect.map((rows) => new Set(rows.map((row) => row.sourceId)))),
    )

  return { begin, recordTask, recordTarget, complete, fail, abandonTask, halfDone, carriedFrom, get: byId }
}
