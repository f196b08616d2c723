import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { defaultMappingConfig } from "@paperbridge/mapping"
import { PaperlessAuth } from "@paperbridge/paperless"
import {
  type BridgeDirection as Direction,
  type MigrationResult,
  migrate,
  type PlanReport,
  pairOf,
  planMigration,
  type Servers,
  StateStore,
  type SyncEvent,
  serverLayers,
  type VerifyReport,
  verify,
} from "@paperbridge/sync"
import { type DemoCorpus, makeDemoCorpus, seedPaperless } from "@paperbridge/sync/demo"
import {
  type PaperlessSimulator,
  type PapraSimulator,
  startPaperlessSimulator,
  startPapraSimulator,
} from "@paperbridge/testkit"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"

/** Two simulators, a state directory, and a way to run the engine between them. */
export interface World {
  readonly paperless: PaperlessSimulator
  readonly papra: PapraSimulator
  readonly servers: Servers
  readonly directory: string
  readonly statePath: string
  readonly events: Array<SyncEvent>
  close(): Promise<void>
}

/**
 * What an engine run needs of a world: the two servers, a state directory and where its events
 * go. Simulated or live servers alike (the live suites make one of their own).
 */
export type EngineWorld = Pick<World, "servers" | "directory" | "statePath" | "events">

export const startWorld = async (
  options: { readonly generation?: "3.0" | "2.20"; readonly corpus?: DemoCorpus } = {},
) => {
  const paperless = await startPaperlessSimulator({ generation: options.generation ?? "3.0" })
  const papra = await startPapraSimulator({ extractionDelayMs: 5 })
  if (options.corpus !== undefined) seedPaperless(paperless, options.corpus)
  const directory = await Fs.mkdtemp(Path.join(Os.tmpdir(), "paperbridge-e2e-"))
  const world: World = {
    paperless,
    papra,
    directory,
    statePath: Path.join(directory, "state.db"),
    events: [],
    servers: {
      paperless: { url: paperless.url, auth: PaperlessAuth.token(paperless.token) },
      papra: { url: papra.url, apiKey: Redacted.make(papra.apiKey), organizationId: papra.organizationId },
    },
    close: async () => {
      await Promise.all([paperless.close(), papra.close()])
      await Fs.rm(directory, { recursive: true, force: true })
    },
  }
  return world
}

export const smallCorpus = () => makeDemoCorpus({ documents: 24, oversized: false })

/** Runs one migration in `direction` and answers its summary. */
export const runMigration = (
  world: EngineWorld,
  direction: Direction,
  overrides: {
    readonly concurrency?: number
    readonly limit?: number
    readonly versions?: "newest" | "root"
    /** Only the source documents carrying every one of these tags (a live server holds others). */
    readonly tags?: ReadonlyArray<string>
  } = {},
): Promise<MigrationResult> =>
  migrate({
    pair: pairOf(world.servers, direction),
    direction,
    file: "original",
    versions: overrides.versions,
    concurrency: overrides.concurrency ?? 4,
    filters: {
      ...(overrides.limit === undefined ? {} : { limit: overrides.limit }),
      ...(overrides.tags === undefined ? {} : { tags: overrides.tags }),
    },
    mapping: defaultMappingConfig,
    reportDirectory: Path.join(world.directory, "reports"),
    onEvent: (event) => Effect.sync(() => void world.events.push(event)),
  }).pipe(
    Effect.provide(Layer.mergeAll(serverLayers(world.servers), StateStore.layer({ path: world.statePath }))),
    Effect.runPromise,
  )

/** `plan` in `direction` (with `--limit` when given): what a migration would do. */
export const runPlan = (world: World, direction: Direction, limit?: number): Promise<PlanReport> =>
  planMigration({
    pair: pairOf(world.servers, direction),
    direction,
    file: "original",
    concurrency: 4,
    filters: limit === undefined ? {} : { limit },
    mapping: defaultMappingConfig,
  }).pipe(
    Effect.provide(Layer.mergeAll(serverLayers(world.servers), StateStore.layer({ path: world.statePath }))),
    Effect.runPromise,
  )

/** Compares both sides of every link after a migration in `direction`. */
export const runVerify = (world: World, direction: Direction): Promise<VerifyReport> =>
  verify({
    pair: pairOf(world.servers, direction),
    direction,
    mapping: defaultMappingConfig,
    concurrency: 4,
  }).pipe(
    Effect.provide(Layer.mergeAll(serverLayers(world.servers), StateStore.layer({ path: world.statePath }))),
    Effect.runPromise,
  )
