import * as SqlSchema from "@effect/sql/SqlSchema"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { Database } from "./database.js"
import { Endpoint, EntityKind, type Pair } from "./endpoints.js"
import type { StateStoreError } from "./errors.js"

/** An entity that could not be carried; the next run retries exactly these. */
export class EntityFailure extends Schema.Class<EntityFailure>("EntityFailure")({
  sourceEndpoint: Endpoint,
  targetEndpoint: Endpoint,
  kind: EntityKind,
  sourceId: Schema.String,
  reason: Schema.String,
  attempts: Schema.Number,
  runId: Schema.NullOr(Schema.String),
  firstFailedAt: Schema.DateTimeUtc,
  lastFailedAt: Schema.DateTimeUtc,
}) {}

export interface NewFailure {
  readonly kind: EntityKind
  readonly sourceId: string
  readonly reason: string
  readonly runId?: string | null | undefined
}

/** The entities that failed to carry, kept per pair so the next run retries them and reports say why. */
export interface FailureOperations {
  /** Counts one more failed attempt of an entity; the reason kept is the latest one. */
  readonly record: (pair: Pair, failure: NewFailure) => Effect.Effect<void, StateStoreError>
  /** Forgets an entity's failure, once it carried; a no-op when none was recorded. */
  readonly clear: (pair: Pair, kind: EntityKind, sourceId: string) => Effect.Effect<void, StateStoreError>
  /** Every recorded failure of the pair. */
  readonly list: (pair: Pair) => Effect.Effect<ReadonlyArray<EntityFailure>, StateStoreError>
}

export const failureOperations = (db: Database): FailureOperations => {
  const { sql } = db

  const record = (pair: Pair, failure: NewFailure) =>
    Effect.flatMap(DateTime.now, (now) =>
      db.guard(
        "record a failure",
        sql`INSERT INTO failures (source_endpoint, target_endpoint, kind, source_id, reason, attempts, run_id,
              first_failed_at, last_failed_at)
            VALUES (${pair.source}, ${pair.target}, ${failure.kind}, ${failure.sourceId}, ${failure.reason}, 1,
              ${failure.runId ?? null}, ${DateTime.formatIso(now)}, ${DateTime.formatIso(now)})
            ON CONFLICT (source_endpoint, target_endpoint, kind, source_id) DO UPDATE SET
              reason = excluded.reason, attempts = attempts + 1, run_id = excluded.run_id,
              last_failed_at = excluded.last_failed_at`,
      ),
    ).pipe(Effect.asVoid)

  const clear = (pair: Pair, kind: EntityKind, sourceId: string) =>
    db
      .guard(
        "clear a failure",
        sql`DELETE FROM failures WHERE source_endpoint = ${pair.source} AND target_endpoint = ${pair.target}
          AND kind = ${kind} AND source_id = ${sourceId}`,
      )
      .pipe(Effect.asVoid)

  const list = (pair: Pair) =>
    db.guard(
      "list failures",
      SqlSchema.findAll({
        Request: Schema.Void,
        Result: EntityFailure,
        execute: () =>
          sql`SELECT * FROM failures WHERE source_endpoint = ${pair.source} AND target_endpoint = ${pair.target}
              ORDER BY kind, source_id`,
      })(undefined),
    )

  return { record, clear, list }
}
