import * as Effect from "effect/Effect"
import type { FaultPlan } from "../faults.js"
import { listen, type RecordedRequest } from "../http-server.js"
import { papraFaultResponse } from "./errors.js"
import { ExtractionQueue } from "./extraction.js"
import { dispatch } from "./router.js"
import { type PapraCorpus, type PapraSeeded, seedCorpus } from "./seed.js"
import { papraRoutes } from "./server.js"
import { PAPRA_PERMISSIONS, PapraStore } from "./store.js"

/**
 * An in-memory Papra (commit 2b110a4c, the one the fixtures were recorded from) on a real socket,
 * answering every route an API key can reach with the real status codes, bodies and errors.
 *
 *   const papra = await startPapraSimulator({ corpus: { tags: [{ name: "Invoices" }] } })
 *   await fetch(`${papra.url}/api/organizations/${papra.organizationId}/documents`, {
 *     headers: { authorization: `Bearer ${papra.apiKey}` },
 *   })
 *   papra.faults.add({ path: "/api/organizations", times: 2, fault: { kind: "status", status: 429, retryAfterSeconds: 1 } })
 *   await papra.close()
 *
 * In Effect code, `yield* papraSimulator(options)` inside a scope. Seeding: see seed.ts.
 */
export interface PapraSimulatorOptions {
  /** Seeds ids, API keys and fault dice, so a run can be replayed. */
  readonly seed?: number
  readonly port?: number
  readonly host?: string
  /** How long after an upload `content` is filled in (default 50 ms; the real one takes ~100 ms). */
  readonly extractionDelayMs?: number
  /** Largest accepted upload in bytes; the real default is 25 MiB (DOCUMENT_STORAGE_MAX_UPLOAD_SIZE). 0 = no limit. */
  readonly maxUploadSize?: number
  /** Delay before the 504 for a multipart upload with no file part (the real server waits 300 s). Default 0. */
  readonly noFilePartDelayMs?: number
  /** The organization owner every key acts as (default "Simulator Owner", owner@example.com). */
  readonly owner?: { readonly name: string; readonly email: string }
  /** Name of the all-permissions key (`apiKey`). */
  readonly apiKeyName?: string
  /** Loaded into the primary organization before the server starts answering. */
  readonly corpus?: PapraCorpus
}

export interface PapraSimulator {
  /** Base URL, e.g. http://127.0.0.1:PORT (routes under /api/...). */
  readonly url: string
  /** A `ppapi_…` key holding every permission. */
  readonly apiKey: string
  /** The primary organization, owned by the key's user. */
  readonly organizationId: string
  /** The owner of the organization; every key acts as this user. */
  readonly userId: string
  /** A registered user who belongs to no organization (user_relation.non-member cases). */
  readonly outsiderUserId: string
  readonly faults: FaultPlan
  readonly requests: ReadonlyArray<RecordedRequest>
  /** A new key for the same user holding only these permissions, e.g. ["documents:read"]. */
  createApiKey(permissions: ReadonlyArray<string>, name?: string): string
  /** Pre-loads tags, properties and documents without HTTP (see seed.ts); default: the primary organization. */
  seed(corpus: PapraCorpus, organizationId?: string): PapraSeeded
  /** Runs every pending content extraction now. */
  flushExtraction(): void
  /** Holds the extraction of documents uploaded from now on until the returned function runs (extraction.ts). */
  holdExtraction(): () => void
  readonly pendingExtractions: number
  /** Goes down with its data kept: connections refused, open ones cut (see http-server.ts). */
  stop(): Promise<void>
  /** Comes back on the same port with the same data, as a restarted server. */
  start(): Promise<void>
  close(): Promise<void>
}

export const PAPRA_DEFAULT_MAX_UPLOAD_SIZE = 25 * 1024 * 1024

/** Starts an in-memory Papra on a real socket (random port unless `port` is given). */
export const startPapraSimulator = async (options: PapraSimulatorOptions = {}): Promise<PapraSimulator> => {
  const store = new PapraStore(options.seed ?? 1)
  const owner = store.createUser(
    options.owner?.name ?? "Simulator Owner",
    options.owner?.email ?? "owner@example.com",
  )
  const outsider = store.createUser("Outsider", "outsider@example.com")
  const organization = store.createOrganization("Primary Org", owner.id)
  const apiKey = store.createApiKey(
    owner.id,
    PAPRA_PERMISSIONS,
    options.apiKeyName ?? "simulator-all-permissions",
  )
  const extraction = new ExtractionQueue(store, options.extractionDelayMs ?? 50)
  const routes = papraRoutes({
    extraction,
    maxUploadSize: options.maxUploadSize ?? PAPRA_DEFAULT_MAX_UPLOAD_SIZE,
    noFilePartDelayMs: options.noFilePartDelayMs ?? 0,
  })
  if (options.corpus !== undefined) seedCorpus(store, organization.id, owner.id, options.corpus)
  const server = await listen((request) => dispatch(store, routes, request), {
    faultResponse: papraFaultResponse,
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  })
  return {
    url: server.url,
    apiKey: apiKey.token,
    organizationId: organization.id,
    userId: owner.id,
    outsiderUserId: outsider.id,
    faults: server.faults,
    requests: server.requests,
    createApiKey: (permissions, name) => store.createApiKey(owner.id, permissions, name).token,
    seed: (corpus, organizationId = organization.id) => seedCorpus(store, organizationId, owner.id, corpus),
    flushExtraction: () => extraction.flush(),
    holdExtraction: () => extraction.hold(),
    get pendingExtractions() {
      return extraction.size
    },
    stop: () => server.stop(),
    start: () => server.start(),
    close: async () => {
      extraction.stop()
      await server.close()
    },
  }
}

/** The simulator as a scoped resource: closed when the scope closes. */
export const papraSimulator = (options: PapraSimulatorOptions = {}) =>
  Effect.acquireRelease(
    Effect.promise(() => startPapraSimulator(options)),
    (simulator) => Effect.promise(() => simulator.close()),
  )
