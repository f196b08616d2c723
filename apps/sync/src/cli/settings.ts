import * as Path from "node:path"
import * as FileSystem from "@effect/platform/FileSystem"
import { decodeMappingConfig, type MappingConfig } from "@paperbridge/mapping"
import { PaperlessAuth } from "@paperbridge/paperless"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import { CONFIG_FILE_NAME } from "../config/config.js"
import { ConfigError } from "../config/errors.js"
import { type LoadedConfig, loadConfig, statePathOf } from "../config/load.js"
import { applyOverrides } from "../config/overrides.js"
import {
  type PaperlessCredentials,
  resolvePaperlessSecret,
  resolvePapraSecret,
  resolveSecrets,
} from "../config/secrets.js"
import type { Direction } from "../engine/events.js"
import type { DocumentFilters, EngineOptions } from "../engine/options.js"
import { exportEndpoint } from "../engine/paperless-source.js"
import {
  exportLayers,
  noPaperlessServer,
  noPapraServer,
  type Servers,
  serverLayers,
} from "../engine/servers.js"
import type { ExportError } from "../export/errors.js"
import { readExport } from "../export/manifest.js"
import { type Pair, paperlessEndpoint, papraEndpoint } from "../state/endpoints.js"
import { StateStore } from "../state/store.js"
import { overridesOf, type SharedFlags } from "./flags.js"
import { type PapraUse, preflight } from "./preflight.js"

/** Everything a command needs to run the engine, from paperbridge.json laid under the flags. */
export interface RunSettings {
  readonly loaded: LoadedConfig
  readonly direction: Direction
  readonly statePath: string
  /** `.paperbridge/reports` beside the state file. */
  readonly reportDirectory: string
  readonly engine: Omit<EngineOptions, "onEvent">
  /** The Paperless-ngx export read instead of the Paperless API, when there is one. */
  readonly exportLocation: string | undefined
}

const hasServerFlags = (flags: SharedFlags) =>
  Option.isSome(flags.paperlessUrl) || Option.isSome(flags.papraUrl) || Option.isSome(flags.papraOrg)

const absolute = (path: Option.Option<string>) => Option.map(path, (value) => Path.resolve(value))

/**
 * The config file named by --config, or ./paperbridge.json when it exists; without either, the
 * flags alone when they name the servers (so scripts need no file).
 */
const baseConfig = (flags: SharedFlags) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    if (Option.isSome(flags.config)) return Option.some(yield* loadConfig(flags.config.value))
    const exists = yield* fs.exists(CONFIG_FILE_NAME).pipe(Effect.orElseSucceed(() => false))
    if (exists || !hasServerFlags(flags)) return Option.some(yield* loadConfig())
    return Option.none<LoadedConfig>()
  })

/** The config with the flags laid over it. Relative paths given as flags are relative to the working directory. */
export const loadSettingsConfig = (flags: SharedFlags) =>
  Effect.gen(function* () {
    const base = yield* baseConfig(flags)
    const overrides = overridesOf({
      ...flags,
      state: absolute(flags.state),
      secretsFile: absolute(flags.secretsFile),
      fromExport: absolute(flags.fromExport),
    })
    const config = yield* applyOverrides(
      Option.getOrUndefined(Option.map(base, (loaded) => loaded.config)),
      overrides,
    )
    return Option.match(base, {
      onNone: (): LoadedConfig => ({ file: "command line", directory: process.cwd(), config }),
      onSome: (loaded): LoadedConfig => ({ ...loaded, config }),
    })
  })

const mappingOf = (loaded: LoadedConfig): Either.Either<MappingConfig, ConfigError> =>
  Either.mapLeft(
    decodeMappingConfig(loaded.config.mapping),
    (error) =>
      new ConfigError({
        source: loaded.file,
        problems: [`mapping${error.message.startsWith("[") ? "" : "."}${error.message}`],
      }),
  )

const filtersOf = (loaded: LoadedConfig): Either.Either<DocumentFilters, ConfigError> => {
  const { query, tags, since, limit } = loaded.config.filters
  return Either.right({ query, tags, since, limit })
}

/** The export the config names, relative to the config file's directory (a flag's is already absolute). */
export const exportLocationOf = (loaded: LoadedConfig) =>
  loaded.config.export === undefined ? undefined : Path.resolve(loaded.directory, loaded.config.export)

/**
 * Which pair of endpoints (in which direction) the state store keys this config's rows by; needs
 * no secret. An export's endpoint comes from the instance it was made on, so its manifest is read.
 */
/** The pair as `sync` keeps it (Paperless → Papra, whatever the config's direction): its schedule, tombstones and conflicts. */
export const syncPairOfConfig = (loaded: LoadedConfig) =>
  Effect.map(pairOfConfig(loaded), (pair) =>
    loaded.config.direction === "papra-to-paperless" ? { source: pair.target, target: pair.source } : pair,
  )

export const pairOfConfig = (loaded: LoadedConfig): Effect.Effect<Pair, ExportError> => {
  const config = loaded.config
  // The config's schema makes sure the servers its direction needs are there.
  const papra = () => papraEndpoint(config.papra?.url ?? "", config.papra?.organizationId ?? "")
  const paperless = () => paperlessEndpoint(config.paperless?.url ?? "")
  const location = exportLocationOf(loaded)
  if (location !== undefined) {
    const target = config.direction === "paperless-to-paperless" ? paperless() : papra()
    return Effect.scoped(
      Effect.map(readExport(location), (contents) => ({ source: exportEndpoint(contents), target })),
    )
  }
  return Effect.succeed(
    config.direction === "paperless-to-papra"
      ? { source: paperless(), target: papra() }
      : { source: papra(), target: paperless() },
  )
}

const papraServerOf = (loaded: LoadedConfig, apiKey: Redacted.Redacted<string>): Servers["papra"] => ({
  url: loaded.config.papra?.url ?? "",
  apiKey,
  organizationId: loaded.config.papra?.organizationId ?? "",
})

const paperlessServerOf = (
  loaded: LoadedConfig,
  credentials: PaperlessCredentials,
): Servers["paperless"] => ({
  url: loaded.config.paperless?.url ?? "",
  auth:
    credentials._tag === "Token"
      ? PaperlessAuth.token(credentials.token)
      : PaperlessAuth.credentials(credentials.username, credentials.password),
})

/**
 * The servers a run reaches, with their credentials from the environment or the secrets file:
 * both, or for an export only its target's (the other reaches nowhere).
 */
export const serversOf = (loaded: LoadedConfig) => {
  const config = loaded.config
  if (config.direction === "paperless-to-paperless")
    return Effect.map(
      resolvePaperlessSecret(loaded),
      (credentials): Servers => ({ paperless: paperlessServerOf(loaded, credentials), papra: noPapraServer }),
    )
  if (config.paperless === undefined || config.export !== undefined)
    return Effect.map(
      resolvePapraSecret(loaded),
      (apiKey): Servers => ({ paperless: noPaperlessServer, papra: papraServerOf(loaded, apiKey) }),
    )
  return Effect.map(
    resolveSecrets(loaded),
    (secrets): Servers => ({
      paperless: paperlessServerOf(loaded, secrets.paperless),
      papra: papraServerOf(loaded, secrets.papraApiKey),
    }),
  )
}

export const settingsOf = (loaded: LoadedConfig) =>
  Effect.gen(function* () {
    const config = loaded.config
    const statePath = statePathOf(loaded)
    return {
      loaded,
      direction: config.direction,
      statePath,
      reportDirectory: Path.join(Path.dirname(statePath), "reports"),
      exportLocation: exportLocationOf(loaded),
      engine: {
        pair: yield* pairOfConfig(loaded),
        direction: config.direction,
        file: config.file,
        versions: config.versions,
        concurrency: config.concurrency,
        rate: config.rate,
        filters: yield* filtersOf(loaded),
        mapping: yield* mappingOf(loaded),
      },
    } satisfies RunSettings
  })

/**
 * Both clients (or the export and Papra's) and the state store; `concurrency` also bounds each
 * client's requests in flight.
 */
export const runLayers = (
  servers: Servers,
  settings: RunSettings,
  statePath: string = settings.statePath,
) => {
  const clients = { concurrency: Math.max(8, settings.engine.concurrency * 2) }
  return Layer.mergeAll(
    settings.exportLocation === undefined
      ? serverLayers(servers, clients)
      : exportLayers(settings.exportLocation, servers, clients),
    StateStore.layer({ path: statePath }),
  )
}

/**
 * Config, secrets and a check of both servers: what plan, migrate and verify do before the engine.
 * `use` says whether the run will write to Papra (decides the permissions its key needs).
 */
export const prepareRun = (flags: SharedFlags, use: PapraUse) =>
  Effect.gen(function* () {
    const loaded = yield* loadSettingsConfig(flags)
    const servers = yield* serversOf(loaded)
    const settings = yield* settingsOf(loaded)
    yield* preflight(servers, settings.direction, use, { fromExport: settings.exportLocation !== undefined })
    return { servers, settings }
  })

/**
 * The state file to read when the command must not create one: the real one when it exists,
 * otherwise a throwaway empty one in a temporary directory removed with the scope.
 */
const readOnlyStatePath = (statePath: string) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    if (yield* fs.exists(statePath).pipe(Effect.orElseSucceed(() => false))) return statePath
    const directory = yield* fs.makeTempDirectoryScoped({ prefix: "paperbridge-plan-" })
    return Path.join(directory, "state.db")
  })

/** Runs a read-only step (plan, verify) against both servers and a state file it never creates. */
export const withReadOnlyState = <A, E, R>(
  servers: Servers,
  settings: RunSettings,
  step: Effect.Effect<A, E, R>,
) =>
  Effect.gen(function* () {
    const statePath = yield* readOnlyStatePath(settings.statePath)
    return yield* step.pipe(Effect.provide(runLayers(servers, settings, statePath)))
  }).pipe(Effect.scoped)
