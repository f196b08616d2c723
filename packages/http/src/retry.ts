import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Random from "effect/Random"

export interface RetryPolicy {
  /** Retries after the first attempt; 0 turns retrying off. */
  readonly maxRetries: number
  /** Delay before the first retry; it doubles on each further one. */
  readonly baseDelayMs: number
  /** No backoff wait is longer than this. */
  readonly maxDelayMs: number
  /** A `Retry-After` asking for longer than this is not waited for: the error is returned instead. */
  readonly maxRetryAfterMs: number
}

/** What a client knows about its own errors that the retry loop needs. */
export interface RetryClassifier<E> {
  /** Whether this failure may be sent again (the client knows whether the call is safe to replay). */
  readonly isRetryable: (error: E) => boolean
  /** The server's `Retry-After` carried by the error, in seconds. */
  readonly retryAfterSeconds: (error: E) => number | undefined
  /** Log annotations for the debug line written before each wait (never secrets). */
  readonly describe?: (error: E) => Record<string, unknown>
}

/**
 * The wait before retry number `attempt` (0-based): exponential, with "equal jitter" (half fixed,
 * half random) so that parallel clients spread out, capped at `maxDelayMs`. A `Retry-After` is a
 * floor. None when the server asks for a longer wait than `maxRetryAfterMs`.
 */
export const retryDelayMs = (
  policy: RetryPolicy,
  attempt: number,
  random: number,
  retryAfterSeconds: number | undefined,
): Option.Option<number> => {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt)
  const jittered = exponential / 2 + (random * exponential) / 2
  if (retryAfterSeconds === undefined) return Option.some(jittered)
  const requested = retryAfterSeconds * 1000
  return requested > policy.maxRetryAfterMs ? Option.none() : Option.some(Math.max(jittered, requested))
}

/** Runs `attempt` and repeats it by `policy` while it fails with an error the classifier lets through. */
export const withRetry = <A, E, R>(
  policy: RetryPolicy,
  classifier: RetryClassifier<E>,
  attempt: Effect.Effect<A, E, R>,
): Effect.Effect<A, E, R> => {
  const loop = (retry: number): Effect.Effect<A, E, R> =>
    Effect.catchAll(attempt, (error) => {
      if (retry >= policy.maxRetries || !classifier.isRetryable(error)) return Effect.fail(error)
      return Effect.flatMap(Random.next, (random) =>
        Option.match(retryDelayMs(policy, retry, random, classifier.retryAfterSeconds(error)), {
          onNone: () => Effect.fail(error),
          onSome: (delay) =>
            Effect.logDebug(`retrying after ${Math.round(delay)} ms`).pipe(
              Effect.annotateLogs({ ...classifier.describe?.(error), retry: retry + 1 }),
              Effect.zipRight(Effect.sleep(Duration.millis(delay))),
              Effect.zipRight(loop(retry + 1)),
            ),
        }),
      )
    })
  return loop(0)
}

/** `Retry-After` as seconds: either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export const parseRetryAfter = (header: string | undefined, nowMs: number): number | undefined => {
  const trimmed = header?.trim()
  if (trimmed === undefined || trimmed === "") return undefined
  if (/^\d+$/.test(trimmed)) return Number(trimmed)
  const date = Date.parse(trimmed)
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - nowMs) / 1000))
}
