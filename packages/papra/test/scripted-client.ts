import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { make, type PapraClientConfig, PapraDocumentId, PapraOrganizationId } from "../src/index.js"
import { loadExchange } from "./recorded.js"
import { json, type Script, scriptedHttp } from "./scripted-http.js"

/** A key shaped like a real one; tests assert it never shows up where it must not. */
export const secret = `ppapi_${"s3cr3t".repeat(10)}`
export const orgId = PapraOrganizationId.make("org_fa68o5a2jqdnezdfgahznvl6")
export const docId = PapraDocumentId.make("doc_gbs1avvfxjfbwts81zyo0cmc")

/** A client whose HTTP answers come from `script`, with retries fast enough for tests. */
export const clientWith = (script: Script, config: Partial<PapraClientConfig> = {}) => {
  const http = scriptedHttp(script)
  const client = make({
    baseUrl: "http://papra.test/",
    apiKey: Redacted.make(secret),
    organizationId: orgId,
    retry: { baseDelayMs: 1, maxDelayMs: 50 },
    ...config,
  }).pipe(Effect.provide(http.layer))
  return { seen: http.seen, client }
}

/** The recorded answer of a fixture, replayed with its status (and headers, for files). */
export const replay = (file: string): Response => {
  const exchange = loadExchange(file)
  return typeof exchange.response === "string"
    ? new Response(exchange.response, { status: exchange.status, headers: exchange.responseHeaders })
    : json(exchange.status, exchange.response)
}
