import * as SqlSchema from "@effect/sql/SqlSchema"
import { canonicalJson, DefinitionBase } from "@paperbridge/mapping"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type { Database } from "./database.js"
import { Endpoint, EntityKind, type Pair } from "./endpoints.js"
import type { StateStoreError } from "./errors.js"
import { type LinkIndex, orientation } from "./links.js"

/** The base of one linked definition: how each side looked after the last sync. */
export interface StoredDefinitionBase {
  readonly kind: EntityKind
  readonly sourceId: string
  readonly base: DefinitionBase
}

const BaseRow = Schema.Struct({
  kind: EntityKind,
  leftEndpoint: Endpoint,
  leftId: Schema.String,
  rightId: Schema.String,
  base: Schema.parseJson(DefinitionBase),
})

/** The bases of linked definitions, so a sync can tell which side renamed, recoloured or deleted one. */
export interface DefinitionBaseOperations {
  /** Every stored base of the pair's definition links. */
  readonly list: (pair: Pair) => Effect.Effect<ReadonlyArray<StoredDefinitionBase>, StateStoreError>
  /**
   * Stores the base of a linked definition, replacing the old one; `false` when it is not linked.
   * Dropping the link (`links.unlink`) drops its base.
   */
  readonly save: (
    pair: Pair,
    kind: EntityKind,
    sourceId: string,
    base: DefinitionBase,
  ) => Effect.Effect<boolean, StateStoreError>
}

export const definitionBaseOperations = (db: Database, links: LinkIndex): DefinitionBaseOperations => {
  const { sql } = db

  const list = (pair: Pair) => {
    const o = orientation(pair)
    return db.guard(
      "read definition bases",
      SqlSchema.findAll({
        Request: Schema.Void,
        Result: BaseRow,
        execute: () =>
          sql`SELECT links.kind, links.left_endpoint, links.left_id, links.right_id, definition_bases.base
              FROM definition_bases JOIN links ON links.id = definition_bases.link_id
              WHERE links.left_endpoint = ${o.left} AND links.right_endpoint = ${o.right} ORDER BY links.id`,
      })(undefined).pipe(
        Effect.map((rows) =>
          rows.map(
            (row): StoredDefinitionBase => ({
              kind: row.kind,
              sourceId: row.leftEndpoint === pair.source ? row.leftId : row.rightId,
              base: row.base,
            }),
          ),
        ),
      ),
    )
  }

  // One statement, as for document bases: an unlinked definition inserts nothing.
  const save = (pair: Pair, kind: EntityKind, sourceId: string, base: DefinitionBase) =>
    Effect.gen(function* () {
      const updatedAt = DateTime.formatIso(yield* DateTime.now)
      const saved = yield* db.guard(
        "write a definition base",
        SqlSchema.findOne({
          Request: Schema.Void,
          Result: Schema.Struct({ linkId: Schema.Number }),
          execute: () =>
            sql`INSERT INTO definition_bases (link_id, base, updated_at)
                SELECT id, ${canonicalJson(base)}, ${updatedAt}
                FROM (${links.linkIdQuery(pair, kind, sourceId)}) WHERE true
                ON CONFLICT (link_id) DO UPDATE SET base = excluded.base, updated_at = excluded.updated_at
                RETURNING link_id`,
        })(undefined),
      )
      return Option.isSome(saved)
    })

  return { list, save }
}
