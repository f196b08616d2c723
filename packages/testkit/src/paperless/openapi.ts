import type { SimRequest, SimResponse } from "../http-server.js"

/**
 * `GET /api/schema/`: the OpenAPI document drf-spectacular serves. Other Paperless-ngx clients fetch
 * it before anything else, anonymously too (`schema.get.no-auth.json`: 200, no version headers).
 * The real document (~700 kB, `schema.get.accept-json.json`) describes every serializer; this one
 * lists the simulator's own routes with their methods, so a client that discovers endpoints from
 * it finds exactly what the simulator answers.
 */

/** A route as the router knows it: its pattern relative to `/api/` and the methods it answers. */
export interface DescribedRoute {
  readonly pattern: RegExp
  readonly methods: ReadonlyArray<string>
}

// The names drf-spectacular gives the path parameters (`/api/documents/{id}/versions/{version_id}/`).
const parameterNames = ["id", "version_id"]

/** `^documents\/([^/]+)\/(download|preview|thumb)\/$` → the three `/api/documents/{id}/…/` paths. */
export const pathTemplates = (pattern: RegExp): Array<string> => {
  let position = 0
  const body = pattern.source
    .replace(/^\^/, "")
    .replace(/\$$/, "")
    .replaceAll("\\/", "/")
    .replace(/\((?:\[\^\/\]\+|\\d\+)\)/g, () => `{${parameterNames[position++] ?? "id"}}`)
  const choice = /\(([a-z_|]+)\)/.exec(body)
  const words = choice?.[1]?.split("|")
  if (choice === null || words === undefined) return [`/api/${body}`]
  return words.map((word) => `/api/${body.replace(choice[0], word)}`)
}

// The schemes and their names as the real document spells them, typo included.
const securitySchemes = {
  PaperelessBasicAuthentication: { type: "http", scheme: "basic" },
  cookieAuth: { type: "apiKey", in: "cookie", name: "sessionid" },
  tokenAuth: {
    type: "apiKey",
    in: "header",
    name: "Authorization",
    description: 'Token-based authentication with required prefix "Token"',
  },
}
const security = Object.keys(securitySchemes).map((scheme) => ({ [scheme]: [] }))

const operation = (template: string, method: string) => {
  const words = template.split("/").filter((word) => word !== "" && word !== "api")
  const parameters = words
    .filter((word) => word.startsWith("{"))
    .map((word) => ({ in: "path", name: word.slice(1, -1), schema: { type: "integer" }, required: true }))
  return {
    operationId: [...words.filter((word) => !word.startsWith("{")), method.toLowerCase()].join("_"),
    ...(parameters.length > 0 ? { parameters } : {}),
    tags: [words[0] ?? "api"],
    security,
    responses: { "200": { description: "" } },
  }
}

export const apiDocument = (routes: ReadonlyArray<DescribedRoute>, apiVersion: number) => {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const route of routes) {
    for (const template of pathTemplates(route.pattern)) {
      const operations = paths[template] ?? {}
      for (const method of route.methods) operations[method.toLowerCase()] = operation(template, method)
      paths[template] = operations
    }
  }
  return {
    openapi: "3.0.3",
    info: {
      title: "Paperless-ngx REST API",
      version: `6.0.0 (${apiVersion})`,
      description: "OpenAPI Spec for Paperless-ngx",
    },
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => (a < b ? -1 : 1))),
    components: { securitySchemes },
  }
}

/**
 * The media type follows DRF's negotiation as the captures show it: `?format=json` →
 * `application/vnd.oai.openapi+json` (`schema.get.format-json.json`), `Accept: application/json` →
 * `application/json` (`schema.get.accept-json.json`), anything else → YAML
 * (`schema.get.json`). The YAML answer carries the JSON text: JSON is valid YAML 1.2, so any YAML
 * parser reads it.
 */
export const apiDocumentResponse = (
  request: SimRequest,
  routes: ReadonlyArray<DescribedRoute>,
  apiVersion: number,
): SimResponse => {
  const accept = String(request.headers.accept ?? "")
  const contentType =
    request.url.searchParams.get("format") === "json" || accept.includes("application/vnd.oai.openapi+json")
      ? "application/vnd.oai.openapi+json"
      : accept.includes("application/json")
        ? "application/json"
        : "application/vnd.oai.openapi; charset=utf-8"
  const extension = contentType.startsWith("application/vnd.oai.openapi;") ? "yaml" : "json"
  return {
    status: 200,
    headers: {
      "content-type": contentType,
      "content-disposition": `inline; filename="Paperless-ngx REST API (${apiVersion}).${extension}"`,
      allow: "GET, HEAD, OPTIONS",
    },
    body: Buffer.from(JSON.stringify(apiDocument(routes, apiVersion), null, 4)),
  }
}
