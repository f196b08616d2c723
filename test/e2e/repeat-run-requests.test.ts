import { makeDemoCorpus } from "@paperbridge/sync/demo"
import type { Fault } from "@paperbridge/testkit"
import { afterEach, describe, expect, it } from "vitest"
import { papraDocuments, papraUploads, runEngine, type SimulatorPair, startPair } from "./world.js"

// What a run costs must not grow with what earlier runs already learnt: a byte-identical twin is
// not downloaded again, a file the target refused for good is not downloaded again until it
// changes (or the user asks), and a Papra 409 never scans the organization and its trash per file.

let pair: SimulatorPair | undefined
afterEach(async () => {
  await pair?.close()
  pair = undefined
})

const emptyCorpus = () => ({ ...makeDemoCorpus({ documents: 1, oversized: false }), documents: [] })

const downloads = (p: SimulatorPair) =>
  p.paperless.requests.filter((request) => /^\/api\/documents\/\d+\/download\/$/.test(request.path)).length

const papraGets = (p: SimulatorPair, pattern: RegExp) =>
  p.papra.requests.filter((request) => request.method === "GET" && pattern.test(request.path)).length

describe.each(["3.0", "2.20"] as const)("Paperless %s → Papra, run again", (generation) => {
  it("does not download a byte-identical twin again", async () => {
    pair = await startPair({ direction: "paperless-to-papra", generation, corpus: emptyCorpus() })
    const bytes = Buffer.from("The same scan, filed twice\n")
    pair.paperless.seed({
      documents: [
        { fileName: "scan.txt", bytes, title: "Filed under bank" },
        { fileName: "scan-copy.txt", bytes, title: "Filed under tax" },
        { fileName: "other.txt", bytes: Buffer.from("another file\n"), title: "Other" },
      ],
    })
    const first = await runEngine(pair.target, "paperless-to-papra")
    expect(first.documents.duplicate).toBe(1)
    const before = downloads(pair)
    const second = await runEngine(pair.target, "paperless-to-papra")
    expect(second.documents.duplicate).toBe(1)
    expect(second.failures).toEqual([])
    expect(downloads(pair) - before).toBe(0)
  })

  it("does not download a file over Papra's upload limit again until asked", async () => {
    pair = await startPair({
      direction: "paperless-to-papra",
      generation,
      corpus: emptyCorpus(),
      maxUploadSize: 1024,
    })
    pair.paperless.seed({
      documents: [
        { fileName: "big.txt", bytes: Buffer.from(`${"x".repeat(4000)}\n`), title: "Big" },
        { fileName: "small.txt", bytes: Buffer.from("small\n"), title: "Small" },
      ],
    })
    const first = await runEngine(pair.target, "paperless-to-papra")
    expect(first.failures.map((failure) => failure.title)).toEqual(["Big"])
    expect(first.failures[0]?.reason).toMatch(/413/)

    const downloadsBefore = downloads(pair)
    const uploadsBefore = papraUploads(pair.papra).length
    const second = await runEngine(pair.target, "paperless-to-papra")
    expect(second.failures.map((failure) => failure.title)).toEqual(["Big"])
    expect(second.failures[0]?.reason).toMatch(/refused before.*--retry-refused/)
    expect(downloads(pair) - downloadsBefore).toBe(0)
    expect(papraUploads(pair.papra).length - uploadsBefore).toBe(0)

    const retried = await runEngine(pair.target, "paperless-to-papra", { retryRefused: true })
    expect(retried.failures[0]?.reason).toMatch(/413/)
    expect(downloads(pair) - downloadsBefore).toBe(1)
  })
})

describe("Paperless → Papra, first run", () => {
  it("writes a document with one upload, one PATCH, one tag call and a PUT per value it has", async () => {
    pair = await startPair({ direction: "paperless-to-papra", generation: "3.0", corpus: emptyCorpus() })
    pair.paperless.seed({
      tags: [{ name: "Finance" }, { name: "Tax" }],
      correspondents: [{ name: "ACME Corp" }],
      customFields: [
        { name: "Invoice reference", dataType: "string" },
        { name: "Page count", dataType: "integer" },
      ],
      documents: [
        {
          fileName: "invoice.txt",
          bytes: Buffer.from("Invoice 4711\n"),
          title: "ACME invoice",
          tags: ["Finance", "Tax"],
          correspondent: "ACME Corp",
          // An empty value is not written: the fresh upload has none already.
          customFields: { "Invoice reference": "INV-4711", "Page count": null },
        },
      ],
    })
    const since = pair.papra.requests.length
    const result = await runEngine(pair.target, "paperless-to-papra")
    expect(result.failures).toEqual([])
    // The document's writes: everything but reads and the organization-wide definitions.
    const perDocument = pair.papra.requests
      .slice(since)
      .filter((request) => request.method !== "GET" && /\/documents(\/|$)/.test(request.path))
      .map((request) => `${request.method} ${request.path.replace(/^\/api\/organizations\/[^/]+/, "")}`)
      .map((line) => line.replace(/\b(doc|cpd)_[a-z0-9]+/g, ":id"))
    expect(perDocument.sort()).toEqual(
      [
        "PATCH /documents/:id",
        "POST /documents",
        "POST /documents/batch/tags",
        // Correspondent (a select property) and the reference; not the empty page count.
        "PUT /documents/:id/custom-properties/:id",
        "PUT /documents/:id/custom-properties/:id",
      ].sort(),
    )
  })
})

describe("Paperless → Papra when a person uploads the same file during the run", () => {
  it("links to it after one more listing, without scanning the trash", async () => {
    pair = await startPair({ direction: "paperless-to-papra", generation: "3.0", corpus: emptyCorpus() })
    const bytes = Buffer.from("Uploaded by hand while the migration ran\n")
    pair.paperless.seed({ documents: [{ fileName: "hand.txt", bytes, title: "By hand" }] })
    const papra = pair.papra
    // The person's upload lands just before the engine's: the engine's gets 409.
    const draw = papra.faults.draw.bind(papra.faults)
    papra.faults.draw = (method, path): ReadonlyArray<Fault> => {
      if (method === "POST" && /\/documents\/?$/.test(path)) {
        papra.faults.draw = draw
        papra.seed({ documents: [{ name: "hand upload", bytes, mimeType: "text/plain" }] })
      }
      return draw(method, path)
    }
    const result = await runEngine(pair.target, "paperless-to-papra")
    expect(result.failures).toEqual([])
    expect(result.documents["linked-existing"]).toBe(1)
    expect(papraGets(pair, /\/documents\/deleted/)).toBe(0)
    // One listing when the run starts, one after the 409.
    expect(papraGets(pair, /\/organizations\/[^/]+\/documents\/?$/)).toBe(2)
    expect((await papraDocuments(pair.target.servers)).map((document) => document.name)).toEqual(["By hand"])
  })
})

describe.each(["3.0", "2.20"] as const)("Papra → Paperless %s, run again", (generation) => {
  it("does not download a file of a type Paperless cannot consume again", async () => {
    pair = await startPair({ direction: "papra-to-paperless", generation, corpus: emptyCorpus() })
    const zip = Buffer.concat([Buffer.from("PK\u0003\u0004"), Buffer.alloc(64, 1)])
    pair.papra.seed({
      documents: [
        { name: "archive.zip", bytes: zip, mimeType: "application/zip" },
        { name: "note.txt", bytes: Buffer.from("a note\n"), mimeType: "text/plain" },
      ],
    })
    const fileDownloads = () => papraGets(pair as SimulatorPair, /\/documents\/[^/]+\/file$/)
    const first = await runEngine(pair.target, "papra-to-paperless")
    expect(first.failures.map((failure) => failure.title)).toEqual(["archive.zip"])
    expect(first.failures[0]?.reason).toMatch(/not supported/)
    const before = fileDownloads()
    const second = await runEngine(pair.target, "papra-to-paperless")
    expect(second.failures[0]?.reason).toMatch(/refused before/)
    expect(fileDownloads() - before).toBe(0)
  })
})
