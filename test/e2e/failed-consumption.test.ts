import * as Fs from "node:fs/promises"
import { PaperlessClient } from "@paperbridge/paperless"
import { pairOf, StateStore, serverLayers } from "@paperbridge/sync"
import * as Effect from "effect/Effect"
import { afterEach, describe, expect, it } from "vitest"
import { runMigration, startWorld, type World } from "./harness.js"

// A consumption that ends in failure must not be followed for ever: the document is failed with
// the server's reason, the journal forgets the task, and the next run posts the file again.

let world: World | undefined
afterEach(async () => {
  await world?.close()
  world = undefined
})

const pendingEntries = (w: World) =>
  Effect.gen(function* () {
    const store = yield* StateStore
    return yield* store.journal.halfDone(pairOf(w.servers, "papra-to-paperless"))
  }).pipe(Effect.provide(StateStore.layer({ path: w.statePath })), Effect.scoped, Effect.runPromise)

const onPaperless = <A, E>(w: World, effect: Effect.Effect<A, E, PaperlessClient>) =>
  effect.pipe(Effect.provide(serverLayers(w.servers)), Effect.runPromise)

const trashedTwin = async (generation: "3.0" | "2.20") => {
  const w = await startWorld({ generation })
  const bytes = Buffer.from("A receipt whose twin sits in Paperless's trash\n")
  w.papra.seed({ documents: [{ name: "receipt.txt", bytes, mimeType: "text/plain" }] })
  w.paperless.seed({ documents: [{ fileName: "old-receipt.txt", bytes, trashed: true }] })
  return w
}

describe("a Paperless consumption that fails", () => {
  it("Paperless 2.20: a twin in the trash fails the document with what to do, and the run after the trash is emptied carries it", async () => {
    world = await trashedTwin("2.20")
    const first = await runMigration(world, "papra-to-paperless")
    expect(first.documents.failed).toBe(1)
    expect(first.failures[0]?.reason).toMatch(/trash: restore that document or empty the trash/)
    // The report on disk says the same.
    const report = JSON.parse(await Fs.readFile(first.reportPath, "utf8"))
    expect(report.failures[0].reason).toMatch(/empty the trash/)
    expect(await pendingEntries(world)).toEqual([])

    const again = await runMigration(world, "papra-to-paperless")
    expect(again.failures[0]?.reason).toMatch(/empty the trash/)

    await onPaperless(
      world,
      Effect.flatMap(PaperlessClient, (paperless) => paperless.trash.empty("all")),
    )
    const afterEmpty = await runMigration(world, "papra-to-paperless")
    expect(afterEmpty.failures).toEqual([])
    expect(afterEmpty.documents.uploaded).toBe(1)
    const documents = await onPaperless(
      world,
      Effect.flatMap(PaperlessClient, (paperless) => paperless.documents.list()),
    )
    expect(documents.results.map((document) => document.title)).toEqual(["receipt.txt"])
    expect(await pendingEntries(world)).toEqual([])
  })

  it("Paperless 3.0: a twin in the trash does not stop consumption (the file is carried as a new document)", async () => {
    world = await trashedTwin("3.0")
    const first = await runMigration(world, "papra-to-paperless")
    expect(first.failures).toEqual([])
    expect(first.documents.uploaded).toBe(1)
    const documents = await onPaperless(
      world,
      Effect.flatMap(PaperlessClient, (paperless) => paperless.documents.list()),
    )
    expect(documents.results.map((document) => document.title)).toEqual(["receipt.txt"])
  })
})
