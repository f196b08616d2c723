import { Command, Options } from "@effect/cli"
import * as Paperless from "@paperbridge/paperless"
import * as Papra from "@paperbridge/papra"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import type { SyncSettings } from "../config/config.js"
import { ConfigError, ExitCode } from "../config/errors.js"
import { ServerGone } from "../engine/errors.js"
import { pairOf } from "../engine/servers.js"
import { RunInProgressError } from "../state/errors.js"
import { StateStore } from "../state/store.js"
import { CliConsole } from "./console.js"
import { CliFailure, explainFailure } from "./failures.js"
import { outputOptions, sharedOptions } from "./flags.js"
import { outputModeOf } from "./progress.js"
import { type Cadence, cadenceOf, type RunFailure, runContinuously, tickOutput } from "./schedule.js"
import { prepareRun } from "./settings.js"
import { defaultSyncChoices, runSyncOnce, type SyncChoices, syncOptionsOf } from "./sync-once.js"
import { runSyncPreview } from "./sync-preview-output.js"

const syncOptions = {
  conflict: Options.choice("conflict", ["newest", "paperless", "papra", "fail"]).pipe(
    Options.withDescription(
      "A field changed differently on both sides: keep the newest, Paperless's, Papra's, or leave it and report (fail, the default)",
    ),
    Options.optional,
  ),
  maxDelete: Options.integer("max-delete").pipe(
    Options.withDescription(
      "At most this many documents trashed on one side in one run (default 50; also at most 10%)",
    ),
    Options.optional,
  ),
  forceDelete: Options.boolean("force-delete").pipe(
    Options.withDescription("Carry the deletes even when they exceed the delete guard"),
  ),
  resync: Options.boolean("resync").pipe(
    Options.withDescription("Rebuild the links by content hash; nothing is deleted on either side"),
  ),
  direction: Options.choice("direction", ["paperless-to-papra", "papra-to-paperless"]).pipe(
    Options.withDescription("One way only, the source as master (default: both ways)"),
    Options.optional,
  ),
  every: Options.text("every").pipe(
    Options.withDescription("Keep running: a sync every 30s, 15m, 1h, 1h30m… (at least 10s)"),
    Options.optional,
  ),
  cron: Options.text("cron").pipe(
    Options.withDescription('Keep running: a sync at each instant of a cron expression ("*/15 * * * *")'),
    Options.optional,
  ),
  plan: Options.boolean("plan").pipe(
    Options.withDescription("Dry run: what one sync would do, both ways. Writes nothing"),
  ),
}

const usage = (...lines: ReadonlyArray<string>) => new CliFailure({ exitCode: ExitCode.usage, lines })

const busyFailure = (error: RunInProgressError) =>
  new CliFailure({ exitCode: ExitCode.busy, lines: [error.message, "Try again when that run has finished."] })

/** A server that did not answer this time may answer at the next tick; refused credentials will not. */
const isTransient = (error: unknown) =>
  error instanceof ServerGone ||
  error instanceof Paperless.PaperlessTransportError ||
  (error instanceof Papra.PapraTransportError && error.reason !== "InvalidUrl")

/** Continuous mode: what waits for the next tick and what ends the loop (with its exit code). */
export const classifyRunFailure = (error: unknown): RunFailure => {
  if (error instanceof RunInProgressError) return { _tag: "Skip", line: "another run holds the pair's lease" }
  const failure = explainFailure(error)
  if (isTransient(error) || failure.exitCode === ExitCode.partial)
    return { _tag: "Skip", line: failure.lines.join(" ") }
  return { _tag: "Fatal", failure }
}

/**
 * @effect/platform-node's runMain answers the first SIGINT/SIGTERM by interrupting the whole program,
 * which ends with exit 1. A continuous sync stops gracefully instead, so while it runs it takes the
 * signals over: the first completes `stop`, a second exits at once.
 */
const takeOverSignals = (stop: Deferred.Deferred<void>) => {
  const signals = ["SIGINT", "SIGTERM"] as const
  return Effect.acquireRelease(
    Effect.sync(() => {
      const theirs = signals.map((signal) => [signal, process.listeners(signal)] as const)
      let received = false
      const onSignal = () => {
        if (received) process.exit(130)
        received = true
        Deferred.unsafeDone(stop, Exit.void)
      }
      for (const signal of signals) {
        process.removeAllListeners(signal)
        process.on(signal, onSignal)
      }
      return { theirs, onSignal }
    }),
    ({ theirs, onSignal }) =>
      Effect.sync(() => {
        for (const [signal, listeners] of theirs) {
          process.removeListener(signal, onSignal)
          for (const listener of listeners) process.on(signal, listener)
        }
      }),
  )
}

const cadenceOrFail = (every: string | undefined, cron: string | undefined, source: string) =>
  Either.match(cadenceOf({ every, cron }), {
    onLeft: (problem) =>
      Effect.fail(
        source === "command line"
          ? usage(problem)
          : new ConfigError({ source, problems: [`sync: ${problem}`] }),
      ),
    onRight: (cadence) => Effect.succeed(cadence),
  })

export const syncCommand = Command.make(
  "sync",
  { ...sharedOptions, ...outputOptions, ...syncOptions },
  (flags) =>
    Effect.gen(function* () {
      const console = yield* CliConsole
      if (Option.isSome(flags.fromExport))
        return yield* usage(
          "sync needs both servers: an export is a one-time snapshot with nothing to sync back to.",
          "Use `paperbridge migrate --from-export` to carry an export, then sync between the live servers.",
        )
      const every = Option.getOrUndefined(flags.every)
      const cron = Option.getOrUndefined(flags.cron)
      // Flag mistakes are reported before any server is asked anything.
      const flagCadence = yield* cadenceOrFail(every, cron, "command line")
      if (flags.plan && (every !== undefined || cron !== undefined))
        return yield* usage("--plan previews one sync: it cannot be combined with --every or --cron.")
      const { servers, settings } = yield* prepareRun(flags, flags.plan ? "read" : "write")
      if (settings.exportLocation !== undefined)
        return yield* usage(
          `sync needs both servers, and ${settings.loaded.file} names an export (export): remove it or use migrate.`,
        )
      const configured: typeof SyncSettings.Type = settings.loaded.config.sync ?? {}
      const cadence: Cadence | undefined =
        every !== undefined || cron !== undefined
          ? flagCadence
          : yield* cadenceOrFail(configured.every, configured.cron, settings.loaded.file)
      const choices: SyncChoices = {
        conflict: Option.getOrElse(flags.conflict, () => configured.conflict ?? defaultSyncChoices.conflict),
        mode: Option.getOrElse(flags.direction, () => defaultSyncChoices.mode),
        maxDelete: Option.getOrElse(
          flags.maxDelete,
          () => configured.maxDelete ?? defaultSyncChoices.maxDelete,
        ),
        forceDelete: flags.forceDelete,
        resync: flags.resync,
      }
      const mode = outputModeOf(flags, console.stdoutIsTTY)
      if (flags.plan)
        return yield* runSyncPreview(
          servers,
          settings,
          syncOptionsOf(servers, settings, choices, () => Effect.void),
          mode,
        )
      const pair = pairOf(servers, "paperless-to-papra")
      // The bar suits one run on a terminal; otherwise only failed documents are told as they happen.
      const runOnce = Effect.map(
        runSyncOnce(servers, settings, choices, mode === "tty" && cadence === undefined ? "tty" : "quiet"),
        ({ report }) => report,
      )

      if (cadence === undefined) {
        const report = yield* runOnce.pipe(
          Effect.catchIf(
            (error): error is RunInProgressError => error instanceof RunInProgressError,
            (error) => Effect.fail(busyFailure(error)),
          ),
        )
        if (mode === "json") yield* console.out(JSON.stringify(report.json))
        else if (mode !== "quiet") yield* console.out(report.text)
        if (report.exitCode !== ExitCode.ok)
          return yield* new CliFailure({ exitCode: report.exitCode, lines: [] })
        return
      }

      const recordNextDue = (nextDueAt: Date) =>
        Effect.flatMap(StateStore, (store) =>
          store.schedule.record(pair, `${cadence._tag.toLowerCase()} ${cadence.text}`, nextDueAt),
        ).pipe(
          Effect.provide(StateStore.layer({ path: settings.statePath })),
          // Only `status` reads it: a state file busy this instant must not stop the loop.
          Effect.catchAll((error) => console.err(`warning: could not record the next run: ${error.message}`)),
        )
      const stop = yield* Deferred.make<void>()
      yield* takeOverSignals(stop)
      yield* runContinuously({
        cadence,
        runOnce,
        classify: classifyRunFailure,
        onScheduled: recordNextDue,
        print: (tick) => {
          const line = tickOutput(mode, tick)
          return line === undefined ? Effect.void : console.out(line)
        },
        stop,
      })
      if (mode === "json") yield* console.out(JSON.stringify({ type: "stopped" }))
      else if (mode !== "quiet")
        yield* console.out("Stopped; the next sync carries on where this one left off.")
    }).pipe(Effect.scoped),
).pipe(
  Command.withDescription(
    "Keep both servers in step: changes, new documents and deletions either way (or one way with --direction).",
  ),
)
