import * as Data from "effect/Data"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"

/**
 * Papra's error body: `{"error":{"message","code","details?"}}`. Validation errors carry
 * `details` as `{path, message}`, where `path` is null for whole-body rules
 * (documents.update.empty-body.json).
 */
export const PapraErrorDetail = Schema.Struct({
  path: Schema.NullOr(Schema.String),
  message: Schema.String,
})
export type PapraErrorDetail = typeof PapraErrorDetail.Type

export const PapraErrorBody = Schema.Struct({
  error: Schema.Struct({
    message: Schema.String,
    code: Schema.String,
    details: Schema.optional(Schema.Array(PapraErrorDetail)),
  }),
})

/** better-auth's routes under /api/auth answer a flat `{message, code}` (auth.sign-in.email.wrong-password.json). */
export const PapraAuthErrorBody = Schema.Struct({ message: Schema.String, code: Schema.String })

/** Either error shape, read into one: what a caller needs is the code, the message and the details. */
export const PapraAnyErrorBody = Schema.Union(
  PapraErrorBody,
  PapraAuthErrorBody.pipe(
    Schema.transform(PapraErrorBody, {
      strict: true,
      decode: ({ code, message }) => ({ error: { code, message } }),
      encode: ({ error }) => ({ code: error.code, message: error.message }),
    }),
  ),
)

/**
 * The server answered with a non-success status. `code` is Papra's own `error.code` (for example
 * `document.already_exists`, `auth.unauthorized`, `user.not_in_organization`), or `http.<status>`
 * when the body was not in Papra's error shape (a proxy's HTML page, an empty body).
 */
export class PapraApiError extends Data.TaggedError("PapraApiError")<{
  readonly endpoint: string
  readonly status: number
  readonly code: string
  readonly serverMessage: string
  readonly details: ReadonlyArray<PapraErrorDetail>
  /** Seconds from a `Retry-After` header, when the server sent one. */
  readonly retryAfterSeconds?: number
}> {
  override get message() {
    const details = this.details.map((detail) => `${detail.path ?? "(body)"}: ${detail.message}`).join("; ")
    return `${this.endpoint} answered ${this.status} ${this.code}: ${this.serverMessage}${details ? ` (${details})` : ""}`
  }
}

/** A response (or part of one) did not match the client's schema: names the endpoint and the field. */
export class PapraDecodeError extends Data.TaggedError("PapraDecodeError")<{
  readonly endpoint: string
  readonly status: number
  /** Dotted path into the body, e.g. `documents.3.originalSha256Hash`; `(body)` for the whole body. */
  readonly field: string
  readonly problem: string
}> {
  override get message() {
    return `${this.endpoint} answered ${this.status} with an unexpected body at ${this.field}: ${this.problem}`
  }
}

/** A request was refused by the client before anything was sent (a bad argument or missing setting). */
export class PapraRequestError extends Data.TaggedError("PapraRequestError")<{
  readonly endpoint: string
  readonly field: string
  readonly problem: string
}> {
  override get message() {
    return `${this.endpoint}: invalid request at ${this.field}: ${this.problem}`
  }
}

/** No usable answer: connection refused or reset, DNS failure, timeout, or a body cut short. */
export class PapraTransportError extends Data.TaggedError("PapraTransportError")<{
  readonly endpoint: string
  readonly reason: "Transport" | "Timeout" | "InvalidUrl" | "Body"
  readonly problem: string
}> {
  override get message() {
    return `${this.endpoint}: ${this.reason.toLowerCase()} failure: ${this.problem}`
  }
}

export type PapraError = PapraApiError | PapraDecodeError | PapraRequestError | PapraTransportError

/** The first issue of a parse error as a dotted field path and a message. */
export const describeParseError = (error: ParseResult.ParseError): { field: string; problem: string } => {
  const [first] = ParseResult.ArrayFormatter.formatErrorSync(error)
  if (first === undefined) return { field: "(body)", problem: error.message }
  const field = first.path.length === 0 ? "(body)" : first.path.map(String).join(".")
  return { field, problem: first.message }
}

/** True when the error is Papra's answer with the given `error.code`. */
export const hasPapraCode =
  (code: string) =>
  (error: unknown): error is PapraApiError =>
    error instanceof PapraApiError && error.code === code
