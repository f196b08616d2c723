import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import { makePromiseClient, type PromiseClient } from "@paperbridge/http"
import type * as Layer from "effect/Layer"
import { make, type PapraClientConfig, type PapraClientShape } from "./client.js"

/** The Papra client for code that does not use Effect (see {@link connectPapra}). */
export type PapraPromiseClient = PromiseClient<PapraClientShape>

export interface PapraPromiseOptions extends PapraClientConfig {
  /** The HTTP client to use; `fetch` by default. */
  readonly httpClient?: Layer.Layer<HttpClient.HttpClient>
}

/**
 * The Papra client for code that does not use Effect. Calls return Promises that reject with the
 * Effect API's own errors (`PapraApiError`, `PapraRequestError`, …); absent values are `undefined`;
 * lists are async iterables; ids are plain strings, checked before sending; at most `concurrency`
 * calls run at once.
 *
 * @example
 * const papra = await connectPapra({ baseUrl, apiKey, organizationId })
 * const document = await papra.documents.get("doc_…")
 * await papra.close()
 */
export const connectPapra = (options: PapraPromiseOptions): Promise<PapraPromiseClient> =>
  makePromiseClient({
    services: options.httpClient ?? FetchHttpClient.layer,
    client: make(options),
    concurrency: options.concurrency ?? 8,
  })
