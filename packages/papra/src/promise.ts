import { type PromiseClient, type PromiseClientOptions, promiseConnector } from "@paperbridge/http"
import { make, type PapraClientConfig, type PapraClientShape } from "./client.js"

/** The Papra client for code that does not use Effect (see {@link connectPapra}). */
export type PapraPromiseClient = PromiseClient<PapraClientShape>

export interface PapraPromiseOptions extends PapraClientConfig, PromiseClientOptions {}

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
export const connectPapra: (options: PapraPromiseOptions) => Promise<PapraPromiseClient> =
  promiseConnector(make)
