import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import { makePromiseClient, type PromiseClient } from "@paperbridge/http"
import type * as Layer from "effect/Layer"
import { make, type PaperlessApi, type PaperlessClientConfig } from "./client.js"

/** The Paperless-ngx client for code that does not use Effect (see {@link connectPaperless}). */
export type PaperlessPromiseClient = PromiseClient<PaperlessApi>

export interface PaperlessPromiseOptions extends PaperlessClientConfig {
  /** The HTTP client to use; `fetch` by default. */
  readonly httpClient?: Layer.Layer<HttpClient.HttpClient>
}

/**
 * The Paperless-ngx client for code that does not use Effect. Calls return Promises that reject with
 * the Effect API's own errors (`PaperlessApiError`, `PaperlessTaskFailed`, …); absent values are
 * `undefined`; lists are async iterables; ids are plain numbers, checked before sending; at most
 * `concurrency` calls run at once.
 *
 * @example
 * const paperless = await connectPaperless({ baseUrl, auth: PaperlessAuth.token(token) })
 * const document = await paperless.documents.get(12)
 * await paperless.close()
 */
export const connectPaperless = (options: PaperlessPromiseOptions): Promise<PaperlessPromiseClient> =>
  makePromiseClient({
    services: options.httpClient ?? FetchHttpClient.layer,
    client: make(options),
    concurrency: options.concurrency ?? 8,
  })
