import * as Schema from "effect/Schema"

/**
 * The server answered, but not with success. DRF error bodies are not uniform
 * (paperless-server-behaviour.md, "Error body shapes"): field maps, `non_field_errors`,
 * `{"error": …}`, `{"detail": …}`, plain text/HTML bodies, and Django's HTML 500 page. All of
 * them land here, split into `detail`, `fieldErrors` (the raw DRF dict) and `text`.
 */
export class PaperlessApiError extends Schema.TaggedError<PaperlessApiError>()("PaperlessApiError", {
  method: Schema.String,
  endpoint: Schema.String,
  status: Schema.Number,
  detail: Schema.optional(Schema.String),
  fieldErrors: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  text: Schema.optional(Schema.String),
  retryAfterSeconds: Schema.optional(Schema.Number),
}) {
  override get message(): string {
    const summary =
      this.detail ??
      (this.fieldErrors === undefined
        ? this.text
        : fieldMessages(this.fieldErrors)
            .map(({ field, message }) => (field === "" ? message : `${field}: ${message}`))
            .join("; "))
    return `${this.method} ${this.endpoint} answered ${this.status}${summary ? `: ${summary}` : ""}`
  }

  /** Every validation message with a dotted path: `custom_fields.1.non_field_errors`. */
  get messages(): ReadonlyArray<FieldMessage> {
    if (this.fieldErrors !== undefined) return fieldMessages(this.fieldErrors)
    const only = this.detail ?? this.text
    return only === undefined ? [] : [{ field: "", message: only }]
  }
}

/** The response did not have the shape the client expects: names the endpoint and the field. */
export class PaperlessDecodeError extends Schema.TaggedError<PaperlessDecodeError>()("PaperlessDecodeError", {
  method: Schema.String,
  endpoint: Schema.String,
  field: Schema.String,
  reason: Schema.String,
}) {
  override get message(): string {
    return `${this.method} ${this.endpoint}: unexpected response at ${this.field || "<body>"}: ${this.reason}`
  }
}

/** The request never got an answer (connection refused, reset, timeout). */
export class PaperlessTransportError extends Schema.TaggedError<PaperlessTransportError>()(
  "PaperlessTransportError",
  { method: Schema.String, endpoint: Schema.String, reason: Schema.String },
) {
  override get message(): string {
    return `${this.method} ${this.endpoint} failed: ${this.reason}`
  }
}

/** A value handed to the client does not fit the request schema; nothing was sent. */
export class PaperlessInvalidRequest extends Schema.TaggedError<PaperlessInvalidRequest>()(
  "PaperlessInvalidRequest",
  { endpoint: Schema.String, field: Schema.String, reason: Schema.String },
) {
  override get message(): string {
    return `invalid request for ${this.endpoint} at ${this.field || "<body>"}: ${this.reason}`
  }
}

/** The server speaks no API version we do (406, or a maximum below 9). */
export class PaperlessUnsupportedServer extends Schema.TaggedError<PaperlessUnsupportedServer>()(
  "PaperlessUnsupportedServer",
  {
    reason: Schema.String,
    serverApiVersion: Schema.optional(Schema.Number),
    serverVersion: Schema.optional(Schema.String),
  },
) {
  override get message(): string {
    return `unsupported Paperless-ngx server: ${this.reason}`
  }
}

export type PaperlessError =
  | PaperlessApiError
  | PaperlessDecodeError
  | PaperlessTransportError
  | PaperlessInvalidRequest
  | PaperlessUnsupportedServer

export interface FieldMessage {
  readonly field: string
  readonly message: string
}

/**
 * Flattens a DRF error dict. 3.0 keys nested custom-field errors by list index
 * (`{"custom_fields":{"0":{…}}}`) and 2.20 sends a list aligned with the request
 * (`{"custom_fields":[{}, {…}]}`, 2.20 `documents.patch.custom_fields.invalid-second-entry.json`):
 * both flatten to the same `custom_fields.<index>.<key>` paths.
 */
export const fieldMessages = (errors: unknown, prefix = ""): ReadonlyArray<FieldMessage> => {
  if (typeof errors === "string") return [{ field: prefix, message: errors }]
  if (Array.isArray(errors)) {
    if (errors.every((item) => typeof item === "string")) {
      return errors.map((message: string) => ({ field: prefix, message }))
    }
    return errors.flatMap((item, index) => fieldMessages(item, join(prefix, String(index))))
  }
  if (typeof errors === "object" && errors !== null) {
    return Object.entries(errors).flatMap(([key, value]) => fieldMessages(value, join(prefix, key)))
  }
  return errors === undefined || errors === null ? [] : [{ field: prefix, message: String(errors) }]
}

const join = (prefix: string, key: string) => (prefix === "" ? key : `${prefix}.${key}`)

export interface ParsedErrorBody {
  readonly detail?: string
  readonly fieldErrors?: Record<string, unknown>
  readonly text?: string
}

const MAX_TEXT = 500

/** Django's unhandled-exception page carries no detail beyond its heading. */
const htmlToText = (html: string) => {
  const heading = /<h1>([^<]*)<\/h1>/i.exec(html)?.[1]
  if (heading !== undefined) return heading.trim()
  return html
    .replace(/<[^>]*>/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, MAX_TEXT)
}

/** Reads an error body in whichever of the server's shapes it came. Pure. */
export const parseErrorBody = (contentType: string | undefined, text: string): ParsedErrorBody => {
  const trimmed = text.trim()
  if (trimmed === "") return {}
  if (contentType?.includes("json") === true) {
    try {
      const body: unknown = JSON.parse(trimmed)
      if (typeof body === "string") return { detail: body }
      if (Array.isArray(body)) return { fieldErrors: { non_field_errors: body } }
      if (typeof body === "object" && body !== null) {
        const record = body as Record<string, unknown>
        const keys = Object.keys(record)
        if (keys.length === 1 && typeof record.detail === "string") return { detail: record.detail }
        if (keys.length === 1 && typeof record.error === "string") return { detail: record.error }
        return { fieldErrors: record }
      }
      return { text: trimmed.slice(0, MAX_TEXT) }
    } catch {
      return { text: trimmed.slice(0, MAX_TEXT) }
    }
  }
  if (/^\s*</.test(trimmed)) return { text: htmlToText(trimmed) }
  return { text: trimmed.slice(0, MAX_TEXT) }
}
