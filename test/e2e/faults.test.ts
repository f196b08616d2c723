import type { BridgeDirection as Direction } from "@paperbridge/sync"
import { makeDemoCorpus } from "@paperbridge/sync/demo"
import type { FaultRule } from "@paperbridge/testkit"
import { describe, expect, it } from "vitest"
import {
  distinctFiles,
  type MigrationResult,
  paperlessUploads,
  paperlessView,
  papraUploads,
  papraView,
  runEngine,
  type SimulatorPair,
  sha256,
  startPair,
  storedState,
} from "./world.js"

/**
 * Both servers misbehave on a share of requests, per route: 429 with Retry-After, 5xx, connection
 * resets and slow bodies. Clients retry only what is safe to repeat; an upload that failed is left
 * half-done in the journal and reconciled by the next run (looked up on the target before it is
 * posted again). Running the migration until it reports no failure, as a user would, must end with
 * every document on the target exactly once.
 */

const corpus = makeDemoCorpus({ documents: 12, oversized: false })
const distinct = distinctFiles(corpus).size

const papraUpload = /^\/api\/organizations\/[^/]+\/documents$/
const papraDownload = /^\/api\/organizations\/[^/]+\/documents\/[^/]+\/file$/
const paperlessUpload = "/api/documents/post_document/"
const paperlessDownload = /^\/api\/documents\/\d+\/download\/$/

/** What a flaky server and network do to a share of the requests. */
const flaky = (upload: RegExp | string, download: RegExp): ReadonlyArray<FaultRule> => [
  // At least a few uploads fail outright, whatever the dice say about the rest.
  { method: "POST", path: upload, times: 2, probability: 0.5, fault: { kind: "status", status: 503 } },
  {
    method: "POST",
    path: upload,
    probability: 0.15,
    fault: { kind: "status", status: 429, retryAfterSeconds: 1 },
  },
  { method: "POST", path: upload, probability: 0.12, fault: { kind: "status", status: 503 } },
  { method: "POST", path: upload, probability: 0.1, fault: { kind: "reset" } },
  { method: "GET", path: download, probability: 0.3, fault: { kind: "slow-body", bytesPerSecond: 40_000 } },
  { method: "GET", probability: 0.08, fault: { kind: "status", status: 502 } },
  { method: "GET", probability: 0.04, fault: { kind: "reset" } },
  { method: "GET", probability: 0.04, fault: { kind: "status", status: 429, retryAfterSeconds: 1 } },
  { method: "PATCH", probability: 0.05, fault: { kind: "status", status: 503 } },
  { method: "PUT", probability: 0.05, fault: { kind: "status", status: 500 } },
]

const faulted = (pair: SimulatorPair) =>
  [...pair.paperless.requests, ...pair.papra.requests].filter(
    (request) => request.status === 0 || request.status === 429 || request.status >= 500,
  )

/** Runs the migration again while it reports failures (or fails as a whole), at most `times` runs. */
const migrateUntilDone = async (
  pair: SimulatorPair,
  direction: Direction,
  times: number,
  options: { readonly papraUploadTimeoutMs?: number } = {},
) => {
  const outcomes: Array<string> = []
  const reasons: Array<string> = []
  for (let run = 1; run <= times; run++) {
    const started = Date.now()
    const result: MigrationResult | Error = await runEngine(pair.target, direction, options).catch(
      (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
    )
    if (result instanceof Error) {
      outcomes.push(`run ${run} failed: ${result.message}`)
      continue
    }
    outcomes.push(`run ${run} (${Date.now() - started} ms): ${JSON.stringify(result.documents)}`)
    reasons.push(...result.failures.map((failure) => failure.reason))
    if (result.documents.failed === 0) return { outcomes, reasons }
  }
  throw new Error(`still failing after ${times} runs:\n${outcomes.join("\n")}`)
}

describe.concurrent("a migration while both servers inject faults", () => {
  it("Paperless 3.0 → Papra: every document once, after as many runs as it takes", async () => {
    const pair = await startPair({ direction: "paperless-to-papra", generation: "3.0", corpus, seed: 7 })
    try {
      pair.papra.faults.add(
        // Papra stores the first two uploads but their answers crawl in after the client gave up.
        { method: "POST", path: papraUpload, times: 2, fault: { kind: "slow-body", bytesPerSecond: 20 } },
        ...flaky(papraUpload, papraDownload),
      )
      pair.paperless.faults.add(...flaky(paperlessUpload, paperlessDownload))
      const { outcomes, reasons } = await migrateUntilDone(pair, "paperless-to-papra", 10, {
        papraUploadTimeoutMs: 1_500,
      })
      expect(reasons.filter((reason) => reason.includes("no answer within"))).not.toEqual([])
      console.log(`faults → Papra (${faulted(pair).length} faulted requests)\n  ${outcomes.join("\n  ")}`)
      expect(faulted(pair).length).toBeGreaterThan(5)
      expect(papraUploads(pair.papra).filter((request) => request.status !== 200).length).toBeGreaterThan(1)
      pair.papra.faults.clear()
      pair.paperless.faults.clear()

      const carried = await papraView(pair.target.servers)
      expect(carried.count).toBe(distinct)
      expect([...carried.view.keys()].sort()).toEqual([...distinctFiles(corpus)].sort())
      // An upload refused with 5xx or cut off never reached the handler; each file was accepted once.
      expect(papraUploads(pair.papra).filter((request) => request.status === 200)).toHaveLength(distinct)
      // A lost answer was reconciled (found by SHA-256), never posted again into Papra's dedupe 409.
      expect(papraUploads(pair.papra).filter((request) => request.status === 409)).toEqual([])
      const state = await storedState(pair.target, "paperless-to-papra")
      expect(state.pending).toEqual([])
      expect(state.failures).toEqual([])
      const again = await runEngine(pair.target, "paperless-to-papra")
      expect(again.documents).toMatchObject({ uploaded: 0, updated: 0, failed: 0, unchanged: distinct })
    } finally {
      await pair.close()
    }
  })

  it("Papra → Paperless 3.0 (which accepts duplicates): every document once", async () => {
    const pair = await startPair({ direction: "papra-to-paperless", generation: "3.0", corpus, seed: 8 })
    try {
      pair.papra.faults.add(...flaky(papraUpload, papraDownload))
      pair.paperless.faults.add(...flaky(paperlessUpload, paperlessDownload))
      const { outcomes } = await migrateUntilDone(pair, "papra-to-paperless", 10)
      console.log(`faults → Paperless (${faulted(pair).length} faulted requests)\n  ${outcomes.join("\n  ")}`)
      expect(faulted(pair).length).toBeGreaterThan(5)
      expect(
        paperlessUploads(pair.paperless).filter((request) => request.status !== 200).length,
      ).toBeGreaterThan(1)
      pair.papra.faults.clear()
      pair.paperless.faults.clear()

      const carried = await paperlessView(pair.target.servers)
      expect(carried.count).toBe(distinct)
      expect([...carried.view.keys()].sort()).toEqual(
        [...new Set(corpus.documents.map((document) => sha256(document.bytes)))].sort(),
      )
      expect(paperlessUploads(pair.paperless).filter((request) => request.status === 200)).toHaveLength(
        distinct,
      )
      const state = await storedState(pair.target, "papra-to-paperless")
      expect(state.pending).toEqual([])
      expect(state.failures).toEqual([])
      const again = await runEngine(pair.target, "papra-to-paperless")
      expect(again.documents).toMatchObject({ uploaded: 0, updated: 0, failed: 0, unchanged: distinct })
    } finally {
      await pair.close()
    }
  })
})
