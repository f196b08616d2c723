import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { type MultipartBody, parseRetryAfter, withRetry } from "@paperbridge/http"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import {
  describeParseError,
  PapraAnyErrorBody,
  PapraApiError,
  PapraDecodeError,
  type PapraError,
  PapraRequestError,
  PapraTransportError,
} from "./errors.js"
import { type RetryPolicy, retryClassifier } from "./retry.js"

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE"

export interface RouteInfo {
  readonly method: Method
  /** The path template, as Papra's router and the fixtures' `pathTemplate` spell it. */
  readonly path: string
  /**
   * Whether replaying the call after a lost answer is harmless (GET, PUT, DELETE, and PATCHes that
   * set absolute values). Creates and uploads are not replayed, except after a 429.
   */
  readonly idempotent: boolean
}

/** One server route: what the client sends it and the schema its success body must match. */
export interface Route<A, I> extends RouteInfo {
  /** Undefined for routes that answer without a body (204). */
  readonly response: Schema.Schema<A, I> | undefined
}

export const route = <A = void, I = A>(
  method: Method,
  path: string,
  response?: Schema.Schema<A, I>,
  options?: { readonly idempotent?: boolean },
): Route<A, I> => ({
  method,
  path,
  response,
  idempotent: options?.idempotent ?? method !== "POST",
})

export const endpointOf = (route: RouteInfo) => `${route.method} ${route.path}`

export type QueryValue = string | number | boolean | undefined

export interface CallOptions {
  readonly params?: Readonly<Record<string, string>>
  readonly query?: Readonly<Record<string, QueryValue>>
  /** An already encoded JSON body (see `encodeBody`). */
  readonly json?: unknown
  /** Its stream reads the file from the start on every run, so a retried upload sends all of it again. */
  readonly multipart?: MultipartBody
  /** Overrides the configured per-attempt timeout (uploads send a whole file within it). */
  readonly timeoutMs?: number
}

export interface TransportConfig {
  readonly baseUrl: string
  readonly apiKey: Redacted.Redacted<string>
  readonly retry: RetryPolicy
  /** Per attempt, until the response headers (and, for JSON, the body) have arrived. */
  readonly timeoutMs: number
  readonly userAgent: string
}

/** A response whose body the caller reads as a stream, with its headers. */
export interface StreamedResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: Stream.Stream<Uint8Array, PapraTransportError>
}

// Papra may add fields to any object; they are kept on the decoded value rather than dropped.
const decodeOptions = { onExcessProperty: "preserve", errors: "first" } as const

/** Encodes a request value through its schema, so a bad argument fails before anything is sent. */
export const encodeBody = <A, I>(
  route: RouteInfo,
  schema: Schema.Schema<A, I>,
  value: A,
): Effect.Effect<I, PapraRequestError> =>
  Schema.encode(schema)(value).pipe(
    Effect.mapError(
      (error) => new PapraRequestError({ endpoint: endpointOf(route), ...describeParseError(error) }),
    ),
  )

/** Every Papra id: a prefix (`doc`, `doc_act`, …) and 24 lower-case alphanumerics (ids.ts). */
const PAPRA_ID = /^[a-z]+(?:_[a-z]+)?_[a-z0-9]{24}$/

// Plain code rather than an Effect per segment: it runs for every request.
const fillPath = (
  template: string,
  params: Readonly<Record<string, string>>,
  endpoint: string,
): Either.Either<string, PapraRequestError> => {
  const segments = template.split("/")
  for (let index = 0; index < segments.length; index++) {
    const segment = segments[index] as string
    if (!segment.startsWith(":")) continue
    const name = segment.slice(1)
    const value = params[name]
    if (value === undefined)
      return Either.left(new PapraRequestError({ endpoint, field: name, problem: "missing path parameter" }))
    // Ids reach paths unchecked from code without branded types (the Promise facade, plain
    // JavaScript); the server would answer a malformed one with 400 (organizations.get.invalid-id.json).
    if (name.endsWith("Id") && !PAPRA_ID.test(value))
      return Either.left(
        new PapraRequestError({ endpoint, field: name, problem: `not a Papra id: ${value}` }),
      )
    segments[index] = encodeURIComponent(value)
  }
  return Either.right(segments.join("/"))
}

const transportError = (endpoint: string, error: HttpClientError.HttpClientError) =>
  new PapraTransportError({
    endpoint,
    reason: error._tag === "RequestError" && error.reason === "InvalidUrl" ? "InvalidUrl" : "Transport",
    // The platform error carries the request and its headers; only its description leaves here.
    problem: describeCause(error.cause) ?? error.reason,
  })

const describeCause = (cause: unknown): string | undefined => {
  if (!(cause instanceof Error)) return undefined
  const inner = describeCause(cause.cause)
  return inner === undefined ? cause.message : `${cause.message}: ${inner}`
}

const readApiError = (endpoint: string, response: HttpClientResponse.HttpClientResponse) =>
  response.text.pipe(
    Effect.orElseSucceed(() => ""),
    Effect.flatMap((text) => {
      const retryAfterSeconds = parseRetryAfter(response.headers["retry-after"], Date.now())
      const parsed = Schema.decodeUnknownOption(Schema.parseJson(PapraAnyErrorBody))(text)
      const fields = Option.match(parsed, {
        onNone: () => ({
          code: `http.${response.status}`,
          serverMessage: text.slice(0, 200) || "(empty body)",
          details: [],
        }),
        onSome: ({ error }) => ({
          code: error.code,
          serverMessage: error.message,
          details: error.details ?? [],
        }),
      })
      return Effect.fail(
        new PapraApiError({
          endpoint,
          status: response.status,
          ...fields,
          ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
        }),
      )
    }),
  )

/**
 * The request machinery every resource shares: base URL, bearer key, concurrency bound, timeout,
 * retries, error mapping and schema decoding.
 */
export const makeTransport = (config: TransportConfig, semaphore: Effect.Semaphore) =>
  Effect.gen(function* () {
    const httpClient = (yield* HttpClient.HttpClient).pipe(
      HttpClient.mapRequest((request) =>
        request.pipe(
          HttpClientRequest.prependUrl(config.baseUrl.replace(/\/+$/, "")),
          HttpClientRequest.bearerToken(Redacted.value(config.apiKey)),
          HttpClientRequest.setHeader("user-agent", config.userAgent),
        ),
      ),
    )

    const buildRequest = (route: RouteInfo, options: CallOptions) =>
      Either.map(fillPath(route.path, options.params ?? {}, endpointOf(route)), (path) => {
        const query: Record<string, string> = {}
        for (const [key, value] of Object.entries(options.query ?? {})) {
          if (value !== undefined) query[key] = String(value)
        }
        let request = HttpClientRequest.make(route.method)(path, { urlParams: query }).pipe(
          HttpClientRequest.acceptJson,
        )
        if (options.json !== undefined) request = HttpClientRequest.bodyUnsafeJson(request, options.json)
        if (options.multipart !== undefined)
          request = HttpClientRequest.bodyStream(request, options.multipart.stream, options.multipart)
        return request
      })

    /** One attempt: holds a concurrency permit while the request runs and `read` consumes it. */
    const attempt = <A>(
      route: RouteInfo,
      request: HttpClientRequest.HttpClientRequest,
      options: CallOptions,
      read: (response: HttpClientResponse.HttpClientResponse) => Effect.Effect<A, PapraError>,
    ): Effect.Effect<A, PapraError> => {
      const endpoint = endpointOf(route)
      const timeoutMs = options.timeoutMs ?? config.timeoutMs
      return httpClient.execute(request).pipe(
        Effect.mapError((error) => transportError(endpoint, error)),
        Effect.flatMap((response) =>
          response.status >= 200 && response.status < 300 ? read(response) : readApiError(endpoint, response),
        ),
        Effect.timeoutFail({
          duration: Duration.millis(timeoutMs),
          onTimeout: () =>
            new PapraTransportError({
              endpoint,
              reason: "Timeout",
              problem: `no answer within ${timeoutMs} ms`,
            }),
        }),
        // Only failures are logged: a debug line and a log annotation for every successful request
        // are engine CPU spent per request, for a line nobody reads (issue 12).
        Effect.tapError((error) =>
          Effect.logDebug(`papra request failed: ${error.message}`).pipe(Effect.annotateLogs({ endpoint })),
        ),
        semaphore.withPermits(1),
      )
    }

    const run = <A>(
      route: RouteInfo,
      options: CallOptions,
      read: (response: HttpClientResponse.HttpClientResponse) => Effect.Effect<A, PapraError>,
    ) =>
      Effect.flatMap(buildRequest(route, options), (request) =>
        withRetry(config.retry, retryClassifier(route.idempotent), attempt(route, request, options, read)),
      ).pipe(
        // The endpoint names the span well enough; a captured stack trace per request does not pay.
        Effect.withSpan(`papra ${endpointOf(route)}`, { captureStackTrace: false }),
      )

    /** Calls a route and decodes its success body with the route's schema. */
    const call = <A, I>(route: Route<A, I>, options: CallOptions = {}): Effect.Effect<A, PapraError> =>
      run(route, options, (response) => {
        const endpoint = endpointOf(route)
        const schema = route.response
        if (schema === undefined)
          return Effect.asVoid(Effect.orElseSucceed(response.text, () => "")) as Effect.Effect<A>
        return response.json.pipe(
          Effect.mapError(
            (error) =>
              new PapraDecodeError({
                endpoint,
                status: response.status,
                field: "(body)",
                problem:
                  error.reason === "Decode" ? "not JSON" : (describeCause(error.cause) ?? error.reason),
              }),
          ),
          Effect.flatMap((body) =>
            Schema.decodeUnknown(
              schema,
              decodeOptions,
            )(body).pipe(
              Effect.mapError(
                (error) =>
                  new PapraDecodeError({ endpoint, status: response.status, ...describeParseError(error) }),
              ),
            ),
          ),
        )
      })

    /**
     * Calls a route whose body is read as a byte stream. The permit is held only until the headers
     * arrive: a caller that never drains the stream must not block every other call.
     */
    const stream = (route: RouteInfo, options: CallOptions = {}) =>
      run(route, options, (response) =>
        Effect.succeed<StreamedResponse>({
          status: response.status,
          headers: response.headers,
          body: response.stream.pipe(
            Stream.mapError(
              (error) =>
                new PapraTransportError({
                  endpoint: endpointOf(route),
                  reason: "Body",
                  problem: describeCause(error.cause) ?? error.reason,
                }),
            ),
          ),
        }),
      )

    return { call, stream } as const
  })

export type Transport = Effect.Effect.Success<ReturnType<typeof makeTransport>>
