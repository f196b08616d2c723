import * as Path from "node:path"
import { filenameFromContentDisposition, multipartBody } from "@paperbridge/http"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { PapraEmbeddedCustomProperty } from "./custom-properties.js"
import { type PapraError, PapraRequestError, type PapraTransportError } from "./errors.js"
import { PapraActivityId, PapraDocumentId, PapraOrganizationId, PapraTagId, PapraUserId } from "./ids.js"
import { maxPageSize, paginate } from "./pagination.js"
import { PapraTag } from "./tags.js"
import { encodeBody, endpointOf, type QueryValue, type Route, route, type Transport } from "./transport.js"

const baseFields = {
  id: PapraDocumentId,
  createdAt: Schema.String,
  // Never moves on edits (papra-server-behaviour.md): detect changes by comparing snapshots.
  updatedAt: Schema.String,
  organizationId: PapraOrganizationId,
  createdBy: Schema.NullOr(PapraUserId),
  originalName: Schema.String,
  originalSize: Schema.Number,
  // The organization-wide dedupe key: the same bytes cannot be active twice in one organization.
  originalSha256Hash: Schema.String,
  name: Schema.String,
  // Whatever the uploader declared; Papra does not sniff (papra-server-behaviour.md, second run).
  mimeType: Schema.String,
  documentDate: Schema.NullOr(Schema.String),
  notes: Schema.NullOr(Schema.String),
  deletedAt: Schema.NullOr(Schema.String),
  deletedBy: Schema.NullOr(PapraUserId),
  isDeleted: Schema.Boolean,
}
const relationFields = {
  tags: Schema.Array(PapraTag),
  // Every definition of the organization, `value: null` when unset.
  customProperties: Schema.Array(PapraEmbeddedCustomProperty),
}

/** The fields every document answer has. */
export const PapraDocumentBase = Schema.Struct(baseFields)
export type PapraDocumentBase = typeof PapraDocumentBase.Type

/** A document as upload, update and the trash list return it: with `content`, without tags and properties. */
export const PapraDocumentRecord = Schema.Struct({ ...baseFields, content: Schema.String })
export type PapraDocumentRecord = typeof PapraDocumentRecord.Type

/** A document as the list returns it: tags and properties, but no `content` (documents.list.json). */
export const PapraDocumentListItem = Schema.Struct({ ...baseFields, ...relationFields })
export type PapraDocumentListItem = typeof PapraDocumentListItem.Type

/** A document as get returns it: everything. */
export const PapraDocument = Schema.Struct({ ...baseFields, content: Schema.String, ...relationFields })
export type PapraDocument = typeof PapraDocument.Type

export const PapraDocumentStatistics = Schema.Struct({
  documentsCount: Schema.Number,
  documentsSize: Schema.Number,
  // Not in the docs, but sent by the server (documents.statistics.json).
  deletedDocumentsCount: Schema.optional(Schema.Number),
  deletedDocumentsSize: Schema.optional(Schema.Number),
  totalDocumentsCount: Schema.optional(Schema.Number),
  totalDocumentsSize: Schema.optional(Schema.Number),
})
export type PapraDocumentStatistics = typeof PapraDocumentStatistics.Type

export const PapraDocumentActivity = Schema.Struct({
  id: PapraActivityId,
  createdAt: Schema.String,
  documentId: PapraDocumentId,
  /** created, updated, deleted, restored, tagged, untagged; kept open for events to come. */
  event: Schema.String,
  eventData: Schema.NullOr(Schema.Struct({ updatedFields: Schema.optional(Schema.Array(Schema.String)) })),
  // null for the background content extraction (documents.activity.json).
  userId: Schema.NullOr(PapraUserId),
  // Becomes null once the tag is deleted (documents.activity.after-tags.json).
  tagId: Schema.NullOr(PapraTagId),
  user: Schema.NullOr(Schema.Struct({ id: PapraUserId, name: Schema.NullOr(Schema.String) })),
  tag: Schema.NullOr(
    Schema.Struct({
      id: PapraTagId,
      name: Schema.String,
      color: Schema.String,
      description: Schema.NullOr(Schema.String),
    }),
  ),
})
export type PapraDocumentActivity = typeof PapraDocumentActivity.Type

const PageSize = Schema.Int.pipe(Schema.between(1, maxPageSize))
const PageIndex = Schema.Int.pipe(Schema.nonNegative())

export const PapraDocumentSortField = Schema.Literal("createdAt", "updatedAt", "name", "documentDate")
export type PapraDocumentSortField = typeof PapraDocumentSortField.Type

export const PapraDocumentQuery = Schema.Struct({
  /** Papra's search syntax: words, `name:`, `tag:"…"`, `has:tags`, `date:>=2026-01-01`, `-` to negate. */
  searchQuery: Schema.optional(Schema.String.pipe(Schema.maxLength(1024))),
  sortField: Schema.optional(PapraDocumentSortField),
  sortOrder: Schema.optional(Schema.Literal("asc", "desc")),
  pageSize: Schema.optional(PageSize),
})
export type PapraDocumentQuery = typeof PapraDocumentQuery.Type

const PageWindow = Schema.Struct({ pageIndex: PageIndex, pageSize: PageSize })
const PageQuery = Schema.Struct({ ...PapraDocumentQuery.fields, ...PageWindow.fields })

/**
 * The fields a PATCH accepts; any other key is a 400 (documents.update.unknown-field.json), and so
 * is an empty body. `documentDate` is an ISO date or timestamp, null to clear it.
 */
export const PapraDocumentUpdate = Schema.Struct({
  name: Schema.optional(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(255))),
  content: Schema.optional(Schema.String),
  documentDate: Schema.optional(Schema.NullOr(Schema.String)),
  notes: Schema.optional(Schema.String.pipe(Schema.maxLength(2048))),
}).pipe(
  Schema.filter(
    (update) =>
      Object.values(update).some((value) => value !== undefined) ||
      "at least one of name, content, documentDate or notes",
  ),
)
export type PapraDocumentUpdate = typeof PapraDocumentUpdate.Type

const MimeType = Schema.String.pipe(
  Schema.pattern(/^[\w.+-]+\/[\w.+-]+(\s*;.*)?$/, { message: () => "a MIME type such as application/pdf" }),
)

/**
 * An upload. The file is streamed from disk (`path`) or from any `Blob`. `mimeType` is required:
 * Papra stores whatever type the part declares and extracts text by it, so a PDF sent without
 * one becomes `text/plain` with its raw bytes as content (papra-server-behaviour.md, second run).
 */
export const PapraUploadInput = Schema.Struct({
  fileName: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(255)),
  mimeType: MimeType,
  /** Documented, sent before the file part, and ignored by the server (documents.create.with-ocr-languages-field.json). */
  ocrLanguages: Schema.optional(Schema.Array(Schema.String)),
})

export type PapraUploadSource =
  | {
      readonly path: string
      readonly fileName?: string
      readonly mimeType: string
      readonly ocrLanguages?: ReadonlyArray<string>
    }
  | {
      readonly blob: Blob
      readonly fileName: string
      readonly mimeType: string
      readonly ocrLanguages?: ReadonlyArray<string>
    }

/** `{documentIds}` or a search `query` (documents.batch.tags.by-query.json). */
export const PapraDocumentFilter = Schema.Union(
  Schema.Struct({ documentIds: Schema.Array(PapraDocumentId).pipe(Schema.minItems(1)) }),
  Schema.Struct({ query: Schema.String }),
)
export type PapraDocumentFilter = typeof PapraDocumentFilter.Type

const BatchTagsBody = Schema.Struct({
  filter: PapraDocumentFilter,
  addTagIds: Schema.optional(Schema.Array(PapraTagId)),
  removeTagIds: Schema.optional(Schema.Array(PapraTagId)),
})
export type PapraBatchTags = typeof BatchTagsBody.Type

/** A downloaded file: its bytes arrive as the stream is pulled, never held whole in memory. */
export interface PapraFile {
  /** From `Content-Disposition`: the document's current name, which may lack an extension. */
  readonly fileName: string | undefined
  /**
   * As sent by the server, which is always `application/octet-stream` (documents.file.json):
   * the document's `mimeType` is the real type.
   */
  readonly contentType: string | undefined
  readonly contentLength: number | undefined
  readonly stream: Stream.Stream<Uint8Array, PapraTransportError>
}

export interface PapraExtraction<D> {
  readonly document: D
  /** False when the wait ran out before the server finished extracting text. */
  readonly extracted: boolean
}

const DocumentBody = Schema.Struct({ document: PapraDocument })
const RecordBody = Schema.Struct({ document: PapraDocumentRecord })

export const documentRoutes = {
  list: route(
    "GET",
    "/api/organizations/:organizationId/documents",
    Schema.Struct({ documents: Schema.Array(PapraDocumentListItem), documentsCount: Schema.Number }),
  ),
  listDeleted: route(
    "GET",
    "/api/organizations/:organizationId/documents/deleted",
    Schema.Struct({ documents: Schema.Array(PapraDocumentRecord), documentsCount: Schema.Number }),
  ),
  get: route("GET", "/api/organizations/:organizationId/documents/:documentId", DocumentBody),
  upload: route("POST", "/api/organizations/:organizationId/documents", RecordBody),
  // Absolute values only, so a replay after a lost answer changes nothing.
  update: route("PATCH", "/api/organizations/:organizationId/documents/:documentId", RecordBody, {
    idempotent: true,
  }),
  // 200 `{success:true}`, not the documented 204, and the same again for a trashed one (documents.delete.again.json).
  delete: route(
    "DELETE",
    "/api/organizations/:organizationId/documents/:documentId",
    Schema.Struct({ success: Schema.Boolean }),
  ),
  download: route("GET", "/api/organizations/:organizationId/documents/:documentId/file"),
  statistics: route(
    "GET",
    "/api/organizations/:organizationId/documents/statistics",
    Schema.Struct({ organizationStats: PapraDocumentStatistics }),
  ),
  activity: route(
    "GET",
    "/api/organizations/:organizationId/documents/:documentId/activity",
    Schema.Struct({ activities: Schema.Array(PapraDocumentActivity) }),
  ),
  addTag: route("POST", "/api/organizations/:organizationId/documents/:documentId/tags"),
  removeTag: route("DELETE", "/api/organizations/:organizationId/documents/:documentId/tags/:tagId"),
  // Setting and removing the same tags again changes nothing, so both batch routes may be replayed.
  batchTags: route("POST", "/api/organizations/:organizationId/documents/batch/tags", undefined, {
    idempotent: true,
  }),
  batchTrash: route("POST", "/api/organizations/:organizationId/documents/batch/trash", undefined, {
    idempotent: true,
  }),
} as const

export interface PapraDocuments {
  /** Every document matching the query (trash excluded), fetched page by page as the stream is pulled. */
  readonly stream: (query?: PapraDocumentQuery) => Stream.Stream<PapraDocumentListItem, PapraError>
  /** One page, with the server's total count (`list` is one page in both clients, `stream` all of them). */
  readonly list: (
    query: PapraDocumentQuery & { readonly pageIndex: number; readonly pageSize: number },
  ) => Effect.Effect<
    { readonly documents: ReadonlyArray<PapraDocumentListItem>; readonly total: number },
    PapraError
  >
  /** The trash. Trashed documents stay readable by id; only a session can restore or purge them. */
  readonly streamDeleted: (options?: {
    readonly pageSize?: number
  }) => Stream.Stream<PapraDocumentRecord, PapraError>
  readonly get: (id: PapraDocumentId) => Effect.Effect<PapraDocument, PapraError>
  /**
   * Uploads a file, streamed. The same bytes already active in the organization fail with 409
   * `document.already_exists` (no id in the body: use `findBySha256`); the same bytes in the trash
   * restore that document and answer with its id (documents.create.duplicate-of-trashed.json).
   */
  readonly upload: (source: PapraUploadSource) => Effect.Effect<PapraDocumentRecord, PapraError>
  /**
   * A `content` written before background extraction has finished is overwritten by it: call
   * `waitForContent` first after an upload.
   */
  readonly update: (
    id: PapraDocumentId,
    update: PapraDocumentUpdate,
  ) => Effect.Effect<PapraDocumentRecord, PapraError>
  /** Moves the document to the trash; repeating it is harmless. */
  readonly delete: (id: PapraDocumentId) => Effect.Effect<void, PapraError>
  readonly download: (id: PapraDocumentId) => Effect.Effect<PapraFile, PapraError>
  readonly statistics: () => Effect.Effect<PapraDocumentStatistics, PapraError>
  /** Newest first. */
  readonly activity: (
    id: PapraDocumentId,
    options?: { readonly pageSize?: number },
  ) => Stream.Stream<PapraDocumentActivity, PapraError>
  /** Fails with 409 `documents.already_has_tag` when it is already there. */
  readonly addTag: (id: PapraDocumentId, tagId: PapraTagId) => Effect.Effect<void, PapraError>
  /** Answers 204 even when the tag was not attached. */
  readonly removeTag: (id: PapraDocumentId, tagId: PapraTagId) => Effect.Effect<void, PapraError>
  readonly batchTags: (batch: PapraBatchTags) => Effect.Effect<void, PapraError>
  readonly batchTrash: (filter: PapraDocumentFilter) => Effect.Effect<void, PapraError>
  /**
   * The document (active first, then trashed) whose original bytes have this SHA-256, if any:
   * the way to find the twin after a 409, or to reconcile an upload whose answer was lost.
   * Scans the organization; to match many files, index `stream()` and `streamDeleted()` once instead.
   */
  readonly findBySha256: (sha256: string) => Effect.Effect<Option.Option<PapraDocumentBase>, PapraError>
  /**
   * Polls until the server's background extraction has run (content filled, or an extraction
   * entry in the activity log for files with no text), with a growing pause between polls
   * (`interval`, then × `factor`), at most `polls` times (each one or two requests) and no longer
   * than `timeout`. External extractors (OCR services) can take minutes: an answer with
   * `extracted: false` means it has not run yet and may still overwrite `content` later.
   */
  readonly waitForContent: (
    id: PapraDocumentId,
    options?: {
      readonly timeout?: Duration.DurationInput
      readonly interval?: Duration.DurationInput
      readonly factor?: number
      readonly polls?: number
    },
  ) => Effect.Effect<PapraExtraction<PapraDocument>, PapraError>
  /**
   * Whether the background extraction has run on the document (its activity log has the entry),
   * whatever its `content` is now: a content written before that is not safe yet.
   */
  readonly extractionDone: (id: PapraDocumentId) => Effect.Effect<boolean, PapraError>
}

const Sha256 = Schema.String.pipe(Schema.pattern(/^[0-9a-f]{64}$/))

const toQuery = (query: typeof PageQuery.Encoded): Record<string, QueryValue> => ({ ...query })

export const makeDocuments = (
  transport: Transport,
  organizationId: Effect.Effect<PapraOrganizationId, PapraError>,
  settings: { readonly uploadTimeoutMs: number },
): PapraDocuments => {
  const r = documentRoutes
  const withOrg = <A>(f: (org: PapraOrganizationId) => Effect.Effect<A, PapraError>) =>
    Effect.flatMap(organizationId, f)
  const params = (org: PapraOrganizationId, documentId: PapraDocumentId) => ({
    organizationId: org,
    documentId,
  })

  const list: PapraDocuments["list"] = (query) =>
    withOrg((org) =>
      encodeBody(r.list, PageQuery, query).pipe(
        Effect.flatMap((encoded) =>
          transport.call(r.list, { params: { organizationId: org }, query: toQuery(encoded) }),
        ),
      ),
    ).pipe(Effect.map((body) => ({ documents: body.documents, total: body.documentsCount })))

  const stream: PapraDocuments["stream"] = (query = {}) => {
    const pageSize = query.pageSize ?? maxPageSize
    return paginate(pageSize, (pageIndex) =>
      Effect.map(list({ ...query, pageIndex, pageSize }), ({ documents, total }) => ({
        items: documents,
        total,
      })),
    )
  }

  /** One page of a route whose only query is the page window. */
  const windowPage = <A, I>(
    route: Route<A, I>,
    routeParams: (org: PapraOrganizationId) => Readonly<Record<string, string>>,
    window: typeof PageWindow.Type,
  ) =>
    withOrg((org) =>
      encodeBody(route, PageWindow, window).pipe(
        Effect.flatMap((query) => transport.call(route, { params: routeParams(org), query })),
      ),
    )

  const streamDeleted: PapraDocuments["streamDeleted"] = (options = {}) => {
    const pageSize = options.pageSize ?? maxPageSize
    return paginate(pageSize, (pageIndex) =>
      windowPage(r.listDeleted, (org) => ({ organizationId: org }), { pageIndex, pageSize }).pipe(
        Effect.map((body) => ({ items: body.documents, total: body.documentsCount })),
      ),
    )
  }

  const get: PapraDocuments["get"] = (id) =>
    withOrg((org) => transport.call(r.get, { params: params(org, id) })).pipe(
      Effect.map((body) => body.document),
    )

  const upload: PapraDocuments["upload"] = (source) =>
    withOrg((org) =>
      Effect.gen(function* () {
        const input = yield* encodeBody(r.upload, PapraUploadInput, {
          fileName: "blob" in source ? source.fileName : (source.fileName ?? Path.basename(source.path)),
          mimeType: source.mimeType,
          ...(source.ocrLanguages === undefined ? {} : { ocrLanguages: source.ocrLanguages }),
        })
        const multipart = yield* multipartBody([
          ...(input.ocrLanguages === undefined
            ? []
            : [["ocrLanguages", input.ocrLanguages.join(",")] as const]),
          // The field must be named "file": any other name crashes the real server process
          // (documents.create.wrong-field-name.json), so it is fixed here and nowhere else. The
          // part's own type is what Papra stores, so the declared type wins over the blob's.
          [
            "file",
            {
              source: "blob" in source ? { blob: source.blob } : { path: source.path },
              filename: input.fileName,
              contentType: input.mimeType,
            },
          ],
        ]).pipe(
          Effect.mapError(
            (error) =>
              new PapraRequestError({
                endpoint: endpointOf(r.upload),
                field: "path",
                problem: error.problem,
              }),
          ),
        )
        const body = yield* transport.call(r.upload, {
          params: { organizationId: org },
          multipart,
          timeoutMs: settings.uploadTimeoutMs,
        })
        return body.document
      }),
    )

  const update: PapraDocuments["update"] = (id, patch) =>
    withOrg((org) =>
      encodeBody(r.update, PapraDocumentUpdate, patch).pipe(
        Effect.flatMap((json) => transport.call(r.update, { params: params(org, id), json })),
      ),
    ).pipe(Effect.map((body) => body.document))

  const download: PapraDocuments["download"] = (id) =>
    withOrg((org) => transport.stream(r.download, { params: params(org, id) })).pipe(
      Effect.map((response) => {
        const length = Number(response.headers["content-length"])
        return {
          fileName: filenameFromContentDisposition(response.headers["content-disposition"]),
          contentType: response.headers["content-type"],
          contentLength: Number.isFinite(length) ? length : undefined,
          stream: response.body,
        }
      }),
    )

  const activity: PapraDocuments["activity"] = (id, options = {}) => {
    const pageSize = options.pageSize ?? maxPageSize
    return paginate(pageSize, (pageIndex) =>
      windowPage(r.activity, (org) => params(org, id), { pageIndex, pageSize }).pipe(
        Effect.map((body) => ({ items: body.activities })),
      ),
    )
  }

  const findBySha256: PapraDocuments["findBySha256"] = (sha256) =>
    encodeBody(r.list, Sha256, sha256.toLowerCase()).pipe(
      Effect.flatMap((hash) =>
        Stream.concat<PapraDocumentBase, PapraError, never, PapraDocumentBase, PapraError, never>(
          stream(),
          streamDeleted(),
        ).pipe(
          Stream.filter((document) => document.originalSha256Hash === hash),
          Stream.runHead,
        ),
      ),
    )

  // Extraction logs an `updated` entry for `content` with no user (documents.activity.json).
  const extractionLogged = (id: PapraDocumentId) =>
    activity(id, { pageSize: 20 }).pipe(
      Stream.take(20),
      Stream.filter(
        (entry) =>
          entry.event === "updated" &&
          entry.userId === null &&
          (entry.eventData?.updatedFields ?? []).includes("content"),
      ),
      Stream.runHead,
      Effect.map(Option.isSome),
    )

  const waitForContent: PapraDocuments["waitForContent"] = (id, options = {}) => {
    const factor = options.factor ?? 2
    const polls = Math.max(1, options.polls ?? 6)
    const poll = (
      round: number,
      delay: Duration.Duration,
    ): Effect.Effect<PapraExtraction<PapraDocument>, PapraError> =>
      Effect.gen(function* () {
        const document = yield* get(id)
        if (document.content !== "") return { document, extracted: true }
        // Extraction may finish between the two reads: read the document again to get its text.
        if (yield* extractionLogged(id)) return { document: yield* get(id), extracted: true }
        if (round >= polls) return { document, extracted: false }
        yield* Effect.sleep(delay)
        return yield* poll(round + 1, Duration.times(delay, factor))
      })
    return poll(1, Duration.decode(options.interval ?? "200 millis")).pipe(
      Effect.timeoutTo({
        duration: options.timeout ?? "10 seconds",
        onSuccess: Effect.succeed,
        onTimeout: () =>
          Effect.map(get(id), (document) => ({ document, extracted: document.content !== "" })),
      }),
      Effect.flatten,
    )
  }

  return {
    list,
    stream,
    streamDeleted,
    get,
    upload,
    update,
    delete: (id) =>
      withOrg((org) => transport.call(r.delete, { params: params(org, id) })).pipe(Effect.asVoid),
    download,
    statistics: () =>
      withOrg((org) => transport.call(r.statistics, { params: { organizationId: org } })).pipe(
        Effect.map((body) => body.organizationStats),
      ),
    activity,
    extractionDone: extractionLogged,
    addTag: (id, tagId) =>
      withOrg((org) =>
        encodeBody(r.addTag, Schema.Struct({ tagId: PapraTagId }), { tagId }).pipe(
          Effect.flatMap((json) => transport.call(r.addTag, { params: params(org, id), json })),
        ),
      ),
    removeTag: (id, tagId) =>
      withOrg((org) => transport.call(r.removeTag, { params: { ...params(org, id), tagId } })),
    batchTags: (batch) =>
      withOrg((org) =>
        encodeBody(r.batchTags, BatchTagsBody, batch).pipe(
          Effect.flatMap((json) => transport.call(r.batchTags, { params: { organizationId: org }, json })),
        ),
      ),
    batchTrash: (filter) =>
      withOrg((org) =>
        encodeBody(r.batchTrash, Schema.Struct({ filter: PapraDocumentFilter }), { filter }).pipe(
          Effect.flatMap((json) => transport.call(r.batchTrash, { params: { organizationId: org }, json })),
        ),
      ),
    findBySha256,
    waitForContent,
  }
}
