import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"

type FetchBody = RequestInit["body"]

const fetchBody = (request: HttpClientRequest.HttpClientRequest): Effect.Effect<FetchBody> => {
  const body = request.body
  switch (body._tag) {
    case "Raw":
      return Effect.succeed(body.body as FetchBody)
    case "Uint8Array":
      return Effect.succeed(body.body as FetchBody)
    case "FormData":
      return Effect.succeed(body.formData)
    case "Stream":
      return Stream.toReadableStreamEffect(body.stream)
    case "Empty":
      return Effect.succeed(undefined)
  }
}

/**
 * The platform's `fetch` client, except that a streamed body keeps its `Content-Length`. The
 * platform removes that header from every request (browsers refuse it), so an upload streamed from
 * disk would go chunked; Node's `fetch` sends a declared length, and Papra turns an oversized
 * upload away by its `Content-Length` before reading it. Other bodies are measured by `fetch`.
 */
const streamingFetch = HttpClient.make((request, url, signal) => {
  const streamed = request.body._tag === "Stream"
  const headers = streamed ? request.headers : Headers.remove(request.headers, "content-length")
  return fetchBody(request).pipe(
    Effect.flatMap((body) =>
      Effect.tryPromise({
        try: () =>
          globalThis.fetch(url, {
            method: request.method,
            headers,
            body,
            signal,
            ...(streamed ? { duplex: "half" } : {}),
          } as RequestInit),
        catch: (cause) => new HttpClientError.RequestError({ request, reason: "Transport", cause }),
      }),
    ),
    Effect.map((response) => HttpClientResponse.fromWeb(request, response)),
  )
})

/** The HTTP client the paperbridge clients use by default: `fetch`, with streamed uploads measured. */
export const fetchLayer: Layer.Layer<HttpClient.HttpClient> = Layer.succeed(
  HttpClient.HttpClient,
  streamingFetch,
)
