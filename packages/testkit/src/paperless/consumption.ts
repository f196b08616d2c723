import { randomUUID } from "node:crypto"
import type { SimResponse } from "../http-server.js"
import { extractPdfText, isPdf, makePdf } from "../pdf.js"
import { parseCreated, todayUtc } from "./clock.js"
import { assignValue, checkValue } from "./custom-fields.js"
import { findDocument } from "./documents.js"
import { requirePermission } from "./permissions.js"
import {
  type Context,
  fail,
  forbiddenText,
  invalidPk,
  json,
  parseBody,
  parsePk,
  pythonTypeName,
} from "./responses.js"
import {
  type DocumentRecord,
  noPermissions,
  type PaperlessStore,
  type StoredFile,
  storedFile,
  type TaskRecord,
} from "./store.js"
import { sortTagIds, withAncestors } from "./tags.js"

/**
 * `post_document` and the consumer behind it: synchronous validation (400s), a task UUID as a bare
 * JSON string, then consumption on the worker (serial unless it has more processes) with the
 * outcome only visible in the task.
 */

/** What libmagic would say about the bytes; the upload's name and part type are ignored. */
export const sniffMimeType = (bytes: Buffer): string => {
  if (bytes.length === 0) return "application/x-empty"
  if (isPdf(bytes)) return "application/pdf"
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return "image/png"
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "image/jpeg"
  if (bytes.subarray(0, 4).toString("latin1") === "GIF8") return "image/gif"
  const head = bytes.subarray(0, 4).toString("latin1")
  if (head === "II*\u0000" || head === "MM\u0000*") return "image/tiff"
  if (head === "RIFF" && bytes.subarray(8, 12).toString("latin1") === "WEBP") return "image/webp"
  if (head === "PK\u0003\u0004") return "application/zip"
  const sample = bytes.subarray(0, 4096)
  const text = sample.toString("utf8")
  const controlCharacter = [...sample].some((byte) => byte < 0x09 || (byte > 0x0d && byte < 0x20))
  const printable = !text.includes("\uFFFD") && !controlCharacter
  return printable ? "text/plain" : "application/octet-stream"
}

const supportedTypes = new Set([
  "application/pdf",
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/tiff",
  "image/webp",
  "text/plain",
  "text/csv",
])

/** The content the consumer extracts: the text layer of a PDF, the text of a text file; no OCR here. */
const extractContent = (bytes: Buffer, mimeType: string) => {
  if (mimeType === "application/pdf") return extractPdfText(bytes)
  if (mimeType.startsWith("text/")) return bytes.toString("utf8")
  return ""
}

const pageCountOf = (bytes: Buffer, mimeType: string) => {
  if (mimeType !== "application/pdf") return null
  const pages = bytes.toString("latin1").match(/\/Type\s*\/Page(?!s)/g)
  return Math.max(1, pages?.length ?? 1)
}

/** The first date in the content (`2024-05-05`, `12.03.2024`), as the date parser would find it. */
const dateFromContent = (content: string): string | undefined => {
  const iso = /\b(\d{4})-(\d{2})-(\d{2})\b/.exec(content)
  if (iso && parseCreated(iso[0]) !== undefined) return iso[0]
  const european = /\b(\d{2})\.(\d{2})\.(\d{4})\b/.exec(content)
  if (european) {
    const candidate = `${european[3]}-${european[2]}-${european[1]}`
    if (parseCreated(candidate) !== undefined) return candidate
  }
  return undefined
}

/**
 * Whether a matching rule applies to the content (algorithms 1 any word, 2 all words, 3 literal,
 * 4 regex, 5 fuzzy ≈ literal; 0 none and 6 auto never match here).
 */
export const ruleMatches = (match: string, algorithm: number, insensitive: boolean, content: string) => {
  if (match === "" || algorithm === 0 || algorithm === 6) return false
  const haystack = insensitive ? content.toLowerCase() : content
  const needle = insensitive ? match.toLowerCase() : match
  const words = needle.split(/\s+/).filter((word) => word !== "")
  const hasWord = (word: string) =>
    new RegExp(`\\b${word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`).test(haystack)
  switch (algorithm) {
    case 1:
      return words.some(hasWord)
    case 2:
      return words.every(hasWord)
    case 4:
      try {
        return new RegExp(match, insensitive ? "i" : "").test(content)
      } catch {
        return false
      }
    default:
      return haystack.includes(needle)
  }
}

export interface UploadOverrides {
  title?: string
  created?: string
  correspondent?: number
  documentType?: number
  storagePath?: number
  tags?: Array<number>
  asn?: number
  owner?: number | null
  customFields?: Record<string, unknown>
  customFieldIds?: Array<number>
}

interface Upload {
  readonly fileName: string
  readonly bytes: Buffer
  readonly mimeType: string
  readonly overrides: UploadOverrides
}

const lastPathPart = (name: string) => name.split(/[\\/]/).pop() ?? name

/** Everything the multipart form carries, validated as the real serializer does (all errors at once). */
const parseUploadForm = async (context: Context): Promise<Upload> => {
  const body = await parseBody(context.request)
  if (body.kind === "json")
    return fail(415, { detail: `Unsupported media type "application/json" in request.` })
  const form = body.kind === "form" ? body.form : new FormData()
  const errors: Record<string, Array<string>> = {}
  const overrides: UploadOverrides = {}
  const file = form.get("document")
  if (!(file instanceof File)) errors.document = ["No file was submitted."]
  const single = (name: string) => {
    const value = form.get(name)
    return typeof value === "string" ? value : undefined
  }
  const title = single("title")
  if (title !== undefined) overrides.title = title.slice(0, context.store.generation === "3.0" ? 128 : 127)
  const created = single("created")
  if (created !== undefined) {
    const parsed = parseCreated(created)
    if (parsed === undefined) {
      errors.created = [
        "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].",
      ]
    } else overrides.created = parsed
  }
  const refs = [
    ["correspondent", "correspondents", "correspondent"],
    ["document_type", "document_types", "documentType"],
    ["storage_path", "storage_paths", "storagePath"],
  ] as const
  for (const [name, kind, key] of refs) {
    const raw = single(name)
    if (raw === undefined || raw === "") continue
    const pk = parsePk(raw)
    if (typeof pk !== "number") errors[name] = [pk.error]
    else if (!context.store.objects[kind].has(pk)) errors[name] = [invalidPk(raw)]
    else overrides[key] = pk
  }
  const tags = form.getAll("tags").filter((value): value is string => typeof value === "string")
  if (tags.length > 0) {
    const ids: Array<number> = []
    for (const raw of tags) {
      const pk = parsePk(raw)
      if (typeof pk !== "number") errors.tags = ["Incorrect type. Expected pk value, received str."]
      else if (!context.store.objects.tags.has(pk)) errors.tags = [invalidPk(raw)]
      else ids.push(pk)
    }
    overrides.tags = ids
  }
  const asn = single("archive_serial_number")
  if (asn !== undefined && asn !== "") {
    if (!/^-?\d+$/.test(asn.trim())) errors.archive_serial_number = ["A valid integer is required."]
    else if (Number(asn) < 0)
      errors.archive_serial_number = ["Ensure this value is greater than or equal to 0."]
    else if (Number(asn) > 4_294_967_295)
      errors.archive_serial_number = ["Ensure this value is less than or equal to 4294967295."]
    else overrides.asn = Number(asn)
  }
  const owner = single("owner")
  if (owner !== undefined && owner !== "") {
    const pk = parsePk(owner)
    if (typeof pk !== "number" || !context.store.users.has(pk)) errors.owner = [invalidPk(owner)]
    else overrides.owner = pk
  }
  parseUploadCustomFields(context.store, single("custom_fields"), overrides, errors)
  if (Object.keys(errors).length > 0 || !(file instanceof File)) return fail(400, errors)
  const bytes = Buffer.from(await file.arrayBuffer())
  const mimeType = sniffMimeType(bytes)
  if (!supportedTypes.has(mimeType)) {
    const reported = mimeType === "application/zip" ? "application/octet-stream" : mimeType
    return fail(400, { document: [`File type ${reported} not supported`] })
  }
  return { fileName: lastPathPart(file.name), bytes, mimeType, overrides }
}

/** `custom_fields` is a JSON string: `{"<id>": value}` sets values, `[id, …]` attaches empty fields. */
const parseUploadCustomFields = (
  store: PaperlessStore,
  raw: string | undefined,
  overrides: UploadOverrides,
  errors: Record<string, Array<string>>,
) => {
  if (raw === undefined || raw === "") return
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch {
    errors.custom_fields = ["Value must be valid JSON."]
    return
  }
  const entries: Array<[string, unknown]> = Array.isArray(parsed)
    ? parsed.map((id) => [String(id), null])
    : parsed !== null && typeof parsed === "object"
      ? Object.entries(parsed as Record<string, unknown>)
      : []
  if (!Array.isArray(parsed) && (parsed === null || typeof parsed !== "object")) {
    errors.custom_fields = [`Expected a list or dictionary but got type "${pythonTypeName(parsed)}".`]
    return
  }
  const values: Record<string, unknown> = {}
  for (const [id, value] of entries) {
    const field = /^\d+$/.test(id) ? store.customFields.get(Number(id)) : undefined
    if (!field) {
      errors.custom_fields = [`Custom field with id ${id} does not exist`]
      return
    }
    const checked = checkValue(store, field, value)
    if ("error" in checked) {
      errors.custom_fields = [checked.error]
      return
    }
    values[id] = checked.value
  }
  if (Array.isArray(parsed)) overrides.customFieldIds = entries.map(([id]) => Number(id))
  else overrides.customFields = values
}

/** The task's `input_data.overrides`, keyed and ordered as the 3.0 fixtures show them. */
const overridesForTask = (upload: Upload, owner: number | null): Record<string, unknown> => {
  const { overrides } = upload
  const shown: Record<string, unknown> = { filename: upload.fileName }
  if (overrides.title !== undefined) shown.title = overrides.title
  if (overrides.correspondent !== undefined) shown.correspondent_id = overrides.correspondent
  if (overrides.documentType !== undefined) shown.document_type_id = overrides.documentType
  if (overrides.tags !== undefined) shown.tag_ids = overrides.tags
  if (overrides.storagePath !== undefined) shown.storage_path_id = overrides.storagePath
  if (overrides.created !== undefined) shown.created = overrides.created
  if (overrides.asn !== undefined) shown.asn = overrides.asn
  shown.owner_id = overrides.owner ?? owner
  if (overrides.customFields !== undefined) shown.custom_fields = overrides.customFields
  if (overrides.customFieldIds !== undefined) shown.custom_fields = overrides.customFieldIds
  shown.skip_asn_if_exists = false
  return shown
}

export const newTask = (
  store: PaperlessStore,
  input: Pick<TaskRecord, "taskName" | "triggerSource" | "fileName" | "mimeType" | "overrides" | "owner">,
): TaskRecord => {
  const task: TaskRecord = {
    id: store.nextId("tasks"),
    taskId: randomUUID(),
    ...input,
    status: "PENDING",
    dateCreated: store.clock.now(),
    dateStarted: null,
    dateDone: null,
    result: null,
    relatedDocument: null,
    errorMessage: null,
    acknowledged: false,
  }
  store.tasks.push(task)
  return task
}

/** How a task ends: a new document, a plain success (bulk_update, reprocess) or a failure. */
export type TaskOutcome = { document: number } | { done: true } | { error: string; related?: number | null }

const finish = (store: PaperlessStore, task: TaskRecord, outcome: TaskOutcome) => {
  task.dateDone = store.clock.now()
  if ("document" in outcome) {
    task.status = "SUCCESS"
    task.result = `Success. New document id ${outcome.document} created`
    task.relatedDocument = outcome.document
  } else if ("done" in outcome) {
    task.status = "SUCCESS"
  } else {
    task.status = "FAILURE"
    task.result = outcome.error
    task.errorMessage = outcome.error
    task.relatedDocument = outcome.related ?? null
  }
}

/**
 * Queues work on the worker as a task: STARTED when picked up, then finished with the work's
 * outcome. Without a task row (2.20 lists no bulk_update) the work just runs.
 */
export const scheduleTask = (
  context: Context,
  task: TaskRecord | undefined,
  durationMs: number,
  work: () => TaskOutcome,
) => {
  context.worker.enqueue({
    durationMs,
    start: () => {
      if (!task) return
      task.status = "STARTED"
      task.dateStarted = context.store.clock.now()
    },
    run: () => {
      let outcome: TaskOutcome
      try {
        outcome = work()
      } catch (cause) {
        // A simulator bug must not leave the task STARTED forever; it fails visibly instead.
        outcome = { error: `simulator error: ${cause instanceof Error ? cause.message : String(cause)}` }
      }
      if (task) finish(context.store, task, outcome)
    },
  })
}

/** An archive (PDF/A) version, as OCRmyPDF would produce: other bytes than the original. */
const archiveFor = (store: PaperlessStore, original: StoredFile, content: string): StoredFile | null => {
  const archived =
    original.mimeType.startsWith("image/") ||
    (store.generation === "2.20" && original.mimeType === "application/pdf")
  return archived ? storedFile(makePdf([...content.split("\n"), "%PDF/A archive"]), "application/pdf") : null
}

/** The failure the consumer reports, or undefined when the upload may be consumed. */
const preCheck = (store: PaperlessStore, upload: Upload, original: StoredFile) => {
  const prefix = `${upload.fileName}: Not consuming ${upload.fileName}`
  if (store.generation === "2.20") {
    // 2.20 refuses byte-identical uploads, trashed twins included (`tasks.get.by-task_id.duplicate*.json`).
    const twin = [...store.documents.values()].find(
      (document) => document.original.md5 === original.md5 || document.archive?.md5 === original.md5,
    )
    if (twin) {
      const trashed = twin.deletedAt !== null
      const note = trashed ? " Note: existing document is in the trash." : ""
      return {
        error: `${prefix}: It is a duplicate of ${twin.title} (#${twin.id}).${note}`,
        related: trashed ? null : twin.id,
      }
    }
  }
  const asn = upload.overrides.asn
  if (asn !== undefined && [...store.documents.values()].some((document) => document.asn === asn)) {
    return { error: `${prefix}: Given ASN ${asn} already exists!`, related: null }
  }
  return undefined
}

/** Creates the document exactly as a finished consumption would (also used by seeding). */
export const createDocument = (
  store: PaperlessStore,
  input: {
    fileName: string
    bytes: Buffer
    mimeType: string
    overrides: UploadOverrides
    owner: number | null
    content?: string
    /** Inbox tags and matching rules, as the consumer applies them; seeding can opt out. */
    automatic?: boolean
  },
): DocumentRecord => {
  const original = storedFile(input.bytes, input.mimeType)
  const content = input.content ?? extractContent(input.bytes, input.mimeType)
  const { overrides } = input
  const now = store.clock.now()
  const automatic = input.automatic ?? true
  const allTags = automatic ? [...store.objects.tags.values()] : []
  const inboxTags = allTags.filter((tag) => tag.isInboxTag).map((tag) => tag.id)
  const matchedTags = allTags
    .filter((tag) => ruleMatches(tag.match, tag.matchingAlgorithm, tag.isInsensitive, content))
    .map((tag) => tag.id)
  const firstMatch = (kind: "correspondents" | "document_types" | "storage_paths") =>
    automatic
      ? ([...store.objects[kind].values()].find((object) =>
          ruleMatches(object.match, object.matchingAlgorithm, object.isInsensitive, content),
        )?.id ?? null)
      : null
  const tags = [...(overrides.tags ?? []), ...inboxTags, ...matchedTags].flatMap((tag) =>
    withAncestors(store, tag),
  )
  const title = overrides.title ?? input.fileName.replace(/\.[^.]*$/, "")
  // Only PDFs got a content date on the captured servers: the text note ("Written 2021-11-05") and
  // the scanned PNG ("Due date 2024-02-28") were both dated the upload day (`documents.get.text-plain.json`).
  const contentDate = input.mimeType === "application/pdf" ? dateFromContent(content) : undefined
  const created = overrides.created ?? contentDate ?? todayUtc(now)
  const archive = archiveFor(store, original, content)
  const correspondent = overrides.correspondent ?? firstMatch("correspondents")
  const correspondentName =
    correspondent === null ? undefined : store.objects.correspondents.get(correspondent)?.name
  const document: DocumentRecord = {
    id: store.nextId("documents"),
    title,
    content,
    correspondent,
    documentType: overrides.documentType ?? firstMatch("document_types"),
    storagePath: overrides.storagePath ?? firstMatch("storage_paths"),
    tags: sortTagIds(store, tags),
    created,
    modified: now,
    added: now,
    deletedAt: null,
    asn: overrides.asn ?? null,
    originalFileName: input.fileName,
    archivedFileName:
      archive === null
        ? null
        : `${[created, correspondentName, title].filter((part) => part !== undefined && part !== "").join(" ")}.pdf`,
    owner: overrides.owner === undefined ? input.owner : overrides.owner,
    permissions: noPermissions(),
    notes: [],
    customFields: [],
    pageCount: pageCountOf(input.bytes, input.mimeType),
    original,
    archive,
    versions: [],
    rootLabel: null,
    history: [],
  }
  store.documents.set(document.id, document)
  for (const [id, value] of Object.entries(overrides.customFields ?? {})) {
    const field = store.customFields.get(Number(id))
    if (field) assignValue(store, document, { field, value })
  }
  for (const id of overrides.customFieldIds ?? []) {
    const field = store.customFields.get(id)
    if (field) assignValue(store, document, { field, value: null })
  }
  store.recordHistory(document, "create", { title: ["None", title] }, null)
  return document
}

const scheduleConsumption = (context: Context, task: TaskRecord, work: () => TaskOutcome) =>
  scheduleTask(context, task, context.options.consumeMs, work)

export const postDocument = async (context: Context): Promise<SimResponse> => {
  if (context.method !== "POST") return fail(405, { detail: `Method "${context.method}" not allowed.` })
  if (!context.store.hasPermission(context.user, "add_document")) forbiddenText()
  const upload = await parseUploadForm(context)
  const task = newTask(context.store, {
    taskName: "consume_file",
    triggerSource: "api_upload",
    fileName: upload.fileName,
    mimeType: upload.mimeType,
    overrides: overridesForTask(upload, context.user.id),
    owner: context.user.id,
  })
  scheduleConsumption(context, task, () => {
    const original = storedFile(upload.bytes, upload.mimeType)
    const failure = preCheck(context.store, upload, original)
    if (failure) return failure
    const document = createDocument(context.store, { ...upload, owner: context.user.id })
    return { document: document.id }
  })
  return json(200, task.taskId)
}

/**
 * `POST /api/documents/:id/update_version/` (3.0): a new file version of the same document, consumed
 * like an upload. 2.20 has no such route: the router's UI catch-all answers there.
 */
export const updateVersion = async (context: Context, rawId: string): Promise<SimResponse> => {
  requirePermission(context, "change_document")
  const document = findDocument(context, rawId)
  const body = await parseBody(context.request)
  const form = body.kind === "form" ? body.form : new FormData()
  const file = form.get("document")
  if (!(file instanceof File)) return fail(400, { document: ["No file was submitted."] })
  const bytes = Buffer.from(await file.arrayBuffer())
  const mimeType = sniffMimeType(bytes)
  if (!supportedTypes.has(mimeType)) return fail(400, { document: [`File type ${mimeType} not supported`] })
  const labelValue = form.get("version_label")
  const label = typeof labelValue === "string" && labelValue !== "" ? labelValue : null
  const task = newTask(context.store, {
    taskName: "consume_file",
    triggerSource: "web_ui",
    fileName: lastPathPart(file.name),
    mimeType,
    overrides: { skip_asn_if_exists: false, version_label: label, actor_id: context.user.id },
    owner: null,
  })
  scheduleConsumption(context, task, () => {
    const file = storedFile(bytes, mimeType)
    const content = extractContent(bytes, mimeType)
    const version = {
      id: context.store.nextId("documents"),
      added: context.store.clock.now(),
      label,
      file,
      archive: archiveFor(context.store, file, content),
      content,
    }
    document.versions.push(version)
    document.modified = context.store.clock.now()
    return { document: version.id }
  })
  return json(200, task.taskId)
}
