import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"

/**
 * A clock `ahead` of the real one, sleeping as the real one does: code run with it sees "later"
 * (a lease lapsed, a deadline passed) without a test waiting for real time to pass. Use it with
 * `Effect.withClock`.
 */
export const clockAhead = (ahead: Duration.DurationInput): Clock.Clock => {
  const real = Clock.make()
  const offsetMillis = Duration.toMillis(ahead)
  const unsafeCurrentTimeMillis = () => real.unsafeCurrentTimeMillis() + offsetMillis
  const unsafeCurrentTimeNanos = () => real.unsafeCurrentTimeNanos() + BigInt(offsetMillis) * 1_000_000n
  return {
    [Clock.ClockTypeId]: Clock.ClockTypeId,
    unsafeCurrentTimeMillis,
    currentTimeMillis: Effect.sync(unsafeCurrentTimeMillis),
    unsafeCurrentTimeNanos,
    currentTimeNanos: Effect.sync(unsafeCurrentTimeNanos),
    sleep: (duration) => real.sleep(duration),
  }
}
