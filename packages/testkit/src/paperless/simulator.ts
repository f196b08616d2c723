import * as Effect from "effect/Effect"
import type { FaultPlan } from "../faults.js"
import { listen, type RecordedRequest, type SimResponse } from "../http-server.js"
import { detail } from "./responses.js"
import { createHandler } from "./router.js"
import { type PaperlessCorpus, type SeededIds, seedCorpus } from "./seed.js"
import { type Generation, PaperlessStore } from "./store.js"
import { Worker } from "./worker.js"

/**
 * An in-memory Paperless-ngx on a real socket, playing 3.0.5 or 2.20.15 as the captures in
 * `test/fixtures/paperless*` show them: version negotiation and auth (router.ts, auth.ts),
 * documents with their filters and `modified` rules (documents.ts, document-query.ts), files
 * (document-files.ts), consumption and tasks on a celery worker, one process unless `workers`
 * says more (consumption.ts, tasks.ts, worker.ts), bulk edits (bulk-edit.ts), metadata objects (matching-objects.ts, tags.ts), custom
 * fields (custom-fields.ts), trash, notes, share links, search and the rest. Seeding: seed.ts.
 *
 * Users: `admin` (superuser; `token`, `username`/`password`) and `limited` (no permissions;
 * `limitedToken`), with the ids the captures show (3.0: 2 and 3, 2.20: 3 and 4).
 */
export interface PaperlessSimulatorOptions {
  /** Which server to play: 3.0.5 (API 9–10) or 2.20.15 (API 1–9). Default "3.0". */
  readonly generation?: Generation
  /** Seed of the fault plan's dice. */
  readonly seed?: number
  readonly port?: number
  /** Time a worker process needs per upload (ms, default 20), whatever the file. */
  readonly consumeMs?: number
  /**
   * Worker processes consuming the one queue at once (default 1: consumption is serial, as on a
   * default deployment; PAPERLESS_TASK_WORKERS on a real one).
   */
  readonly workers?: number
  /** Time before a bulk_edit's async `modified` bump and select-option cleanup land (ms, default 10). */
  readonly bulkUpdateMs?: number
  /** 3.0's 5/min throttle on `/api/token/` (default true, as on the real server). */
  readonly throttleToken?: boolean
  /** A corpus loaded before the server starts (see seed.ts). */
  readonly corpus?: PaperlessCorpus
}

export interface PaperlessSimulator {
  readonly url: string
  readonly generation: Generation
  /** The superuser's API token. */
  readonly token: string
  readonly username: string
  readonly password: string
  /** A user without any permission (403 cases). */
  readonly limitedToken: string
  readonly faults: FaultPlan
  readonly requests: ReadonlyArray<RecordedRequest>
  /** Loads more objects and already-consumed documents, owned by the superuser. */
  seed(corpus: PaperlessCorpus): SeededIds
  /** Resolves once the worker has finished everything queued (consumption, async bumps). */
  settle(): Promise<void>
  /** Holds consumption (tasks stay PENDING) until the returned function is called. */
  pauseWorker(): () => void
  /** Goes down with its data kept: connections refused, open ones cut (see http-server.ts). */
  stop(): Promise<void>
  /** Comes back on the same port with the same data and queue, as a restarted server. */
  start(): Promise<void>
  close(): Promise<void>
}

const faultMessages: Record<number, string> = {
  400: "Malformed request.",
  401: "Authentication credentials were not provided.",
  403: "You do not have permission to perform this action.",
  404: "Not found.",
  405: "Method not allowed.",
  406: "Could not satisfy the request Accept header.",
  409: "Conflict.",
  415: "Unsupported media type in request.",
  429: "Request was throttled.",
  500: "A server error occurred.",
  502: "Bad gateway.",
  503: "Service temporarily unavailable, try again later.",
  504: "Gateway timeout.",
}

/** Injected statuses in DRF's `{"detail": …}` shape. */
const faultResponse = (status: number): SimResponse =>
  detail(status, faultMessages[status] ?? "A server error occurred.")

/**
 * The simulated server without its socket: the request handler and the state behind it. The
 * simulator serves it over HTTP; tests that replay many exchanges can call it directly.
 */
export const buildPaperlessServer = (options: PaperlessSimulatorOptions = {}) => {
  const generation = options.generation ?? "3.0"
  const store = new PaperlessStore(generation)
  // django-guardian's AnonymousUser takes id 1; on 2.20 the captured admin is id 3 (`users.list.json`).
  const anonymous = store.addUser({ username: "AnonymousUser", password: "", id: 1 })
  anonymous.isActive = false
  if (generation === "2.20") store.reserveId("users", 2)
  const password = "paperless-simulator-password"
  const admin = store.addUser({ username: "admin", password, isSuperuser: true, email: "admin@example.com" })
  const limited = store.addUser({ username: "limited", password: limitedPassword })
  const worker = new Worker(options.workers ?? 1)
  if (options.corpus) seedCorpus(store, options.corpus, admin.id)
  const handler = createHandler({
    store,
    worker,
    anonymous,
    timing: {
      consumeMs: options.consumeMs ?? 20,
      bulkUpdateMs: options.bulkUpdateMs ?? 10,
      throttleToken: options.throttleToken ?? true,
    },
  })
  return {
    generation,
    handler,
    token: admin.token,
    username: admin.username,
    password,
    limitedToken: limited.token,
    seed: (corpus: PaperlessCorpus) => seedCorpus(store, corpus, admin.id),
    settle: () => worker.idle(),
    pauseWorker: () => worker.pause(),
    stop: () => worker.close(),
  }
}

/** The `limited` user's password (it has no permissions; useful for `/api/token/` tests). */
export const limitedPassword = "limited-simulator-password"

export const startPaperlessSimulator = async (
  options: PaperlessSimulatorOptions = {},
): Promise<PaperlessSimulator> => {
  const { handler, stop, ...server } = buildPaperlessServer(options)
  const listening = await listen(handler, {
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    faultResponse,
  })
  return {
    ...server,
    url: listening.url,
    faults: listening.faults,
    requests: listening.requests,
    stop: () => listening.stop(),
    start: () => listening.start(),
    close: async () => {
      stop()
      await listening.close()
    },
  }
}

/** The simulator as a scoped resource: closed with its scope. */
export const paperlessSimulator = (options?: PaperlessSimulatorOptions) =>
  Effect.acquireRelease(
    Effect.promise(() => startPaperlessSimulator(options)),
    (simulator) => Effect.promise(() => simulator.close()),
  )
