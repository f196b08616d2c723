import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import * as fc from "fast-check"
import { parseRetryAfter, type RetryPolicy, retryDelayMs, withRetry } from "../src/index.js"

const policy: RetryPolicy = { maxRetries: 3, baseDelayMs: 250, maxDelayMs: 8_000, maxRetryAfterMs: 20_000 }

describe("retry delay", () => {
  it("stays within the exponential window, capped, and never below Retry-After", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }),
        (attempt, random, retryAfter) => {
          const delay = retryDelayMs(policy, attempt, random, retryAfter)
          const window = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt)
          if (retryAfter !== undefined && retryAfter * 1000 > policy.maxRetryAfterMs)
            return Option.isNone(delay)
          return Option.match(delay, {
            onNone: () => false,
            onSome: (ms) =>
              ms >= Math.max(window / 2, (retryAfter ?? 0) * 1000) &&
              (retryAfter !== undefined ? ms <= Math.max(window, retryAfter * 1000) : ms <= window),
          })
        },
      ),
    )
  })

  it("reads Retry-After as seconds or as an HTTP date", () => {
    const now = Date.parse("2026-11-22T17:00:00Z")
    expect(parseRetryAfter("3", now)).toBe(3)
    expect(parseRetryAfter(" 3 ", now)).toBe(3)
    expect(parseRetryAfter("Sun, 22 Nov 2026 17:00:05 GMT", now)).toBe(5)
    expect(parseRetryAfter("Sun, 22 Nov 2026 16:00:00 GMT", now)).toBe(0)
    expect(parseRetryAfter("soon", now)).toBeUndefined()
    expect(parseRetryAfter(undefined, now)).toBeUndefined()
  })
})

interface Throttled {
  readonly retryable: boolean
  readonly retryAfter?: number
}

const classifier = {
  isRetryable: (error: Throttled) => error.retryable,
  retryAfterSeconds: (error: Throttled) => error.retryAfter,
}

describe("withRetry", () => {
  it.effect("waits at least Retry-After, then succeeds", () =>
    Effect.gen(function* () {
      let attempts = 0
      const attempt = Effect.suspend(() => {
        attempts += 1
        return attempts === 1
          ? Effect.fail<Throttled>({ retryable: true, retryAfter: 10 })
          : Effect.succeed("ok")
      })
      const fiber = yield* Effect.fork(withRetry(policy, classifier, attempt))
      yield* TestClock.adjust("9999 millis")
      expect(attempts).toBe(1)
      yield* TestClock.adjust("1 millis")
      expect(yield* Fiber.join(fiber)).toBe("ok")
      expect(attempts).toBe(2)
    }),
  )

  it.effect("returns at once what is not retryable, or asks for too long a wait", () =>
    Effect.gen(function* () {
      for (const error of [{ retryable: false }, { retryable: true, retryAfter: 21 }]) {
        let attempts = 0
        const attempt = Effect.suspend(() => {
          attempts += 1
          return Effect.fail<Throttled>(error)
        })
        expect(yield* Effect.flip(withRetry(policy, classifier, attempt))).toEqual(error)
        expect(attempts).toBe(1)
      }
    }),
  )

  it.effect("gives up after maxRetries with the last error", () =>
    Effect.gen(function* () {
      let attempts = 0
      const attempt = Effect.suspend(() => {
        attempts += 1
        return Effect.fail<Throttled>({ retryable: true, retryAfter: attempts })
      })
      const fiber = yield* Effect.fork(Effect.flip(withRetry(policy, classifier, attempt)))
      yield* TestClock.adjust("1 minute")
      expect(yield* Fiber.join(fiber)).toEqual({ retryable: true, retryAfter: 4 })
      expect(attempts).toBe(4)
    }),
  )
})
