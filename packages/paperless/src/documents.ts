import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import { CorrespondentId } from "./correspondents.js"
import { type CustomFieldId, CustomFieldInstance, mergeCustomFields } from "./custom-fields.js"
import { DocumentTypeId } from "./document-types.js"
import type { PaperlessError } from "./errors.js"
import { Note } from "./notes.js"
import { Page, type PageQuery, streamPages } from "./pagination.js"
import { ObjectPermissions, ownedFields, UserId } from "./permissions.js"
import { StoragePathId } from "./storage-paths.js"
import { TagId, type Tags } from "./tags.js"
import { jsonBody, type Query, type Transport } from "./transport.js"

export const DocumentId = Schema.Int.pipe(Schema.brand("PaperlessDocumentId"))
export type DocumentId = typeof DocumentId.Type

/** A byte-identical twin (3.0 only: 2.20 refuses duplicates instead). */
export const DuplicateDocument = Schema.Struct({
  id: DocumentId,
  title: Schema.String,
  deleted_at: Schema.NullOr(Schema.String),
})

/** 3.0 document versions; `checksum` is the SHA-256 of that version's original. */
export const DocumentVersion = Schema.Struct({
  id: Schema.Int,
  added: Schema.String,
  version_label: Schema.NullOr(Schema.String),
  checksum: Schema.String,
  is_root: Schema.Boolean,
})
export type DocumentVersion = typeof DocumentVersion.Type

/** Per-hit data of a full-text `query`/`more_like_id` search. */
export const SearchHit = Schema.Struct({
  score: Schema.Number,
  /** HTML: `<b>` on 3.0, `<span class="match term0">` on 2.20. */
  highlights: Schema.String,
  /** `null` on 3.0 and `""` on 2.20 when no note matched. */
  note_highlights: Schema.NullOr(Schema.String),
  /** 1-based on 3.0, 0-based on 2.20. */
  rank: Schema.Int,
})
export type SearchHit = typeof SearchHit.Type

/**
 * Timestamps stay strings: `modified` carries microseconds and `modified__gt` compares on them
 * exactly (`documents.list.modified__gt.exact-timestamp.json`), which a JS Date would round away.
 * `created` is a plain `YYYY-MM-DD` on API 9 and 10.
 */
export const documentFields = {
  id: DocumentId,
  correspondent: Schema.NullOr(CorrespondentId),
  document_type: Schema.NullOr(DocumentTypeId),
  storage_path: Schema.NullOr(StoragePathId),
  title: Schema.String,
  content: Schema.String,
  tags: Schema.Array(TagId),
  created: Schema.String,
  created_date: Schema.optional(Schema.String),
  modified: Schema.String,
  added: Schema.String,
  deleted_at: Schema.optional(Schema.NullOr(Schema.String)),
  archive_serial_number: Schema.NullOr(Schema.Int),
  original_file_name: Schema.NullOr(Schema.String),
  archived_file_name: Schema.NullOr(Schema.String),
  ...ownedFields,
  is_shared_by_requester: Schema.optional(Schema.Boolean),
  notes: Schema.Array(Note),
  custom_fields: Schema.Array(CustomFieldInstance),
  page_count: Schema.NullOr(Schema.Int),
  mime_type: Schema.String,
  /** 3.0 only (absent on 2.20, `documents.get.json` there). */
  duplicate_documents: Schema.optional(Schema.Array(DuplicateDocument)),
  root_document: Schema.optional(Schema.NullOr(DocumentId)),
  versions: Schema.optional(Schema.Array(DocumentVersion)),
  __search_hit__: Schema.optional(SearchHit),
}

export const Document = Schema.Struct(documentFields)
export type Document = typeof Document.Type
export type DocumentField = keyof typeof documentFields

export const DocumentPage = Schema.extend(
  Page(Document),
  Schema.Struct({ corrected_query: Schema.optional(Schema.NullOr(Schema.String)) }),
)
export type DocumentPage = typeof DocumentPage.Type

/** Filters the document list honours on both generations (paperless-server-behaviour.md, Documents). */
export type DocumentQuery = {
  readonly id?: number
  readonly id__in?: ReadonlyArray<number>
  readonly title__icontains?: string
  readonly title_content?: string
  readonly original_filename__icontains?: string
  /** MD5 on 2.20, SHA-256 on 3.0: compare against `/metadata/`'s `original_checksum` from the same server. */
  readonly checksum__iexact?: string
  readonly tags__id__all?: ReadonlyArray<number>
  readonly tags__id__in?: ReadonlyArray<number>
  readonly tags__id__none?: ReadonlyArray<number>
  readonly is_tagged?: boolean
  readonly correspondent__id?: number
  readonly correspondent__id__in?: ReadonlyArray<number>
  readonly correspondent__isnull?: boolean
  readonly document_type__id?: number
  readonly document_type__isnull?: boolean
  readonly storage_path__id?: number
  readonly storage_path__isnull?: boolean
  readonly owner__id?: number
  readonly archive_serial_number?: number
  readonly archive_serial_number__isnull?: boolean
  /** Strictly after, on the microsecond: a sync cursor should use `modified__gte` or overlap. */
  readonly modified__gt?: string
  readonly modified__gte?: string
  readonly modified__lt?: string
  readonly added__gt?: string
  readonly added__gte?: string
  readonly created__gte?: string
  readonly created__lte?: string
  readonly created__date__gt?: string
  readonly created__date__lt?: string
  readonly has_custom_fields?: boolean
  /** JSON, e.g. `["AND",[[1,"icontains","hel"],[5,"gt",10]]]`; see `customFieldQuery`. */
  readonly custom_field_query?: string
  /** Full text (whoosh syntax); adds `__search_hit__` to each result. */
  readonly query?: string
  readonly more_like_id?: number
  readonly ordering?: string
  readonly truncate_content?: boolean
  readonly full_perms?: boolean
}

/** Builds the `custom_field_query` parameter from a nested expression. */
export type CustomFieldExpression =
  | readonly ["AND" | "OR", ReadonlyArray<CustomFieldExpression>]
  | readonly ["NOT", CustomFieldExpression]
  | readonly [CustomFieldId | string, string, unknown]
export const customFieldQuery = (expression: CustomFieldExpression) => JSON.stringify(expression)

export const DocumentUpdate = Schema.Struct({
  title: Schema.optional(Schema.String),
  content: Schema.optional(Schema.String),
  /** `YYYY-MM-DD`; a datetime is accepted but converted to server time and truncated. */
  created: Schema.optional(Schema.String),
  correspondent: Schema.optional(Schema.NullOr(CorrespondentId)),
  document_type: Schema.optional(Schema.NullOr(DocumentTypeId)),
  storage_path: Schema.optional(Schema.NullOr(StoragePathId)),
  /** Send the full set with every ancestor: see `Documents.setTags`. */
  tags: Schema.optional(Schema.Array(TagId)),
  archive_serial_number: Schema.optional(Schema.NullOr(Schema.Int.pipe(Schema.nonNegative()))),
  /** Replaces the whole set: see `Documents.setCustomFields`. */
  custom_fields: Schema.optional(Schema.Array(CustomFieldInstance)),
  owner: Schema.optional(Schema.NullOr(UserId)),
  set_permissions: Schema.optional(ObjectPermissions),
  remove_inbox_tags: Schema.optional(Schema.Boolean),
})
export type DocumentUpdate = typeof DocumentUpdate.Type

export const DocumentMetadataEntry = Schema.Struct({
  namespace: Schema.String,
  prefix: Schema.String,
  key: Schema.String,
  value: Schema.String,
})

export const DocumentMetadata = Schema.Struct({
  /** SHA-256 on 3.0, MD5 on 2.20 (`documents.metadata.json` of each). */
  original_checksum: Schema.String,
  original_size: Schema.Int,
  original_mime_type: Schema.String,
  media_filename: Schema.String,
  has_archive_version: Schema.Boolean,
  original_metadata: Schema.Array(DocumentMetadataEntry),
  archive_checksum: Schema.NullOr(Schema.String),
  archive_media_filename: Schema.NullOr(Schema.String),
  original_filename: Schema.String,
  archive_size: Schema.NullOr(Schema.Int),
  archive_metadata: Schema.NullOr(Schema.Array(DocumentMetadataEntry)),
  lang: Schema.String,
})
export type DocumentMetadata = typeof DocumentMetadata.Type

export const Suggestions = Schema.Struct({
  correspondents: Schema.Array(CorrespondentId),
  tags: Schema.Array(TagId),
  document_types: Schema.Array(DocumentTypeId),
  storage_paths: Schema.Array(StoragePathId),
  dates: Schema.Array(Schema.String),
})
export type Suggestions = typeof Suggestions.Type

/**
 * Auditlog entries. `changes` differs by kind of change (`{field:[old,new]}`, m2m objects,
 * custom-field objects, bulk_edit lists), so it is kept as read.
 */
export const HistoryEntry = Schema.Struct({
  id: Schema.Int,
  timestamp: Schema.String,
  action: Schema.String,
  changes: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  actor: Schema.NullOr(Schema.Struct({ id: UserId, username: Schema.String })),
})
export type HistoryEntry = typeof HistoryEntry.Type

const SelectionCount = Schema.Struct({ id: Schema.Int, document_count: Schema.Int })
export const SelectionData = Schema.Struct({
  selected_correspondents: Schema.Array(SelectionCount),
  selected_tags: Schema.Array(SelectionCount),
  selected_document_types: Schema.Array(SelectionCount),
  selected_storage_paths: Schema.Array(SelectionCount),
  selected_custom_fields: Schema.Array(SelectionCount),
})

const VersionLabel = Schema.Struct({ version_label: Schema.String })

const DocumentIds = Schema.Struct({ documents: Schema.Array(DocumentId) })

export interface Documents {
  readonly list: (query?: DocumentQuery & PageQuery) => Effect.Effect<DocumentPage, PaperlessError>
  readonly stream: (query?: DocumentQuery & PageQuery) => Stream.Stream<Document, PaperlessError>
  /**
   * Only the named fields (plus `id`): large `content` makes full lists slow
   * (`documents.list.truncate_content.large.json`).
   */
  readonly streamFields: <K extends DocumentField>(
    fields: ReadonlyArray<K>,
    query?: DocumentQuery & PageQuery,
  ) => Stream.Stream<Pick<Document, K | "id">, PaperlessError>
  readonly get: (
    id: DocumentId,
    options?: { readonly full_perms?: boolean },
  ) => Effect.Effect<Document, PaperlessError>
  /** PATCH. Every PATCH bumps `modified`, even `{}`. */
  readonly update: (id: DocumentId, patch: DocumentUpdate) => Effect.Effect<Document, PaperlessError>
  /** Moves the document to the trash (204); see `trash` to restore or purge. */
  readonly delete: (id: DocumentId) => Effect.Effect<void, PaperlessError>
  /** Sets exactly these tags: PATCHes the set closed over ancestors, so the request is repeatable. */
  readonly setTags: (id: DocumentId, tags: Iterable<TagId>) => Effect.Effect<Document, PaperlessError>
  /** Changes some custom field values and keeps the others (PATCH would drop them). */
  readonly setCustomFields: (
    id: DocumentId,
    values: ReadonlyArray<CustomFieldInstance>,
    remove?: ReadonlyArray<CustomFieldId>,
  ) => Effect.Effect<Document, PaperlessError>
  /** The document whose original has this checksum (MD5 on 2.20, SHA-256 on 3.0), if any. */
  readonly findByChecksum: (checksum: string) => Effect.Effect<Option.Option<Document>, PaperlessError>
  readonly metadata: (id: DocumentId) => Effect.Effect<DocumentMetadata, PaperlessError>
  readonly suggestions: (id: DocumentId) => Effect.Effect<Suggestions, PaperlessError>
  readonly history: (id: DocumentId) => Effect.Effect<ReadonlyArray<HistoryEntry>, PaperlessError>
  /** Max ASN + 1, answered as a bare integer. */
  readonly nextAsn: () => Effect.Effect<number, PaperlessError>
  readonly selectionData: (
    ids: ReadonlyArray<DocumentId>,
  ) => Effect.Effect<typeof SelectionData.Type, PaperlessError>
  /**
   * Form-encoded on purpose: a JSON body makes the server fail with an HTML 500
   * (`documents.email.no-smtp-server.json` vs `…form-encoded…`).
   */
  /** 3.0 only: the root a (hidden) version row belongs to; a root answers itself. */
  readonly root: (id: DocumentId) => Effect.Effect<DocumentId, PaperlessError>
  /** 3.0 only: renames one version (`documents.versions.patch-label.json`). */
  readonly labelVersion: (
    id: DocumentId,
    version: number,
    label: string,
  ) => Effect.Effect<DocumentVersion, PaperlessError>
  readonly email: (
    id: DocumentId,
    message: {
      readonly addresses: ReadonlyArray<string>
      readonly subject: string
      readonly message: string
      readonly use_archive_version?: boolean
    },
  ) => Effect.Effect<void, PaperlessError>
}

export const makeDocuments = (transport: Transport, tags: Tags): Documents => {
  const path = "/api/documents/"
  const one = (id: DocumentId) => `${path}${id}/`
  const list = (query?: DocumentQuery & PageQuery) =>
    transport.json({ method: "GET", path, ...(query === undefined ? {} : { query }) }, DocumentPage)
  const get = (id: DocumentId, options?: { readonly full_perms?: boolean }) =>
    transport.json({ method: "GET", path: one(id), ...(options ? { query: options } : {}) }, Document)
  const update = (id: DocumentId, patch: DocumentUpdate) =>
    transport.json(
      { method: "PATCH", path: one(id), body: jsonBody(DocumentUpdate, patch, one(id)) },
      Document,
    )
  const sub = (id: DocumentId, name: string) => `${path}${id}/${name}/`

  return {
    list,
    stream: (query) => streamPages(query, (pageQuery) => list(pageQuery)),
    streamFields: <K extends DocumentField>(fields: ReadonlyArray<K>, query?: DocumentQuery & PageQuery) => {
      const keys = [...new Set<K | "id">(["id", ...fields])]
      const partial = Document.pipe(Schema.pick(...keys)) as unknown as Schema.Schema<
        Pick<Document, K | "id">,
        Pick<typeof Document.Encoded, K | "id">
      >
      const page = Page(partial)
      return streamPages({ ...query, fields: keys } as Query, (pageQuery) =>
        transport.json({ method: "GET", path, query: pageQuery }, page),
      )
    },
    get,
    update,
    delete: (id) => transport.noContent({ method: "DELETE", path: one(id) }),
    setTags: (id, wanted) =>
      Effect.flatMap(tags.withAncestors(wanted), (closed) => update(id, { tags: closed })),
    setCustomFields: (id, values, remove = []) =>
      Effect.flatMap(get(id), (document) =>
        update(id, { custom_fields: mergeCustomFields(document.custom_fields, values, remove) }),
      ),
    findByChecksum: (checksum) =>
      Effect.map(list({ checksum__iexact: checksum, page_size: 1 }), (page) =>
        Option.fromNullable(page.results[0]),
      ),
    metadata: (id) => transport.json({ method: "GET", path: sub(id, "metadata") }, DocumentMetadata),
    suggestions: (id) => transport.json({ method: "GET", path: sub(id, "suggestions") }, Suggestions),
    history: (id) => transport.json({ method: "GET", path: sub(id, "history") }, Schema.Array(HistoryEntry)),
    nextAsn: () => transport.json({ method: "GET", path: `${path}next_asn/` }, Schema.Int),
    selectionData: (ids) =>
      transport.json(
        {
          method: "POST",
          path: `${path}selection_data/`,
          body: jsonBody(DocumentIds, { documents: ids }, `${path}selection_data/`),
          idempotent: true,
        },
        SelectionData,
      ),
    root: (id) =>
      Effect.map(
        transport.json({ method: "GET", path: sub(id, "root") }, Schema.Struct({ root_id: DocumentId })),
        ({ root_id }) => root_id,
      ),
    labelVersion: (id, version, label) => {
      const endpoint = `${path}${id}/versions/${version}/`
      return transport.json(
        { method: "PATCH", path: endpoint, body: jsonBody(VersionLabel, { version_label: label }, endpoint) },
        DocumentVersion,
      )
    },
    email: (id, message) =>
      transport.noContent({
        method: "POST",
        path: sub(id, "email"),
        body: {
          _tag: "UrlEncoded",
          params: [
            ["addresses", message.addresses.join(",")],
            ["subject", message.subject],
            ["message", message.message],
            ...(message.use_archive_version === undefined
              ? []
              : [["use_archive_version", String(message.use_archive_version)] as const]),
          ],
        },
      }),
  }
}
