import { seededRandom } from "@paperbridge/testkit"
import { describe, expect, it } from "vitest"
import { deleteOnPapra, renameOnPaperless, tagOnPapra } from "./sync-edits.js"
import {
  engineTarget,
  expectNoEcho,
  migratedPair,
  requestMarks,
  runSync,
  type SyncWorld,
  writesSince,
} from "./sync-world.js"
import {
  accepted,
  paperlessUploads,
  paperlessView,
  papraUploads,
  papraView,
  prepareChild,
  requestActedOn,
  storedState,
} from "./world.js"

/**
 * A sync SIGKILLed in the middle and run again ends where an uninterrupted sync ends: every edit
 * merged once, the delete carried, the documents new on each side carried once (one accepted
 * upload each), nothing half-done in the journal, and a further sync with nothing to write.
 *
 * The child syncs one request at a time, so the writes of a sync come in the same order in every
 * world: the first kill lands after the server acted on a seeded random one of them (its answer
 * held, so the child never learns the outcome), the second on the first write of the resumed run.
 */

const WRITE = { method: /^(POST|PUT|PATCH|DELETE)$/, path: /^\/api\// }

type Generation = "3.0" | "2.20"
type Direction = "paperless-to-papra" | "papra-to-paperless"

/** Between runs, on both sides: an edit each, a delete, and two new documents each. */
const changeBothSides = async (w: SyncWorld) => {
  await renameOnPaperless(w, w.ids.paperless.invoice, "ACME invoice (paid)")
  await tagOnPapra(w, w.ids.papra.receipt, "Finance", "add")
  await deleteOnPapra(w, w.ids.papra.letter)
  w.paperless.seed({
    documents: [
      {
        fileName: "made-1.txt",
        bytes: "first made on Paperless",
        title: "Made on Paperless 1",
        tags: ["Home"],
      },
      { fileName: "made-2.txt", bytes: "second made on Paperless", title: "Made on Paperless 2" },
    ],
  })
  w.papra.seed({
    documents: [
      { name: "Made on Papra 1", bytes: "first made on Papra", mimeType: "text/plain", tags: ["Finance"] },
      { name: "Made on Papra 2", bytes: "second made on Papra", mimeType: "text/plain" },
    ],
  })
}

/** Both servers' documents by file, with their metadata, and the uploads each accepted. */
const outcome = async (w: SyncWorld) => ({
  paperless: await paperlessView(w.servers),
  papra: await papraView(w.servers),
  uploads: {
    paperless: accepted(paperlessUploads(w.paperless)).length,
    papra: accepted(papraUploads(w.papra)).length,
  },
})

const viewsOf = (seen: Awaited<ReturnType<typeof outcome>>) => ({
  paperless: Object.fromEntries(seen.paperless.view),
  papra: Object.fromEntries(seen.papra.view),
})

/** An uninterrupted sync of the same changes: what the crashed one must end up equal to, and its writes. */
const reference = async (generation: Generation, direction: Direction) => {
  const w = await migratedPair(generation, direction)
  try {
    await changeBothSides(w)
    const before = requestMarks(w)
    const result = await runSync(w, { concurrency: 1 })
    expect(result.failures).toEqual([])
    const writes = {
      paperless: w.paperless.requests.slice(before.paperless).filter((r) => r.method !== "GET").length,
      papra: w.papra.requests.slice(before.papra).filter((r) => r.method !== "GET").length,
    }
    return { writes, seen: await outcome(w) }
  } finally {
    await w.close()
  }
}

const scenarios = [
  { generation: "3.0", direction: "paperless-to-papra", seed: 11 },
  { generation: "2.20", direction: "paperless-to-papra", seed: 12 },
  { generation: "3.0", direction: "papra-to-paperless", seed: 13 },
  { generation: "2.20", direction: "papra-to-paperless", seed: 14 },
] as const

describe.concurrent("a sync SIGKILLed twice and run again", () => {
  it.each(scenarios)(
    "migrated $direction, Paperless $generation, seed $seed",
    async ({ generation, direction, seed }) => {
      const random = seededRandom(seed)
      const expected = await reference(generation, direction)
      const w = await migratedPair(generation, direction)
      const log: Array<string> = []
      const target = engineTarget(w)
      const first = prepareChild(w.paperless, w.papra, target, direction, { command: "sync", concurrency: 1 })
      const second = prepareChild(w.paperless, w.papra, target, direction, {
        command: "sync",
        concurrency: 1,
      })
      try {
        await changeBothSides(w)
        const before = requestMarks(w)

        // The first kill: after the server acted on a seeded random write of the sync.
        const side = random() < 0.5 ? "paperless" : "papra"
        const nth = 1 + Math.floor(random() * expected.writes[side])
        const gate = requestActedOn(w[side].faults, WRITE, nth)
        const killed = await first.run(gate.acted)
        gate.release()
        expect(killed.killed, `the first child was killed (${killed.stderr})`).toBe(true)
        log.push(`killed once ${side} acted on write #${nth} of ${expected.writes[side]}`)

        // The second: on the resumed run's first write to either side, if it has one left.
        const gates = [requestActedOn(w.paperless.faults, WRITE, 1), requestActedOn(w.papra.faults, WRITE, 1)]
        const again = await second.run(Promise.race(gates.map((entry) => entry.acted)))
        for (const entry of gates) entry.release()
        expect(again.killed || again.exitCode === 0, `the second child: ${again.stderr}`).toBe(true)
        log.push(again.killed ? "killed again on the resumed run's first write" : "the resumed run finished")

        const finished = await runSync(w)
        expect(finished.failures).toEqual([])
        expect(finished.linked.failed).toBe(0)

        // Exactly once and with every change: the same as after the uninterrupted sync.
        const seen = await outcome(w)
        expect(seen.paperless.count).toBe(expected.seen.paperless.count)
        expect(seen.papra.count).toBe(expected.seen.papra.count)
        expect(viewsOf(seen)).toEqual(viewsOf(expected.seen))
        expect(seen.uploads).toEqual(expected.seen.uploads)

        // Nothing half-done either way, and a further sync writes nothing.
        for (const way of ["paperless-to-papra", "papra-to-paperless"] as const) {
          const state = await storedState(target, way)
          expect(state.pending.filter((entry) => entry.kind === "document")).toEqual([])
          expect(state.failures).toEqual([])
        }
        await expectNoEcho(w)
        expect(writesSince(w, before).length).toBeGreaterThan(0)
      } finally {
        first.dispose()
        second.dispose()
        console.log(`sync ${direction} ${generation} seed ${seed}: ${log.join("; ")}`)
        await w.close()
      }
    },
    // Two children load the engine under tsx (seconds of CPU each) while other scenarios run.
    200_000,
  )
})
