import type { SimResponse } from "../http-server.js"
import { formatMicros } from "./clock.js"
import { renderCustomField } from "./custom-fields.js"
import { extensionOf } from "./document-files.js"
import { findDocument, renderDocument, visibleDocuments } from "./documents.js"
import { renderMatchingObject } from "./matching-objects.js"
import { paginatedResponse } from "./pagination.js"
import { actionOf, canView, requirePermission } from "./permissions.js"
import {
  bodyFields,
  type Context,
  fail,
  forbiddenText,
  htmlText,
  json,
  methodNotAllowed,
  notFound,
  parseBody,
  parsePk,
  serverError,
} from "./responses.js"
import { foldWord } from "./search.js"
import type { SavedViewRecord } from "./store.js"
import { taskTally } from "./tasks.js"

/** Status, statistics, logs, saved views, mail/workflow lists, global search and email. */

export const status = (context: Context): SimResponse => {
  // Not JSON: a plain 403 text body for non-superusers (`status.get.limited.json`).
  if (!context.user.isSuperuser) forbiddenText()
  const now = formatMicros(context.store.clock.now())
  const version = context.store.generation === "3.0" ? "3.0.5" : "2.20.15"
  return json(200, {
    pngx_version: version,
    server_os: "Linux-simulator",
    install_type: "bare-metal",
    storage: { total: 100_000_000_000, available: 50_000_000_000 },
    database: {
      type: "sqlite",
      url: "/usr/src/paperless/data/db.sqlite3",
      status: "OK",
      error: null,
      migration_status: { latest_migration: "documents.simulated", unapplied_migrations: [] },
    },
    tasks: {
      redis_url: "redis://127.0.0.1:6379",
      redis_status: "OK",
      redis_error: null,
      celery_status: "OK",
      celery_url: "celery@simulator",
      celery_error: null,
      index_status: "OK",
      index_last_modified: now,
      index_error: null,
      classifier_status: "OK",
      classifier_last_trained: now,
      classifier_error: null,
      sanity_check_status: "OK",
      sanity_check_last_run: now,
      sanity_check_error: null,
      // 3.0 adds the LLM index (DISABLED with AI off) and a 30-day task tally (views.py SystemStatusView, `status.get.json`).
      ...(context.store.generation === "3.0"
        ? {
            llmindex_status: "DISABLED",
            llmindex_last_modified: null,
            llmindex_error: null,
            summary: taskTally(context.store, 30),
          }
        : {}),
    },
  })
}

export const statistics = (context: Context): SimResponse => {
  const documents = context.store.hasPermission(context.user, "view_document")
    ? visibleDocuments(context)
    : []
  const inboxTags = [...context.store.objects.tags.values()]
    .filter((tag) => tag.isInboxTag)
    .map((tag) => tag.id)
  const types = new Map<string, number>()
  for (const document of documents)
    types.set(document.original.mimeType, (types.get(document.original.mimeType) ?? 0) + 1)
  const characters = documents.reduce((sum, document) => sum + document.content.length, 0)
  return json(200, {
    documents_total: documents.length,
    documents_inbox: documents.filter((document) => document.tags.some((tag) => inboxTags.includes(tag)))
      .length,
    inbox_tag: inboxTags[0] ?? null,
    inbox_tags: inboxTags,
    document_file_type_counts: [...types.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([mime_type, mime_type_count]) => ({ mime_type, mime_type_count })),
    // 2.20 reports null on an empty install, 3.0 zero (`statistics.get.empty.json`).
    character_count: documents.length === 0 && context.store.generation === "2.20" ? null : characters,
    tag_count: context.store.objects.tags.size,
    correspondent_count: context.store.objects.correspondents.size,
    document_type_count: context.store.objects.document_types.size,
    storage_path_count: context.store.objects.storage_paths.size,
    current_asn: Math.max(0, ...[...context.store.documents.values()].map((document) => document.asn ?? 0)),
  })
}

export const logs = (context: Context, name?: string): SimResponse => {
  if (!context.user.isSuperuser)
    return fail(403, { detail: "You do not have permission to perform this action." })
  if (name === undefined) return json(200, ["paperless", "celery"])
  if (name !== "paperless" && name !== "celery") return fail(404, { detail: "Not found." })
  const version = context.store.generation === "3.0" ? "v3.0.5" : "v2.20.15"
  return json(200, [
    `[${new Date().toISOString().replace("T", " ").slice(0, 23)}] [INFO] [paperless.asgi] [init] Paperless-ngx version: ${version}`,
  ])
}

/** The real endpoint asks GitHub; offline it answers this (`remote_version.get.json`). */
export const remoteVersion = (): SimResponse => json(200, { version: "0.0.0", update_available: false })

const configKeys = {
  "3.0":
    "id user_args barcode_tag_mapping llm_api_key output_type pages language mode archive_file_generation image_dpi unpaper_clean deskew rotate_pages rotate_pages_threshold max_image_pixels color_conversion_strategy app_title app_logo barcodes_enabled barcode_enable_tiff_support barcode_string barcode_retain_split_pages barcode_enable_asn barcode_asn_prefix barcode_upscale barcode_dpi barcode_max_pages barcode_enable_tag barcode_tag_split ai_enabled llm_embedding_backend llm_embedding_model llm_embedding_endpoint llm_embedding_chunk_size llm_context_size llm_backend llm_model llm_endpoint llm_output_language llm_request_timeout",
  "2.20":
    "id user_args barcode_tag_mapping output_type pages language mode skip_archive_file image_dpi unpaper_clean deskew rotate_pages rotate_pages_threshold max_image_pixels color_conversion_strategy app_title app_logo barcodes_enabled barcode_enable_tiff_support barcode_string barcode_retain_split_pages barcode_enable_asn barcode_asn_prefix barcode_upscale barcode_dpi barcode_max_pages barcode_enable_tag",
}

/** The application configuration: one row, every setting unset, AI off (`config.list.json`). */
const configurationRow = (context: Context) => {
  if (!context.user.isSuperuser)
    return fail(403, { detail: "You do not have permission to perform this action." })
  const keys = configKeys[context.store.generation].split(" ")
  return Object.fromEntries(keys.map((key) => [key, key === "id" ? 1 : key === "ai_enabled" ? false : null]))
}

export const config = (context: Context): SimResponse => json(200, [configurationRow(context)])

/** `GET /api/config/1/` (`config.get.json`); the row is always 1. */
export const configRow = (context: Context, id: string): SimResponse => {
  const row = configurationRow(context)
  return id === "1"
    ? json(200, row)
    : fail(404, { detail: "No ApplicationConfiguration matches the given query." })
}

/** Processed mail: always empty, the simulated install fetches no mail. */
export const emptyList = (context: Context, codename: string): SimResponse => {
  requirePermission(context, `${actionOf(context.method)}_${codename}`)
  if (context.method === "POST") return methodNotAllowed(context.method)
  return paginatedResponse(context, [], () => null)
}

// ---- saved views --------------------------------------------------------------------------------

const renderSavedView = (context: Context, view: SavedViewRecord) => {
  // Dashboard flags: every 2.20 version, only v9 on 3.0 (`saved_views.list.v9.json`).
  const flags =
    context.store.generation === "2.20" || context.version < 10
      ? { show_on_dashboard: view.showOnDashboard, show_in_sidebar: view.showInSidebar }
      : {}
  const body = {
    id: view.id,
    name: view.name,
    sort_field: view.sortField,
    sort_reverse: view.sortReverse,
    filter_rules: view.filterRules,
    page_size: view.pageSize,
    display_mode: view.displayMode,
    display_fields: view.displayFields,
    owner: view.owner,
    user_can_change: true,
  }
  const { id, name, ...rest } = body
  return context.store.generation === "2.20" ? { id, name, ...flags, ...rest } : { ...body, ...flags }
}

const parseFilterRules = (raw: unknown) => {
  if (!Array.isArray(raw)) return fail(400, { filter_rules: ["Expected a list of items."] })
  const errors: Record<string, unknown> = {}
  const rules = raw.map((rule, index) => {
    const record = rule !== null && typeof rule === "object" ? (rule as Record<string, unknown>) : {}
    const type = parsePk(record.rule_type)
    if (typeof type !== "number" || type < 0 || type > 60) {
      errors[String(index)] = { rule_type: [`"${String(record.rule_type)}" is not a valid choice.`] }
    }
    return {
      rule_type: typeof type === "number" ? type : 0,
      value: record.value === null || record.value === undefined ? null : String(record.value),
    }
  })
  if (Object.keys(errors).length > 0) fail(400, { filter_rules: errors })
  return rules
}

export const savedViews = async (context: Context, rawId?: string): Promise<SimResponse> => {
  requirePermission(context, `${actionOf(context.method)}_savedview`)
  if (rawId === undefined && context.method !== "POST") {
    const views = [...context.store.savedViews.values()].filter(
      (view) => view.owner === context.user.id || view.owner === null,
    )
    return paginatedResponse(context, views, (view) => renderSavedView(context, view))
  }
  const existing = rawId === undefined ? undefined : context.store.savedViews.get(Number(rawId))
  if (rawId !== undefined && !existing) return notFound("SavedView")
  if (existing && context.method === "DELETE") {
    context.store.savedViews.delete(existing.id)
    return { status: 204 }
  }
  if (existing && (context.method === "GET" || context.method === "HEAD"))
    return json(200, renderSavedView(context, existing))
  const fields = await bodyFields(context)
  const errors: Record<string, Array<string>> = {}
  if (!existing && typeof fields.name !== "string") errors.name = ["This field is required."]
  if (!existing && fields.sort_reverse === undefined) errors.sort_reverse = ["This field is required."]
  if (!existing && fields.filter_rules === undefined) errors.filter_rules = ["This field is required."]
  if (Object.keys(errors).length > 0) return fail(400, errors)
  const view: SavedViewRecord = existing ?? {
    id: context.store.nextId("saved_views"),
    name: "",
    showOnDashboard: false,
    showInSidebar: false,
    sortField: null,
    sortReverse: false,
    filterRules: [],
    pageSize: null,
    displayMode: null,
    displayFields: null,
    owner: context.user.id,
  }
  if (typeof fields.name === "string") view.name = fields.name
  if (fields.filter_rules !== undefined) view.filterRules = parseFilterRules(fields.filter_rules)
  if (typeof fields.sort_field === "string" || fields.sort_field === null) view.sortField = fields.sort_field
  if (typeof fields.sort_reverse === "boolean") view.sortReverse = fields.sort_reverse
  if (typeof fields.show_on_dashboard === "boolean") view.showOnDashboard = fields.show_on_dashboard
  if (typeof fields.show_in_sidebar === "boolean") view.showInSidebar = fields.show_in_sidebar
  if (typeof fields.page_size === "number" || fields.page_size === null) view.pageSize = fields.page_size
  context.store.savedViews.set(view.id, view)
  return json(existing ? 200 : 201, renderSavedView(context, view))
}

// ---- global search ------------------------------------------------------------------------------

export const globalSearch = (context: Context): SimResponse => {
  const query = context.query.get("query")
  if (query === null) return htmlText(400, "Query required")
  if (query.length < 3) return htmlText(400, "Query must be at least 3 characters")
  const needle = foldWord(query)
  const matchesName = (name: string) => foldWord(name).includes(needle)
  const documents = context.store.hasPermission(context.user, "view_document")
    ? visibleDocuments(context).filter(
        (document) =>
          matchesName(document.title) ||
          (context.query.get("db_only") !== "true" && foldWord(document.content).includes(needle)),
      )
    : []
  const objects = (kind: "tags" | "correspondents" | "document_types" | "storage_paths") =>
    [...context.store.objects[kind].values()]
      .filter((object) => canView(context.user, object.owner, object.permissions) && matchesName(object.name))
      .slice(0, 3)
      .map((object) => {
        // Top-level objects come without `document_count`, nested tag children with it (`search.global.json`).
        const { document_count: _count, ...rest } = renderMatchingObject(context, object, {
          withCount: true,
          fullPerms: false,
        })
        return rest
      })
  return json(200, {
    total: documents.length,
    documents: documents.slice(0, 3).map((document) => renderDocument(context, document)),
    saved_views: [],
    tags: objects("tags"),
    correspondents: objects("correspondents"),
    document_types: objects("document_types"),
    storage_paths: objects("storage_paths"),
    users: [],
    groups: [],
    mail_rules: [],
    mail_accounts: [],
    workflows: [],
    custom_fields: [...context.store.customFields.values()]
      .filter((field) => matchesName(field.name))
      .slice(0, 3)
      .map((field) => renderCustomField(context, field, true)),
  })
}

// ---- email / storage path test ------------------------------------------------------------------

/**
 * `POST /api/documents/:id/email/`: a JSON body crashes the real view (500), and with no SMTP server
 * a form-encoded one fails with a plain-text 500 (`documents.email.*.json`).
 */
export const emailDocument = async (context: Context, rawId?: string): Promise<SimResponse> => {
  requirePermission(context, "view_document")
  if (rawId !== undefined) findDocument(context, rawId)
  const body = await parseBody(context.request)
  // Only the per-document view chokes on JSON; the bulk one parses it and then fails on SMTP.
  if (rawId !== undefined && body.kind !== "form") return serverError()
  return htmlText(500, "Error emailing documents, check logs for more detail.")
}

export const testStoragePath = async (context: Context): Promise<SimResponse> => {
  requirePermission(context, "view_storagepath")
  const fields = await bodyFields(context)
  const id = parsePk(fields.document)
  const document = typeof id === "number" ? context.store.liveDocument(id) : undefined
  if (!document)
    return fail(400, { document: [`Invalid pk "${String(fields.document)}" - object does not exist.`] })
  if (typeof fields.path !== "string") return fail(400, { path: ["This field is required."] })
  const correspondent = context.store.objects.correspondents.get(document.correspondent ?? -1)?.name ?? "none"
  const documentType = context.store.objects.document_types.get(document.documentType ?? -1)?.name ?? "none"
  const values: Record<string, string> = {
    created_year: document.created.slice(0, 4),
    created_month: document.created.slice(5, 7),
    created_day: document.created.slice(8, 10),
    created: document.created,
    title: document.title,
    correspondent,
    document_type: documentType,
    asn: document.asn === null ? "" : String(document.asn),
    original_name: document.originalFileName.replace(/\.[^.]*$/, ""),
  }
  const rendered = fields.path.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => values[name] ?? "")
  return json(200, `${rendered}.${extensionOf(document.original.mimeType)}`)
}
