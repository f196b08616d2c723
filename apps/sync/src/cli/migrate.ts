import { Command, Options } from "@effect/cli"
import type { PapraClient } from "@paperbridge/papra"
import * as Effect from "effect/Effect"
import { ExitCode } from "../config/errors.js"
import type { SyncEvent } from "../engine/events.js"
import { migrate } from "../engine/migrate.js"
import type { PaperlessSource } from "../engine/paperless-source.js"
import type { Servers } from "../engine/servers.js"
import { paperlessSource, papraSource } from "../engine/source-documents.js"
import { CliConsole } from "./console.js"
import { CliFailure } from "./failures.js"
import { outputOptions, sharedOptions } from "./flags.js"
import { type OutputMode, summaryText } from "./output.js"
import { makeEventSink, outputModeOf } from "./progress.js"
import { prepareRun, type RunSettings, runLayers } from "./settings.js"

/**
 * How many documents the run will visit, for the bar and the ETA: one page-size-1 request. The
 * engine's events do not carry it (yet); without it the bar shows counts and rates only.
 */
const documentTotal = (
  settings: RunSettings,
): Effect.Effect<number | undefined, unknown, PaperlessSource | PapraClient> =>
  settings.direction === "papra-to-paperless"
    ? Effect.map(papraSource(settings.engine.filters), (source) => source.total)
    : Effect.map(paperlessSource(settings.engine.filters), (source) => source.total)

/** Runs the migration with output in `mode`; answers the engine's summary and the report path. */
export const runMigrate = (
  servers: Servers,
  settings: RunSettings,
  mode: OutputMode,
  observe: (event: SyncEvent) => Effect.Effect<void> = () => Effect.void,
) =>
  Effect.gen(function* () {
    const total = mode === "tty" ? yield* documentTotal(settings) : undefined
    const sink = yield* makeEventSink(mode, total)
    let runId = ""
    const result = yield* migrate({
      ...settings.engine,
      onEvent: (event) => {
        if (event.type === "run-started") runId = event.runId
        return Effect.zipRight(observe(event), sink.onEvent(event))
      },
      reportDirectory: settings.reportDirectory,
    }).pipe(Effect.ensuring(sink.finish))
    return { ...result, runId }
  }).pipe(Effect.provide(runLayers(servers, settings)))

/** Exit code 1 when documents failed: they are recorded, and the next run retries only them. */
export const partialFailure = (failed: number) =>
  new CliFailure({
    exitCode: ExitCode.partial,
    lines: [
      `${failed} document${failed === 1 ? "" : "s"} could not be carried; run the same command again to retry only those.`,
    ],
  })

const retryRefused = Options.boolean("retry-refused").pipe(
  Options.withDescription(
    "Try again the files the target refused for good in an earlier run (e.g. after raising Papra's upload limit)",
  ),
)

export const migrateCommand = Command.make(
  "migrate",
  { ...sharedOptions, ...outputOptions, retryRefused },
  (flags) =>
    Effect.gen(function* () {
      const console = yield* CliConsole
      const prepared = yield* prepareRun(flags, "write")
      const { servers } = prepared
      const settings = {
        ...prepared.settings,
        engine: { ...prepared.settings.engine, retryRefused: flags.retryRefused },
      }
      const mode = outputModeOf(flags, console.stdoutIsTTY)
      const result = yield* runMigrate(servers, settings, mode)
      if (mode === "json")
        yield* console.out(JSON.stringify({ type: "report", runId: result.runId, path: result.reportPath }))
      else if (mode !== "quiet") yield* console.out(summaryText(result, result.reportPath))
      if (result.documents.failed > 0) return yield* partialFailure(result.documents.failed)
    }),
).pipe(
  Command.withDescription(
    "Carry documents (definitions, files, metadata, links) to the target. Safe to stop and run again.",
  ),
)
