import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"

/** What the scripted server saw of one request. */
export interface SeenRequest {
  readonly method: string
  readonly url: URL
  readonly headers: Readonly<Record<string, string>>
  readonly json: unknown
  /** A multipart body as a real parser (undici's `Response.formData()`) reads it. */
  readonly formData: FormData | undefined
}

export type Script = (request: SeenRequest) => Response | "reset" | Promise<Response | "reset">

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(body === null ? null : JSON.stringify(body), {
    status,
    headers: body === null ? headers : { "content-type": "application/json", ...headers },
  })

/**
 * An HttpClient that answers from a script instead of the network, recording what it was sent:
 * for unit tests of the client's own logic (retries, errors, paging, request shapes).
 */
export const scriptedHttp = (script: Script) => {
  const seen: Array<SeenRequest> = []
  const client = HttpClient.make((request, url) =>
    Effect.tryPromise({
      try: async () => {
        const body = request.body
        const streamed =
          body._tag === "Stream"
            ? await Effect.runPromise(Stream.runCollect(body.stream)).then((chunks) =>
                new Response(Buffer.concat(Chunk.toReadonlyArray(chunks) as Array<Uint8Array>), {
                  headers: { "content-type": body.contentType },
                }).formData(),
              )
            : undefined
        const seenRequest: SeenRequest = {
          method: request.method,
          url,
          headers: request.headers,
          json: body._tag === "Uint8Array" ? JSON.parse(new TextDecoder().decode(body.body)) : undefined,
          formData: streamed,
        }
        seen.push(seenRequest)
        return script(seenRequest)
      },
      catch: (cause) => new HttpClientError.RequestError({ request, reason: "Transport", cause }),
    }).pipe(
      Effect.flatMap((answer) =>
        answer === "reset"
          ? Effect.fail(
              new HttpClientError.RequestError({
                request,
                reason: "Transport",
                cause: new Error("socket hang up"),
              }),
            )
          : Effect.succeed(HttpClientResponse.fromWeb(request, answer)),
      ),
    ),
  )
  return { seen, layer: Layer.succeed(HttpClient.HttpClient, client) }
}
