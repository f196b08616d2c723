import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Scope from "effect/Scope"
import type { Pair } from "../state/endpoints.js"
import type { Run } from "../state/runs.js"
import { StateStore } from "../state/store.js"

/**
 * One run of a pair, as `migrate` and `sync` both keep it: started in the history (which takes the
 * pair's lease), the work raced against the lease's renewal so a run that lost it stops at once,
 * then settled (its outcome written) after the race: a renewal due just then must not take a
 * finished run for a lost one. A run that fails or is interrupted anywhere is finished as such.
 */
export const withRun = <A, E, R, B, E2, R2>(
  pair: Pair,
  command: "migrate" | "sync",
  work: (run: Run) => Effect.Effect<A, E, R | Scope.Scope>,
  settle: (run: Run, result: A) => Effect.Effect<B, E2, R2>,
) =>
  Effect.gen(function* () {
    const store = yield* StateStore
    const run = yield* store.runs.start(pair, command)
    return yield* work(run).pipe(
      Effect.scoped,
      Effect.raceFirst(store.runs.holdLease(run.id)),
      Effect.flatMap((result) => settle(run, result)),
      Effect.onExit((exit) =>
        Exit.isFailure(exit)
          ? store.runs
              .finish(run.id, { outcome: Exit.isInterrupted(exit) ? "interrupted" : "failed", counts: {} })
              .pipe(Effect.ignore)
          : Effect.void,
      ),
    )
  })
