import { DocumentId } from "@paperbridge/paperless"
import { PapraDocumentId } from "@paperbridge/papra"
import * as Effect from "effect/Effect"
import { afterEach, describe, expect, it } from "vitest"
import {
  migratedPair,
  onServers,
  PaperlessClient,
  PapraClient,
  requestMarks,
  runSync,
  type SyncWorld,
  writesSince,
} from "./sync-world.js"
import { papraDocuments } from "./world.js"

let world: SyncWorld | undefined
afterEach(async () => {
  await world?.close()
  world = undefined
})

const papraTwin = async (w: SyncWorld, paperlessTitle: string) => {
  const found = (await papraDocuments(w.servers)).filter((document) => document.name === paperlessTitle)
  expect(found).toHaveLength(1)
  return found[0] as (typeof found)[number]
}

describe.each(["3.0", "2.20"] as const)("sync on a migrated pair (Paperless %s)", (generation) => {
  it("a first sync after the migration changes nothing, and neither does a second", async () => {
    world = await migratedPair(generation)
    const before = requestMarks(world)
    const first = await runSync(world)
    expect(first.linked).toMatchObject({ unchanged: 3, updated: 0, conflicts: 0, failed: 0 })
    expect(writesSince(world, before)).toEqual([])
  })

  it("carries a title edited on Paperless to Papra, then makes no write the next time", async () => {
    const w = (world = await migratedPair(generation))
    await onServers(
      w,
      Effect.flatMap(PaperlessClient, (paperless) =>
        paperless.documents.update(DocumentId.make(w.paperlessIds.invoice), { title: "ACME invoice (paid)" }),
      ),
    )
    const result = await runSync(w)
    expect(result.linked).toMatchObject({ updated: 1, unchanged: 2, failed: 0 })
    await papraTwin(w, "ACME invoice (paid)")
    const before = requestMarks(w)
    const again = await runSync(w)
    expect(again.linked).toMatchObject({ updated: 0, unchanged: 3 })
    expect(writesSince(w, before)).toEqual([])
  })

  it("carries a tag added on Papra to Paperless", async () => {
    const w = (world = await migratedPair(generation))
    const receipt = await papraTwin(w, "Corner shop receipt")
    await onServers(
      w,
      Effect.gen(function* () {
        const papra = yield* PapraClient
        const tags = yield* papra.tags.list()
        const finance = tags.find((tag) => tag.name === "Finance")
        if (finance === undefined) throw new Error("no Finance tag on Papra")
        yield* papra.documents.addTag(PapraDocumentId.make(receipt.id), finance.id)
      }),
    )
    const result = await runSync(w)
    expect(result.linked).toMatchObject({ updated: 1, failed: 0 })
    const tags = await onServers(
      w,
      Effect.gen(function* () {
        const paperless = yield* PaperlessClient
        const document = yield* paperless.documents.get(DocumentId.make(w.paperlessIds.receipt))
        const all = yield* paperless.tags.list()
        return document.tags.map((id) => all.results.find((tag) => tag.id === id)?.name).sort()
      }),
    )
    expect(tags).toEqual(["Finance", "Home"])
  })
})
