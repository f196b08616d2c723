import type { ConflictPolicy } from "@paperbridge/mapping"
import * as Effect from "effect/Effect"
import * as Struct from "effect/Struct"
import type { SyncEvent } from "../engine/events.js"
import { pairOf, type Servers } from "../engine/servers.js"
import { sync } from "../engine/sync.js"
import type { SyncMode, SyncOptions } from "../engine/sync-options.js"
import { defaultDeleteGuard } from "../engine/sync-plan.js"
import type { OutputMode } from "./output.js"
import { makeEventSink } from "./progress.js"
import type { RunSettings } from "./settings.js"
import { runLayers } from "./settings.js"
import { syncRunReport } from "./sync-output.js"

/** What the `sync` flags (or the config's `sync` section) choose for one run. */
export interface SyncChoices {
  readonly conflict: ConflictPolicy
  readonly mode: SyncMode
  readonly maxDelete: number
  readonly forceDelete: boolean
  readonly resync: boolean
}

/** The choices a plain `paperbridge sync` makes when neither flags nor the config say otherwise. */
export const defaultSyncChoices: SyncChoices = {
  conflict: "fail",
  mode: "two-way",
  maxDelete: defaultDeleteGuard.maxDocuments,
  forceDelete: false,
  resync: false,
}

/** The engine's options for one sync of the settings' pair, as `paperbridge sync` builds them. */
export const syncOptionsOf = (
  servers: Servers,
  settings: RunSettings,
  choices: SyncChoices,
  onEvent: (event: SyncEvent) => Effect.Effect<void>,
): SyncOptions => ({
  ...Struct.omit(settings.engine, "direction", "pair", "filters"),
  pair: pairOf(servers, "paperless-to-papra"),
  mode: choices.mode,
  conflict: choices.conflict,
  guard: { ...defaultDeleteGuard, maxDocuments: choices.maxDelete, force: choices.forceDelete },
  resync: choices.resync,
  reportDirectory: settings.reportDirectory,
  onEvent,
})

/**
 * One sync run with output in `mode`: the engine's result and the report the `sync` command prints
 * (under `--conflict fail` the conflicts left count against the exit code).
 */
export const runSyncOnce = (
  servers: Servers,
  settings: RunSettings,
  choices: SyncChoices,
  mode: OutputMode,
) =>
  Effect.gen(function* () {
    const sink = yield* makeEventSink(mode, undefined)
    const result = yield* sync(syncOptionsOf(servers, settings, choices, sink.onEvent)).pipe(
      Effect.ensuring(sink.finish),
    )
    return { result, report: syncRunReport(result, choices.conflict === "fail") }
  }).pipe(Effect.provide(runLayers(servers, settings)))
