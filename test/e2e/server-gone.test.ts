import type { BridgeDirection as Direction } from "@paperbridge/sync"
import { makeDemoCorpus } from "@paperbridge/sync/demo"
import { describe, expect, it } from "vitest"
import {
  distinctFiles,
  paperlessUploads,
  paperlessView,
  papraUploads,
  papraView,
  requestActedOn,
  runEngine,
  type SimulatorPair,
  startPair,
  storedState,
} from "./world.js"

/**
 * A server that goes away during the documents phase. Killed: the run stops at once, naming the
 * server, and records no failure for the documents it had not reached; the next run, once the
 * server is back, carries on with nothing lost or doubled. Restarted (back before the run gave up
 * on it): the run goes on; a request cut by the restart fails only its own document.
 */

const corpus = makeDemoCorpus({ documents: 12, oversized: false })
const distinct = distinctFiles(corpus).size

const cases = [
  { direction: "paperless-to-papra", generation: "3.0" },
  { direction: "paperless-to-papra", generation: "2.20" },
  { direction: "papra-to-paperless", generation: "3.0" },
  { direction: "papra-to-paperless", generation: "2.20" },
] as const

const targetOf = (pair: SimulatorPair, direction: Direction) =>
  direction === "paperless-to-papra" ? pair.papra : pair.paperless

const targetName = (direction: Direction) => (direction === "paperless-to-papra" ? "Papra" : "Paperless-ngx")

const uploadRoute = (direction: Direction) =>
  direction === "paperless-to-papra"
    ? { method: "POST", path: /^\/api\/organizations\/[^/]+\/documents$/ }
    : { method: "POST", path: "/api/documents/post_document/" }

const acceptedUploads = (pair: SimulatorPair, direction: Direction) =>
  (direction === "paperless-to-papra" ? papraUploads(pair.papra) : paperlessUploads(pair.paperless)).filter(
    (request) => request.status === 200,
  ).length

/** The run after the outage: every file on the target once, nothing failed or half-done. */
const expectCompletedExactlyOnce = async (pair: SimulatorPair, direction: Direction) => {
  const rerun = await runEngine(pair.target, direction)
  expect(rerun.failures).toEqual([])
  const view =
    direction === "paperless-to-papra"
      ? await papraView(pair.target.servers)
      : await paperlessView(pair.target.servers)
  expect(view.count).toBe(distinct)
  expect(acceptedUploads(pair, direction)).toBe(distinct)
  const state = await storedState(pair.target, direction)
  expect(state.pending).toEqual([])
  expect(state.failures).toEqual([])
  expect(state.documentLinks).toBe(distinct)
}

/** What the run threw, as the CLI shows it; the run must fail. */
const failureOf = (run: Promise<unknown>) =>
  run.then(
    () => "the run did not stop",
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  )

describe.each(cases)(
  "a server going away mid-run, $direction, Paperless $generation",
  ({ direction, generation }) => {
    it("the target killed mid-upload: the run stops naming it, the rest untouched; the rerun completes", async () => {
      const pair = await startPair({ direction, generation, corpus })
      try {
        const target = targetOf(pair, direction)
        // The third upload lands on the target, which then dies before it can answer.
        const gate = requestActedOn(target.faults, uploadRoute(direction), 3)
        const run = failureOf(runEngine(pair.target, direction, { concurrency: 2 }))
        await gate.acted
        await target.stop()
        gate.release()
        expect(await run).toMatch(new RegExp(`^${targetName(direction)} stopped answering during the run`))

        // Not one document recorded as failed: the ones not reached are left for the next run.
        const state = await storedState(pair.target, direction)
        expect(state.failures).toEqual([])
        expect(state.documentLinks).toBeLessThan(distinct)
        // It stopped promptly: no upload tried after the server went away (the cut one and at most
        // one in flight beside it, with concurrency 2).
        expect(
          (direction === "paperless-to-papra" ? papraUploads(pair.papra) : paperlessUploads(pair.paperless))
            .length,
        ).toBeLessThanOrEqual(4)

        await target.start()
        await expectCompletedExactlyOnce(pair, direction)
      } finally {
        await pair.close()
      }
    })

    it("the target restarted during the run: the run goes on, only a cut request's document fails", async () => {
      const pair = await startPair({ direction, generation, corpus })
      try {
        const target = targetOf(pair, direction)
        const gate = requestActedOn(target.faults, uploadRoute(direction), 3)
        const run = runEngine(pair.target, direction, { concurrency: 2 })
        await gate.acted
        await target.stop()
        await target.start()
        gate.release()
        const result = await run
        // At most the documents whose requests the restart cut, each with a transport failure.
        expect(result.failures.length).toBeLessThanOrEqual(2)
        for (const failure of result.failures)
          expect(failure.reason).toMatch(/transport|fail|reset|socket|ECONN/i)
        const { uploaded, duplicate, failed } = result.documents
        expect(uploaded + result.documents["linked-existing"] + duplicate + failed).toBe(
          direction === "paperless-to-papra" ? corpus.documents.length : distinct,
        )
        await expectCompletedExactlyOnce(pair, direction)
      } finally {
        await pair.close()
      }
    })
  },
)

describe("the source going away", () => {
  it("Paperless killed while files are downloaded: the run stops naming it; the rerun completes", async () => {
    const pair = await startPair({ direction: "paperless-to-papra", generation: "3.0", corpus })
    try {
      const gate = requestActedOn(
        pair.paperless.faults,
        { method: "GET", path: /^\/api\/documents\/\d+\/download\/$/ },
        4,
      )
      const run = failureOf(runEngine(pair.target, "paperless-to-papra", { concurrency: 2 }))
      await gate.acted
      await pair.paperless.stop()
      gate.release()
      expect(await run).toMatch(/^Paperless-ngx stopped answering during the run/)
      expect((await storedState(pair.target, "paperless-to-papra")).failures).toEqual([])
      await pair.paperless.start()
      await expectCompletedExactlyOnce(pair, "paperless-to-papra")
    } finally {
      await pair.close()
    }
  })
})
