import { PaperlessClient } from "@paperbridge/paperless"
import { PapraClient, PapraDocumentId } from "@paperbridge/papra"
import { forgetDocument, pairOf, StateStore, serverLayers } from "@paperbridge/sync"
import { makePdf } from "@paperbridge/testkit"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { afterEach, describe, expect, it } from "vitest"
import { runMigration, runPlan, startWorld, type World } from "./harness.js"
import { papraDocuments, sha256 } from "./world.js"

/**
 * People keep working in both archives between runs: Paperless 3.0 gets a new version of a
 * document, 2.20 rewrites a rotated file in place, someone trashes or deletes the copy on the
 * target, or asks paperbridge to forget a document. Every run after that must leave the target
 * with exactly one live copy per document, carrying the source's current file and metadata.
 */

let world: World | undefined
afterEach(async () => {
  await world?.close()
  world = undefined
})

const onServers = <A, E>(w: World, effect: Effect.Effect<A, E, PaperlessClient | PapraClient>) =>
  effect.pipe(Effect.provide(serverLayers(w.servers)), Effect.runPromise)

const invoice = makePdf(["Invoice 4711", "ACME Corp", "total 120.00 EUR"])
const receipt = makePdf(["Receipt 0815", "Corner shop"])

/** Two tagged Paperless documents: the invoice is the one that changes. */
const seeded = async (generation: "3.0" | "2.20") => {
  const w = await startWorld({ generation })
  const ids = w.paperless.seed({
    tags: [{ name: "Finance" }],
    documents: [
      { fileName: "invoice.pdf", bytes: invoice, title: "ACME invoice", tags: ["Finance"] },
      { fileName: "receipt.pdf", bytes: receipt, title: "Corner shop receipt" },
    ],
  })
  return { w, invoiceId: ids.documents[0] as number }
}

/** A new file version through the API, as the web UI's "upload new version" does (3.0). */
const addVersion = (w: World, documentId: number, bytes: Uint8Array) =>
  onServers(
    w,
    Effect.gen(function* () {
      const paperless = yield* PaperlessClient
      const task = yield* paperless.upload.postVersion(documentId, {
        file: new Blob([bytes], { type: "application/pdf" }),
        filename: "invoice-corrected.pdf",
      })
      yield* paperless.tasks.await(task, { timeout: "1 minute" })
    }),
  )

/** Rotating pages: a new version on 3.0, the original rewritten in place on 2.20. */
const rotate = (w: World, documentId: number) =>
  onServers(
    w,
    Effect.flatMap(PaperlessClient, (paperless) => paperless.bulkEdit.rotate([documentId as never], 90)),
  )

const papraTrash = (w: World) =>
  onServers(
    w,
    Effect.flatMap(PapraClient, (papra) =>
      Stream.runCollect(papra.documents.streamDeleted()).pipe(
        Effect.map((documents) => Chunk.toReadonlyArray(documents).map((document) => document.id as string)),
      ),
    ),
  )

const papraByName = async (w: World, name: string) => {
  const found = (await papraDocuments(w.servers)).filter((document) => document.name === name)
  expect(found).toHaveLength(1)
  return found[0] as (typeof found)[number]
}

describe.each(["3.0", "2.20"] as const)("Paperless %s → Papra, the source's file changed", (generation) => {
  it("replaces the file on Papra with the same metadata, trashes the old copy, and is quiet after", async () => {
    const { w, invoiceId } = await seeded(generation)
    world = w
    const first = await runMigration(w, "paperless-to-papra")
    expect(first.failures).toEqual([])
    const before = await papraByName(w, "ACME invoice")

    await rotate(w, invoiceId)
    const plan = await runPlan(w, "paperless-to-papra")
    expect(plan.documents.fileReplaced).toBe(1)

    const second = await runMigration(w, "paperless-to-papra")
    expect(second.failures).toEqual([])
    expect(second.documents["file-replaced"]).toBe(1)
    expect(second.notices?.[0]?.detail).toMatch(/file changed on the source/)

    const after = await papraByName(w, "ACME invoice")
    expect(after.id).not.toBe(before.id)
    expect(after.originalSha256Hash).not.toBe(before.originalSha256Hash)
    expect(after.tags.map((tag) => tag.name)).toEqual(["Finance"])
    // One live copy per document; the old one waits in Papra's trash.
    expect((await papraDocuments(w.servers)).length).toBe(2)
    expect(await papraTrash(w)).toEqual([before.id])

    const third = await runMigration(w, "paperless-to-papra")
    expect(third.documents.unchanged).toBe(2)
    expect(third.documents["file-replaced"]).toBe(0)
  })
})

describe("Paperless 3.0 document versions → Papra", () => {
  it("carries the newest version by default, checked against that version's checksum, and says older ones stay", async () => {
    const { w, invoiceId } = await seeded("3.0")
    world = w
    const corrected = makePdf(["Invoice 4711", "ACME Corp", "total 102.00 EUR (corrected)"])
    await addVersion(w, invoiceId, corrected)
    const result = await runMigration(w, "paperless-to-papra")
    expect(result.failures).toEqual([])
    expect((await papraByName(w, "ACME invoice")).originalSha256Hash).toBe(sha256(corrected))
    expect(result.lossiness.join("\n")).toMatch(
      /1 document: versions: older versions stay behind on Paperless/,
    )
  })

  it("--versions root carries the first file instead", async () => {
    const { w, invoiceId } = await seeded("3.0")
    world = w
    await addVersion(w, invoiceId, makePdf(["Invoice 4711", "corrected"]))
    const result = await runMigration(w, "paperless-to-papra", { versions: "root" })
    expect(result.failures).toEqual([])
    expect((await papraByName(w, "ACME invoice")).originalSha256Hash).toBe(sha256(invoice))
    expect(result.lossiness.join("\n")).toMatch(/later versions stay behind/)
  })

  it("a version added after the migration replaces the file on Papra", async () => {
    const { w, invoiceId } = await seeded("3.0")
    world = w
    await runMigration(w, "paperless-to-papra")
    const corrected = makePdf(["Invoice 4711", "corrected after the migration"])
    await addVersion(w, invoiceId, corrected)
    const again = await runMigration(w, "paperless-to-papra")
    expect(again.failures).toEqual([])
    expect(again.documents["file-replaced"]).toBe(1)
    expect((await papraByName(w, "ACME invoice")).originalSha256Hash).toBe(sha256(corrected))
    expect((await papraDocuments(w.servers)).length).toBe(2)
  })
})

const trashOnPapra = (w: World, id: string) =>
  onServers(
    w,
    Effect.flatMap(PapraClient, (papra) => papra.documents.delete(PapraDocumentId.make(id))),
  )

const retitleOnPaperless = (w: World, id: number, title: string) =>
  onServers(
    w,
    Effect.flatMap(PaperlessClient, (paperless) => paperless.documents.update(id as never, { title })),
  )

describe.each(["3.0", "2.20"] as const)(
  "Paperless %s → Papra, the copy on Papra trashed by hand",
  (generation) => {
    it("is carried again (restored from the trash), said so, and a later edit lands on the live copy", async () => {
      const { w, invoiceId } = await seeded(generation)
      world = w
      await runMigration(w, "paperless-to-papra")
      const carried = await papraByName(w, "ACME invoice")
      await trashOnPapra(w, carried.id)
      await retitleOnPaperless(w, invoiceId, "ACME invoice (paid)")

      expect((await runPlan(w, "paperless-to-papra")).documents.goneFromTarget).toBe(1)
      const again = await runMigration(w, "paperless-to-papra")
      expect(again.failures).toEqual([])
      expect(again.documents["carried-again"]).toBe(1)
      expect(again.notices?.[0]?.detail).toMatch(/was deleted or trashed there/)
      const live = await papraByName(w, "ACME invoice (paid)")
      expect(live.tags.map((tag) => tag.name)).toEqual(["Finance"])
      expect(await papraTrash(w)).toEqual([])
      expect((await runMigration(w, "paperless-to-papra")).documents.unchanged).toBe(2)
    })

    it("`forget` makes the next run carry a document anew, linking the copy still there instead of duplicating it", async () => {
      const { w, invoiceId } = await seeded(generation)
      world = w
      await runMigration(w, "paperless-to-papra")
      const pair = pairOf(w.servers, "paperless-to-papra")
      const forgotten = await forgetDocument(pair, String(invoiceId)).pipe(
        Effect.provide(StateStore.layer({ path: w.statePath })),
        Effect.runPromise,
      )
      expect(forgotten).toBe(true)
      const again = await runMigration(w, "paperless-to-papra")
      expect(again.failures).toEqual([])
      expect(again.documents["linked-existing"]).toBe(1)
      expect(again.documents.unchanged).toBe(1)
      expect((await papraDocuments(w.servers)).length).toBe(2)
    })
  },
)

/** Two Papra documents, to be carried to Paperless. */
const papraPair = async (generation: "3.0" | "2.20") => {
  const w = await startWorld({ generation })
  world = w
  w.papra.seed({
    documents: [
      { name: "contract.txt", bytes: Buffer.from("A rental contract\n"), mimeType: "text/plain" },
      { name: "letter.txt", bytes: Buffer.from("A letter from the bank\n"), mimeType: "text/plain" },
    ],
  })
  return w
}

const trashOnPaperless = (w: World, title: string) =>
  onServers(
    w,
    Effect.gen(function* () {
      const paperless = yield* PaperlessClient
      const page = yield* paperless.documents.list({ title__icontains: title })
      const found = page.results.find((document) => document.title === title)
      if (found === undefined) throw new Error(`no Paperless document "${title}"`)
      yield* paperless.documents.delete(found.id)
      return found.id
    }),
  )

const emptyPaperlessTrash = (w: World) =>
  onServers(
    w,
    Effect.flatMap(PaperlessClient, (paperless) => paperless.trash.empty("all")),
  )

const paperlessTitles = (w: World) =>
  onServers(
    w,
    Effect.flatMap(PaperlessClient, (paperless) =>
      Effect.map(paperless.documents.list(), (page) => page.results.map((document) => document.title).sort()),
    ),
  )

describe.each(["3.0", "2.20"] as const)(
  "Papra → Paperless %s, the copy on Paperless trashed by hand",
  (generation) => {
    it("is noticed and carried again once the trash no longer holds its twin; never reported unchanged", async () => {
      const w = await papraPair(generation)
      await runMigration(w, "papra-to-paperless")
      await trashOnPaperless(w, "contract.txt")

      expect((await runPlan(w, "papra-to-paperless")).documents.goneFromTarget).toBe(1)
      const again = await runMigration(w, "papra-to-paperless")
      expect(again.documents.unchanged).toBe(1)
      if (generation === "2.20") {
        // 2.20 refuses a file whose twin is in its trash, and says what to do.
        expect(again.failures[0]?.reason).toMatch(/restore that document or empty the trash/)
        await emptyPaperlessTrash(w)
        const afterEmpty = await runMigration(w, "papra-to-paperless")
        expect(afterEmpty.failures).toEqual([])
        expect(afterEmpty.documents.uploaded + afterEmpty.documents["carried-again"]).toBe(1)
      } else {
        expect(again.failures).toEqual([])
        expect(again.documents["carried-again"]).toBe(1)
      }
      expect(await paperlessTitles(w)).toEqual(["contract.txt", "letter.txt"])
      expect((await runMigration(w, "papra-to-paperless")).documents.unchanged).toBe(2)
    })
  },
)

describe.each(["3.0", "2.20"] as const)(
  "a target that shows none of the linked documents (Paperless %s)",
  (generation) => {
    it("Paperless → Papra: the run stops before carrying anything, and says why", async () => {
      const { w } = await seeded(generation)
      world = w
      await runMigration(w, "paperless-to-papra")
      for (const document of await papraDocuments(w.servers)) await trashOnPapra(w, document.id)
      await expect(runMigration(w, "paperless-to-papra")).rejects.toThrow(
        /Papra lists none of the 2 documents linked to it: nothing was carried/,
      )
      expect(await papraTrash(w)).toHaveLength(2)
    })

    it("Papra → Paperless: the run stops before posting anything, and says why", async () => {
      const w = await papraPair(generation)
      await runMigration(w, "papra-to-paperless")
      await trashOnPaperless(w, "contract.txt")
      await trashOnPaperless(w, "letter.txt")
      const posts = () =>
        w.paperless.requests.filter((request) => request.path.endsWith("/post_document/")).length
      const before = posts()
      await expect(runMigration(w, "papra-to-paperless")).rejects.toThrow(
        /Paperless-ngx lists none of the 2 documents/,
      )
      expect(posts()).toBe(before)
    })
  },
)
