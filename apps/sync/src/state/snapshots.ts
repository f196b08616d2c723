import { createHash } from "node:crypto"
import * as SqlSchema from "@effect/sql/SqlSchema"
import { canonicalJson } from "@paperbridge/mapping"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type { Database } from "./database.js"
import type { Pair } from "./endpoints.js"
import type { StateStoreError } from "./errors.js"
import type { LinkIndex } from "./links.js"

export type JsonValue =
  | null
  | boolean
  | number
  | string
  | ReadonlyArray<JsonValue>
  | { readonly [key: string]: JsonValue }

/** SHA-256 (hex) of a canonical JSON text. */
export const snapshotHash = (json: string): string => createHash("sha256").update(json).digest("hex")

/**
 * The mapped metadata both sides agreed on when a document was last synced: the base of the
 * three-way merge. Written only after the change it describes succeeded (Unison's rule), so an
 * interruption can never leave a base newer than the documents.
 */
export interface BaseSnapshot {
  readonly metadata: JsonValue
  readonly json: string
  readonly hash: string
  readonly updatedAt: DateTime.Utc
}

const SnapshotRow = Schema.Struct({
  metadata: Schema.String,
  hash: Schema.String,
  updatedAt: Schema.DateTimeUtc,
})

const toSnapshot = (row: typeof SnapshotRow.Type): BaseSnapshot => ({
  metadata: JSON.parse(row.metadata) as JsonValue,
  json: row.metadata,
  hash: row.hash,
  updatedAt: row.updatedAt,
})

/** The base snapshots of linked documents: what both sides agreed on last, for a three-way merge. */
export interface SnapshotOperations {
  /** The base of a linked document; `None` when it is not linked or has no base yet. */
  readonly get: (pair: Pair, sourceId: string) => Effect.Effect<Option.Option<BaseSnapshot>, StateStoreError>
  /** Stores the base of a linked document, replacing the old one; `None` when the document is not linked. */
  readonly save: (
    pair: Pair,
    sourceId: string,
    metadata: unknown,
  ) => Effect.Effect<Option.Option<BaseSnapshot>, StateStoreError>
  /** Every base of the pair's linked documents, by source id: one statement for a whole sync. */
  readonly list: (pair: Pair) => Effect.Effect<ReadonlyMap<string, BaseSnapshot>, StateStoreError>
}

export const snapshotOperations = (db: Database, links: LinkIndex): SnapshotOperations => {
  const { sql } = db

  const get = (pair: Pair, sourceId: string) =>
    db.guard(
      "read a base snapshot",
      SqlSchema.findOne({
        Request: Schema.String,
        Result: SnapshotRow,
        execute: (id) =>
          sql`SELECT metadata, hash, updated_at FROM base_snapshots
              WHERE link_id = (${links.linkIdQuery(pair, "document", id)})`,
      })(sourceId).pipe(Effect.map(Option.map(toSnapshot))),
    )

  // One statement, so no transaction: the link's id is looked up by the insert itself, and an
  // unlinked document inserts nothing.
  const save = (pair: Pair, sourceId: string, metadata: unknown) =>
    Effect.gen(function* () {
      const json = canonicalJson(metadata)
      const hash = snapshotHash(json)
      const updatedAt = yield* DateTime.now
      const saved = yield* db.guard(
        "write a base snapshot",
        SqlSchema.findOne({
          Request: Schema.Void,
          Result: Schema.Struct({ linkId: Schema.Number }),
          execute: () =>
            sql`INSERT INTO base_snapshots (link_id, metadata, hash, updated_at)
                SELECT id, ${json}, ${hash}, ${DateTime.formatIso(updatedAt)}
                FROM (${links.linkIdQuery(pair, "document", sourceId)}) WHERE true
                ON CONFLICT (link_id) DO UPDATE SET metadata = excluded.metadata, hash = excluded.hash,
                updated_at = excluded.updated_at
                RETURNING link_id`,
        })(undefined),
      )
      return Option.map(
        saved,
        (): BaseSnapshot => ({ metadata: JSON.parse(json) as JsonValue, json, hash, updatedAt }),
      )
    })

  const list = (pair: Pair) =>
    db.guard(
      "read the base snapshots",
      SqlSchema.findAll({
        Request: Schema.Void,
        Result: Schema.Struct({ sourceId: Schema.String, ...SnapshotRow.fields }),
        execute: () => {
          const sourceColumn = pair.source < pair.target ? sql`l.left_id` : sql`l.right_id`
          const [left, right] =
            pair.source < pair.target ? [pair.source, pair.target] : [pair.target, pair.source]
          return sql`SELECT ${sourceColumn} AS source_id, b.metadata, b.hash, b.updated_at
              FROM base_snapshots b JOIN links l ON l.id = b.link_id
              WHERE l.left_endpoint = ${left} AND l.right_endpoint = ${right} AND l.kind = 'document'`
        },
      })(undefined).pipe(Effect.map((rows) => new Map(rows.map((row) => [row.sourceId, toSnapshot(row)])))),
    )

  return { get, save, list }
}
