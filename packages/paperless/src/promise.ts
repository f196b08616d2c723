import { type PromiseClient, type PromiseClientOptions, promiseConnector } from "@paperbridge/http"
import { make, type PaperlessApi, type PaperlessClientConfig } from "./client.js"

/** The Paperless-ngx client for code that does not use Effect (see {@link connectPaperless}). */
export type PaperlessPromiseClient = PromiseClient<PaperlessApi>

export interface PaperlessPromiseOptions extends PaperlessClientConfig, PromiseClientOptions {}

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
export const connectPaperless: (options: PaperlessPromiseOptions) => Promise<PaperlessPromiseClient> =
  promiseConnector(make)
