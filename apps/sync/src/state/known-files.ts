import * as SqlSchema from "@effect/sql/SqlSchema"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type { Database } from "./database.js"
import type { Pair } from "./endpoints.js"
import type { StateStoreError } from "./errors.js"

/**
 * What a run learnt about a source document's file that the next run can use without downloading
 * it again: it is a byte-identical twin of another carried document (`detail` is that document's
 * source id), or the target refused it for good (`detail` is the reason). `fingerprint` is the
 * source's own checksum of the file, so a changed file is looked at anew.
 */
export const KnownFileOutcome = Schema.Literal("duplicate", "refused")
export type KnownFileOutcome = typeof KnownFileOutcome.Type

export class KnownFile extends Schema.Class<KnownFile>("KnownFile")({
  sourceId: Schema.String,
  fingerprint: Schema.String,
  outcome: KnownFileOutcome,
  detail: Schema.String,
  targetId: Schema.NullOr(Schema.String),
  recordedAt: Schema.DateTimeUtc,
}) {}

export interface NewKnownFile {
  readonly sourceId: string
  readonly fingerprint: string
  readonly outcome: KnownFileOutcome
  readonly detail: string
  readonly targetId?: string | undefined
}

/** Files whose fate on the target is already known (a duplicate, a refusal), so a run does not post them again. */
export interface KnownFileOperations {
  /** What is known of a source document's file; `None` when nothing is. */
  readonly get: (pair: Pair, sourceId: string) => Effect.Effect<Option.Option<KnownFile>, StateStoreError>
  /** Records (or replaces) what is known of a source document's file. */
  readonly remember: (pair: Pair, file: NewKnownFile) => Effect.Effect<void, StateStoreError>
  /** Drops what is known, so the file is offered to the target again; a no-op when nothing was. */
  readonly forget: (pair: Pair, sourceId: string) => Effect.Effect<void, StateStoreError>
}

export const knownFileOperations = (db: Database): KnownFileOperations => {
  const { sql } = db

  const get = (pair: Pair, sourceId: string) =>
    db.guard(
      "read a known file",
      SqlSchema.findOne({
        Request: Schema.String,
        Result: KnownFile,
        execute: (id) =>
          sql`SELECT source_id, fingerprint, outcome, detail, target_id, recorded_at FROM known_source_files
              WHERE source_endpoint = ${pair.source} AND target_endpoint = ${pair.target} AND source_id = ${id}`,
      })(sourceId),
    )

  const remember = (pair: Pair, file: NewKnownFile) =>
    Effect.flatMap(DateTime.now, (now) =>
      db.guard(
        "remember a known file",
        sql`INSERT INTO known_source_files (source_endpoint, target_endpoint, source_id, fingerprint, outcome,
              detail, target_id, recorded_at)
            VALUES (${pair.source}, ${pair.target}, ${file.sourceId}, ${file.fingerprint}, ${file.outcome},
              ${file.detail}, ${file.targetId ?? null}, ${DateTime.formatIso(now)})
            ON CONFLICT (source_endpoint, target_endpoint, source_id) DO UPDATE SET
              fingerprint = excluded.fingerprint, outcome = excluded.outcome, detail = excluded.detail,
              target_id = excluded.target_id, recorded_at = excluded.recorded_at`,
      ),
    ).pipe(Effect.asVoid)

  const forget = (pair: Pair, sourceId: string) =>
    db
      .guard(
        "forget a known file",
        sql`DELETE FROM known_source_files
            WHERE source_endpoint = ${pair.source} AND target_endpoint = ${pair.target} AND source_id = ${sourceId}`,
      )
      .pipe(Effect.asVoid)

  return { get, remember, forget }
}
