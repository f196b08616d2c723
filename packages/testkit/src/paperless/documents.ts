import type { SimResponse } from "../http-server.js"
import { formatMicros, parseCreated, parseDateOnly } from "./clock.js"
import {
  assignValue,
  parseCustomFieldList,
  readValue,
  removeInstance,
  renderValueForVersion,
} from "./custom-fields.js"
import { documentPredicates, orderDocuments } from "./document-query.js"
import { paginate } from "./pagination.js"
import {
  canChange,
  canView,
  parseOwner,
  parseSetPermissions,
  renderPermissions,
  requirePermission,
} from "./permissions.js"
import {
  bodyFields,
  type Context,
  fail,
  failDetail,
  forbidden,
  forbiddenText,
  htmlText,
  invalidPk,
  json,
  methodNotAllowed,
  notFound,
  parseBoolean,
  parsePk,
  pythonTypeName,
} from "./responses.js"
import { highlight, parseQuery, scoreDocument } from "./search.js"
import type { DocumentRecord, NoteRecord } from "./store.js"
import { resolveTagUpdate, sortTagIds } from "./tags.js"

/**
 * Documents: the serializer shape per generation and version, the list with filters, search and
 * `fields=`, and GET/PATCH/PUT/DELETE with the real validation messages and `modified` rules.
 */

export const renderNote = (context: Context, note: NoteRecord) => {
  const user = context.store.users.get(note.user)
  // Notes' `user` is an id up to API 7 on 2.20 (`documents.notes.list.v7.json`).
  const renderedUser =
    context.store.generation === "2.20" && context.version <= 7
      ? note.user
      : {
          id: note.user,
          username: user?.username ?? "",
          first_name: user?.firstName ?? "",
          last_name: user?.lastName ?? "",
        }
  return { id: note.id, note: note.note, created: formatMicros(note.created), user: renderedUser }
}

export interface DocumentRenderOptions {
  readonly fullPerms?: boolean
  readonly fields?: ReadonlySet<string> | undefined
  readonly truncateContent?: boolean
}

const duplicatesOf = (context: Context, document: DocumentRecord) =>
  context.store
    .documentsWithChecksum(document.original.sha256)
    .filter((other) => other.id !== document.id)
    .map((other) => ({
      id: other.id,
      title: other.title,
      deleted_at: other.deletedAt === null ? null : formatMicros(other.deletedAt),
    }))

const versionsOf = (context: Context, document: DocumentRecord) => [
  ...[...document.versions].reverse().map((version) => ({
    id: version.id,
    added: formatMicros(version.added),
    version_label: version.label,
    checksum: version.file.sha256,
    is_root: false,
  })),
  {
    id: document.id,
    added: formatMicros(document.added),
    version_label: document.rootLabel,
    checksum: context.store.checksumOf(document.original),
    is_root: true,
  },
]

export const renderDocument = (
  context: Context,
  document: DocumentRecord,
  options: DocumentRenderOptions = {},
) => {
  const threeZero = context.store.generation === "3.0"
  const created =
    context.store.generation === "2.20" && context.version < 9
      ? `${document.created}T00:00:00+00:00`
      : document.created
  const content = options.truncateContent ? document.content.slice(0, 550) : document.content
  const access = options.fullPerms
    ? { permissions: renderPermissions(document.permissions) }
    : {
        user_can_change: canChange(context.user, document.owner, document.permissions),
        is_shared_by_requester:
          document.owner === context.user.id &&
          document.permissions.viewUsers.length +
            document.permissions.viewGroups.length +
            document.permissions.changeUsers.length +
            document.permissions.changeGroups.length >
            0,
      }
  const current = context.store.currentFile(document)
  const rendered: Record<string, unknown> = {
    id: document.id,
    correspondent: document.correspondent,
    document_type: document.documentType,
    storage_path: document.storagePath,
    title: document.title,
    content,
    tags: sortTagIds(context.store, document.tags),
    created,
    created_date: document.created,
    modified: formatMicros(document.modified),
    added: formatMicros(document.added),
    deleted_at: document.deletedAt === null ? null : formatMicros(document.deletedAt),
    archive_serial_number: document.asn,
    original_file_name: document.originalFileName,
    archived_file_name: document.archivedFileName,
    ...(threeZero ? { duplicate_documents: duplicatesOf(context, document) } : {}),
    owner: document.owner,
    ...access,
    notes: document.notes.map((note) => renderNote(context, note)),
    custom_fields: document.customFields.map((instance) => {
      const field = context.store.customFields.get(instance.field)
      return {
        value: renderValueForVersion(context, field, readValue(field, instance.values)),
        field: instance.field,
      }
    }),
    page_count: document.pageCount,
    mime_type: current.original.mimeType,
    ...(threeZero ? { root_document: null, versions: versionsOf(context, document) } : {}),
  }
  if (options.fields === undefined) return rendered
  const wanted = options.fields
  return Object.fromEntries(Object.entries(rendered).filter(([key]) => wanted.has(key)))
}

const fieldsParam = (context: Context) => {
  const raw = context.query.get("fields")
  return raw === null || raw === "" ? undefined : new Set(raw.split(",").map((field) => field.trim()))
}

export const visibleDocuments = (context: Context) =>
  context.store
    .liveDocuments()
    .filter((document) => canView(context.user, document.owner, document.permissions))

/** Full-text parameters: `query` (both), `more_like_id` (both), `text`/`title_search` (3.0 only). */
const fullTextScores = (context: Context, candidates: Array<DocumentRecord>) => {
  const query = context.query.get("query")
  const text = context.store.generation === "3.0" ? context.query.get("text") : null
  const titleSearch = context.store.generation === "3.0" ? context.query.get("title_search") : null
  const moreLike = context.query.get("more_like_id")
  if (query === null && text === null && titleSearch === null && moreLike === null) return undefined
  let raw = query ?? text ?? (titleSearch === null ? "" : `title:${titleSearch}`)
  if (moreLike !== null) {
    const source = /^\d+$/.test(moreLike) ? context.store.liveDocument(Number(moreLike)) : undefined
    if (!source || !canView(context.user, source.owner, source.permissions))
      throw htmlReply(403, "Invalid more_like_id")
    const words = [...new Set(source.content.split(/[^\p{L}]+/u).filter((word) => word.length >= 5))].slice(
      0,
      8,
    )
    raw = words.join(" OR ")
    candidates = candidates.filter((candidate) => candidate.id !== source.id)
  }
  const parsed = parseQuery(raw)
  if ("syntaxError" in parsed) {
    // 3.0 answers a syntax error with a 400 text body, 2.20 with an empty result (`…query.syntax-error.json`).
    if (context.store.generation === "3.0")
      throw htmlReply(400, "Error listing search results, check logs for more detail.")
    return { parsed, hits: new Map<number, number>() }
  }
  const hits = new Map<number, number>()
  for (const candidate of candidates) {
    const score = scoreDocument(context.store, candidate, parsed)
    if (score !== undefined) hits.set(candidate.id, score)
  }
  return { parsed, hits }
}

class HtmlReply {
  constructor(readonly response: SimResponse) {}
}
const htmlReply = (status: number, text: string) => new HtmlReply(htmlText(status, text))

export const listDocuments = (context: Context): SimResponse => {
  requirePermission(context, "view_document")
  const predicates = documentPredicates(context)
  let documents = visibleDocuments(context).filter((document) =>
    predicates.every((predicate) => predicate(document)),
  )
  let search: ReturnType<typeof fullTextScores>
  try {
    search = fullTextScores(context, documents)
  } catch (error) {
    if (error instanceof HtmlReply) return error.response
    throw error
  }
  if (search === undefined) {
    documents = orderDocuments(context, documents, "-created,-id")
  } else {
    const hits = search.hits
    documents = documents.filter((document) => hits.has(document.id))
    if (context.query.get("ordering") === null)
      documents.sort((a, b) => (hits.get(b.id) ?? 0) - (hits.get(a.id) ?? 0) || b.id - a.id)
    else documents = orderDocuments(context, documents, "-created,-id")
  }
  const { items, envelope } = paginate(context, documents)
  const options: DocumentRenderOptions = {
    fields: fieldsParam(context),
    fullPerms: parseBoolean(context.query.get("full_perms") ?? "false") === true,
    truncateContent: parseBoolean(context.query.get("truncate_content") ?? "false") === true,
  }
  const firstRank = context.store.generation === "3.0" ? 1 : 0
  const pageOffset = documents.indexOf(items[0] as DocumentRecord)
  const results = items.map((document, index) => {
    const rendered = renderDocument(context, document, options)
    if (search === undefined) return rendered
    const top = Math.max(1, ...search.hits.values())
    return {
      ...rendered,
      __search_hit__: {
        score:
          (search.hits.get(document.id) ?? 0) / (context.store.generation === "2.20" ? top : 1) +
          (context.store.generation === "3.0" ? 1 : 0),
        highlights: highlight(context.store, document, search.parsed),
        note_highlights: context.store.generation === "3.0" ? null : "",
        rank: firstRank + pageOffset + index,
      },
    }
  })
  return json(200, { ...envelope(results), ...(search === undefined ? {} : { corrected_query: null }) })
}

/** A document the user may see, or the 404s the real server gives (`Not found.` for a non-numeric id). */
export const findDocument = (
  context: Context,
  rawId: string,
  options: { includeTrashed?: boolean; plainNotFound?: boolean } = {},
) => {
  if (!/^\d+$/.test(rawId)) return failDetail(404, "Not found.")
  const document = context.store.documents.get(Number(rawId))
  const visible = document !== undefined && canView(context.user, document.owner, document.permissions)
  if (document && visible && (document.deletedAt === null || options.includeTrashed)) return document
  // File, metadata, notes, history and share-link views raise a bare Http404 (`documents.metadata.not-found.json`).
  return options.plainNotFound ? failDetail(404, "Not found.") : notFound("Document")
}

const refField = (
  context: Context,
  errors: Record<string, Array<string>>,
  name: "correspondent" | "document_type" | "storage_path",
  value: unknown,
): number | null | undefined => {
  if (value === null || value === "") return null
  const pk = parsePk(value)
  if (typeof pk !== "number") {
    errors[name] = [pk.error]
    return undefined
  }
  const kind =
    name === "correspondent"
      ? "correspondents"
      : name === "document_type"
        ? "document_types"
        : "storage_paths"
  if (!context.store.objects[kind].has(pk)) {
    errors[name] = [invalidPk(value)]
    return undefined
  }
  return pk
}

/** Validates `tags` as a list of existing tag ids (DRF ManyRelatedField messages). */
export const parseTagList = (
  context: Context,
  value: unknown,
  field = "tags",
): Array<number> | { error: string } => {
  if (!Array.isArray(value))
    return { error: `Expected a list of items but got type "${pythonTypeName(value)}".` }
  const ids: Array<number> = []
  for (const item of value) {
    const pk = parsePk(item)
    if (typeof pk !== "number") return { error: pk.error }
    if (!context.store.objects.tags.has(pk)) return { error: invalidPk(item) }
    ids.push(pk)
  }
  void field
  return ids
}

type Draft = Partial<
  Pick<
    DocumentRecord,
    | "title"
    | "content"
    | "correspondent"
    | "documentType"
    | "storagePath"
    | "created"
    | "asn"
    | "owner"
    | "permissions"
  >
> & {
  tags?: Array<number>
}

const asnField = (
  context: Context,
  document: DocumentRecord,
  errors: Record<string, Array<string>>,
  value: unknown,
) => {
  if (value === null) return null
  const asn =
    typeof value === "number" && Number.isInteger(value)
      ? value
      : typeof value === "string" && /^\d+$/.test(value)
        ? Number(value)
        : undefined
  if (asn === undefined) errors.archive_serial_number = ["A valid integer is required."]
  else if (asn < 0) errors.archive_serial_number = ["Ensure this value is greater than or equal to 0."]
  else if (asn > 4_294_967_295)
    errors.archive_serial_number = ["Ensure this value is less than or equal to 4294967295."]
  else if (
    [...context.store.documents.values()].some((other) => other.id !== document.id && other.asn === asn)
  ) {
    errors.archive_serial_number = ["document with this archive serial number already exists."]
  } else return asn
  return undefined
}

const validateUpdate = (
  context: Context,
  document: DocumentRecord,
  fields: Record<string, unknown>,
  partial: boolean,
) => {
  const errors: Record<string, Array<string>> = {}
  const draft: Draft = {}
  const has = (name: string) => Object.hasOwn(fields, name)
  if (!partial) {
    for (const name of ["correspondent", "document_type", "storage_path", "tags"]) {
      if (!has(name)) errors[name] = ["This field is required."]
    }
  }
  if (has("title")) {
    if (fields.title === null) errors.title = ["This field may not be null."]
    else if (typeof fields.title === "object") errors.title = ["Not a valid string."]
    else if (String(fields.title).length > 128)
      errors.title = ["Ensure this field has no more than 128 characters."]
    else draft.title = String(fields.title)
  }
  if (has("content")) {
    if (fields.content === null) errors.content = ["This field may not be null."]
    else draft.content = String(fields.content)
  }
  const refs = [
    ["correspondent", "correspondent"],
    ["document_type", "documentType"],
    ["storage_path", "storagePath"],
  ] as const
  for (const [name, key] of refs) {
    if (!has(name)) continue
    const ref = refField(context, errors, name, fields[name])
    if (ref !== undefined) draft[key] = ref
  }
  if (has("tags")) {
    const tags = parseTagList(context, fields.tags)
    if (Array.isArray(tags)) draft.tags = tags
    else errors.tags = [tags.error]
  }
  const createdRaw = has("created") ? fields.created : has("created_date") ? fields.created_date : undefined
  if (createdRaw !== undefined) {
    const name = has("created") ? "created" : "created_date"
    const created =
      typeof createdRaw === "string"
        ? name === "created"
          ? parseCreated(createdRaw)
          : parseDateOnly(createdRaw)
        : undefined
    if (created === undefined)
      errors[name] = ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]
    else draft.created = created
  }
  if (has("archive_serial_number")) {
    const asn = asnField(context, document, errors, fields.archive_serial_number)
    if (asn !== undefined) draft.asn = asn
  }
  if (has("owner")) {
    try {
      draft.owner = parseOwner(context, fields.owner)
    } catch {
      errors.owner = [invalidPk(fields.owner)]
    }
  }
  if (Object.keys(errors).length > 0) fail(400, errors)
  if (has("set_permissions")) draft.permissions = parseSetPermissions(context, fields.set_permissions)
  return draft
}

const historyValue = (value: unknown) => (value === null || value === undefined ? "None" : String(value))

const applyUpdate = async (context: Context, document: DocumentRecord): Promise<SimResponse> => {
  if (!canChange(context.user, document.owner, document.permissions)) return forbidden()
  const fields = await bodyFields(context)
  const partial = context.method === "PATCH"
  const draft = validateUpdate(context, document, fields, partial)
  const customFields = Object.hasOwn(fields, "custom_fields")
    ? parseCustomFieldList(context, fields.custom_fields)
    : undefined
  const changes: Record<string, [string, string]> = {}
  const scalarFields = [
    ["title", "title"],
    ["content", "content"],
    ["correspondent", "correspondent"],
    ["document_type", "documentType"],
    ["storage_path", "storagePath"],
    ["created", "created"],
    ["archive_serial_number", "asn"],
    ["owner", "owner"],
  ] as const
  for (const [name, key] of scalarFields) {
    const next = draft[key]
    if (next === undefined) continue
    if (historyValue(document[key]) !== historyValue(next))
      changes[name] = [historyValue(document[key]), historyValue(next)]
    Object.assign(document, { [key]: next })
  }
  if (draft.permissions !== undefined) document.permissions = draft.permissions
  const previousTags = [...document.tags]
  if (draft.tags !== undefined) document.tags = resolveTagUpdate(context.store, previousTags, draft.tags)
  if (parseBoolean(fields.remove_inbox_tags ?? false) === true) {
    const inbox = new Set(
      [...context.store.objects.tags.values()].filter((tag) => tag.isInboxTag).map((tag) => tag.id),
    )
    // 3.0 strips every inbox tag; 2.20 keeps one the same PATCH newly adds (`documents.patch.remove_inbox_tags*.json`).
    document.tags = document.tags.filter(
      (tag) => !inbox.has(tag) || (context.store.generation === "2.20" && !previousTags.includes(tag)),
    )
  }
  if (customFields !== undefined) {
    // PATCH replaces the whole set: fields missing from the list are removed.
    for (const instance of [...document.customFields]) {
      if (!customFields.some((assignment) => assignment.field.id === instance.field))
        removeInstance(context.store, document, instance.field)
    }
    for (const assignment of customFields) {
      assignValue(context.store, document, assignment)
      context.store.recordHistory(
        document,
        "update",
        {
          custom_fields: {
            type: "custom_field",
            field: assignment.field.name,
            value: historyValue(assignment.value),
          },
        },
        context.user.id,
      )
    }
  }
  // Every save bumps `modified`, even `{}` (`documents.patch.noop-empty-body.json`).
  document.modified = context.store.clock.now()
  if (Object.keys(changes).length > 0)
    context.store.recordHistory(document, "update", changes, context.user.id)
  return json(200, renderDocument(context, document, { fullPerms: true }))
}

export const documentDetail = async (context: Context, rawId: string): Promise<SimResponse> => {
  const codename = { GET: "view", HEAD: "view", PATCH: "change", PUT: "change", DELETE: "delete" }[
    context.method
  ]
  if (codename === undefined) return methodNotAllowed(context.method)
  requirePermission(context, `${codename}_document`)
  const document = findDocument(context, rawId)
  switch (context.method) {
    case "PATCH":
    case "PUT":
      return applyUpdate(context, document)
    case "DELETE":
      if (!canChange(context.user, document.owner, document.permissions)) return forbidden()
      // Trashing sets `deleted_at` only; `modified` stays (`trash.list.modified-unchanged-by-delete.json`).
      document.deletedAt = context.store.clock.now()
      return { status: 204 }
    default:
      return json(
        200,
        renderDocument(context, document, {
          fields: fieldsParam(context),
          fullPerms: parseBoolean(context.query.get("full_perms") ?? "false") === true,
        }),
      )
  }
}

export const nextAsn = (context: Context): SimResponse => {
  requirePermission(context, "view_document")
  const asns = [...context.store.documents.values()].map((document) => document.asn ?? 0)
  return json(200, Math.max(0, ...asns) + 1)
}

export const documentHistory = (context: Context, rawId: string): SimResponse => {
  requirePermission(context, "view_document")
  const document = findDocument(context, rawId, { plainNotFound: true })
  const entries = [...document.history].reverse().map((entry) => {
    const actor = entry.actor === null ? undefined : context.store.users.get(entry.actor)
    return {
      id: entry.id,
      timestamp: formatMicros(entry.timestamp),
      action: entry.action,
      changes: entry.changes,
      actor: actor ? { id: actor.id, username: actor.username } : null,
    }
  })
  return json(200, entries)
}

/** Matching-rule suggestions: objects whose `match` words occur in the content. */
export const documentSuggestions = (context: Context, rawId: string): SimResponse => {
  requirePermission(context, "view_document")
  const document = findDocument(context, rawId)
  const content = document.content.toLowerCase()
  const matching = (kind: "tags" | "correspondents" | "document_types" | "storage_paths") =>
    [...context.store.objects[kind].values()]
      .filter(
        (object) => object.matchingAlgorithm !== 0 && object.matchingAlgorithm !== 6 && object.match !== "",
      )
      .filter((object) =>
        object.match
          .toLowerCase()
          .split(/\s+/)
          .some((word) => word !== "" && content.includes(word)),
      )
      .map((object) => object.id)
  return json(200, {
    correspondents: matching("correspondents"),
    tags: matching("tags"),
    document_types: matching("document_types"),
    storage_paths: matching("storage_paths"),
    dates: [],
  })
}

/**
 * `GET /api/documents/:id/ai_suggestions/` (3.0): the simulated install has AI off, so after the
 * lookup and the owner-aware change check the answer is Django's plain 400
 * (views.py `ai_suggestions`, `documents.ai_suggestions.ai-off.json`).
 */
export const documentAiSuggestions = (context: Context, rawId: string): SimResponse => {
  const document = findDocument(context, rawId)
  if (!canChange(context.user, document.owner, document.permissions)) return forbiddenText()
  const answer = htmlText(400, "AI is required for this feature")
  return { ...answer, headers: { ...answer.headers, "cache-control": "no-cache" } }
}

export const selectionData = async (context: Context): Promise<SimResponse> => {
  if (context.method !== "POST") return methodNotAllowed(context.method)
  requirePermission(context, "view_document")
  const fields = await bodyFields(context)
  const ids = Array.isArray(fields.documents) ? fields.documents.map(parsePk) : undefined
  if (!ids || ids.some((id) => typeof id !== "number" || !context.store.liveDocument(id))) {
    return fail(400, { documents: ["Some documents in documents don't exist or were specified twice."] })
  }
  const selected = ids
    .flatMap((id) => (typeof id === "number" ? [context.store.liveDocument(id)] : []))
    .filter((d) => d !== undefined)
  const counts = (
    kind: "correspondents" | "document_types" | "storage_paths" | "tags",
    read: (d: DocumentRecord) => Array<number | null>,
  ) =>
    [...context.store.objects[kind].values()].map((object) => ({
      id: object.id,
      document_count: selected.filter((document) => read(document).includes(object.id)).length,
    }))
  return json(200, {
    selected_correspondents: counts("correspondents", (d) => [d.correspondent]),
    selected_tags: counts("tags", (d) => d.tags),
    selected_document_types: counts("document_types", (d) => [d.documentType]),
    selected_storage_paths: counts("storage_paths", (d) => [d.storagePath]),
    selected_custom_fields: [...context.store.customFields.values()].map((field) => ({
      id: field.id,
      document_count: selected.filter((document) =>
        document.customFields.some((instance) => instance.field === field.id),
      ).length,
    })),
  })
}

/** `GET /api/documents/:id/root/` (3.0): a version id resolves to its root document. */
export const documentRoot = (context: Context, rawId: string): SimResponse => {
  requirePermission(context, "view_document")
  if (!/^\d+$/.test(rawId)) return failDetail(404, "Not found.")
  const id = Number(rawId)
  for (const document of context.store.documents.values()) {
    if (document.id === id || document.versions.some((version) => version.id === id))
      return json(200, { root_id: document.id })
  }
  return notFound("Document")
}

/** `PATCH /api/documents/:id/versions/:vid/ {version_label}` (3.0). */
export const patchVersion = async (
  context: Context,
  rawId: string,
  rawVersion: string,
): Promise<SimResponse> => {
  requirePermission(context, "change_document")
  const document = findDocument(context, rawId)
  const fields = await bodyFields(context)
  const label =
    fields.version_label === null || fields.version_label === undefined ? null : String(fields.version_label)
  if (rawVersion === String(document.id)) {
    document.rootLabel = label
    return json(200, versionsOf(context, document).at(-1))
  }
  const version = document.versions.find((candidate) => String(candidate.id) === rawVersion)
  if (!version) return notFound("Document")
  version.label = label
  return json(
    200,
    versionsOf(context, document).find((entry) => entry.id === version.id),
  )
}
