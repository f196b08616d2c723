import type { SimRequest, SimResponse } from "../http-server.js"
import { groups, obtainToken, profile, uiSettings, userDetail, users } from "./accounts.js"
import { authenticate, negotiateVersion, notAuthenticated, versionHeaders } from "./auth.js"
import { type AutomationResource, automationCollection, automationDetail } from "./automation.js"
import { bulkEdit, documentOperation } from "./bulk-edit.js"
import { postDocument, updateVersion } from "./consumption.js"
import { createCustomField, customFieldDetail, listCustomFields } from "./custom-fields.js"
import { bulkDownload, documentFile, documentMetadata, sharedFile } from "./document-files.js"
import {
  documentAiSuggestions,
  documentDetail,
  documentHistory,
  documentRoot,
  documentSuggestions,
  listDocuments,
  nextAsn,
  patchVersion,
  selectionData,
} from "./documents.js"
import {
  bulkEditObjects,
  createMatchingObject,
  listMatchingObjects,
  matchingObjectDetail,
} from "./matching-objects.js"
import { documentNotes, documentShareLinks, shareLinkDetail, shareLinks } from "./notes.js"
import { apiDocumentResponse } from "./openapi.js"
import {
  type Context,
  csrfPage,
  detail,
  htmlText,
  json,
  methodNotAllowed,
  Reply,
  type SimulatorTiming,
  serverError,
} from "./responses.js"
import { autocomplete } from "./search.js"
import type { MatchingKind, PaperlessStore, UserRecord } from "./store.js"
import {
  config,
  configRow,
  emailDocument,
  emptyList,
  globalSearch,
  logs,
  remoteVersion,
  savedViews,
  statistics,
  status,
  testStoragePath,
} from "./system.js"
import {
  acknowledgeTasks,
  activeTasks,
  listTasks,
  runTask,
  taskDetail,
  taskStatusCounts,
  taskSummary,
} from "./tasks.js"
import { trash } from "./trash.js"
import type { Worker } from "./worker.js"

/**
 * Dispatch of `/api/...` in the real server's order: the redirect of `/api/`, version negotiation
 * (406 before anything else), authentication (401), then the route; version headers only on
 * authenticated answers.
 */

type Handler = ((context: Context, params: ReadonlyArray<string>) => SimResponse | Promise<SimResponse>) & {
  /** The methods the route answers, for the OpenAPI document (openapi.ts). */
  readonly methods?: ReadonlyArray<string>
}

const matchingKinds: ReadonlyArray<MatchingKind> = [
  "tags",
  "correspondents",
  "document_types",
  "storage_paths",
]
const v10Operations = ["delete", "reprocess", "rotate", "merge", "edit_pdf", "remove_password"] as const

const only = (methods: ReadonlyArray<string>, handler: Handler): Handler =>
  Object.assign(
    (context: Context, params: ReadonlyArray<string>) =>
      methods.includes(context.method) || (context.method === "HEAD" && methods.includes("GET"))
        ? handler(context, params)
        : methodNotAllowed(context.method),
    { methods },
  )

const automationResources: ReadonlyArray<AutomationResource> = [
  "mail_accounts",
  "mail_rules",
  "workflows",
  "workflow_triggers",
  "workflow_actions",
]

const routes: Array<[RegExp, Handler]> = [
  [/^documents\/$/, only(["GET"], (context) => listDocuments(context))],
  [/^documents\/post_document\/$/, only(["POST"], (context) => postDocument(context))],
  [/^documents\/bulk_edit\/$/, only(["POST"], (context) => bulkEdit(context))],
  [/^documents\/bulk_download\/$/, only(["POST"], (context) => bulkDownload(context))],
  [/^documents\/selection_data\/$/, (context) => selectionData(context)],
  [/^documents\/next_asn\/$/, only(["GET"], (context) => nextAsn(context))],
  [/^documents\/email\/$/, only(["POST"], (context) => emailDocument(context))],
  [
    /^documents\/([^/]+)\/(download|preview|thumb)\/$/,
    only(["GET"], (context, [id, kind]) => documentFile(context, id ?? "", kind as "download")),
  ],
  [/^documents\/([^/]+)\/metadata\/$/, only(["GET"], (context, [id]) => documentMetadata(context, id ?? ""))],
  [/^documents\/([^/]+)\/notes\/$/, (context, [id]) => documentNotes(context, id ?? "")],
  [/^documents\/([^/]+)\/history\/$/, only(["GET"], (context, [id]) => documentHistory(context, id ?? ""))],
  [
    /^documents\/([^/]+)\/suggestions\/$/,
    only(["GET"], (context, [id]) => documentSuggestions(context, id ?? "")),
  ],
  [
    /^documents\/([^/]+)\/share_links\/$/,
    only(["GET"], (context, [id]) => documentShareLinks(context, id ?? "")),
  ],
  [/^documents\/([^/]+)\/email\/$/, only(["POST"], (context, [id]) => emailDocument(context, id ?? ""))],
  [/^documents\/([^/]+)\/$/, (context, [id]) => documentDetail(context, id ?? "")],
  [
    /^custom_fields\/$/,
    only(["GET", "POST"], (context) =>
      context.method === "POST" ? createCustomField(context) : listCustomFields(context),
    ),
  ],
  [/^custom_fields\/([^/]+)\/$/, (context, [id]) => customFieldDetail(context, id ?? "")],
  [/^storage_paths\/test\/$/, only(["POST"], (context) => testStoragePath(context))],
  [/^bulk_edit_objects\/$/, only(["POST"], (context) => bulkEditObjects(context))],
  [/^tasks\/$/, only(["GET"], (context) => listTasks(context))],
  [/^tasks\/acknowledge\/$/, only(["POST"], (context) => acknowledgeTasks(context))],
  [/^tasks\/run\/$/, only(["POST"], (context) => runTask(context))],
  [/^tasks\/([^/]+)\/$/, only(["GET"], (context, [id]) => taskDetail(context, id ?? ""))],
  [/^trash\/$/, only(["GET", "POST"], (context) => trash(context))],
  [/^share_links\/$/, only(["GET", "POST"], (context) => shareLinks(context))],
  [/^share_links\/([^/]+)\/$/, (context, [id]) => shareLinkDetail(context, id ?? "")],
  [/^saved_views\/$/, only(["GET", "POST"], (context) => savedViews(context))],
  [/^saved_views\/(\d+)\/$/, (context, [id]) => savedViews(context, id)],
  [/^users\/$/, only(["GET", "POST"], (context) => users(context))],
  [/^users\/([^/]+)\/$/, (context, [id]) => userDetail(context, id ?? "")],
  [/^groups\/$/, only(["GET", "POST"], (context) => groups(context))],
  [/^groups\/([^/]+)\/$/, (context, [id]) => groups(context, id)],
  [/^profile\/$/, only(["GET", "PATCH", "PUT"], (context) => profile(context))],
  [/^ui_settings\/$/, only(["GET", "POST"], (context) => uiSettings(context))],
  [/^statistics\/$/, only(["GET"], (context) => statistics(context))],
  [/^status\/$/, only(["GET"], (context) => status(context))],
  [/^logs\/$/, only(["GET"], (context) => logs(context))],
  [/^logs\/([^/]+)\/$/, only(["GET"], (context, [name]) => logs(context, name))],
  [/^remote_version\/$/, only(["GET"], () => remoteVersion())],
  [/^config\/$/, only(["GET"], (context) => config(context))],
  [/^config\/(\d+)\/$/, only(["GET"], (context, [id]) => configRow(context, id ?? ""))],
  [/^search\/$/, only(["GET"], (context) => globalSearch(context))],
  [/^search\/autocomplete\/$/, only(["GET"], (context) => autocomplete(context))],
  [/^processed_mail\/$/, (context) => emptyList(context, "processedmail")],
  ...automationResources.flatMap(
    (resource): Array<[RegExp, Handler]> => [
      [new RegExp(`^${resource}/$`), (context) => automationCollection(context, resource)],
      [
        new RegExp(`^${resource}/([^/]+)/$`),
        (context, [id]) => automationDetail(context, resource, id ?? ""),
      ],
    ],
  ),
]

const matchingRoutes = (): Array<[RegExp, Handler]> =>
  matchingKinds.flatMap(
    (kind): Array<[RegExp, Handler]> => [
      [
        new RegExp(`^${kind}/$`),
        only(["GET", "POST"], (context) =>
          context.method === "POST"
            ? createMatchingObject(context, kind)
            : listMatchingObjects(context, kind),
        ),
      ],
      [new RegExp(`^${kind}/([^/]+)/$`), (context, [id]) => matchingObjectDetail(context, kind, id ?? "")],
    ],
  )

const generationRoutes = (store: PaperlessStore): Array<[RegExp, Handler]> => {
  const extra: Array<[RegExp, Handler]> = []
  if (store.generation === "3.0") {
    for (const operation of v10Operations) {
      extra.push([
        new RegExp(`^documents/${operation}/$`),
        only(["POST"], (context) => documentOperation(context, operation)),
      ])
    }
    extra.push([
      /^documents\/([^/]+)\/update_version\/$/,
      only(["POST"], (context, [id]) => updateVersion(context, id ?? "")),
    ])
    extra.push([
      /^documents\/([^/]+)\/ai_suggestions\/$/,
      only(["GET"], (context, [id]) => documentAiSuggestions(context, id ?? "")),
    ])
    // No bundle is ever made here: the list is the empty page a fresh 3.0.5 shows (`share_link_bundles.list.json`).
    extra.push([/^share_link_bundles\/$/, only(["GET"], (context) => emptyList(context, "sharelinkbundle"))])
    extra.push([
      /^documents\/([^/]+)\/root\/$/,
      only(["GET"], (context, [id]) => documentRoot(context, id ?? "")),
    ])
    extra.push([
      /^documents\/([^/]+)\/versions\/([^/]+)\/$/,
      only(["PATCH"], (context, [id, version]) => patchVersion(context, id ?? "", version ?? "")),
    ])
    extra.push([/^tasks\/active\/$/, only(["GET"], (context) => activeTasks(context))])
    extra.push([/^tasks\/summary\/$/, only(["GET"], (context) => taskSummary(context))])
    extra.push([/^tasks\/status_counts\/$/, only(["GET"], (context) => taskStatusCounts(context))])
  }
  return extra
}

const optionsResponse = (path: string) =>
  json(200, {
    name: `${
      path
        .split("/")
        .filter((part) => part !== "")
        .at(-1) ?? "Api"
    } List`,
    description: "",
    renders: ["application/json", "text/html"],
    parses: ["application/json", "application/x-www-form-urlencoded", "multipart/form-data"],
    ...(path.endsWith("s/") && !/\/\d+\/$/.test(path) ? { actions: { POST: {} } } : {}),
  })

const notFoundPage = () =>
  htmlText(
    404,
    '<!doctype html>\n<html lang="en">\n<head>\n  <title>Not Found</title>\n</head>\n<body>\n  <h1>Not Found</h1><p>The requested resource was not found on this server.</p>\n</body>\n</html>\n',
  )

/**
 * A browser-style `Accept: text/html` gets DRF's browsable API page (`versions.accept-html.json`);
 * the simulator wraps the JSON in a minimal page.
 */
const browsable = (request: SimRequest, response: SimResponse): SimResponse => {
  const accept = String(request.headers.accept ?? "")
  const isJson = String(response.headers?.["content-type"] ?? "").startsWith("application/json")
  if (!isJson || !accept.includes("text/html") || accept.includes("application/json")) return response
  const body = Buffer.isBuffer(response.body) ? response.body.toString("utf8") : ""
  return htmlText(
    response.status,
    `<!DOCTYPE html>\n<html><head><title>Django REST framework</title></head><body><pre>${body.replace(/</g, "&lt;")}</pre></body></html>`,
  )
}

export interface Runtime {
  readonly store: PaperlessStore
  readonly worker: Worker
  readonly timing: SimulatorTiming
  readonly anonymous: UserRecord
}

const run = async (work: () => SimResponse | Promise<SimResponse>): Promise<SimResponse> => {
  try {
    return await work()
  } catch (error) {
    if (error instanceof Reply) return error.response
    // Anything unexpected is the Django 500 page, never a dead server; the header tells a test that
    // this 500 is a simulator bug rather than one the real server gives too.
    const page = serverError()
    const message = error instanceof Error ? error.message : String(error)
    return {
      ...page,
      headers: { ...page.headers, "x-simulator-bug": encodeURIComponent(message).slice(0, 200) },
    }
  }
}

/**
 * Django's catch-all for the web UI (`re_path(r".*", login_required(...))` in paperless/urls.py)
 * answers every path no API route claims, before DRF and so before version negotiation and token
 * auth: reads redirect to the login page (`paperless-2.20/share_link_bundles.list.not-in-2.20.json`),
 * writes fail the CSRF check (`paperless-2.20/documents.update_version.not-found.json`).
 */
const uiCatchAll = (request: SimRequest): SimResponse => {
  const method = (request.method || "GET").toUpperCase()
  if (!["GET", "HEAD", "OPTIONS"].includes(method)) return htmlText(403, csrfPage)
  return {
    status: 302,
    headers: {
      location: `/accounts/login/?next=${request.url.pathname}`,
      "content-type": "text/html; charset=utf-8",
    },
  }
}

// Routes without a method list take the verbs of a DRF detail or list view.
const describedMethods = ([pattern, handler]: [RegExp, Handler]) =>
  handler.methods ?? (/\)\\\/\$$/.test(pattern.source) ? ["GET", "PUT", "PATCH", "DELETE"] : ["GET", "POST"])

export const createHandler = (runtime: Runtime) => {
  const table = [...generationRoutes(runtime.store), ...routes, ...matchingRoutes()]
  const described = table.map((route) => ({ pattern: route[0], methods: describedMethods(route) }))
  const ownRoutes = ["token/", "schema/", "schema/view/"]
  const isApiRoute = (relative: string) =>
    ownRoutes.includes(relative) || table.some(([pattern]) => pattern.test(relative))
  return async (request: SimRequest): Promise<SimResponse> => {
    const path = request.url.pathname
    if (path === "/api/" || path === "/api")
      return {
        status: 302,
        headers: { location: "schema/view/", "content-type": "text/html; charset=utf-8" },
      }
    const share = /^\/share\/([^/]+)\/?$/.exec(path)
    if (share) return sharedFile(runtime.store, share[1] ?? "")
    if (!path.startsWith("/api/")) return notFoundPage()
    const relative = path.slice("/api/".length)
    if (!isApiRoute(relative)) return uiCatchAll(request)
    const version = negotiateVersion(request, runtime.store.generation)
    if (typeof version !== "number") return version
    const host = String(request.headers.host ?? "127.0.0.1")
    const base = {
      request,
      method: (request.method || "GET").toUpperCase(),
      store: runtime.store,
      version,
      query: request.url.searchParams,
      origin: `http://${host}`,
      options: runtime.timing,
      worker: runtime.worker,
    }
    const authentication = authenticate(request, runtime.store)
    if (authentication.kind === "failed") return authentication.response
    // drf-spectacular's view allows anyone; only an authenticated answer carries version headers.
    if (relative === "schema/" && authentication.kind === "anonymous")
      return apiDocumentResponse(request, described, version)
    if (relative === "token/") {
      if (base.method !== "POST") return detail(405, `Method "${base.method}" not allowed.`)
      return run(() => obtainToken({ ...base, user: runtime.anonymous }))
    }
    if (authentication.kind === "anonymous") return notAuthenticated()
    const context: Context = { ...base, user: authentication.user }
    const response = await run(() => {
      if (relative === "schema/view/") return htmlText(200, "<!doctype html><title>Redoc</title>")
      if (relative === "schema/") return apiDocumentResponse(request, described, version)
      if (context.method === "OPTIONS") return optionsResponse(path)
      for (const [pattern, handler] of table) {
        const match = pattern.exec(relative)
        if (match) return handler(context, match.slice(1))
      }
      return notFoundPage()
    })
    const rendered = browsable(request, response)
    return { ...rendered, headers: { ...rendered.headers, ...versionHeaders(runtime.store.generation) } }
  }
}
