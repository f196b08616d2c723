import type * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import type { PaperlessError } from "./errors.js"
import { Page, type PageQuery, streamPages } from "./pagination.js"
import { jsonBody, type Query, type Transport } from "./transport.js"

/**
 * The verbs every resource of the client shares, so a reader who knows tags knows workflows.
 * `Q` is the resource's filter set; `C` and `U` its create and partial-update bodies.
 */
export interface Resource<Id extends number, A, C, U, Q extends Query = Query> {
  readonly list: (query?: Q & PageQuery) => Effect.Effect<Page<A>, PaperlessError>
  /** Every matching item, page after page, as they arrive. */
  readonly stream: (query?: Q & PageQuery) => Stream.Stream<A, PaperlessError>
  readonly get: (id: Id, query?: Query) => Effect.Effect<A, PaperlessError>
  readonly create: (input: C) => Effect.Effect<A, PaperlessError>
  /** PATCH: only the given fields change. */
  readonly update: (id: Id, patch: U) => Effect.Effect<A, PaperlessError>
  readonly delete: (id: Id) => Effect.Effect<void, PaperlessError>
}

export interface ResourceSchemas<A, AI, C, CI, U, UI> {
  /** Collection path with its trailing slash, e.g. `/api/tags/`. */
  readonly path: string
  readonly item: Schema.Schema<A, AI>
  readonly create: Schema.Schema<C, CI>
  readonly update: Schema.Schema<U, UI>
}

export const makeResource = <Id extends number, A, AI, C, CI, U, UI, Q extends Query = Query>(
  transport: Transport,
  schemas: ResourceSchemas<A, AI, C, CI, U, UI>,
): Resource<Id, A, C, U, Q> => {
  const { path, item } = schemas
  const page = Page(item)
  const one = (id: Id) => `${path}${id}/`
  const list = (query?: Q & PageQuery) =>
    transport.json({ method: "GET", path, ...(query === undefined ? {} : { query }) }, page)
  return {
    list,
    stream: (query) => streamPages(query, (pageQuery) => list(pageQuery as Q & PageQuery)),
    get: (id, query) => transport.json({ method: "GET", path: one(id), ...(query ? { query } : {}) }, item),
    create: (input) =>
      transport.json({ method: "POST", path, body: jsonBody(schemas.create, input, path) }, item),
    update: (id, patch) =>
      transport.json(
        { method: "PATCH", path: one(id), body: jsonBody(schemas.update, patch, one(id)) },
        item,
      ),
    delete: (id) => transport.noContent({ method: "DELETE", path: one(id) }),
  }
}

/** For endpoints that only list (the server's own records: processed mail, workflow parts). */
export const makeListing = <A, AI, Q extends Query = Query>(
  transport: Transport,
  path: string,
  item: Schema.Schema<A, AI>,
) => {
  const page = Page(item)
  const list = (query?: Q & PageQuery) =>
    transport.json({ method: "GET", path, ...(query === undefined ? {} : { query }) }, page)
  return {
    list,
    stream: (query?: Q & PageQuery) => streamPages(query, (pageQuery) => list(pageQuery as Q & PageQuery)),
  }
}

/** Answers we do not model field by field (workflow trigger/action trees, mail rule settings). */
export const OpaqueObject = Schema.Record({ key: Schema.String, value: Schema.Unknown })
