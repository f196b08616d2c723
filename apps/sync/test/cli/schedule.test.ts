import { describe, expect, it } from "@effect/vitest"
import * as Papra from "@paperbridge/papra"
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as TestClock from "effect/TestClock"
import {
  type Cadence,
  cadenceOf,
  nextDueMs,
  parseCron,
  parseEvery,
  type RunReport,
  runContinuously,
  type TickLine,
  tickOutput,
} from "../../src/cli/schedule.js"
import { classifyRunFailure } from "../../src/cli/sync.js"
import { ExitCode } from "../../src/config/errors.js"
import { paperlessEndpoint, papraEndpoint } from "../../src/state/endpoints.js"
import { RunInProgressError } from "../../src/state/errors.js"

const MINUTE = 60_000

const every = (text: string) => Either.getOrThrow(parseEvery(text))
const intervalMs = (cadence: Cadence) =>
  cadence._tag === "Every" ? Duration.toMillis(cadence.interval) : Number.NaN
const problemOf = (parsed: Either.Either<unknown, string>) => Either.getOrThrow(Either.flip(parsed))

const report = (n: number): RunReport => ({
  exitCode: ExitCode.ok,
  line: `run ${n}`,
  text: `run ${n}`,
  json: { type: "sync", run: n },
})

/**
 * A fake sync: the nth run takes `durations[n]` of (test) time, or fails with `failures[n]`. It
 * records when each run started and how many were in flight at once.
 */
const fakeRuns = (script: { durations?: ReadonlyArray<number>; failures?: Record<number, unknown> }) => {
  const starts: Array<number> = []
  let inFlight = 0
  let maxInFlight = 0
  let interrupted = 0
  const runOnce = Effect.gen(function* () {
    const n = starts.length
    starts.push(yield* Clock.currentTimeMillis)
    inFlight += 1
    maxInFlight = Math.max(maxInFlight, inFlight)
    yield* Effect.sleep(Duration.millis(script.durations?.[n] ?? MINUTE))
    const failure = script.failures?.[n]
    if (failure !== undefined) return yield* Effect.fail(failure)
    return report(n)
  }).pipe(
    Effect.onInterrupt(() =>
      Effect.sync(() => {
        interrupted += 1
      }),
    ),
    Effect.ensuring(
      Effect.sync(() => {
        inFlight -= 1
      }),
    ),
  )
  return {
    runOnce,
    starts,
    maxInFlight: () => maxInFlight,
    interrupted: () => interrupted,
  }
}

const startLoop = (runOnce: Effect.Effect<RunReport, unknown>, cadenceText = "10m") =>
  Effect.gen(function* () {
    const stop = yield* Deferred.make<void>()
    const printed: Array<TickLine> = []
    const scheduled: Array<string> = []
    const fiber = yield* Effect.fork(
      runContinuously({
        cadence: every(cadenceText),
        runOnce,
        classify: classifyRunFailure,
        onScheduled: (due) => Effect.sync(() => void scheduled.push(due.toISOString())),
        print: (tick) => Effect.sync(() => void printed.push(tick)),
        stop,
      }),
    )
    return { stop, printed, scheduled, fiber }
  })

const lease = new RunInProgressError({
  pair: {
    source: paperlessEndpoint("http://paperless.test"),
    target: papraEndpoint("http://papra.test", "org_1"),
  },
  runId: "run_other",
  holder: "process 1 on elsewhere",
  until: "2026-12-03T10:00:30.000Z",
})

describe("--every and --cron", () => {
  it("reads 30s, 15m, 1h and 1h30m", () => {
    expect(["30s", "15m", "1h", "1h30m"].map((text) => intervalMs(every(text)))).toEqual([
      30_000,
      15 * MINUTE,
      60 * MINUTE,
      90 * MINUTE,
    ])
  })

  it("refuses intervals under 10s and anything that is not a duration, saying what it expects", () => {
    expect(parseEvery("5s")).toEqual(Either.left("--every 5s: the interval must be at least 10s"))
    for (const garbage of ["", "15", "soon", "1m1h", "-5m", "15 minutes"])
      expect(problemOf(parseEvery(garbage))).toContain("expected a duration like 30s, 15m, 1h or 1h30m")
  })

  it("takes one of --every and --cron, not both", () => {
    expect(cadenceOf({ every: "15m", cron: "*/15 * * * *" })).toEqual(
      Either.left("--every and --cron cannot be used together: choose one"),
    )
    expect(cadenceOf({ every: undefined, cron: undefined })).toEqual(Either.right(undefined))
  })

  it("computes a 5-field cron expression's next instant after a run", () => {
    const cron = Either.getOrThrow(parseCron("*/15 * * * *"))
    const after = new Date(2026, 11, 3, 10, 7, 12).getTime()
    expect(new Date(nextDueMs(cron, after - MINUTE, after))).toEqual(new Date(2026, 11, 3, 10, 15, 0))
    const nightly = Either.getOrThrow(parseCron("30 2 * * *"))
    expect(new Date(nextDueMs(nightly, after, after))).toEqual(new Date(2026, 11, 4, 2, 30, 0))
    expect(problemOf(parseCron("every quarter hour"))).toMatch(
      /^--cron "every quarter hour": .*expected 5 fields/,
    )
  })
})

describe("the continuous loop", () => {
  it.effect(
    "starts at once, then every interval from each start; a long run delays the next, never overlaps",
    () =>
      Effect.gen(function* () {
        // The second run takes 25 minutes of a 10-minute interval.
        const runs = fakeRuns({ durations: [MINUTE, 25 * MINUTE, MINUTE, MINUTE] })
        const loop = yield* startLoop(runs.runOnce)
        yield* TestClock.adjust(Duration.minutes(50))
        expect(runs.starts).toEqual([0, 10 * MINUTE, 35 * MINUTE, 45 * MINUTE])
        expect(runs.maxInFlight()).toBe(1)
        expect(loop.scheduled.slice(0, 3)).toEqual(
          [0, 10 * MINUTE, 35 * MINUTE].map((ms) => new Date(ms).toISOString()),
        )
        yield* Fiber.interrupt(loop.fiber)
      }),
  )

  it.effect(
    "a tick refused because another run holds the lease is skipped with one line; the loop goes on",
    () =>
      Effect.gen(function* () {
        const runs = fakeRuns({ failures: { 1: lease } })
        const loop = yield* startLoop(runs.runOnce)
        yield* TestClock.adjust(Duration.minutes(25))
        expect(runs.starts).toEqual([0, 10 * MINUTE, 20 * MINUTE])
        expect(loop.printed.map((tick) => tick.type)).toEqual(["run", "skipped", "run"])
        expect(loop.printed[1]).toMatchObject({ reason: "another run holds the pair's lease" })
        yield* Fiber.interrupt(loop.fiber)
      }),
  )

  it.effect("a server that does not answer waits for the next tick", () =>
    Effect.gen(function* () {
      const down = new Papra.PapraTransportError({
        endpoint: "GET /api/x",
        reason: "Transport",
        problem: "ECONNREFUSED",
      })
      const runs = fakeRuns({ failures: { 0: down } })
      const loop = yield* startLoop(runs.runOnce)
      yield* TestClock.adjust(Duration.minutes(15))
      expect(loop.printed.map((tick) => tick.type)).toEqual(["skipped", "run"])
      yield* Fiber.interrupt(loop.fiber)
    }),
  )

  it.effect("refused credentials end the loop with exit 3 and start no further run", () =>
    Effect.gen(function* () {
      const refused = new Papra.PapraApiError({
        endpoint: "GET /api/organizations",
        status: 401,
        code: "auth.unauthorized",
        serverMessage: "Unauthorized",
        details: [],
      })
      const runs = fakeRuns({ failures: { 1: refused } })
      const loop = yield* startLoop(runs.runOnce)
      yield* TestClock.adjust(Duration.minutes(60))
      const failure = yield* Effect.flip(Fiber.join(loop.fiber))
      expect(failure.exitCode).toBe(ExitCode.unreachable)
      expect(failure.lines[0]).toContain("Papra refused the API key")
      expect(runs.starts).toEqual([0, 10 * MINUTE])
    }),
  )

  it.effect("a stop interrupts the run in flight, starts no other and answers 0", () =>
    Effect.gen(function* () {
      const runs = fakeRuns({ durations: [MINUTE, 5 * MINUTE] })
      const loop = yield* startLoop(runs.runOnce)
      yield* TestClock.adjust(Duration.minutes(12))
      expect(runs.starts).toEqual([0, 10 * MINUTE])
      yield* Deferred.succeed(loop.stop, undefined)
      expect(yield* Fiber.join(loop.fiber)).toBe(ExitCode.ok)
      expect(runs.interrupted()).toBe(1)
      yield* TestClock.adjust(Duration.hours(1))
      expect(runs.starts).toHaveLength(2)
      expect(loop.printed).toHaveLength(1)
    }),
  )

  it.effect("--json prints one JSON line per run with when the next is due", () =>
    Effect.gen(function* () {
      const runs = fakeRuns({ failures: { 1: lease } })
      const loop = yield* startLoop(runs.runOnce)
      yield* TestClock.adjust(Duration.minutes(25))
      yield* Fiber.interrupt(loop.fiber)
      const lines = loop.printed.map(
        (tick) => JSON.parse(tickOutput("json", tick) ?? "") as Record<string, unknown>,
      )
      expect(lines).toEqual([
        { type: "sync", run: 0, nextDueAt: new Date(10 * MINUTE).toISOString() },
        {
          type: "skipped",
          at: new Date(11 * MINUTE).toISOString(),
          reason: "another run holds the pair's lease",
          nextDueAt: new Date(20 * MINUTE).toISOString(),
        },
        { type: "sync", run: 2, nextDueAt: new Date(30 * MINUTE).toISOString() },
      ])
      expect(tickOutput("plain", loop.printed[0] as TickLine)).toBe(
        `run 0; next run at ${new Date(10 * MINUTE).toISOString()}`,
      )
      expect(tickOutput("quiet", loop.printed[0] as TickLine)).toBeUndefined()
    }),
  )
})
