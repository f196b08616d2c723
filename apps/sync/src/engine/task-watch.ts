import {
  type DocumentId,
  PaperlessClient,
  type PaperlessError,
  type PaperlessTaskFailed,
  PaperlessTaskTimeout,
  type TaskUuid,
} from "@paperbridge/paperless"
import type * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as Layer from "effect/Layer"
import * as Queue from "effect/Queue"

export type TaskWaitError = PaperlessError | PaperlessTaskFailed | PaperlessTaskTimeout

/**
 * The consumption of a run's uploads into Paperless, watched together. Paperless consumes about
 * one document a second on one worker, so the next file goes out while earlier ones are still
 * queued: a document holds one of the run's `concurrency` slots while it downloads, spools, posts
 * and writes metadata, and gives it back while its task is in the queue.
 */
export class TaskWatch extends Context.Tag("@paperbridge/sync/TaskWatch")<
  TaskWatch,
  {
    /** Runs `effect` in one of the run's slots (`--concurrency` of them). */
    readonly slot: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
    /**
     * Waits for one upload with all the others: the new document id, or the typed failure. Inside
     * `slot`, the slot is lent out while waiting and taken back before this answers.
     */
    readonly awaitTask: (
      taskId: TaskUuid,
      timeout: Duration.DurationInput,
    ) => Effect.Effect<DocumentId, TaskWaitError>
  }
>() {}

export interface TaskWatchPolling {
  /** The wait between looks while tasks finish, and after a new one registers (default 250 ms). */
  readonly initialDelay?: Duration.DurationInput
  /** A look that saw nothing finish waits `factor` times longer (default 1.5), up to `maxDelay` (5 s). */
  readonly factor?: number
  readonly maxDelay?: Duration.DurationInput
}

interface Waiting {
  readonly done: Deferred.Deferred<DocumentId, TaskWaitError>
  readonly registeredAt: number
  readonly deadline: number
}

/** Whether the current fiber holds a slot; forked fibers inherit it, and none of them waits for a task. */
const holdsSlot = FiberRef.unsafeMake(false)

/**
 * One watcher for a run: a background fiber looks at every registered task in one round
 * (`Tasks.poll`: the queue once, then only the tasks that left it) and resolves each waiter.
 */
export const taskWatchLayer = (concurrency: number, polling: TaskWatchPolling = {}) =>
  Layer.scoped(
    TaskWatch,
    Effect.gen(function* () {
      const paperless = yield* PaperlessClient
      const initial = Duration.toMillis(polling.initialDelay ?? "250 millis")
      const max = Duration.toMillis(polling.maxDelay ?? "5 seconds")
      const factor = polling.factor ?? 1.5
      const slots = yield* Effect.makeSemaphore(Math.max(1, concurrency))
      const waiting = new Map<TaskUuid, Waiting>()
      // A registration wakes the poller so that its wait shrinks to `initial`; one pending wake is enough.
      const registered = yield* Queue.sliding<void>(1)
      let delay = initial

      const failEveryone = (cause: Cause.Cause<TaskWaitError>) =>
        Effect.forEach([...waiting], ([taskId, entry]) => {
          waiting.delete(taskId)
          return Deferred.failCause(entry.done, cause)
        })

      const look = Effect.gen(function* () {
        const outcomes = yield* paperless.tasks.poll([...waiting.keys()])
        for (const outcome of outcomes) {
          const entry = waiting.get(outcome.taskId)
          if (entry === undefined) continue
          waiting.delete(outcome.taskId)
          if (outcome._tag === "Consumed") yield* Deferred.succeed(entry.done, outcome.documentId)
          else if (outcome._tag === "Failed") yield* Deferred.fail(entry.done, outcome.failure)
        }
        const now = yield* Clock.currentTimeMillis
        for (const [taskId, entry] of waiting) {
          if (now < entry.deadline) continue
          waiting.delete(taskId)
          yield* Deferred.fail(
            entry.done,
            new PaperlessTaskTimeout({ taskId, waitedMs: now - entry.registeredAt }),
          )
        }
        delay = outcomes.length > 0 ? initial : Math.min(max, delay * factor)
      }).pipe(
        // A failed look fails the documents waiting on it, as a failed `tasks.await` did; the
        // watcher itself goes on for the documents still to come.
        Effect.catchAllCause(failEveryone),
      )

      /** Sleeps `delay` from now, shortened to `initial` by any registration meanwhile. */
      const pause = Effect.gen(function* () {
        const since = yield* Clock.currentTimeMillis
        while (true) {
          const left = since + delay - (yield* Clock.currentTimeMillis)
          if (left <= 0) return
          yield* Effect.raceFirst(Effect.sleep(left), Queue.take(registered))
        }
      })

      const round = Effect.gen(function* () {
        if (waiting.size === 0) yield* Queue.take(registered)
        yield* pause
        if (waiting.size > 0) yield* look
      })
      yield* Effect.forkScoped(Effect.forever(round))

      const lend = <A, E>(wait: Effect.Effect<A, E>) =>
        Effect.flatMap(FiberRef.get(holdsSlot), (held) =>
          held
            ? Effect.acquireUseRelease(
                slots.release(1),
                () => Effect.locally(wait, holdsSlot, false),
                // Taken back even when the wait fails or is interrupted: `slot` gives it up once more.
                () => slots.take(1),
              )
            : wait,
        )

      const awaitTask = (taskId: TaskUuid, timeout: Duration.DurationInput) =>
        Effect.gen(function* () {
          let entry = waiting.get(taskId)
          if (entry === undefined) {
            const registeredAt = yield* Clock.currentTimeMillis
            entry = {
              done: yield* Deferred.make<DocumentId, TaskWaitError>(),
              registeredAt,
              deadline: registeredAt + Duration.toMillis(timeout),
            }
            waiting.set(taskId, entry)
            delay = initial
            yield* Queue.offer(registered, undefined)
          }
          // A waiter interrupted leaves its entry: the next look settles it, and nobody minds.
          return yield* lend(Deferred.await(entry.done))
        })

      return TaskWatch.of({
        slot: (effect) => slots.withPermits(1)(Effect.locally(effect, holdsSlot, true)),
        awaitTask,
      })
    }),
  )
