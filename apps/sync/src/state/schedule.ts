import * as SqlSchema from "@effect/sql/SqlSchema"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type { Database } from "./database.js"
import { Endpoint, type Pair } from "./endpoints.js"
import type { StateStoreError } from "./errors.js"

/** When `paperbridge sync --every/--cron` will next run a pair, for `status` to show. */
export class SyncSchedule extends Schema.Class<SyncSchedule>("SyncSchedule")({
  sourceEndpoint: Endpoint,
  targetEndpoint: Endpoint,
  /** `every 15m`, or `cron` and its expression. */
  schedule: Schema.String,
  nextDueAt: Schema.DateTimeUtc,
  updatedAt: Schema.DateTimeUtc,
}) {}

export interface ScheduleOperations {
  /** Records the next run of a continuous sync of the pair, replacing the one before. */
  readonly record: (pair: Pair, schedule: string, nextDueAt: Date) => Effect.Effect<void, StateStoreError>
  readonly get: (pair: Pair) => Effect.Effect<Option.Option<SyncSchedule>, StateStoreError>
}

export const scheduleOperations = (db: Database): ScheduleOperations => {
  const { sql } = db

  const record = (pair: Pair, schedule: string, nextDueAt: Date) =>
    Effect.flatMap(DateTime.now, (now) =>
      db.guard(
        "record the next sync",
        sql`INSERT INTO sync_schedule (source_endpoint, target_endpoint, schedule, next_due_at, updated_at)
            VALUES (${pair.source}, ${pair.target}, ${schedule}, ${nextDueAt.toISOString()}, ${DateTime.formatIso(now)})
            ON CONFLICT (source_endpoint, target_endpoint) DO UPDATE SET
              schedule = excluded.schedule, next_due_at = excluded.next_due_at, updated_at = excluded.updated_at`,
      ),
    ).pipe(Effect.asVoid)

  const get = (pair: Pair) =>
    db.guard(
      "read the next sync",
      SqlSchema.findOne({
        Request: Schema.Void,
        Result: SyncSchedule,
        execute: () =>
          sql`SELECT * FROM sync_schedule WHERE source_endpoint = ${pair.source} AND target_endpoint = ${pair.target}`,
      })(undefined),
    )

  return { record, get }
}
