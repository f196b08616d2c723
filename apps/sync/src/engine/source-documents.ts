import type { DocumentQuery, Document as PaperlessDocument, PaperlessError } from "@paperbridge/paperless"
import { PaperlessClient } from "@paperbridge/paperless"
import type { PapraDocumentListItem, PapraError } from "@paperbridge/papra"
import { PapraClient } from "@paperbridge/papra"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { InvalidFilter } from "./errors.js"
import type { DocumentFilters } from "./options.js"

/**
 * `--limit N` means the next N documents that need work (not linked yet, changed since the last
 * run, or failed before), so that runs with a limit migrate an archive batch by batch. Which ones
 * need work is known only once a document was looked at, so the limit cannot be a `take` on the
 * source: `step` looks at each document and `neededWork` says whether it counted.
 */
export const forEachNeedingWork = <A, B, E, R, E2, R2>(
  documents: Stream.Stream<A, E, R>,
  options: { readonly limit: number | undefined; readonly concurrency: number },
  step: (document: A) => Effect.Effect<B, E2, R2>,
  neededWork: (result: B) => boolean,
): Effect.Effect<void, E | E2, R | R2> => {
  const { limit, concurrency } = options
  if (limit === undefined)
    return Stream.runDrain(Stream.mapEffect(documents, step, { concurrency, unordered: true }))
  if (limit <= 0) return Effect.void
  return Effect.gen(function* () {
    // One permit per document that may still count: a document that needed no work gives its
    // permit back, so documents in flight at once never carry more than `limit` between them.
    const permits = yield* Effect.makeSemaphore(limit)
    let worked = 0
    yield* documents.pipe(
      Stream.mapEffect(
        (document) =>
          Effect.zipRight(permits.take(1), step(document)).pipe(
            Effect.tap((result) =>
              neededWork(result)
                ? Effect.sync(() => {
                    worked += 1
                  })
                : permits.release(1),
            ),
          ),
        { concurrency, unordered: true },
      ),
      Stream.takeUntil(() => worked >= limit),
      Stream.runDrain,
    )
  })
}

/** How many documents a run visits, for a progress bar: unknown with a limit (see `forEachNeedingWork`). */
const totalOf = (count: number, filters: DocumentFilters) => (filters.limit === undefined ? count : undefined)

/** The Paperless documents a run covers, oldest id first so progress is stable across runs. */
export const paperlessSource = (filters: DocumentFilters) =>
  Effect.gen(function* () {
    const paperless = yield* PaperlessClient
    const query: { -readonly [K in keyof DocumentQuery]?: DocumentQuery[K] } & { ordering: string } = {
      ordering: "id",
    }
    if (filters.query !== undefined) query.query = filters.query
    if (filters.since !== undefined) query.modified__gt = filters.since
    if (filters.tags !== undefined && filters.tags.length > 0) {
      const ids: Array<number> = []
      for (const name of filters.tags) {
        const found = yield* Stream.runCollect(paperless.tags.stream({ name__iexact: name }))
        const tag = [...found].find((candidate) => candidate.name.toLowerCase() === name.toLowerCase())
        if (tag === undefined)
          return yield* new InvalidFilter({ filter: "tag", reason: `Paperless has no tag named "${name}"` })
        ids.push(tag.id)
      }
      query.tags__id__all = ids
    }
    const first = yield* paperless.documents.list({ ...query, page_size: 1 })
    const documents: Stream.Stream<PaperlessDocument, PaperlessError> = paperless.documents.stream({
      ...query,
      page_size: 100,
    })
    return { total: totalOf(first.count, filters), documents }
  })

/** The Papra documents a run covers. Papra has no "changed since": `since` compares `createdAt`. */
export const papraSource = (filters: DocumentFilters) =>
  Effect.gen(function* () {
    const papra = yield* PapraClient
    const page = yield* papra.documents.page({
      pageIndex: 0,
      pageSize: 1,
      ...(filters.query === undefined ? {} : { searchQuery: filters.query }),
    })
    let documents: Stream.Stream<PapraDocumentListItem, PapraError> = papra.documents.list(
      filters.query === undefined ? {} : { searchQuery: filters.query },
    )
    const wanted = (filters.tags ?? []).map((name) => name.toLowerCase())
    if (wanted.length > 0) {
      documents = Stream.filter(documents, (document) =>
        wanted.every((name) => document.tags.some((tag) => tag.name.toLowerCase() === name)),
      )
    }
    if (filters.since !== undefined) {
      const since = Date.parse(filters.since)
      documents = Stream.filter(documents, (document) => Date.parse(document.createdAt) > since)
    }
    return {
      total: wanted.length === 0 && filters.since === undefined ? totalOf(page.total, filters) : undefined,
      documents,
    }
  })
