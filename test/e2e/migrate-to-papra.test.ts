import { PapraClient } from "@paperbridge/papra"
import { serverLayers } from "@paperbridge/sync"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { afterEach, describe, expect, it } from "vitest"
import { runMigration, runVerify, smallCorpus, startWorld, type World } from "./harness.js"

let world: World | undefined
afterEach(async () => {
  await world?.close()
  world = undefined
})

const papraDocuments = (w: World) =>
  Effect.gen(function* () {
    const papra = yield* PapraClient
    return Chunk.toReadonlyArray(yield* Stream.runCollect(papra.documents.stream()))
  }).pipe(Effect.provide(serverLayers(w.servers)), Effect.runPromise)

describe.each(["3.0", "2.20"] as const)("Paperless %s → Papra migration", (generation) => {
  it("carries every document once with its metadata, and a second run changes nothing", async () => {
    const corpus = smallCorpus()
    world = await startWorld({ generation, corpus })
    // The corpus holds byte-identical twins: Papra keeps one copy of each.
    const twins = corpus.documents.filter((document, index) =>
      corpus.documents.slice(0, index).some((earlier) => earlier.bytes.equals(document.bytes)),
    ).length
    expect(twins).toBeGreaterThan(0)
    const distinct = corpus.documents.length - twins
    const first = await runMigration(world, "paperless-to-papra")
    expect(first.documents.failed).toBe(0)
    expect(first.documents.uploaded).toBe(distinct)
    expect(first.documents.duplicate).toBe(twins)

    const documents = await papraDocuments(world)
    expect(documents).toHaveLength(distinct)
    const byName = new Map(documents.map((document) => [document.name, document]))
    for (const source of corpus.documents.slice(0, 20)) {
      const carried = byName.get(source.title)
      expect(carried, source.title).toBeDefined()
      expect(carried?.documentDate?.slice(0, 10)).toBe(source.created)
      const tagNames = carried?.tags.map((tag) => tag.name) ?? []
      for (const tag of source.tags.filter((name) => name !== "receipts")) {
        expect(
          tagNames.some((name) => name.endsWith(tag)),
          `${source.title} has ${tag}`,
        ).toBe(true)
      }
      const correspondent = carried?.customProperties.find((property) => property.name === "Correspondent")
      expect(JSON.stringify(correspondent?.value)).toContain(source.correspondent ?? "")
    }

    const verified = await runVerify(world, "paperless-to-papra")
    expect(verified.drift).toEqual([])
    expect(verified.checked).toBeGreaterThan(0)

    const second = await runMigration(world, "paperless-to-papra")
    expect(second.documents.uploaded).toBe(0)
    expect(second.documents.updated).toBe(0)
    expect(second.documents.unchanged).toBe(distinct)
    expect(second.documents.duplicate).toBe(twins)
    expect(await papraDocuments(world)).toHaveLength(distinct)
  })
})
