import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

/**
 * `fetch`, except for streamed request bodies (uploads from disk), which go through `node:http`.
 * Node's `fetch` (undici, Node 20 and 24) reads a request body stream as fast as the disk gives
 * it, whatever the socket takes: a 256 MiB upload cost 270 MiB of RSS, where `node:http` waits
 * for the socket to drain and stays flat. It also keeps the body's `Content-Length`, which the
 * platform's fetch client removes (browsers refuse it) and Papra checks before reading an upload.
 */
export const fetchLayer: Layer.Layer<HttpClient.HttpClient> = Layer.scoped(
  HttpClient.HttpClient,
  Effect.gen(function* () {
    // Built in this layer's scope: the node:http agent lives as long as the client.
    const clientOf = (layer: Layer.Layer<HttpClient.HttpClient>) =>
      Effect.map(Layer.build(layer), Context.get(HttpClient.HttpClient))
    const viaFetch = yield* clientOf(FetchHttpClient.layer)
    const viaNodeHttp = yield* clientOf(NodeHttpClient.layer)
    return HttpClient.make((request) =>
      (request.body._tag === "Stream" ? viaNodeHttp : viaFetch).execute(request),
    )
  }),
)
