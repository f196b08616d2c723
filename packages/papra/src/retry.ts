import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import { PapraApiError, type PapraError, PapraTransportError } from "./errors.js"

export interface RetryPolicy {
  /** Retries after the first attempt; 0 turns retrying off. */
  readonly maxRetries: number
  /** Delay before the first retry; it doubles on each further one. */
  readonly baseDelayMs: number
  /** No single wait is longer than this, and a `Retry-After` asking for more is not waited for. */
  readonly maxDelayMs: number
}

export const defaultRetryPolicy: RetryPolicy = { maxRetries: 4, baseDelayMs: 250, maxDelayMs: 15_000 }

/**
 * Whether a failed attempt may be sent again. A 429 means the server refused the request before
 * acting on it, so even a create may be repeated. A 5xx or a lost connection may have happened
 * after the server acted, so only calls that are safe to replay are repeated then.
 */
export const isRetryable = (error: PapraError, idempotent: boolean): boolean => {
  if (error instanceof PapraApiError) return error.status === 429 || (idempotent && error.status >= 500)
  if (error instanceof PapraTransportError) return idempotent && error.reason !== "InvalidUrl"
  return false
}

/**
 * The wait before retry number `attempt` (0-based): exponential, with "equal jitter" (half fixed,
 * half random) so that parallel clients spread out, capped at `maxDelayMs`. A `Retry-After` is a
 * floor. None when the server asks for a longer wait than the policy allows.
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
  return requested > policy.maxDelayMs ? Option.none() : Option.some(Math.max(jittered, requested))
}

/** Runs `attempt` and repeats it by `policy` while it fails with a retryable error. */
export const withRetry = <A>(
  policy: RetryPolicy,
  idempotent: boolean,
  attempt: Effect.Effect<A, PapraError>,
): Effect.Effect<A, PapraError> => {
  const loop = (retry: number): Effect.Effect<A, PapraError> =>
    Effect.catchAll(attempt, (error) => {
      if (retry >= policy.maxRetries || !isRetryable(error, idempotent)) return Effect.fail(error)
      const retryAfter = error instanceof PapraApiError ? error.retryAfterSeconds : undefined
      return Effect.flatMap(Random.next, (random) =>
        Option.match(retryDelayMs(policy, retry, random, retryAfter), {
          onNone: () => Effect.fail(error),
          onSome: (delay) =>
            Effect.logDebug(`retrying after ${Math.round(delay)} ms`).pipe(
              Effect.annotateLogs({ endpoint: error.endpoint, error: error._tag, retry: retry + 1 }),
              Effect.zipRight(Effect.sleep(Duration.millis(delay))),
              Effect.zipRight(loop(retry + 1)),
            ),
        }),
      )
    })
  return loop(0)
}

/** `Retry-After` as seconds: either delta-seconds or an HTTP date. */
export const parseRetryAfter = (header: string | undefined, nowMs: number): number | undefined => {
  if (header === undefined || header.trim() === "") return undefined
  const trimmed = header.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed)
  const date = Date.parse(trimmed)
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - nowMs) / 1000))
}
