import { embeddedProperties } from "./custom-properties.js"
import {
  batchDocumentsNotInOrganization,
  documentAlreadyExists,
  documentNotFound,
  documentTooLarge,
  internalError,
  invalidFileFieldname,
  multipartParseError,
  tagNotFound,
  timedOut,
} from "./errors.js"
import type { ExtractionQueue } from "./extraction.js"
import { parseMultipart } from "./multipart.js"
import { json, keyWith, noContent, type Route, type RouteContext, route, session } from "./router.js"
import { searchDocuments } from "./search.js"
import { type ActivityRecord, type DocumentRecord, type PapraStore, sha256 } from "./store.js"
import { formatTag } from "./tags.js"
import {
  Issues,
  isRecord,
  jsonBody,
  objectAtRoot,
  type Page,
  pageQuery,
  paginate,
  picklistField,
  received,
  rejectUnknownKeys,
  strictQueryKeys,
  stringField,
} from "./validation.js"

export interface DocumentRouteOptions {
  /** Largest accepted file in bytes; 0 disables the limit. */
  readonly maxUploadSize: number
  readonly noFilePartDelayMs: number
  readonly extraction: ExtractionQueue
}

// Busboy's allowance for multipart framing before the early Content-Length check
// (MULTIPART_FORM_DATA_SINGLE_FILE_CONTENT_LENGTH_OVERHEAD in documents.constants.ts).
const MULTIPART_OVERHEAD = 1024

const iso = (date: Date | null) => date?.toISOString() ?? null

/** The document columns Papra returns, in its order; lists leave `content` out. */
export const formatDocument = (document: DocumentRecord, withContent: boolean) => ({
  id: document.id,
  createdAt: document.createdAt.toISOString(),
  updatedAt: document.updatedAt.toISOString(),
  organizationId: document.organizationId,
  createdBy: document.createdBy,
  originalName: document.originalName,
  originalSize: document.originalSize,
  originalSha256Hash: document.originalSha256Hash,
  name: document.name,
  mimeType: document.mimeType,
  ...(withContent ? { content: document.content } : {}),
  documentDate: iso(document.documentDate),
  notes: document.notes,
  deletedAt: iso(document.deletedAt),
  deletedBy: document.deletedBy,
  isDeleted: document.isDeleted,
})

const enrich = (store: PapraStore, document: DocumentRecord, withContent: boolean) => ({
  ...formatDocument(document, withContent),
  tags: [...document.tagIds].sort().flatMap((id) => {
    const tag = store.tags.get(id)
    return tag === undefined ? [] : [formatTag(tag)]
  }),
  customProperties: embeddedProperties(store, document.organizationId, document.id),
})

export interface NewDocument {
  readonly bytes: Buffer
  readonly fileName: string
  readonly mimeType: string
  readonly userId: string
  readonly createdAt?: Date
}

/**
 * Papra's createDocument: dedupe by SHA-256 within the organization. Active twin: 409. Trashed
 * twin: restored under the same id with the new file name as name and originalName, its tags
 * removed, its content and createdAt kept (documents.create.duplicate-of-trashed.json).
 */
export const storeDocument = (
  store: PapraStore,
  organizationId: string,
  input: NewDocument,
): { readonly document: DocumentRecord; readonly isNew: boolean } => {
  const hash = sha256(input.bytes)
  const hashKey = `${organizationId}:${hash}`
  const twinId = store.documentsByHash.get(hashKey)
  const twin = twinId === undefined ? undefined : store.documents.get(twinId)
  if (twin !== undefined) {
    if (!twin.isDeleted) throw documentAlreadyExists()
    twin.isDeleted = false
    twin.deletedAt = null
    twin.deletedBy = null
    twin.name = input.fileName
    twin.originalName = input.fileName
    twin.tagIds.clear()
    store.logActivity(twin.id, "created", twin.createdBy)
    return { document: twin, isNew: false }
  }
  const createdAt = input.createdAt ?? store.now()
  const document: DocumentRecord = {
    id: store.id("doc"),
    createdAt,
    updatedAt: createdAt,
    organizationId,
    createdBy: input.userId,
    originalName: input.fileName,
    originalSize: input.bytes.length,
    originalSha256Hash: hash,
    name: input.fileName,
    mimeType: input.mimeType,
    content: "",
    documentDate: null,
    notes: null,
    deletedAt: null,
    deletedBy: null,
    isDeleted: false,
    bytes: input.bytes,
    tagIds: new Set(),
  }
  store.documents.set(document.id, document)
  store.documentsByHash.set(hashKey, document.id)
  store.logActivity(document.id, "created", input.userId)
  return { document, isNew: true }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

const upload = (options: DocumentRouteOptions) => async (context: RouteContext) => {
  const { store, userId, request } = context
  const organizationId = context.params.organizationId ?? ""
  store.requireMembership(userId, organizationId)
  const limited = options.maxUploadSize > 0
  const declaredLength = Number(request.headers["content-length"])
  if (limited && declaredLength > options.maxUploadSize + MULTIPART_OVERHEAD) throw documentTooLarge()
  const parsed = parseMultipart(request.headers["content-type"], request.body)
  // A JSON (or any non-multipart) body makes busboy throw: Papra answers its generic 500
  // (documents.create.not-multipart.json).
  if (parsed.kind === "unsupported") throw internalError()
  if (parsed.kind === "malformed") throw multipartParseError()
  // Busboy only reports the first file part; text fields such as ocrLanguages are ignored.
  const file = parsed.parts.find((part) => part.filename !== undefined)
  if (file === undefined) {
    // The real route waits for a file that never comes and times out after 300 s
    // (documents.create.no-file-part.json). Here the same 504 comes after `noFilePartDelayMs`
    // (0 by default: at once) so that no test hangs.
    await sleep(options.noFilePartDelayMs)
    throw timedOut()
  }
  // The real server sends this 400 and then crashes; the simulator only sends the 400.
  if (file.name !== "file") throw invalidFileFieldname()
  if (limited && file.data.length > options.maxUploadSize) throw documentTooLarge()
  const { document, isNew } = storeDocument(store, organizationId, {
    bytes: Buffer.from(file.data),
    fileName: file.filename ?? "",
    // A part without a type is stored as text/plain, as busboy reports it.
    mimeType: file.mimeType ?? "text/plain",
    userId,
  })
  if (isNew) options.extraction.schedule(document.id)
  return json({ document: formatDocument(document, true) })
}

const SORT_FIELDS = ["createdAt", "updatedAt", "name", "documentDate"] as const
type SortField = (typeof SORT_FIELDS)[number]

// SQLite's NOCASE folds ASCII letters only; NULL sorts before any value.
const nocase = (text: string) => text.replace(/[A-Z]/g, (letter) => letter.toLowerCase())
const sortValue = (document: DocumentRecord, field: SortField): number | string | null => {
  switch (field) {
    case "name":
      return nocase(document.name)
    case "documentDate":
      return document.documentDate?.getTime() ?? null
    default:
      return document[field].getTime()
  }
}
const compareValues = (a: number | string | null, b: number | string | null) =>
  a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1

const sortDocuments = (documents: Array<DocumentRecord>, field: SortField, descending: boolean) =>
  documents.sort((a, b) => {
    const order =
      compareValues(sortValue(a, field), sortValue(b, field)) ||
      (field === "createdAt" ? 0 : a.createdAt.getTime() - b.createdAt.getTime()) ||
      compareValues(a.id, b.id)
    return descending ? -order : order
  })

const listQuery = (query: URLSearchParams) => {
  const issues = new Issues()
  const searchQuery = query.get("searchQuery")
  if (searchQuery !== null) stringField(issues, "searchQuery", searchQuery, { max: 1024 })
  const sortField = query.has("sortField")
    ? picklistField(issues, "sortField", query.get("sortField"), SORT_FIELDS)
    : "createdAt"
  const sortOrder = query.has("sortOrder")
    ? picklistField(issues, "sortOrder", query.get("sortOrder"), ["asc", "desc"] as const)
    : "desc"
  const page = pageQuery(issues, query)
  strictQueryKeys(issues, query, ["searchQuery", "sortField", "sortOrder", "pageIndex", "pageSize"])
  if (!issues.ok) throw issues.failure("query")
  return { searchQuery: searchQuery ?? "", sortField: sortField ?? "createdAt", sortOrder, page }
}

const pageOnly = (query: URLSearchParams): Page => {
  const issues = new Issues()
  const page = pageQuery(issues, query)
  strictQueryKeys(issues, query, ["pageIndex", "pageSize"])
  if (!issues.ok) throw issues.failure("query")
  return page
}

interface DocumentChanges {
  content?: string
  documentDate?: Date | null
  name?: string
  notes?: string
}

const patchBody = (body: unknown): DocumentChanges => {
  const issues = new Issues()
  const input = objectAtRoot(issues, body)
  const changes: DocumentChanges = {}
  if (input !== undefined) {
    if (input.name !== undefined) {
      const name = stringField(issues, "name", input.name, { min: 1, max: 255 })
      if (name !== undefined) changes.name = name
    }
    if (input.content !== undefined) {
      const content = stringField(issues, "content", input.content)
      if (content !== undefined) changes.content = content
    }
    if (input.documentDate === null) changes.documentDate = null
    else if (input.documentDate !== undefined) {
      const raw = stringField(issues, "documentDate", input.documentDate)
      const date = raw === undefined ? undefined : new Date(raw)
      if (date !== undefined && Number.isNaN(date.getTime())) {
        issues.add("documentDate", `Invalid date: Received ${received(raw)}`)
      } else if (date !== undefined) changes.documentDate = date
    }
    if (input.notes !== undefined) {
      const notes = stringField(issues, "notes", input.notes, { max: 2048 })
      if (notes !== undefined) changes.notes = notes
    }
    rejectUnknownKeys(issues, input, ["name", "content", "documentDate", "notes"])
  }
  if (issues.ok && Object.keys(changes).length === 0) {
    issues.add(null, "At least one of 'name', 'content', 'documentDate' or 'notes' must be provided")
  }
  if (!issues.ok) throw issues.failure("body")
  return changes
}

const existingDocument = ({ store, userId, params }: RouteContext) => {
  const organizationId = params.organizationId ?? ""
  store.requireMembership(userId, organizationId)
  const document = store.documentIn(organizationId, params.documentId ?? "")
  if (document === undefined) throw documentNotFound()
  return document
}

const trash = (store: PapraStore, document: DocumentRecord, userId: string) => {
  document.isDeleted = true
  document.deletedAt = store.now()
  document.deletedBy = userId
  store.logActivity(document.id, "deleted", userId)
}

const formatActivity = (store: PapraStore, activity: ActivityRecord) => {
  const user = activity.userId === null ? undefined : store.users.get(activity.userId)
  const tag = activity.tagId === null ? undefined : store.tags.get(activity.tagId)
  return {
    id: activity.id,
    createdAt: activity.createdAt.toISOString(),
    documentId: activity.documentId,
    event: activity.event,
    eventData: activity.eventData,
    userId: activity.userId,
    tagId: activity.tagId,
    user: user === undefined ? null : { id: user.id, name: user.name },
    tag:
      tag === undefined
        ? null
        : { id: tag.id, name: tag.name, color: tag.color, description: tag.description },
  }
}

type BatchFilter = { readonly documentIds: ReadonlyArray<string> } | { readonly query: string }

const DOCUMENT_ID = /^doc_[a-z0-9]{24}$/
const TAG_ID = /^tag_[a-z0-9]{24}$/

const filterField = (issues: Issues, value: unknown): BatchFilter | undefined => {
  if (isRecord(value) && Object.keys(value).length === 1 && typeof value.query === "string") {
    if (value.query.length <= 1024) return { query: value.query }
  }
  if (isRecord(value) && Object.keys(value).length === 1 && Array.isArray(value.documentIds)) {
    const ids = value.documentIds
    if (
      ids.length >= 1 &&
      ids.length <= 1000 &&
      ids.every((id) => typeof id === "string" && DOCUMENT_ID.test(id))
    ) {
      return { documentIds: ids as Array<string> }
    }
  }
  issues.add("filter", `Invalid type: Expected (Object | Object) but received ${received(value)}`)
  return undefined
}

const tagIdsField = (issues: Issues, path: string, value: unknown): Array<string> => {
  if (value === undefined) return []
  if (
    Array.isArray(value) &&
    value.length <= 50 &&
    value.every((id) => typeof id === "string" && TAG_ID.test(id))
  ) {
    return value as Array<string>
  }
  issues.add(path, `Invalid type: Expected Array but received ${received(value)}`)
  return []
}

const batchBody = (body: unknown, withTags: boolean) => {
  const issues = new Issues()
  const input = objectAtRoot(issues, body)
  if (input === undefined) throw issues.failure("body")
  const filter = "filter" in input ? filterField(issues, input.filter) : undefined
  if (!("filter" in input)) issues.add("filter", `Invalid key: Expected "filter" but received undefined`)
  const addTagIds = withTags ? tagIdsField(issues, "addTagIds", input.addTagIds) : []
  const removeTagIds = withTags ? tagIdsField(issues, "removeTagIds", input.removeTagIds) : []
  rejectUnknownKeys(issues, input, withTags ? ["filter", "addTagIds", "removeTagIds"] : ["filter"])
  if (issues.ok && withTags && addTagIds.length + removeTagIds.length === 0) {
    issues.add(null, "At least one of addTagIds or removeTagIds must be non-empty")
  }
  if (issues.ok && withTags && addTagIds.some((id) => removeTagIds.includes(id))) {
    issues.add(null, "addTagIds and removeTagIds must be disjoint")
  }
  if (!issues.ok || filter === undefined) throw issues.failure("body")
  return { filter, addTagIds, removeTagIds }
}

const batchTargets = (
  store: PapraStore,
  organizationId: string,
  filter: BatchFilter,
): Array<DocumentRecord> => {
  if ("query" in filter) return searchDocuments(store, organizationId, filter.query)
  const documents = filter.documentIds.map((id) => store.documentIn(organizationId, id))
  if (documents.some((document) => document === undefined)) throw batchDocumentsNotInOrganization()
  return documents.filter((document): document is DocumentRecord => document !== undefined)
}

const documentsPath = "/api/organizations/:organizationId/documents"

export const documentRoutes = (options: DocumentRouteOptions): ReadonlyArray<Route> => [
  route("POST", documentsPath, keyWith("documents:create"), upload(options)),
  route("GET", documentsPath, keyWith("documents:read"), ({ store, userId, params, query }) => {
    const { searchQuery, sortField, sortOrder, page } = listQuery(query)
    const organizationId = params.organizationId ?? ""
    store.requireMembership(userId, organizationId)
    const found = sortDocuments(
      searchDocuments(store, organizationId, searchQuery),
      sortField,
      sortOrder === "desc",
    )
    return json({
      documents: paginate(found, page).map((document) => enrich(store, document, false)),
      documentsCount: found.length,
    })
  }),
  route("POST", `${documentsPath}/:documentId/restore`, session),
  route("GET", `${documentsPath}/deleted`, keyWith("documents:read"), ({ store, userId, params, query }) => {
    const page = pageOnly(query)
    const organizationId = params.organizationId ?? ""
    store.requireMembership(userId, organizationId)
    const deleted = [...store.documents.values()]
      .filter((document) => document.organizationId === organizationId && document.isDeleted)
      .sort((a, b) => (b.deletedAt?.getTime() ?? 0) - (a.deletedAt?.getTime() ?? 0))
    // The trash list keeps `content` but has no tags or customProperties (documents.deleted.list.json).
    return json({
      documents: paginate(deleted, page).map((document) => formatDocument(document, true)),
      documentsCount: deleted.length,
    })
  }),
  route("GET", `${documentsPath}/statistics`, keyWith("documents:read"), ({ store, userId, params }) => {
    const organizationId = params.organizationId ?? ""
    store.requireMembership(userId, organizationId)
    const all = [...store.documents.values()].filter((document) => document.organizationId === organizationId)
    const sum = (documents: ReadonlyArray<DocumentRecord>) =>
      documents.reduce((total, document) => total + document.originalSize, 0)
    const active = all.filter((document) => !document.isDeleted)
    const deleted = all.filter((document) => document.isDeleted)
    return json({
      organizationStats: {
        documentsCount: active.length,
        documentsSize: sum(active),
        deletedDocumentsCount: deleted.length,
        deletedDocumentsSize: sum(deleted),
        totalDocumentsCount: all.length,
        totalDocumentsSize: sum(all),
      },
    })
  }),
  // Trashed documents stay reachable by id for get, patch and download (documents.get.deleted.json).
  route("GET", `${documentsPath}/:documentId`, keyWith("documents:read"), (context) =>
    json({ document: enrich(context.store, existingDocument(context), true) }),
  ),
  route("DELETE", `${documentsPath}/trash/:documentId`, session),
  route("DELETE", `${documentsPath}/trash`, session),
  route("DELETE", `${documentsPath}/:documentId`, keyWith("documents:delete"), (context) => {
    // 200 with a body, and again for a document already in the trash (documents.delete.again.json).
    trash(context.store, existingDocument(context), context.userId)
    return json({ success: true })
  }),
  route("GET", `${documentsPath}/:documentId/file`, keyWith("documents:read"), (context) => {
    const document = existingDocument(context)
    return {
      status: 200,
      headers: {
        "content-type": "application/octet-stream",
        // The current name, not originalName (documents.file.pdf.json).
        "content-disposition": `attachment; filename*=UTF-8''${encodeURIComponent(document.name)}`,
        "x-content-type-options": "nosniff",
      },
      body: document.bytes,
    }
  }),
  route("PATCH", `${documentsPath}/:documentId`, keyWith("documents:update"), (context) => {
    const changes = patchBody(jsonBody(context.request.headers["content-type"], context.request.body))
    const document = existingDocument(context)
    if (changes.content !== undefined) document.content = changes.content
    if (changes.documentDate !== undefined) document.documentDate = changes.documentDate
    if (changes.name !== undefined) document.name = changes.name
    if (changes.notes !== undefined) document.notes = changes.notes
    // updatedAt is left alone, as the real server does (papra-server-behaviour.md).
    context.store.logActivity(document.id, "updated", context.userId, {
      updatedFields: (["content", "documentDate", "name", "notes"] as const).filter((key) => key in changes),
    })
    return json({ document: formatDocument(document, true) })
  }),
  route("POST", `${documentsPath}/batch/trash`, keyWith("documents:delete"), (context) => {
    const { filter } = batchBody(
      jsonBody(context.request.headers["content-type"], context.request.body),
      false,
    )
    const organizationId = context.params.organizationId ?? ""
    context.store.requireMembership(context.userId, organizationId)
    for (const document of batchTargets(context.store, organizationId, filter)) {
      if (!document.isDeleted) trash(context.store, document, context.userId)
    }
    return noContent()
  }),
  route("POST", `${documentsPath}/batch/tags`, keyWith("documents:update", "tags:read"), (context) => {
    const body = batchBody(jsonBody(context.request.headers["content-type"], context.request.body), true)
    const { store, userId } = context
    const organizationId = context.params.organizationId ?? ""
    store.requireMembership(userId, organizationId)
    const documents = batchTargets(store, organizationId, body.filter)
    if (documents.length === 0) return noContent()
    if (
      [...body.addTagIds, ...body.removeTagIds].some((id) => store.tagIn(organizationId, id) === undefined)
    ) {
      throw tagNotFound()
    }
    for (const document of documents) {
      for (const tagId of body.addTagIds) {
        if (document.tagIds.has(tagId)) continue
        document.tagIds.add(tagId)
        store.logActivity(document.id, "tagged", userId, { tagId })
      }
      for (const tagId of body.removeTagIds) {
        if (!document.tagIds.delete(tagId)) continue
        store.logActivity(document.id, "untagged", userId, { tagId })
      }
    }
    return noContent()
  }),
]

/** Registered after the tag and tagging-rule routes, like the real document-activity module. */
export const activityRoute = route(
  "GET",
  `${documentsPath}/:documentId/activity`,
  keyWith("documents:read"),
  ({ store, userId, params, query }) => {
    const page = pageOnly(query)
    const organizationId = params.organizationId ?? ""
    store.requireMembership(userId, organizationId)
    const documentId = params.documentId ?? ""
    const activities = store.documentIn(organizationId, documentId)
      ? store.activities.filter((activity) => activity.documentId === documentId).reverse()
      : []
    return json({ activities: paginate(activities, page).map((activity) => formatActivity(store, activity)) })
  },
)
