import type { DocumentQuery, Document as PaperlessDocument, PaperlessError } from "@paperbridge/paperless"
import { PaperlessClient } from "@paperbridge/paperless"
import type { PapraDocumentListItem, PapraError } from "@paperbridge/papra"
import { PapraClient } from "@paperbridge/papra"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { InvalidFilter } from "./errors.js"
import type { DocumentFilters } from "./options.js"

const limited = <A, E, R>(stream: Stream.Stream<A, E, R>, limit: number | undefined) =>
  limit === undefined ? stream : Stream.take(stream, limit)

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
    const total = filters.limit === undefined ? first.count : Math.min(first.count, filters.limit)
    const documents: Stream.Stream<PaperlessDocument, PaperlessError> = limited(
      paperless.documents.stream({ ...query, page_size: 100 }),
      filters.limit,
    )
    return { total, documents }
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
    const total = filters.limit === undefined ? page.total : Math.min(page.total, filters.limit)
    return {
      total: wanted.length === 0 && filters.since === undefined ? total : undefined,
      documents: limited(documents, filters.limit),
    }
  })
