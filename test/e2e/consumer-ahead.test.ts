import { pairOf, StateStore } from "@paperbridge/sync"
import * as Effect from "effect/Effect"
import { afterEach, describe, expect, it } from "vitest"
import { runMigration, startWorld, type World } from "./harness.js"

// Papra → Paperless keeps the consumer busy: the next file is posted while earlier ones are still
// queued, and the queued tasks are watched together (one queue read a round), not one slot each.

let world: World | undefined
afterEach(async () => {
  await world?.close()
  world = undefined
})

const POST = "/api/documents/post_document/"
const count = (w: World, method: string, path: string) =>
  w.paperless.requests.filter((request) => request.method === method && request.path === path).length

/** Resolves once `condition` holds, looking again on every turn of the event loop (no timer). */
const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve))
}

describe("Papra → Paperless 3.0 at concurrency 1", () => {
  it("posts all six files while the worker holds every task, then links each exactly once", async () => {
    world = await startWorld({ generation: "3.0" })
    const w = world
    const documents = Array.from({ length: 6 }, (_, index) => ({
      name: `queued-${index + 1}.txt`,
      bytes: Buffer.from(`Queued document ${index + 1}\n`),
      mimeType: "text/plain",
    }))
    w.papra.seed({ documents })
    const release = w.paperless.pauseWorker()
    try {
      const run = runMigration(w, "papra-to-paperless", { concurrency: 1 })
      await until(() => count(w, "POST", POST) >= 6)
      // Two queue reads after the sixth post: at least one round looked at all six queued tasks.
      const atSixth = w.paperless.requests.length
      await until(
        () =>
          w.paperless.requests
            .slice(atSixth)
            .filter((request) => request.method === "GET" && request.path === "/api/tasks/active/").length >=
          2,
      )
      const paused = [...w.paperless.requests]
      release()
      const result = await run
      expect(result.failures).toEqual([])
      expect(result.documents.uploaded).toBe(6)

      // Nothing was consumed while paused: every post came before any document existed.
      expect(paused.filter((request) => request.method === "POST" && request.path === POST)).toHaveLength(6)
      expect(
        paused.filter(
          (request) => request.method === "GET" && /^\/api\/documents\/\d+\/$/.test(request.path),
        ),
      ).toEqual([])
      // Once three tasks waited, a round was one queue read and no per-task look-up (they were all
      // queued): before release, no `GET /api/tasks/` after the first `GET /api/tasks/active/`.
      const firstQueueRead = paused.findIndex(
        (request) => request.method === "GET" && request.path === "/api/tasks/active/",
      )
      expect(firstQueueRead).toBeGreaterThanOrEqual(0)
      expect(
        paused
          .slice(firstQueueRead)
          .filter((request) => request.method === "GET" && request.path === "/api/tasks/"),
      ).toEqual([])
      // Between the first and the last queue read of the run, a task is looked up by id only once
      // it left the queue, so at most once each: six, whatever the number of rounds.
      const all = w.paperless.requests
      const lastQueueRead = all.findLastIndex(
        (request) => request.method === "GET" && request.path === "/api/tasks/active/",
      )
      expect(
        all
          .slice(firstQueueRead, lastQueueRead)
          .filter((request) => request.method === "GET" && request.path === "/api/tasks/").length,
      ).toBeLessThanOrEqual(6)

      const links = await Effect.gen(function* () {
        const store = yield* StateStore
        return yield* store.links.list(pairOf(w.servers, "papra-to-paperless"), "document")
      }).pipe(Effect.provide(StateStore.layer({ path: w.statePath })), Effect.scoped, Effect.runPromise)
      expect(links).toHaveLength(6)
      expect(new Set(links.map((link) => link.sourceId)).size).toBe(6)
      expect(new Set(links.map((link) => link.targetId)).size).toBe(6)
    } finally {
      release()
    }
  }, 20_000)
})
