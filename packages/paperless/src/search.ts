import type * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import { Correspondent } from "./correspondents.js"
import { CustomField } from "./custom-fields.js"
import { DocumentType } from "./document-types.js"
import { Document, type DocumentQuery, type Documents } from "./documents.js"
import type { PaperlessError } from "./errors.js"
import type { PageQuery } from "./pagination.js"
import { SavedView } from "./saved-views.js"
import { StoragePath } from "./storage-paths.js"
import { Tag } from "./tags.js"
import type { Transport } from "./transport.js"

/** `GET /api/search/?query=`: the search box, over documents (full text) and every named object. */
export const GlobalSearchResult = Schema.Struct({
  total: Schema.Int,
  documents: Schema.Array(Document),
  saved_views: Schema.Array(SavedView),
  tags: Schema.Array(Tag),
  correspondents: Schema.Array(Correspondent),
  document_types: Schema.Array(DocumentType),
  storage_paths: Schema.Array(StoragePath),
  custom_fields: Schema.Array(CustomField),
  users: Schema.Array(Schema.Unknown),
  groups: Schema.Array(Schema.Unknown),
  mail_rules: Schema.Array(Schema.Unknown),
  mail_accounts: Schema.Array(Schema.Unknown),
  workflows: Schema.Array(Schema.Unknown),
})
export type GlobalSearchResult = typeof GlobalSearchResult.Type

export interface Search {
  /** At least 3 characters, else a 400 with a plain-text body. `dbOnly` skips the full-text index. */
  readonly global: (
    query: string,
    options?: { readonly dbOnly?: boolean },
  ) => Effect.Effect<GlobalSearchResult, PaperlessError>
  /** Full-text hits, best first, each with `__search_hit__` (score, highlights, rank). */
  readonly documents: (
    query: string,
    filters?: Omit<DocumentQuery, "query" | "more_like_id"> & PageQuery,
  ) => Stream.Stream<Document, PaperlessError>
  readonly moreLike: (
    id: number,
    filters?: Omit<DocumentQuery, "query" | "more_like_id"> & PageQuery,
  ) => Stream.Stream<Document, PaperlessError>
  /** Words from the index starting with `term`, ASCII-folded (`ü` → `u`). */
  readonly autocomplete: (
    term: string,
    limit?: number,
  ) => Effect.Effect<ReadonlyArray<string>, PaperlessError>
}

export const makeSearch = (transport: Transport, documents: Documents): Search => ({
  global: (query, options) =>
    transport.json(
      {
        method: "GET",
        path: "/api/search/",
        query: { query, ...(options?.dbOnly === undefined ? {} : { db_only: options.dbOnly }) },
      },
      GlobalSearchResult,
    ),
  // Ordering is left to the server: it ranks full-text hits by score.
  documents: (query, filters) => documents.stream({ ...filters, query }),
  moreLike: (id, filters) => documents.stream({ ...filters, more_like_id: id }),
  autocomplete: (term, limit) =>
    transport.json(
      { method: "GET", path: "/api/search/autocomplete/", query: { term, limit } },
      Schema.Array(Schema.String),
    ),
})
