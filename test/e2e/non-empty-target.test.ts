import { PaperlessClient } from "@paperbridge/paperless"
import { PapraClient } from "@paperbridge/papra"
import { serverLayers } from "@paperbridge/sync"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { afterEach, describe, expect, it } from "vitest"
import { runMigration, smallCorpus, startWorld, type World } from "./harness.js"

let world: World | undefined
afterEach(async () => {
  await world?.close()
  world = undefined
})

const papraState = (w: World) =>
  Effect.gen(function* () {
    const papra = yield* PapraClient
    return {
      documents: Chunk.toReadonlyArray(yield* Stream.runCollect(papra.documents.stream())),
      tags: yield* papra.tags.list(),
      properties: yield* papra.customProperties.list(),
    }
  }).pipe(Effect.provide(serverLayers(w.servers)), Effect.runPromise)

describe("migrating into a Papra organization that already holds documents", () => {
  it("links identical files instead of uploading them and reuses same-named tags and properties", async () => {
    const corpus = smallCorpus()
    world = await startWorld({ generation: "3.0", corpus })
    const already = corpus.documents.slice(0, 5)
    // The user uploaded some of the same files by hand, under other names, and made some tags.
    world.papra.seed({
      tags: [{ name: "finance", color: "#000000" }, { name: "Personal" }],
      customProperties: [{ name: "Correspondent", type: "select", options: ["ACME Corp"] }],
      documents: already.map((document, index) => ({
        name: `hand upload ${index}`,
        bytes: document.bytes,
        mimeType: document.mimeType,
        tags: ["Personal"],
      })),
    })

    const summary = await runMigration(world, "paperless-to-papra")
    expect(summary.failures).toEqual([])
    expect(summary.documents["linked-existing"]).toBe(already.length)

    const { documents, tags, properties } = await papraState(world)
    const distinctFiles = new Set(corpus.documents.map((document) => document.bytes.toString("base64"))).size
    expect(documents).toHaveLength(distinctFiles)
    // Case-insensitive names: "Finance" from Paperless is the user's "finance", not a second tag.
    expect(tags.filter((tag) => tag.name.toLowerCase() === "finance")).toHaveLength(1)
    expect(properties.filter((property) => property.name === "Correspondent")).toHaveLength(1)
    const correspondent = properties.find((property) => property.name === "Correspondent")
    expect(correspondent?.options.map((option) => option.name).sort()).toEqual(
      [...corpus.correspondents].sort(),
    )
    // The linked documents now carry the Paperless metadata, and keep the user's own tag.
    const linked = documents.find((document) => document.name === already[0]?.title)
    expect(linked?.tags.map((tag) => tag.name)).toContain("Personal")
  })
})

describe("migrating into a Paperless-ngx that already holds documents", () => {
  it.each(["3.0", "2.20"] as const)(
    "Paperless %s: identical files are linked, same-named tags and fields reused",
    async (generation) => {
      world = await startWorld({ generation })
      const files = Array.from({ length: 6 }, (_, index) => Buffer.from(`Papra file ${index}\n`))
      world.papra.seed({
        tags: [{ name: "Finance" }],
        customProperties: [{ name: "Reference", type: "text" }],
        documents: files.map((bytes, index) => ({
          name: `Papra ${index}`,
          bytes,
          mimeType: "text/plain",
          tags: ["Finance"],
          properties: { Reference: `R-${index}` },
        })),
      })
      // Two of the files were already put into Paperless by hand, with a tag and a field of the same names.
      world.paperless.seed({
        tags: [{ name: "Finance" }],
        customFields: [{ name: "Reference", dataType: "longtext" }],
        documents: files.slice(0, 2).map((bytes, index) => ({ fileName: `by-hand-${index}.txt`, bytes })),
      })
      const summary = await runMigration(world, "papra-to-paperless")
      expect(summary.failures).toEqual([])
      expect(summary.documents["linked-existing"]).toBe(2)
      expect(summary.documents.uploaded).toBe(4)
      const state = await Effect.gen(function* () {
        const paperless = yield* PaperlessClient
        return {
          documents: Chunk.toReadonlyArray(yield* Stream.runCollect(paperless.documents.stream())),
          tags: Chunk.toReadonlyArray(yield* Stream.runCollect(paperless.tags.stream())),
          fields: Chunk.toReadonlyArray(yield* Stream.runCollect(paperless.customFields.stream())),
        }
      }).pipe(Effect.provide(serverLayers(world.servers)), Effect.runPromise)
      expect(state.documents).toHaveLength(files.length)
      expect(state.tags.filter((tag) => tag.name === "Finance")).toHaveLength(1)
      expect(state.fields.filter((field) => field.name === "Reference")).toHaveLength(1)
      // The hand-made documents now carry the Papra metadata.
      const finance = state.tags.find((tag) => tag.name === "Finance")?.id
      expect(
        state.documents.every((document) => finance !== undefined && document.tags.includes(finance)),
      ).toBe(true)
      expect(state.documents.map((document) => document.title).sort()).toEqual(
        files.map((_, index) => `Papra ${index}`),
      )
    },
  )
})
