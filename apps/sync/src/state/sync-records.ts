import * as SqlSchema from "@effect/sql/SqlSchema"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { Database } from "./database.js"
import type { Pair } from "./endpoints.js"
import type { StateStoreError } from "./errors.js"

/**
 * A synced pair is keyed Paperless → Papra (`pair.source` is the Paperless endpoint) whichever
 * way a run went, so these rows read the same from every command.
 */
const ends = (pair: Pair) => ({ paperless: pair.source, papra: pair.target })

export const DeletedOn = Schema.Literal("paperless", "papra", "both")

/** A linked document whose deletion a sync carried across (or found on both sides): never brought back by a rebuild. */
export class Tombstone extends Schema.Class<Tombstone>("Tombstone")({
  paperlessId: Schema.String,
  papraId: Schema.String,
  sha256: Schema.NullOr(Schema.String),
  md5: Schema.NullOr(Schema.String),
  deletedOn: DeletedOn,
  title: Schema.String,
  recordedAt: Schema.DateTimeUtc,
}) {}

export type NewTombstone = Omit<Tombstone, "recordedAt">

/** A document whose sides changed the same field differently, left as it is on both until settled. */
export class SyncConflict extends Schema.Class<SyncConflict>("SyncConflict")({
  paperlessId: Schema.String,
  papraId: Schema.String,
  title: Schema.String,
  /** JSON: the fields with their base and both sides' values. */
  fields: Schema.parseJson(
    Schema.Array(
      Schema.Struct({
        field: Schema.String,
        base: Schema.Unknown,
        paperless: Schema.Unknown,
        papra: Schema.Unknown,
      }),
    ),
  ),
  detectedAt: Schema.DateTimeUtc,
}) {}

export type NewSyncConflict = Omit<typeof SyncConflict.Encoded, "detectedAt" | "fields"> & {
  readonly fields: typeof SyncConflict.Type.fields
}

export interface SyncRecordOperations {
  readonly recordTombstone: (pair: Pair, tombstone: NewTombstone) => Effect.Effect<void, StateStoreError>
  readonly tombstones: (pair: Pair) => Effect.Effect<ReadonlyArray<Tombstone>, StateStoreError>
  /** Lets a tombstoned document be carried again (`paperbridge forget --tombstone`); false when there was none. */
  readonly forgetTombstone: (pair: Pair, paperlessId: string) => Effect.Effect<boolean, StateStoreError>
  /** Replaces the pair's open conflicts with what the latest two-way run found. */
  readonly replaceConflicts: (
    pair: Pair,
    conflicts: ReadonlyArray<NewSyncConflict>,
  ) => Effect.Effect<void, StateStoreError>
  readonly conflicts: (pair: Pair) => Effect.Effect<ReadonlyArray<SyncConflict>, StateStoreError>
}

export const syncRecordOperations = (db: Database): SyncRecordOperations => {
  const { sql } = db

  const recordTombstone = (pair: Pair, tombstone: NewTombstone) =>
    Effect.flatMap(DateTime.now, (now) => {
      const { paperless, papra } = ends(pair)
      return db.guard(
        "record a tombstone",
        sql`INSERT INTO tombstones (paperless_endpoint, papra_endpoint, paperless_id, papra_id, sha256, md5,
              deleted_on, title, recorded_at)
            VALUES (${paperless}, ${papra}, ${tombstone.paperlessId}, ${tombstone.papraId}, ${tombstone.sha256},
              ${tombstone.md5}, ${tombstone.deletedOn}, ${tombstone.title}, ${DateTime.formatIso(now)})
            ON CONFLICT (paperless_endpoint, papra_endpoint, paperless_id) DO UPDATE SET
              papra_id = excluded.papra_id, sha256 = excluded.sha256, md5 = excluded.md5, deleted_on = excluded.deleted_on,
              title = excluded.title, recorded_at = excluded.recorded_at`,
      )
    }).pipe(Effect.asVoid)

  const tombstones = (pair: Pair) =>
    db.guard(
      "list tombstones",
      SqlSchema.findAll({
        Request: Schema.Void,
        Result: Tombstone,
        execute: () =>
          sql`SELECT paperless_id, papra_id, sha256, md5, deleted_on, title, recorded_at FROM tombstones
              WHERE paperless_endpoint = ${ends(pair).paperless} AND papra_endpoint = ${ends(pair).papra}
              ORDER BY recorded_at, paperless_id`,
      })(undefined),
    )

  const forgetTombstone = (pair: Pair, paperlessId: string) =>
    db
      .guard(
        "forget a tombstone",
        SqlSchema.findAll({
          Request: Schema.Void,
          Result: Schema.Struct({ paperlessId: Schema.String }),
          execute: () =>
            sql`DELETE FROM tombstones WHERE paperless_endpoint = ${ends(pair).paperless}
                AND papra_endpoint = ${ends(pair).papra} AND paperless_id = ${paperlessId}
                RETURNING paperless_id`,
        })(undefined),
      )
      .pipe(Effect.map((rows) => rows.length > 0))

  const encodeFields = Schema.encodeSync(SyncConflict.fields.fields)

  const replaceConflicts = (pair: Pair, conflicts: ReadonlyArray<NewSyncConflict>) =>
    Effect.flatMap(DateTime.now, (now) =>
      db.transaction(
        db.guard(
          "record the conflicts",
          Effect.gen(function* () {
            const { paperless, papra } = ends(pair)
            yield* sql`DELETE FROM sync_conflicts WHERE paperless_endpoint = ${paperless} AND papra_endpoint = ${papra}`
            if (conflicts.length === 0) return
            yield* sql`INSERT INTO sync_conflicts ${sql.insert(
              conflicts.map((conflict) => ({
                paperlessEndpoint: paperless,
                papraEndpoint: papra,
                paperlessId: conflict.paperlessId,
                papraId: conflict.papraId,
                title: conflict.title,
                fields: encodeFields(conflict.fields),
                detectedAt: DateTime.formatIso(now),
              })),
            )}`
          }),
        ),
      ),
    )

  const conflicts = (pair: Pair) =>
    db.guard(
      "list conflicts",
      SqlSchema.findAll({
        Request: Schema.Void,
        Result: SyncConflict,
        execute: () =>
          sql`SELECT paperless_id, papra_id, title, fields, detected_at FROM sync_conflicts
              WHERE paperless_endpoint = ${ends(pair).paperless} AND papra_endpoint = ${ends(pair).papra}
              ORDER BY paperless_id`,
      })(undefined),
    )

  return { recordTombstone, tombstones, forgetTombstone, replaceConflicts, conflicts }
}
