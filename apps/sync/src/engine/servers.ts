import { fetchLayer } from "@paperbridge/http"
import * as Paperless from "@paperbridge/paperless"
import * as Papra from "@paperbridge/papra"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { type Pair, paperlessEndpoint, papraEndpoint } from "../state/endpoints.js"
import type { BridgeDirection } from "./events.js"
import { paperlessApiSource, paperlessExportSource } from "./paperless-source.js"

/** Where the two servers are and how to authenticate; secrets stay `Redacted`. */
export interface Servers {
  readonly paperless: { readonly url: string; readonly auth: Paperless.PaperlessAuth }
  readonly papra: {
    readonly url: string
    readonly apiKey: Redacted.Redacted<string>
    readonly organizationId: string
  }
}

/** Both clients over one fetch-based HTTP client, and the Paperless API as the Paperless source. */
export const serverLayers = (servers: Servers, options: { readonly concurrency?: number } = {}) =>
  Layer.provideMerge(paperlessApiSource(servers.paperless.url), clientLayers(servers, options))

const clientLayers = (servers: Servers, options: { readonly concurrency?: number }) =>
  Layer.mergeAll(
    Paperless.layer({
      baseUrl: servers.paperless.url,
      auth: servers.paperless.auth,
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    }),
    Papra.layer({
      baseUrl: servers.papra.url,
      apiKey: servers.papra.apiKey,
      organizationId: servers.papra.organizationId,
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    }),
  ).pipe(Layer.provide(fetchLayer))

/** The state store's key for this pair of servers in this direction. */
export const pairOf = (servers: Servers, direction: BridgeDirection): Pair => {
  const paperless = paperlessEndpoint(servers.paperless.url)
  const papra = papraEndpoint(servers.papra.url, servers.papra.organizationId)
  return direction === "paperless-to-papra"
    ? { source: paperless, target: papra }
    : { source: papra, target: paperless }
}

/**
 * Where a run from an export "reaches" the server that is not its target: the engine's types name
 * both clients, and such a run never calls that one, so it gets one that reaches no server
 * (`.invalid` never resolves) rather than one that could write somewhere by mistake.
 */
export const noPaperlessServer: Servers["paperless"] = {
  url: "http://paperless.invalid",
  auth: Paperless.PaperlessAuth.token(""),
}

export const noPapraServer: Servers["papra"] = {
  url: "http://papra.invalid",
  apiKey: Redacted.make(""),
  organizationId: "none",
}

/**
 * A `document_exporter` output (folder or ZIP) as the Paperless source, with the clients of
 * `servers`: the target's real, the other `noPaperlessServer` or `noPapraServer`.
 */
export const exportLayers = (
  location: string,
  servers: Servers,
  options: { readonly concurrency?: number } = {},
) => Layer.merge(paperlessExportSource(location), clientLayers(servers, options))
