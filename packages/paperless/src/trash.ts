import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import { type Document, DocumentId, DocumentPage } from "./documents.js"
import type { PaperlessError } from "./errors.js"
import { type PageQuery, streamPages } from "./pagination.js"
import { jsonBody, type Transport } from "./transport.js"

const TrashAction = Schema.Struct({
  action: Schema.Literal("restore", "empty"),
  documents: Schema.optional(Schema.Array(DocumentId)),
})

export const TrashResult = Schema.Struct({ result: Schema.String, doc_ids: Schema.Array(DocumentId) })

export interface Trash {
  readonly list: (query?: PageQuery) => Effect.Effect<DocumentPage, PaperlessError>
  readonly stream: (query?: PageQuery) => Stream.Stream<Document, PaperlessError>
  /** The same ids come back with their metadata and notes; `modified` is bumped. Answers the ids. */
  readonly restore: (
    ids: ReadonlyArray<DocumentId>,
  ) => Effect.Effect<ReadonlyArray<DocumentId>, PaperlessError>
  /**
   * Purges for good. Without ids the server purges the WHOLE trash, other users' documents
   * included, so that needs `"all"` spelled out.
   */
  readonly empty: (
    ids: ReadonlyArray<DocumentId> | "all",
  ) => Effect.Effect<ReadonlyArray<DocumentId>, PaperlessError>
}

export const makeTrash = (transport: Transport): Trash => {
  const path = "/api/trash/"
  const list = (query?: PageQuery) =>
    transport.json({ method: "GET", path, ...(query === undefined ? {} : { query }) }, DocumentPage)
  const act = (body: typeof TrashAction.Type) =>
    Effect.map(
      transport.json({ method: "POST", path, body: jsonBody(TrashAction, body, path) }, TrashResult),
      (result) => result.doc_ids,
    )
  return {
    list,
    stream: (query) => streamPages(query, list),
    restore: (ids) => act({ action: "restore", documents: ids }),
    empty: (ids) => act(ids === "all" ? { action: "empty" } : { action: "empty", documents: ids }),
  }
}
