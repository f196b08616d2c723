import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"

/** Papra refuses a larger page with 400 (documents.list.invalid-page-size.json). */
export const maxPageSize = 100

export interface Page<A> {
  readonly items: ReadonlyArray<A>
  /** The server's total, where the route has one (documents do, activity does not). */
  readonly total?: number
}

/**
 * Every item of a paged route, fetching one page at a time as the stream is pulled. Stops on a
 * short page or once the server's total is reached. Items whose id was already emitted are
 * dropped: a document uploaded meanwhile shifts the newest-first order by one and would otherwise
 * come out twice.
 */
export const paginate = <A extends { readonly id: string }, E>(
  pageSize: number,
  fetchPage: (pageIndex: number) => Effect.Effect<Page<A>, E>,
): Stream.Stream<A, E> =>
  Stream.suspend(() => {
    const seen = new Set<string>()
    return Stream.paginateChunkEffect(0, (pageIndex) =>
      Effect.map(fetchPage(pageIndex), ({ items, total }) => {
        const reached = (pageIndex + 1) * pageSize
        const more = items.length >= pageSize && (total === undefined || reached < total)
        const fresh = items.filter((item) => !seen.has(item.id))
        for (const item of fresh) seen.add(item.id)
        return [Chunk.fromIterable(fresh), more ? Option.some(pageIndex + 1) : Option.none()] as const
      }),
    )
  })
