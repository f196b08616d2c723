import { Command } from "@effect/cli"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { statePathOf } from "../config/load.js"
import { directionOf } from "../state/endpoints.js"
import { StateStore } from "../state/store.js"
import { CliConsole } from "./console.js"
import { outputOptions, sharedOptions } from "./flags.js"
import { statusText } from "./output.js"
import { loadSettingsConfig, pairOfConfig, syncPairOfConfig } from "./settings.js"

const LAST_RUNS = 5
/** The newest tombstones shown; the count covers them all. */
const RECENT_TOMBSTONES = 5

/** Reads the state file only: no server is contacted, no secret is needed, and a missing file is not created. */
export const statusCommand = Command.make("status", { ...sharedOptions, json: outputOptions.json }, (flags) =>
  Effect.gen(function* () {
    const console = yield* CliConsole
    const fs = yield* FileSystem.FileSystem
    const loaded = yield* loadSettingsConfig(flags)
    const statePath = statePathOf(loaded)
    if (!(yield* fs.exists(statePath).pipe(Effect.orElseSucceed(() => false)))) {
      return yield* console.out(
        flags.json
          ? JSON.stringify({ statePath, exists: false })
          : `No state file at ${statePath}: nothing has been migrated with this configuration yet.`,
      )
    }
    const pair = yield* pairOfConfig(loaded)
    const syncPair = yield* syncPairOfConfig(loaded)
    const reversed = { source: syncPair.target, target: syncPair.source }
    const view = yield* Effect.gen(function* () {
      const store = yield* StateStore
      const latest = (of: typeof pair, command: string) =>
        Effect.map(store.runs.list({ pair: of, command, limit: 1 }), (runs) => runs[0] ?? null)
      const tombstones = yield* store.sync.tombstones(syncPair)
      return {
        statePath,
        pair,
        links: yield* store.links.count(pair),
        pending: yield* store.journal.halfDone(pair),
        failures: yield* store.failures.list(pair),
        runs: yield* store.runs.list({ pair, limit: LAST_RUNS }),
        nextSync: Option.getOrNull(yield* store.schedule.get(syncPair)),
        conflicts: yield* store.sync.conflicts(syncPair),
        tombstones: {
          count: tombstones.length,
          // Stored oldest first.
          recent: tombstones.slice(-RECENT_TOMBSTONES).reverse(),
        },
        // A sync records its runs under the pair as Paperless → Papra; a migrate under its own direction.
        lastRuns: [
          { label: directionOf(syncPair), run: yield* latest(syncPair, "migrate") },
          { label: directionOf(reversed), run: yield* latest(reversed, "migrate") },
          { label: "sync", run: yield* latest(syncPair, "sync") },
        ],
      }
    }).pipe(Effect.provide(StateStore.layer({ path: statePath })))
    yield* console.out(flags.json ? JSON.stringify(view) : statusText(view))
  }),
).pipe(
  Command.withDescription(
    "What is linked, pending and failed, open conflicts, tombstones and the last runs (from the state file only).",
  ),
)
