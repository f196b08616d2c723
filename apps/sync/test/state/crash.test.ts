import { spawn } from "node:child_process"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import { paperlessEndpoint, papraEndpoint } from "../../src/state/endpoints.js"
import { StateStore } from "../../src/state/store.js"
import { tempDirectory } from "./temp.js"

const here = Path.dirname(fileURLToPath(import.meta.url))
const tsx = Path.resolve(here, "../../../../node_modules/.bin/tsx")
const pair = {
  source: paperlessEndpoint("https://paperless.test"),
  target: papraEndpoint("https://papra.test", "org_x"),
}

/**
 * Starts the writer and SIGKILLs it the moment it reports being inside a transaction. tsx runs the
 * script in a child node process, so the whole process group is killed.
 */
const killMidTransaction = (path: string) =>
  Effect.async<number, Error>((resume) => {
    // Workspace packages resolve to their sources, as in the tests themselves (no build needed).
    const child = spawn(tsx, ["--conditions=source", Path.join(here, "crash-writer.ts"), path], {
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    })
    const killGroup = () => {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, "SIGKILL")
    }
    let errors = ""
    let writerPid = 0
    child.stderr.on("data", (chunk) => {
      errors += String(chunk)
    })
    child.stdout.on("data", (chunk) => {
      const writer = /inside-transaction (\d+)/.exec(String(chunk))?.[1]
      if (writer !== undefined) {
        writerPid = Number(writer)
        killGroup()
      }
    })
    // A writer that cannot even start (no tsx) must fail the test at once, not time it out.
    child.on("error", (cause) => resume(Effect.fail(new Error(`cannot start the writer: ${cause.message}`))))
    child.on("exit", (code, signal) =>
      resume(
        signal === "SIGKILL"
          ? Effect.succeed(writerPid)
          : Effect.fail(new Error(`writer exited ${code}: ${errors}`)),
      ),
    )
    return Effect.sync(killGroup)
  })

describe("state store after a crash", () => {
  it.scopedLive(
    "a process killed mid-transaction leaves its journal entry half-done and nothing of the transaction",
    () =>
      Effect.gen(function* () {
        const directory = yield* tempDirectory
        const path = Path.join(directory, "state.db")
        const writer = yield* killMidTransaction(path)
        // The writer is the grandchild (under tsx); it is gone a moment after its group was killed.
        // A zombie (no reaper in some containers) still answers signal 0: the store itself looks
        // at /proc for that, so the wait is bounded.
        yield* Effect.try(() => process.kill(writer, 0)).pipe(
          Effect.flip,
          Effect.retry(Schedule.spaced("20 millis").pipe(Schedule.upTo("2 seconds"))),
          Effect.ignore,
        )

        const store = yield* Effect.map(Layer.build(StateStore.layer({ path })), Context.get(StateStore))
        const halfDone = yield* store.journal.halfDone(pair)
        expect(halfDone).toMatchObject([
          { sourceId: "2", state: "pending", sha256: "h2", md5: "m2", targetId: null },
        ])
        expect((yield* store.links.list(pair)).map((link) => [link.sourceId, link.targetId])).toEqual([
          ["1", "doc_1"],
        ])
        expect(Option.isSome(yield* store.snapshots.get(pair, "1"))).toBe(true)
        expect(yield* store.snapshots.get(pair, "2")).toEqual(Option.none())
        expect(Option.getOrThrow(yield* store.checkpoints.get(pair)).cursor).toBe("2024-01-02")
        // Killed on this machine, in this pid namespace: known dead, so its lease is not waited for.
        expect((yield* store.runs.list({ pair })).map((run) => run.outcome)).toEqual(["interrupted"])
        yield* store.runs.start(pair, "migrate")
        expect((yield* store.runs.list({ pair })).map((run) => run.outcome)).toEqual([
          "running",
          "interrupted",
        ])
      }),
    60_000,
  )
})
