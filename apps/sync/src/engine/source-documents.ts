import type { PapraDocumentListItem, PapraError } from "@paperbridge/papra"
import { PapraClient } from "@paperbridge/papra"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import type { DocumentFilters } from "./options.js"
import { PaperlessSource } from "./paperless-source.js"

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

/** The Paperless documents a run covers, oldest id first so progress is stable across runs. */
export const paperlessSource = (filters: DocumentFilters) =>
  Effect.flatMap(PaperlessSource, (source) => source.documents(filters))

/** The Papra documents a run covers. Papra has no "changed since": `since` compares `createdAt`. */
export const papraSource = (filters: DocumentFilters) =>
  Effect.gen(function* () {
    const papra = yield* PapraClient
    const page = yield* papra.documents.list({
      pageIndex: 0,
      pageSize: 1,
      ...(filters.query === undefined ? {} : { searchQuery: filters.query }),
    })
    let documents: Stream.Stream<PapraDocumentListItem, PapraError> = papra.documents.stream(
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
      total:
        wanted.length === 0 && filters.since === undefined && filters.limit === undefined
          ? page.total
          : undefined,
      documents,
    }
  })
