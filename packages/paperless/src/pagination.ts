import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type { PaperlessError } from "./errors.js"
import type { Query } from "./transport.js"

/**
 * DRF's page envelope. v9 (and every 2.20 version) adds `all`, every matching id across pages;
 * v10 drops it (`documents.list.v9.json` vs `documents.list.json`).
 */
export const Page = <A, I>(item: Schema.Schema<A, I>) =>
  Schema.Struct({
    count: Schema.Int,
    next: Schema.NullOr(Schema.String),
    previous: Schema.NullOr(Schema.String),
    results: Schema.Array(item),
    all: Schema.optional(Schema.Array(Schema.Int)),
  })

export interface Page<A> {
  readonly count: number
  readonly next: string | null
  readonly previous: string | null
  readonly results: ReadonlyArray<A>
  readonly all?: ReadonlyArray<number> | undefined
}

export type PageQuery = {
  readonly page?: number
  readonly page_size?: number
}

export const DEFAULT_STREAM_PAGE_SIZE = 100

/**
 * Walks pages by number instead of following `next`: the server builds `next` from the Host it
 * was reached by, which is wrong behind a proxy that rewrites the scheme or host.
 */
export const streamPages = <A>(
  query: Query | undefined,
  fetchPage: (query: Query) => Effect.Effect<Page<A>, PaperlessError>,
): Stream.Stream<A, PaperlessError> => {
  const pageSize = typeof query?.page_size === "number" ? query.page_size : DEFAULT_STREAM_PAGE_SIZE
  const first = typeof query?.page === "number" ? query.page : 1
  return Stream.paginateChunkEffect(first, (page: number) =>
    Effect.map(fetchPage({ ...query, page, page_size: pageSize }), (result) => {
      const next: Option.Option<number> = result.next === null ? Option.none() : Option.some(page + 1)
      return [Chunk.fromIterable(result.results), next] as const
    }),
  )
}
