import type { SimRequest, SimResponse } from "../http-server.js"
import type { PaperlessStore, UserRecord } from "./store.js"
import type { Worker } from "./worker.js"

/**
 * Response shapes of Django REST framework as the real server renders them, and the request
 * context every route receives.
 */

/** Early exit from a route with a finished response (validation errors, 404s…). */
export class Reply extends Error {
  constructor(readonly response: SimResponse) {
    super(`reply ${response.status}`)
  }
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): SimResponse => ({
  status,
  headers: { "content-type": "application/json", ...headers },
  body: body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
})

export const detail = (status: number, message: string): SimResponse => json(status, { detail: message })

/** Plain-text answers that Django views return with `HttpResponse…("text")` (search, status…). */
export const htmlText = (status: number, text: string): SimResponse => ({
  status,
  headers: { "content-type": "text/html; charset=utf-8" },
  body: Buffer.from(text),
})

/** Django's CSRF failure page, for a write to a non-DRF view (`documents.update_version.not-found.json`). */
export const csrfPage =
  '<!DOCTYPE html>\n<html lang="en">\n<head>\n  <meta http-equiv="content-type" content="text/html; charset=utf-8">\n  <title>403 Forbidden</title>\n</head>\n<body>\n<div id="summary">\n  <h1>Forbidden <span>(403)</span></h1>\n  <p>CSRF verification failed. Request aborted.</p>\n</div>\n</body>\n</html>\n'

/** Django's production 500 page, which the real server sends for several unhandled inputs. */
export const serverError = (): SimResponse =>
  htmlText(
    500,
    '\n<!doctype html>\n<html lang="en">\n<head>\n  <title>Server Error (500)</title>\n</head>\n<body>\n  <h1>Server Error (500)</h1><p></p>\n</body>\n</html>\n',
  )

export const fail = (status: number, body: unknown): never => {
  throw new Reply(json(status, body))
}

export const failDetail = (status: number, message: string): never => {
  throw new Reply(detail(status, message))
}

export const failValidation = (errors: Record<string, unknown>): never => fail(400, errors)

export const crash = (): never => {
  throw new Reply(serverError())
}

export const notFound = (model: string): never => failDetail(404, `No ${model} matches the given query.`)

export const methodNotAllowed = (method: string): never => failDetail(405, `Method "${method}" not allowed.`)

export const forbidden = (): never => failDetail(403, "You do not have permission to perform this action.")

export const forbiddenText = (): never => {
  throw new Reply(htmlText(403, "Insufficient permissions"))
}

export interface Context {
  readonly request: SimRequest
  readonly method: string
  readonly store: PaperlessStore
  readonly version: number
  readonly user: UserRecord
  readonly query: URLSearchParams
  /** `http://host:port` as the client addressed the server, for absolute `next`/`previous` links. */
  readonly origin: string
  readonly options: SimulatorTiming
  readonly worker: Worker
}

export interface SimulatorTiming {
  /** Time a worker process spends consuming one upload (ms). */
  readonly consumeMs: number
  /** Time the worker spends on a bulk_update task (ms); `modified` is bumped when it ends. */
  readonly bulkUpdateMs: number
  /** Whether `/api/token/` is throttled at 5/min on 3.0 (true by default, as on the real server). */
  readonly throttleToken: boolean
}

/** A request body: JSON, form-encoded or multipart, as DRF's parsers accept them. */
export type Body =
  | { readonly kind: "json"; readonly value: unknown }
  | { readonly kind: "form"; readonly form: FormData }
  | { readonly kind: "none" }

const contentTypeOf = (request: SimRequest) => String(request.headers["content-type"] ?? "")

export const parseBody = async (request: SimRequest): Promise<Body> => {
  const contentType = contentTypeOf(request)
  if (request.body.length === 0 && !contentType.startsWith("multipart/")) return { kind: "none" }
  if (
    contentType.startsWith("multipart/form-data") ||
    contentType.startsWith("application/x-www-form-urlencoded")
  ) {
    try {
      const form = await new Response(request.body, { headers: { "content-type": contentType } }).formData()
      return { kind: "form", form }
    } catch {
      return fail(400, { detail: "Multipart form parse error - Invalid boundary in multipart: None" })
    }
  }
  if (contentType === "" || contentType.startsWith("application/json") || contentType.includes("+json")) {
    try {
      return { kind: "json", value: JSON.parse(request.body.toString("utf8")) }
    } catch (cause) {
      return fail(400, { detail: `JSON parse error - ${cause instanceof Error ? cause.message : "invalid"}` })
    }
  }
  return failDetail(415, `Unsupported media type "${contentType.split(";")[0]}" in request.`)
}

/**
 * The body as a plain object of fields. Form fields become strings, repeated fields arrays (tags).
 * A JSON body that is not an object yields `{}` plus DRF's "Invalid data" error on serializer routes.
 */
export const bodyFields = async (context: Context): Promise<Record<string, unknown>> => {
  const body = await parseBody(context.request)
  if (body.kind === "none") return {}
  if (body.kind === "json") {
    if (body.value !== null && typeof body.value === "object" && !Array.isArray(body.value)) {
      return body.value as Record<string, unknown>
    }
    return fail(400, {
      non_field_errors: [`Invalid data. Expected a dictionary, but got ${pythonTypeName(body.value)}.`],
    })
  }
  const fields: Record<string, unknown> = {}
  for (const key of new Set(body.form.keys())) {
    const values = body.form.getAll(key)
    fields[key] = values.length === 1 ? values[0] : values
  }
  return fields
}

export const pythonTypeName = (value: unknown): string => {
  if (value === null) return "NoneType"
  if (Array.isArray(value)) return "list"
  if (typeof value === "string") return "str"
  if (typeof value === "boolean") return "bool"
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "float"
  return "dict"
}

/** Python's `repr` of JSON-like data, which some messages embed (select options). */
export const pythonRepr = (value: unknown): string => {
  if (value === null || value === undefined) return "None"
  if (typeof value === "string") return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`
  if (typeof value === "boolean") return value ? "True" : "False"
  if (typeof value === "number") return String(value)
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(", ")}]`
  return `{${Object.entries(value as Record<string, unknown>)
    .map(([key, inner]) => `${pythonRepr(key)}: ${pythonRepr(inner)}`)
    .join(", ")}}`
}

/** DRF's PrimaryKeyRelatedField parsing: ints or int strings; the messages it gives otherwise. */
export const parsePk = (value: unknown): number | { readonly error: string } => {
  if (typeof value === "boolean") return { error: `Incorrect type. Expected pk value, received bool.` }
  if (typeof value === "number" && Number.isInteger(value)) return value
  if (typeof value === "string" && /^-?\d+$/.test(value.trim())) return Number(value)
  return { error: `Incorrect type. Expected pk value, received ${pythonTypeName(value)}.` }
}

export const invalidPk = (pk: unknown) => `Invalid pk "${String(pk)}" - object does not exist.`

/** DRF IntegerField: ints, integral floats and int strings. */
export const parseInteger = (value: unknown): number | undefined => {
  if (typeof value === "number" && Number.isInteger(value)) return value
  if (typeof value === "string" && /^\s*-?\d+\s*$/.test(value)) return Number(value)
  return undefined
}

/** DRF BooleanField's accepted spellings (query parameters and JSON). */
export const parseBoolean = (value: unknown): boolean | undefined => {
  if (value === true || value === false) return value
  const text = String(value).toLowerCase()
  if (["true", "1", "yes", "on", "t", "y"].includes(text)) return true
  if (["false", "0", "no", "off", "f", "n"].includes(text)) return false
  return undefined
}
