import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import {
  type MultipartField,
  multipartBody,
  parseRetryAfter,
  type RetryClassifier,
  type RetryPolicy,
  withRetry as retrying,
} from "@paperbridge/http"
import * as Effect from "effect/Effect"
import * as ParseResult from "effect/ParseResult"
import type * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { basicHeader, type PaperlessAuth, TokenRequest, TokenResponse, tokenHeader } from "./auth.js"
import {
  PaperlessApiError,
  PaperlessDecodeError,
  type PaperlessError,
  PaperlessInvalidRequest,
  PaperlessTransportError,
  PaperlessUnsupportedServer,
  parseErrorBody,
} from "./errors.js"
import {
  type ApiVersion,
  acceptHeader,
  generationOf,
  negotiateVersion,
  PROBE_API_VERSION,
  type ServerInfo,
  SUPPORTED_API_VERSIONS,
} from "./versions.js"

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS"

export type QueryValue = string | number | boolean | ReadonlyArray<string | number> | null | undefined
export type Query = Readonly<Record<string, QueryValue>>

export type RequestBody =
  | { readonly _tag: "Json"; readonly encode: Effect.Effect<unknown, PaperlessInvalidRequest> }
  /** Built again for every attempt, so a retry reads its files from the start. */
  | { readonly _tag: "Multipart"; readonly fields: ReadonlyArray<MultipartField> }
  /** `POST /api/documents/:id/email/` works only form-encoded; JSON gives an HTML 500 (`documents.email.*`). */
  | { readonly _tag: "UrlEncoded"; readonly params: ReadonlyArray<readonly [string, string]> }

export interface RequestSpec {
  readonly method: HttpMethod
  /** Path under the base URL, e.g. `/api/documents/12/`. */
  readonly path: string
  readonly query?: Query
  readonly body?: RequestBody
  readonly headers?: Readonly<Record<string, string>>
  /** Retried on 429/5xx/network only when true; defaults to true for GET, HEAD and OPTIONS. */
  readonly idempotent?: boolean
}

/** A value that does not fit its request schema, named by endpoint and field. */
export const invalidRequest = (endpoint: string, error: ParseResult.ParseError) => {
  const issue = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
  return new PaperlessInvalidRequest({
    endpoint,
    field: issue?.path.join(".") ?? "",
    reason: issue?.message ?? error.message,
  })
}

/** Every request body goes through its Schema before it is sent. */
export const jsonBody = <A, I>(schema: Schema.Schema<A, I>, value: A, endpoint: string): RequestBody => ({
  _tag: "Json",
  encode: Schema.encode(schema)(value).pipe(Effect.mapError((error) => invalidRequest(endpoint, error))),
})

export type { RetryPolicy } from "@paperbridge/http"

export const defaultRetryPolicy: RetryPolicy = {
  maxRetries: 4,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
}

export interface TransportConfig {
  readonly baseUrl: string
  readonly auth: PaperlessAuth
  /** Pin the API version instead of using the highest one the server offers. */
  readonly apiVersion?: ApiVersion
  /** Requests in flight at once (default 8). */
  readonly concurrency?: number
  readonly retry?: Partial<RetryPolicy>
}

export interface Transport {
  /** Discovered once (cached) on the first call: the version every request then uses. */
  readonly server: Effect.Effect<ServerInfo, PaperlessError>
  readonly json: <A, I>(spec: RequestSpec, schema: Schema.Schema<A, I>) => Effect.Effect<A, PaperlessError>
  /** For 204 answers and answers whose body means nothing (e.g. HEAD). */
  readonly noContent: (spec: RequestSpec) => Effect.Effect<void, PaperlessError>
  /** A 2xx response with its body unread, for files; the concurrency permit is released at the headers. */
  readonly open: (spec: RequestSpec) => Effect.Effect<HttpClientResponse.HttpClientResponse, PaperlessError>
}

const SAFE_METHODS: ReadonlySet<HttpMethod> = new Set(["GET", "HEAD", "OPTIONS"])

const RETRYABLE_STATUS: ReadonlySet<number> = new Set([429, 500, 502, 503, 504])

const retryClassifier: RetryClassifier<PaperlessError> = {
  isRetryable: (error) =>
    error._tag === "PaperlessTransportError" ||
    (error._tag === "PaperlessApiError" && RETRYABLE_STATUS.has(error.status)),
  retryAfterSeconds: (error) => (error._tag === "PaperlessApiError" ? error.retryAfterSeconds : undefined),
  describe: (error) => ({ endpoint: "endpoint" in error ? error.endpoint : "", error: error._tag }),
}

/**
 * Pure. A path segment that stands for an id but is not a positive whole number: ids reach paths
 * unchecked from code without branded types (the Promise facade, plain JavaScript), and `-1`, `1.5`
 * or `undefined` would otherwise be sent and answered with a confusing 404.
 */
export const invalidIdSegment = (path: string): string | undefined =>
  path
    .split("/")
    .find((segment) => (/^[-+.\d]/.test(segment) && !/^[1-9]\d*$/.test(segment)) || NOT_IDS.has(segment))

const NOT_IDS: ReadonlySet<string> = new Set(["undefined", "null", "NaN", "Infinity", "[object Object]"])

export const toUrlParams = (query: Query | undefined): Array<[string, string]> =>
  Object.entries(query ?? {}).flatMap(([key, value]): Array<[string, string]> => {
    if (value === undefined || value === null) return []
    if (Array.isArray(value)) return [[key, value.join(",")]]
    return [[key, String(value)]]
  })

const decodeFailure = (method: string, endpoint: string, error: ParseResult.ParseError) => {
  const issue = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
  return new PaperlessDecodeError({
    method,
    endpoint,
    field: issue?.path.join(".") ?? "",
    reason: issue?.message ?? error.message,
  })
}

/** Decodes a body already parsed from JSON, naming the endpoint and field on a mismatch. */
export const decodeBody =
  <A, I>(schema: Schema.Schema<A, I>, method: string, endpoint: string) =>
  (body: unknown): Effect.Effect<A, PaperlessDecodeError> =>
    Schema.decodeUnknown(schema)(body, { errors: "first" }).pipe(
      Effect.mapError((error) => decodeFailure(method, endpoint, error)),
    )

const readJson = (method: string, endpoint: string, text: string) =>
  Effect.try({
    try: (): unknown => JSON.parse(text),
    catch: () =>
      new PaperlessDecodeError({
        method,
        endpoint,
        field: "",
        reason: `body is not JSON: ${JSON.stringify(text.slice(0, 80))}`,
      }),
  })

export const makeTransport = (config: TransportConfig) =>
  Effect.gen(function* () {
    const http = yield* HttpClient.HttpClient
    const semaphore = yield* Effect.makeSemaphore(Math.max(1, config.concurrency ?? 8))
    const policy: RetryPolicy = { ...defaultRetryPolicy, ...config.retry }
    const baseUrl = config.baseUrl.replace(/\/+$/, "")

    const apiError = (spec: RequestSpec, response: HttpClientResponse.HttpClientResponse) =>
      response.text.pipe(
        Effect.orElseSucceed(() => ""),
        Effect.map((text) => {
          const parsed = parseErrorBody(response.headers["content-type"], text)
          const retryAfter = parseRetryAfter(response.headers["retry-after"], Date.now())
          return new PaperlessApiError({
            method: spec.method,
            endpoint: spec.path,
            status: response.status,
            ...parsed,
            ...(retryAfter === undefined ? {} : { retryAfterSeconds: retryAfter }),
          })
        }),
      )

    /** One attempt: build, send, and fail on a non-2xx status. */
    const attempt = (spec: RequestSpec, accept: string, authorization: string | undefined) =>
      Effect.gen(function* () {
        const badId = invalidIdSegment(spec.path)
        if (badId !== undefined) {
          return yield* new PaperlessInvalidRequest({
            endpoint: spec.path,
            field: "id",
            reason: `${badId} is not an id: ids are positive whole numbers`,
          })
        }
        let request = HttpClientRequest.make(spec.method)(`${baseUrl}${spec.path}`, {
          urlParams: toUrlParams(spec.query),
          headers: {
            accept,
            ...(authorization === undefined ? {} : { authorization }),
            ...spec.headers,
          },
        })
        const body = spec.body
        if (body?._tag === "Json") request = HttpClientRequest.bodyUnsafeJson(request, yield* body.encode)
        else if (body?._tag === "Multipart") {
          const multipart = yield* multipartBody(body.fields).pipe(
            Effect.mapError(
              (error) =>
                new PaperlessInvalidRequest({
                  endpoint: spec.path,
                  field: error.field,
                  reason: `cannot open ${error.path}: ${error.problem}`,
                }),
            ),
          )
          request = HttpClientRequest.bodyStream(request, multipart.stream, multipart)
        } else if (body?._tag === "UrlEncoded")
          request = HttpClientRequest.bodyUrlParams(request, body.params)
        const response = yield* http.execute(request).pipe(
          Effect.mapError(
            (error) =>
              new PaperlessTransportError({
                method: spec.method,
                endpoint: spec.path,
                reason: error.reason === "Transport" ? transportReason(error.cause) : error.reason,
              }),
          ),
        )
        if (response.status < 200 || response.status >= 300)
          return yield* Effect.flatMap(apiError(spec, response), Effect.fail)
        return response
      })

    const withRetry = <A>(spec: RequestSpec, effect: Effect.Effect<A, PaperlessError>) =>
      (spec.idempotent ?? SAFE_METHODS.has(spec.method)) ? retrying(policy, retryClassifier, effect) : effect

    const exchangeToken = (username: string, password: Redacted.Redacted<string>) =>
      withRetry(
        // The token endpoint hands out the existing token again, so repeating it is harmless.
        { method: "POST", path: "/api/token/", idempotent: true },
        semaphore.withPermits(1)(
          attempt(
            {
              method: "POST",
              path: "/api/token/",
              body: jsonBody(TokenRequest, { username, password }, "/api/token/"),
            },
            acceptHeader(PROBE_API_VERSION),
            undefined,
          ).pipe(
            Effect.flatMap((response) => response.text),
            Effect.catchTag("ResponseError", (error) =>
              Effect.fail(
                new PaperlessTransportError({
                  method: "POST",
                  endpoint: "/api/token/",
                  reason: error.message,
                }),
              ),
            ),
            Effect.flatMap((text) => readJson("POST", "/api/token/", text)),
            Effect.flatMap(decodeBody(TokenResponse, "POST", "/api/token/")),
          ),
        ),
      ).pipe(Effect.map(({ token }) => tokenHeader(token)))

    const auth = config.auth
    const authorization: Effect.Effect<string, PaperlessError> =
      auth._tag === "Token"
        ? Effect.sync(() => tokenHeader(auth.token))
        : auth._tag === "Basic"
          ? Effect.sync(() => basicHeader(auth.username, auth.password))
          : yield* Effect.cached(exchangeToken(auth.username, auth.password))

    /**
     * `/api/` only redirects to the schema viewer (`root.get.json`), and `X-Api-Version` (the server's
     * maximum) is sent only on authenticated answers, 403 included (`auth.limited.documents.json`).
     * So the probe is the cheapest authenticated list, asked for with version 9, which both
     * generations accept. A 406 means the server knows no version 9: try 10 once, for a future
     * server that dropped 9.
     */
    const probeWith = (version: ApiVersion, header: string) =>
      Effect.gen(function* () {
        const spec: RequestSpec = {
          method: "GET",
          path: "/api/documents/",
          query: { page_size: 1, fields: "id" },
        }
        const response = yield* withRetry(
          spec,
          semaphore.withPermits(1)(attempt(spec, acceptHeader(version), header)),
        ).pipe(
          Effect.catchIf(
            (error) => error._tag === "PaperlessApiError" && error.status === 403,
            () => Effect.succeed(undefined),
          ),
        )
        return response
      })

    const discover = Effect.gen(function* () {
      const header = yield* authorization
      const first = yield* probeWith(PROBE_API_VERSION, header).pipe(
        Effect.map((response) => ({ response, error: undefined })),
        Effect.catchIf(
          (error) => error._tag === "PaperlessApiError" && error.status === 406,
          (error) => Effect.succeed({ response: undefined, error }),
        ),
      )
      const response =
        first.error === undefined
          ? first.response
          : yield* probeWith(10, header).pipe(
              Effect.catchIf(
                (error) => error._tag === "PaperlessApiError" && error.status === 406,
                () =>
                  Effect.fail(
                    new PaperlessUnsupportedServer({
                      reason: `the server accepts none of API versions ${SUPPORTED_API_VERSIONS.join(", ")} (406)`,
                    }),
                  ),
              ),
            )
      return yield* serverInfo(response?.headers)
    })

    /** The headers of a 403 are not at hand after the error; re-read them from a HEAD if needed. */
    const serverInfo = (headers: Readonly<Record<string, string>> | undefined) =>
      Effect.gen(function* () {
        const advertised = headers ?? (yield* limitedHeaders)
        const rawMax = advertised["x-api-version"]
        const serverVersion = advertised["x-version"]
        const serverApiVersion = rawMax === undefined ? Number.NaN : Number.parseInt(rawMax, 10)
        if (!Number.isInteger(serverApiVersion)) {
          return yield* new PaperlessUnsupportedServer({
            reason: "the server sent no X-Api-Version header on an authenticated request",
            ...(serverVersion === undefined ? {} : { serverVersion }),
          })
        }
        const best = negotiateVersion(serverApiVersion)
        const pinned = config.apiVersion
        const chosen = pinned !== undefined && pinned <= serverApiVersion ? pinned : best
        if (chosen === undefined || (pinned !== undefined && pinned > serverApiVersion)) {
          return yield* new PaperlessUnsupportedServer({
            reason:
              pinned !== undefined && pinned > serverApiVersion
                ? `API version ${pinned} was asked for, the server's maximum is ${serverApiVersion}`
                : `the server's maximum API version is ${serverApiVersion}; at least 9 is needed (Paperless-ngx 2.16 or newer)`,
            serverApiVersion,
            ...(serverVersion === undefined ? {} : { serverVersion }),
          })
        }
        const info: ServerInfo = {
          apiVersion: chosen,
          serverApiVersion,
          serverVersion,
          generation: generationOf(serverApiVersion, serverVersion),
        }
        return info
      })

    /** A user without view_document still gets the version headers on a readable endpoint. */
    const limitedHeaders = Effect.gen(function* () {
      const header = yield* authorization
      const spec: RequestSpec = { method: "GET", path: "/api/statistics/" }
      const response = yield* withRetry(
        spec,
        semaphore.withPermits(1)(attempt(spec, acceptHeader(PROBE_API_VERSION), header)),
      )
      return response.headers
    })

    const server = yield* Effect.cached(discover)

    const ready = Effect.all([server, authorization])

    // Named by method and path; a stack trace captured for every request is CPU that does not pay.
    const requestSpan = (spec: RequestSpec) =>
      Effect.withSpan("paperless.request", {
        attributes: { method: spec.method, endpoint: spec.path },
        captureStackTrace: false,
      })

    const open = (spec: RequestSpec) =>
      Effect.flatMap(ready, ([info, header]) =>
        withRetry(spec, semaphore.withPermits(1)(attempt(spec, acceptHeader(info.apiVersion), header))),
      ).pipe(requestSpan(spec))

    const readText = (spec: RequestSpec) =>
      Effect.flatMap(ready, ([info, header]) =>
        withRetry(
          spec,
          semaphore.withPermits(1)(
            attempt(spec, acceptHeader(info.apiVersion), header).pipe(
              Effect.flatMap((response) => response.text),
              Effect.catchTag("ResponseError", (error) =>
                Effect.fail(
                  new PaperlessTransportError({
                    method: spec.method,
                    endpoint: spec.path,
                    reason: error.message,
                  }),
                ),
              ),
            ),
          ),
        ),
      ).pipe(requestSpan(spec))

    const transport: Transport = {
      server,
      json: (spec, schema) =>
        readText(spec).pipe(
          Effect.flatMap((text) => readJson(spec.method, spec.path, text)),
          Effect.flatMap(decodeBody(schema, spec.method, spec.path)),
        ),
      noContent: (spec) => Effect.asVoid(readText(spec)),
      open,
    }
    return transport
  })

const transportReason = (cause: unknown): string => {
  if (cause instanceof Error) {
    const inner = (cause as Error & { cause?: unknown }).cause
    const code =
      typeof inner === "object" && inner !== null && "code" in inner ? String(inner.code) : undefined
    return code === undefined ? cause.message : `${cause.message} (${code})`
  }
  return String(cause)
}
