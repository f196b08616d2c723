import * as Clock from "effect/Clock"
import * as Cron from "effect/Cron"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { ExitCode } from "../config/errors.js"
import type { CliFailure } from "./failures.js"
import type { OutputMode } from "./output.js"

/** When continuous mode starts runs: `--every 15m` or `--cron "*\/15 * * * *"`. */
export type Cadence =
  | { readonly _tag: "Every"; readonly interval: Duration.Duration; readonly text: string }
  | { readonly _tag: "Cron"; readonly cron: Cron.Cron; readonly text: string }

/** Shorter than this, a run would start before the servers have settled from the last one. */
export const MIN_INTERVAL = Duration.seconds(10)

const UNIT_MS = { h: 3_600_000, m: 60_000, s: 1_000 } as const

/** `30s`, `15m`, `1h`, `1h30m`: hours, minutes and seconds in that order, each at most once. */
export const parseEvery = (text: string): Either.Either<Cadence, string> => {
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text.trim())
  if (match === null || text.trim() === "")
    return Either.left(`--every ${JSON.stringify(text)}: expected a duration like 30s, 15m, 1h or 1h30m`)
  const [, hours = "0", minutes = "0", seconds = "0"] = match
  const interval = Duration.millis(
    Number(hours) * UNIT_MS.h + Number(minutes) * UNIT_MS.m + Number(seconds) * UNIT_MS.s,
  )
  if (Duration.lessThan(interval, MIN_INTERVAL))
    return Either.left(`--every ${text}: the interval must be at least 10s`)
  return Either.right({ _tag: "Every", interval, text })
}

export const parseCron = (text: string): Either.Either<Cadence, string> =>
  Either.mapBoth(Cron.parse(text), {
    onLeft: (error) =>
      `--cron ${JSON.stringify(text)}: ${error.message} (expected 5 fields: minute hour day month weekday)`,
    onRight: (cron): Cadence => ({ _tag: "Cron", cron, text }),
  })

/** The schedule's `every`/`cron`, one at most (flags or paperbridge.json). */
export const cadenceOf = (schedule: {
  readonly every: string | undefined
  readonly cron: string | undefined
}): Either.Either<Cadence | undefined, string> => {
  if (schedule.every !== undefined && schedule.cron !== undefined)
    return Either.left("--every and --cron cannot be used together: choose one")
  if (schedule.every !== undefined) return parseEvery(schedule.every)
  if (schedule.cron !== undefined) return parseCron(schedule.cron)
  return Either.right(undefined)
}

/**
 * When the run after one that started at `startedAtMs` is due, looking from `nowMs` (the run's end).
 * `--every` counts from the start, so a run's length does not push the timetable; a run longer than
 * the interval makes the next one due at once, never two at the same time.
 */
export const nextDueMs = (cadence: Cadence, startedAtMs: number, nowMs: number): number =>
  cadence._tag === "Every"
    ? Math.max(nowMs, startedAtMs + Duration.toMillis(cadence.interval))
    : Cron.next(cadence.cron, new Date(nowMs)).getTime()

/** The first run: `--every` starts one at once, `--cron` waits for its first instant. */
export const firstDueMs = (cadence: Cadence, nowMs: number): number =>
  cadence._tag === "Every" ? nowMs : Cron.next(cadence.cron, new Date(nowMs)).getTime()

/** What one run answered, ready to print. */
export interface RunReport {
  readonly exitCode: ExitCode
  /** When it finished and what it changed, on one line. */
  readonly line: string
  /** The whole summary, after a single run. */
  readonly text: string
  /** The summary as one JSON object. */
  readonly json: Record<string, unknown>
}

/** How the loop treats a run that failed: wait for the next tick, or stop with the exit code. */
export type RunFailure =
  | { readonly _tag: "Skip"; readonly line: string }
  | { readonly _tag: "Fatal"; readonly failure: CliFailure }

/** One line per tick, for the terminal (`text`) or `--json`. */
export type TickLine =
  | { readonly type: "run"; readonly report: RunReport; readonly nextDueAt: string }
  | { readonly type: "skipped"; readonly at: string; readonly reason: string; readonly nextDueAt: string }

/** A tick as printed: one JSON object with `--json`, one line on a terminal or a log, nothing with `--quiet`. */
export const tickOutput = (mode: OutputMode, tick: TickLine): string | undefined => {
  if (mode === "quiet") return undefined
  if (mode === "json")
    return JSON.stringify(
      tick.type === "run"
        ? { ...tick.report.json, nextDueAt: tick.nextDueAt }
        : { type: "skipped", at: tick.at, reason: tick.reason, nextDueAt: tick.nextDueAt },
    )
  return tick.type === "run"
    ? `${tick.report.line}; next run at ${tick.nextDueAt}`
    : `${tick.at} skipped: ${tick.reason}; next run at ${tick.nextDueAt}`
}

export interface LoopOptions<E, R> {
  readonly cadence: Cadence
  readonly runOnce: Effect.Effect<RunReport, E, R>
  readonly classify: (error: E) => RunFailure
  /** Called before each wait with when the next run is due (the state store records it). */
  readonly onScheduled: (nextDueAt: Date) => Effect.Effect<void>
  readonly print: (line: TickLine) => Effect.Effect<void>
  /** Completed by the first SIGINT/SIGTERM: the run in flight is interrupted, no other starts. */
  readonly stop: Deferred.Deferred<void>
}

const sleepUntil = (dueMs: number) =>
  Effect.flatMap(Clock.currentTimeMillis, (nowMs) =>
    Effect.sleep(Duration.millis(Math.max(0, dueMs - nowMs))),
  )

/**
 * Runs `runOnce` on the cadence, one at a time, until `stop` (answers 0) or a failure the next tick
 * cannot cure, like refused credentials (fails with it, so a supervisor sees its exit code).
 */
export const runContinuously = <E, R>(options: LoopOptions<E, R>): Effect.Effect<ExitCode, CliFailure, R> => {
  const { cadence, stop } = options
  const schedule = (nextMs: number) =>
    Effect.as(options.onScheduled(new Date(nextMs)), new Date(nextMs).toISOString())
  // One run and the wait before it; answers when the next is due.
  const tick = (dueMs: number): Effect.Effect<number, CliFailure, R> =>
    Effect.gen(function* () {
      yield* sleepUntil(dueMs)
      const startedAtMs = yield* Clock.currentTimeMillis
      const outcome = yield* Effect.either(options.runOnce)
      const nextMs = nextDueMs(cadence, startedAtMs, yield* Clock.currentTimeMillis)
      if (Either.isLeft(outcome)) {
        const failure = options.classify(outcome.left)
        if (failure._tag === "Fatal") return yield* Effect.fail(failure.failure)
        const at = new Date(yield* Clock.currentTimeMillis).toISOString()
        yield* options.print({
          type: "skipped",
          at,
          reason: failure.line,
          nextDueAt: yield* schedule(nextMs),
        })
      } else {
        yield* options.print({ type: "run", report: outcome.right, nextDueAt: yield* schedule(nextMs) })
      }
      return nextMs
    })
  const forever = Effect.gen(function* () {
    const firstMs = firstDueMs(cadence, yield* Clock.currentTimeMillis)
    yield* schedule(firstMs)
    return yield* Effect.iterate(firstMs, { while: () => true, body: tick })
  })
  return Effect.raceFirst(Effect.as(forever, ExitCode.ok), Effect.as(Deferred.await(stop), ExitCode.ok))
}
