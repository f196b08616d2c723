import * as Fs from "node:fs/promises"
import { DocumentId, PaperlessClient } from "@paperbridge/paperless"
import { PapraClient, PapraCustomPropertyId, PapraDocumentId } from "@paperbridge/papra"
import { serverLayers } from "@paperbridge/sync"
import { type DemoDocument, makeDemoCorpus } from "@paperbridge/sync/demo"
import * as Effect from "effect/Effect"
import { describe, expect, it } from "vitest"
import {
  type MigrationResult,
  paperlessUploads,
  papraUploads,
  runEngine,
  type SimulatorPair,
  startPair,
  storedState,
} from "./world.js"

/**
 * Per-document failures: a document the target refuses does not stop the run. The summary, the
 * report file and the state store name it with the reason, the run ends "partial", and the next
 * run retries exactly the failed documents (the others are not uploaded again).
 */

const reportedFailures = async (result: MigrationResult) => {
  const report = JSON.parse(await Fs.readFile(result.reportPath, "utf8")) as {
    readonly failures: ReadonlyArray<{ readonly sourceId: string; readonly reason: string }>
  }
  return report.failures
}

const withClients = <A, E>(pair: SimulatorPair, effect: Effect.Effect<A, E, PaperlessClient | PapraClient>) =>
  effect.pipe(Effect.provide(serverLayers(pair.target.servers)), Effect.runPromise)

describe.concurrent("documents the target refuses", () => {
  it("Paperless → Papra: a file over Papra's upload limit and a 500 are reported, then retried alone", async () => {
    const oversized: DemoDocument = {
      title: "Scanned archive box",
      fileName: "archive-box.txt",
      mimeType: "text/plain",
      bytes: Buffer.alloc(64 * 1024, "archive box line\n"),
      created: "2018-12-31",
      tags: ["Home"],
      notes: [],
      customFields: {},
    }
    const base = makeDemoCorpus({ documents: 6, oversized: false })
    const corpus = { ...base, documents: [...base.documents, oversized] }
    expect(Math.max(...base.documents.map((document) => document.bytes.length))).toBeLessThan(16 * 1024)
    const pair = await startPair({
      direction: "paperless-to-papra",
      generation: "3.0",
      corpus,
      maxUploadSize: 16 * 1024,
    })
    try {
      // The first upload (one document at a time, oldest first: Paperless document 1) meets a 500.
      pair.papra.faults.add({
        method: "POST",
        path: /^\/api\/organizations\/[^/]+\/documents$/,
        times: 1,
        fault: { kind: "status", status: 500 },
      })
      const first = await runEngine(pair.target, "paperless-to-papra", { concurrency: 1 })
      expect(first.documents).toMatchObject({ uploaded: 5, duplicate: 1, failed: 2 })
      const oversizedId = String(corpus.documents.length)
      const failedIds = ["1", oversizedId]
      expect(first.failures.map((failure) => failure.sourceId).sort()).toEqual(failedIds.sort())
      const reasonOf = (
        failures: ReadonlyArray<{ readonly sourceId: string; readonly reason: string }>,
        id: string,
      ) => failures.find((failure) => failure.sourceId === id)?.reason
      expect(reasonOf(first.failures, oversizedId)).toMatch(/too large/i)
      expect(reasonOf(first.failures, "1")).toMatch(/500/)
      expect(first.failures.find((failure) => failure.sourceId === oversizedId)?.title).toBe(oversized.title)
      expect((await reportedFailures(first)).map((failure) => failure.sourceId).sort()).toEqual(
        failedIds.sort(),
      )
      const afterFirst = await storedState(pair.target, "paperless-to-papra")
      expect(afterFirst.lastOutcome).toBe("partial")
      expect(afterFirst.failures.map((failure) => failure.sourceId).sort()).toEqual(failedIds.sort())

      // The next run retries those two only: one is carried now, the oversized one is refused again.
      const uploadsBefore = papraUploads(pair.papra).length
      const second = await runEngine(pair.target, "paperless-to-papra", { concurrency: 1 })
      expect(second.documents).toMatchObject({
        uploaded: 1,
        unchanged: 5,
        duplicate: 1,
        failed: 1,
        updated: 0,
      })
      // Only the one that failed on a 500 is sent again: the oversized file is refused from memory.
      expect(papraUploads(pair.papra).length - uploadsBefore).toBe(1)
      const afterSecond = await storedState(pair.target, "paperless-to-papra")
      expect(afterSecond.lastOutcome).toBe("partial")
      expect(afterSecond.failures).toMatchObject([{ sourceId: oversizedId, attempts: 2 }])
      expect(afterSecond.pending.filter((entry) => entry.sourceId !== oversizedId)).toEqual([])

      // The user drops the oversized document from Paperless: the run ends "ok", uploading nothing.
      await withClients(
        pair,
        Effect.flatMap(PaperlessClient, (paperless) =>
          paperless.documents.delete(DocumentId.make(Number(oversizedId))),
        ),
      )
      const uploadsBeforeThird = papraUploads(pair.papra).length
      const third = await runEngine(pair.target, "paperless-to-papra", { concurrency: 1 })
      expect(third.documents).toMatchObject({ uploaded: 0, failed: 0, unchanged: 6, duplicate: 1 })
      expect(papraUploads(pair.papra).length).toBe(uploadsBeforeThird)
      const afterThird = await storedState(pair.target, "paperless-to-papra")
      expect(afterThird.lastOutcome).toBe("ok")
    } finally {
      await pair.close()
    }
  })

  it("Papra → Paperless: an unsupported file and an ASN already in use are reported, then retried alone", async () => {
    const corpus = makeDemoCorpus({ documents: 5, oversized: false })
    const pair = await startPair({ direction: "papra-to-paperless", generation: "3.0", corpus })
    try {
      // Paperless already holds a document with ASN 1000.
      pair.paperless.seed({
        documents: [{ fileName: "existing.txt", bytes: "already filed here", title: "Existing", asn: 1000 }],
      })
      const refused = pair.papra.seed({
        customProperties: [{ name: "ASN", type: "number" }],
        documents: [
          {
            name: "backup.zip",
            bytes: Buffer.concat([Buffer.from("PK\u0003\u0004"), Buffer.alloc(64, 1)]),
            mimeType: "application/zip",
          },
          { name: "numbered.txt", bytes: "a numbered letter", properties: { ASN: 1000 } },
        ],
      })
      const [zipId, numberedId] = refused.documents
      const asnProperty = refused.customProperties.get("ASN")
      if (zipId === undefined || numberedId === undefined || asnProperty === undefined)
        throw new Error("seeding answered no ids")
      const carried = 5 + 2

      const first = await runEngine(pair.target, "papra-to-paperless")
      expect(first.documents).toMatchObject({ failed: 2 })
      expect(first.failures.map((failure) => failure.sourceId).sort()).toEqual([zipId, numberedId].sort())
      const reasonOf = (id: string) => first.failures.find((failure) => failure.sourceId === id)?.reason
      expect(reasonOf(zipId)).toMatch(/not supported/i)
      expect(reasonOf(numberedId)).toMatch(/archive serial number|ASN/i)
      expect((await reportedFailures(first)).map((failure) => failure.sourceId).sort()).toEqual(
        [zipId, numberedId].sort(),
      )
      const afterFirst = await storedState(pair.target, "papra-to-paperless")
      expect(afterFirst.lastOutcome).toBe("partial")
      expect(afterFirst.failures.map((failure) => failure.sourceId).sort()).toEqual(
        [zipId, numberedId].sort(),
      )

      // The user renumbers the letter on Papra; the zip is refused again; nothing else is sent again.
      await withClients(
        pair,
        Effect.flatMap(PapraClient, (papra) =>
          papra.customProperties.setValue(
            PapraDocumentId.make(numberedId),
            PapraCustomPropertyId.make(asnProperty),
            1001,
          ),
        ),
      )
      const uploadsBefore = paperlessUploads(pair.paperless).length
      const second = await runEngine(pair.target, "papra-to-paperless")
      expect(second.documents).toMatchObject({ failed: 1, unchanged: carried - 2 })
      expect(second.documents.updated + second.documents.uploaded).toBe(1)
      // The zip is refused from memory (unchanged since it was refused): not posted again.
      expect(paperlessUploads(pair.paperless).length - uploadsBefore).toBe(0)
      const afterSecond = await storedState(pair.target, "papra-to-paperless")
      expect(afterSecond.lastOutcome).toBe("partial")
      expect(afterSecond.failures).toMatchObject([{ sourceId: zipId, attempts: 2 }])
      const numbered = await withClients(
        pair,
        Effect.flatMap(PaperlessClient, (paperless) =>
          paperless.documents.list({ archive_serial_number: 1001 }),
        ),
      )
      expect(numbered.results.map((document) => document.title)).toHaveLength(1)

      // The user moves the zip to Papra's trash: the run ends "ok".
      await withClients(
        pair,
        Effect.flatMap(PapraClient, (papra) => papra.documents.delete(PapraDocumentId.make(zipId))),
      )
      const third = await runEngine(pair.target, "papra-to-paperless")
      expect(third.documents).toMatchObject({ failed: 0, uploaded: 0, unchanged: carried - 1 })
      const afterThird = await storedState(pair.target, "papra-to-paperless")
      expect(afterThird.lastOutcome).toBe("ok")
    } finally {
      await pair.close()
    }
  })

  it("a refused document that left the source leaves no failure and no half-done entry behind", async () => {
    const base = makeDemoCorpus({ documents: 2, oversized: false })
    const big: DemoDocument = {
      ...(base.documents[0] as DemoDocument),
      title: "Big",
      bytes: Buffer.alloc(32 * 1024, "x\n"),
    }
    const corpus = { ...base, documents: [...base.documents, big] }
    const pair = await startPair({
      direction: "paperless-to-papra",
      generation: "3.0",
      corpus,
      maxUploadSize: 16 * 1024,
    })
    try {
      expect((await runEngine(pair.target, "paperless-to-papra")).documents.failed).toBe(1)
      await withClients(
        pair,
        Effect.flatMap(PaperlessClient, (paperless) => paperless.documents.delete(DocumentId.make(3))),
      )
      expect((await runEngine(pair.target, "paperless-to-papra")).documents.failed).toBe(0)
      const state = await storedState(pair.target, "paperless-to-papra")
      expect(state.lastOutcome).toBe("ok")
      expect(state.failures).toEqual([])
      expect(state.pending).toEqual([])
    } finally {
      await pair.close()
    }
  })
})
