import * as SqlSchema from "@effect/sql/SqlSchema"
import type * as Statement from "@effect/sql/Statement"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type { Database } from "./database.js"
import { Endpoint, EntityKind, type Pair } from "./endpoints.js"
import { LinkConflictError, type StateStoreError } from "./errors.js"

/** A source entity and the target entity it was carried to (or found identical in). */
export interface Link {
  readonly kind: EntityKind
  readonly source: Endpoint
  readonly sourceId: string
  readonly target: Endpoint
  readonly targetId: string
  /** The linked file's checksums (documents only); both ends hold the same bytes. */
  readonly sha256: string | null
  readonly md5: string | null
  readonly linkedAt: DateTime.Utc
  readonly updatedAt: DateTime.Utc
}

export interface NewLink {
  readonly kind: EntityKind
  readonly sourceId: string
  readonly targetId: string
  readonly sha256?: string | null | undefined
  readonly md5?: string | null | undefined
}

const LinkRow = Schema.Struct({
  id: Schema.Number,
  kind: EntityKind,
  leftEndpoint: Endpoint,
  leftId: Schema.String,
  rightEndpoint: Endpoint,
  rightId: Schema.String,
  sha256: Schema.NullOr(Schema.String),
  md5: Schema.NullOr(Schema.String),
  linkedAt: Schema.DateTimeUtc,
  updatedAt: Schema.DateTimeUtc,
})
type LinkRow = typeof LinkRow.Type

/** Which stored column holds the source's id, given that rows keep the smaller endpoint on the left. */
export const orientation = (pair: Pair) =>
  pair.source < pair.target
    ? { left: pair.source, right: pair.target, sourceColumn: "leftId", targetColumn: "rightId" }
    : { left: pair.target, right: pair.source, sourceColumn: "rightId", targetColumn: "leftId" }

const fromRow = (pair: Pair, row: LinkRow): Link => {
  const sourceIsLeft = row.leftEndpoint === pair.source
  return {
    kind: row.kind,
    source: pair.source,
    sourceId: sourceIsLeft ? row.leftId : row.rightId,
    target: pair.target,
    targetId: sourceIsLeft ? row.rightId : row.leftId,
    sha256: row.sha256,
    md5: row.md5,
    linkedAt: row.linkedAt,
    updatedAt: row.updatedAt,
  }
}

/** Which source entity is which target entity, per pair; a link reads the same from either direction. */
export interface LinkOperations {
  /**
   * Records that `sourceId` and `targetId` are the same entity. Linking the same two again only
   * refreshes the checksums; linking either to a different partner is a `LinkConflictError`.
   */
  readonly link: (pair: Pair, input: NewLink) => Effect.Effect<Link, StateStoreError | LinkConflictError>
  /**
   * Forgets a link, its base snapshot and the settled journal entries that made it (the target was
   * deleted, or the link was wrong), so the entity is carried again instead of being reported as
   * already done; `false` when there was no link.
   */
  readonly unlink: (pair: Pair, kind: EntityKind, sourceId: string) => Effect.Effect<boolean, StateStoreError>
  /** The link of a source entity; `None` when it is not linked. */
  readonly findTarget: (
    pair: Pair,
    kind: EntityKind,
    sourceId: string,
  ) => Effect.Effect<Option.Option<Link>, StateStoreError>
  /** The link of a target entity; `None` when it is not linked. */
  readonly findSource: (
    pair: Pair,
    kind: EntityKind,
    targetId: string,
  ) => Effect.Effect<Option.Option<Link>, StateStoreError>
  /** The document links recorded with this file SHA-256 (empty when none). */
  readonly findBySha256: (pair: Pair, sha256: string) => Effect.Effect<ReadonlyArray<Link>, StateStoreError>
  /** The pair's links, of one kind or of all. */
  readonly list: (pair: Pair, kind?: EntityKind) => Effect.Effect<ReadonlyArray<Link>, StateStoreError>
  /** How many links the pair has of each kind; a kind with none is absent. */
  readonly count: (pair: Pair) => Effect.Effect<Partial<Record<EntityKind, number>>, StateStoreError>
}

/** The link operations with the row id lookup that the other state tables key on; not for callers outside the store. */
export interface LinkIndex extends LinkOperations {
  /**
   * A query answering the row id of a source entity's link (no row when it is not linked), to be
   * nested in the statement that needs it: one statement instead of a read and a write.
   */
  readonly linkIdQuery: (pair: Pair, kind: EntityKind, sourceId: string) => Statement.Fragment
}

export const linkOperations = (db: Database): LinkIndex => {
  const { sql } = db

  const findRow = (pair: Pair, kind: EntityKind, side: "source" | "target", id: string) => {
    const o = orientation(pair)
    const column = side === "source" ? o.sourceColumn : o.targetColumn
    return SqlSchema.findOne({
      Request: Schema.String,
      Result: LinkRow,
      execute: (value) =>
        sql`SELECT * FROM links WHERE left_endpoint = ${o.left} AND right_endpoint = ${o.right}
            AND kind = ${kind} AND ${sql(column)} = ${value}`,
    })(id)
  }

  const linkIdQuery = (pair: Pair, kind: EntityKind, sourceId: string) => {
    const o = orientation(pair)
    return sql`SELECT id FROM links WHERE left_endpoint = ${o.left} AND right_endpoint = ${o.right}
        AND kind = ${kind} AND ${sql(o.sourceColumn)} = ${sourceId}`
  }

  const findTarget = (pair: Pair, kind: EntityKind, sourceId: string) =>
    db.guard(
      "read a link",
      Effect.map(
        findRow(pair, kind, "source", sourceId),
        Option.map((row) => fromRow(pair, row)),
      ),
    )

  const findSource = (pair: Pair, kind: EntityKind, targetId: string) =>
    db.guard(
      "read a link",
      Effect.map(
        findRow(pair, kind, "target", targetId),
        Option.map((row) => fromRow(pair, row)),
      ),
    )

  const findBySha256 = (pair: Pair, sha256: string) => {
    const o = orientation(pair)
    return db.guard(
      "read a link",
      SqlSchema.findAll({
        Request: Schema.String,
        Result: LinkRow,
        execute: (hash) =>
          sql`SELECT * FROM links WHERE left_endpoint = ${o.left} AND right_endpoint = ${o.right}
              AND kind = 'document' AND sha256 = ${hash} ORDER BY id`,
      })(sha256).pipe(Effect.map((rows) => rows.map((row) => fromRow(pair, row)))),
    )
  }

  const list = (pair: Pair, kind?: EntityKind) => {
    const o = orientation(pair)
    return db.guard(
      "list links",
      SqlSchema.findAll({
        Request: Schema.Void,
        Result: LinkRow,
        execute: () =>
          sql`SELECT * FROM links WHERE left_endpoint = ${o.left} AND right_endpoint = ${o.right}
              ${kind === undefined ? sql`` : sql`AND kind = ${kind}`} ORDER BY id`,
      })(undefined).pipe(Effect.map((rows) => rows.map((row) => fromRow(pair, row)))),
    )
  }

  const count = (pair: Pair) => {
    const o = orientation(pair)
    return db.guard(
      "count links",
      SqlSchema.findAll({
        Request: Schema.Void,
        Result: Schema.Struct({ kind: EntityKind, links: Schema.Number }),
        execute: () =>
          sql`SELECT kind, COUNT(*) AS links FROM links
              WHERE left_endpoint = ${o.left} AND right_endpoint = ${o.right} GROUP BY kind`,
      })(undefined).pipe(
        Effect.map(
          (rows): Partial<Record<EntityKind, number>> =>
            Object.fromEntries(rows.map((row) => [row.kind, row.links])),
        ),
      ),
    )
  }

  const link = (pair: Pair, input: NewLink): Effect.Effect<Link, StateStoreError | LinkConflictError> =>
    db.transaction(
      Effect.gen(function* () {
        const bySource = yield* db.guard("read a link", findRow(pair, input.kind, "source", input.sourceId))
        const byTarget = yield* db.guard("read a link", findRow(pair, input.kind, "target", input.targetId))
        const existingTarget = Option.map(bySource, (row) => fromRow(pair, row).targetId)
        const existingSource = Option.map(byTarget, (row) => fromRow(pair, row).sourceId)
        const conflicting =
          Option.exists(existingTarget, (id) => id !== input.targetId) ||
          Option.exists(existingSource, (id) => id !== input.sourceId)
        if (conflicting) {
          return yield* new LinkConflictError({
            kind: input.kind,
            pair,
            sourceId: input.sourceId,
            targetId: input.targetId,
            linkedTargetId: Option.getOrUndefined(existingTarget),
            linkedSourceId: Option.getOrUndefined(existingSource),
          })
        }
        const now = DateTime.formatIso(yield* DateTime.now)
        const o = orientation(pair)
        const sourceIsLeft = o.sourceColumn === "leftId"
        const sha256 = input.sha256 ?? null
        const md5 = input.md5 ?? null
        const written = SqlSchema.single({
          Request: Schema.Void,
          Result: LinkRow,
          execute: () =>
            Option.isSome(bySource)
              ? sql`UPDATE links SET sha256 = COALESCE(${sha256}, sha256), md5 = COALESCE(${md5}, md5),
                    updated_at = ${now} WHERE id = ${bySource.value.id} RETURNING *`
              : sql`INSERT INTO links ${sql.insert({
                  kind: input.kind,
                  leftEndpoint: o.left,
                  leftId: sourceIsLeft ? input.sourceId : input.targetId,
                  rightEndpoint: o.right,
                  rightId: sourceIsLeft ? input.targetId : input.sourceId,
                  sha256,
                  md5,
                  linkedAt: now,
                  updatedAt: now,
                })} RETURNING *`,
        })(undefined)
        return fromRow(pair, yield* db.guard("write a link", written))
      }),
    )

  const unlink = (pair: Pair, kind: EntityKind, sourceId: string) =>
    db.transaction(
      Effect.flatMap(db.guard("read a link", findRow(pair, kind, "source", sourceId)), (found) =>
        Option.match(found, {
          onNone: () => Effect.succeed(false),
          onSome: (row) => {
            const { targetId } = fromRow(pair, row)
            return db.guard(
              "delete a link",
              Effect.all([
                sql`DELETE FROM links WHERE id = ${row.id}`,
                sql`DELETE FROM journal WHERE kind = ${kind} AND state <> 'pending' AND (
                      (source_endpoint = ${pair.source} AND target_endpoint = ${pair.target} AND source_id = ${sourceId})
                      OR (source_endpoint = ${pair.target} AND target_endpoint = ${pair.source} AND source_id = ${targetId}))`,
              ]).pipe(Effect.as(true)),
            )
          },
        }),
      ),
    )

  return { link, unlink, findTarget, findSource, findBySha256, list, count, linkIdQuery }
}
