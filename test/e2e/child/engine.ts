// The engine run shared by the crash/resume suites and the child process they kill: kept apart
// from world.ts so the child loads only the engine, not the simulators.
import { fetchLayer } from "@paperbridge/http"
import { type ConflictPolicy, defaultMappingConfig } from "@paperbridge/mapping"
import * as Paperless from "@paperbridge/paperless"
import { PaperlessAuth } from "@paperbridge/paperless"
import * as Papra from "@paperbridge/papra"
import {
  type BridgeDirection as Direction,
  defaultDeleteGuard,
  migrate,
  pairOf,
  paperlessApiSource,
  previewSync,
  type Servers,
  StateStore,
  type SyncEvent,
  type SyncMode,
  type SyncOptions,
  type SyncPreview,
  type SyncResult,
  serverLayers,
  sync,
} from "@paperbridge/sync"
import type * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"

/** Where one migration writes: the two servers, its state file and its reports. */
export interface EngineTarget {
  readonly servers: Servers
  readonly statePath: string
  readonly reportDirectory: string
}

export type MigrationResult = Effect.Effect.Success<ReturnType<typeof migrate>>

/**
 * The clients as the CLI builds them, or with a short Papra upload timeout: a client that gives up
 * on an upload the server still completes, i.e. an upload whose answer was lost.
 */
const clients = (servers: Servers, papraUploadTimeoutMs: number | undefined) =>
  papraUploadTimeoutMs === undefined
    ? serverLayers(servers)
    : Layer.provideMerge(
        paperlessApiSource(servers.paperless.url),
        Layer.mergeAll(
          Paperless.layer({ baseUrl: servers.paperless.url, auth: servers.paperless.auth }),
          Papra.layer({
            baseUrl: servers.papra.url,
            apiKey: servers.papra.apiKey,
            organizationId: servers.papra.organizationId,
            uploadTimeoutMs: papraUploadTimeoutMs,
          }),
        ).pipe(Layer.provide(fetchLayer)),
      )

/** One migration between the two servers, with the defaults the CLI uses. */
export const runEngine = (
  target: EngineTarget,
  direction: Direction,
  options: {
    readonly concurrency?: number
    readonly onEvent?: (event: SyncEvent) => void
    readonly papraUploadTimeoutMs?: number
    /** The run's clock (e.g. one ahead of the real one, to see a lease lapsed). */
    readonly clock?: Clock.Clock
    readonly retryRefused?: boolean
  } = {},
): Promise<MigrationResult> =>
  migrate({
    pair: pairOf(target.servers, direction),
    direction,
    file: "original",
    concurrency: options.concurrency ?? 4,
    filters: {},
    retryRefused: options.retryRefused,
    mapping: defaultMappingConfig,
    reportDirectory: target.reportDirectory,
    onEvent: (event) => Effect.sync(() => options.onEvent?.(event)),
  }).pipe(
    Effect.provide(
      Layer.mergeAll(
        clients(target.servers, options.papraUploadTimeoutMs),
        StateStore.layer({ path: target.statePath }),
      ),
    ),
    (run) => (options.clock === undefined ? run : Effect.withClock(run, options.clock)),
    Effect.runPromise,
  )

export interface SyncOverrides {
  readonly mode?: SyncMode
  readonly conflict?: ConflictPolicy
  readonly forceDelete?: boolean
  readonly maxDelete?: number
  readonly resync?: boolean
  readonly concurrency?: number
  readonly onEvent?: (event: SyncEvent) => void
}

/** A `sync`'s options between the two servers, two-way with `--conflict fail` unless told otherwise. */
const syncOptionsOf = (target: EngineTarget, overrides: SyncOverrides): SyncOptions => ({
  pair: pairOf(target.servers, "paperless-to-papra"),
  mode: overrides.mode ?? "two-way",
  conflict: overrides.conflict ?? "fail",
  guard: {
    ...defaultDeleteGuard,
    ...(overrides.maxDelete === undefined ? {} : { maxDocuments: overrides.maxDelete }),
    force: overrides.forceDelete ?? false,
  },
  resync: overrides.resync ?? false,
  file: "original",
  concurrency: overrides.concurrency ?? 4,
  mapping: defaultMappingConfig,
  reportDirectory: target.reportDirectory,
  onEvent: (event) => Effect.sync(() => overrides.onEvent?.(event)),
})

const withSyncLayers = <A, E>(
  target: EngineTarget,
  effect: Effect.Effect<A, E, Effect.Effect.Context<ReturnType<typeof sync>>>,
) =>
  effect.pipe(
    Effect.provide(
      Layer.mergeAll(serverLayers(target.servers), StateStore.layer({ path: target.statePath })),
    ),
    Effect.runPromise,
  )

/** One `sync` run between the two servers. */
export const runSyncEngine = (target: EngineTarget, overrides: SyncOverrides = {}): Promise<SyncResult> =>
  withSyncLayers(target, sync(syncOptionsOf(target, overrides)))

/** What that same `sync` would do (`sync --plan`), with the same options and the state file as it is. */
export const runSyncPreview = (target: EngineTarget, overrides: SyncOverrides = {}): Promise<SyncPreview> =>
  withSyncLayers(target, previewSync(syncOptionsOf(target, overrides)))

/** What the child runs: one migration in the configured direction, or one two-way sync. */
export type ChildCommand = "migrate" | "sync"

const ENV = {
  paperlessUrl: "PB_E2E_PAPERLESS_URL",
  paperlessToken: "PB_E2E_PAPERLESS_TOKEN",
  papraUrl: "PB_E2E_PAPRA_URL",
  papraApiKey: "PB_E2E_PAPRA_API_KEY",
  papraOrganization: "PB_E2E_PAPRA_ORG_ID",
  statePath: "PB_E2E_STATE_PATH",
  reportDirectory: "PB_E2E_REPORT_DIR",
  direction: "PB_E2E_DIRECTION",
  concurrency: "PB_E2E_CONCURRENCY",
  command: "PB_E2E_COMMAND",
} as const

export interface ChildConfig {
  readonly paperless: { readonly url: string; readonly token: string }
  readonly papra: { readonly url: string; readonly apiKey: string; readonly organizationId: string }
  readonly statePath: string
  readonly reportDirectory: string
  readonly direction: Direction
  readonly concurrency: number
  readonly command: ChildCommand
}

/** The environment the child reads its configuration from (a simulator's secrets are test-only). */
export const childEnvironment = (config: ChildConfig): Record<string, string> => ({
  [ENV.paperlessUrl]: config.paperless.url,
  [ENV.paperlessToken]: config.paperless.token,
  [ENV.papraUrl]: config.papra.url,
  [ENV.papraApiKey]: config.papra.apiKey,
  [ENV.papraOrganization]: config.papra.organizationId,
  [ENV.statePath]: config.statePath,
  [ENV.reportDirectory]: config.reportDirectory,
  [ENV.direction]: config.direction,
  [ENV.concurrency]: String(config.concurrency),
  [ENV.command]: config.command,
})

const required = (name: string) => {
  const value = process.env[name]
  if (value === undefined || value === "") throw new Error(`${name} is not set`)
  return value
}

/** The child's side of `childEnvironment`. */
export const configFromEnvironment = () => {
  const direction = required(ENV.direction)
  if (direction !== "paperless-to-papra" && direction !== "papra-to-paperless")
    throw new Error(`${ENV.direction}: unknown direction ${direction}`)
  const command = required(ENV.command)
  if (command !== "migrate" && command !== "sync")
    throw new Error(`${ENV.command}: unknown command ${command}`)
  const target: EngineTarget = {
    servers: {
      paperless: { url: required(ENV.paperlessUrl), auth: PaperlessAuth.token(required(ENV.paperlessToken)) },
      papra: {
        url: required(ENV.papraUrl),
        apiKey: Redacted.make(required(ENV.papraApiKey)),
        organizationId: required(ENV.papraOrganization),
      },
    },
    statePath: required(ENV.statePath),
    reportDirectory: required(ENV.reportDirectory),
  }
  return { target, direction, command, concurrency: Number(required(ENV.concurrency)) } as const
}
