import { PaperlessClient } from "@paperbridge/paperless"
import { serverLayers } from "@paperbridge/sync"
import { makePdf, type PapraCorpus } from "@paperbridge/testkit"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { afterEach, describe, expect, it } from "vitest"
import { runMigration, runVerify, startWorld, type World } from "./harness.js"

let world: World | undefined
afterEach(async () => {
  await world?.close()
  world = undefined
})

/** A Papra organization with every property type, tags, notes and dates. */
const papraCorpus = (): PapraCorpus => ({
  tags: [{ name: "Finance", color: "#1F78B4" }, { name: "Finance/Tax", color: "#33A02C" }, { name: "Home" }],
  customProperties: [
    { name: "Reference", type: "text" },
    { name: "Amount", type: "number" },
    { name: "Due", type: "date" },
    { name: "Paid", type: "boolean" },
    { name: "Status", type: "select", options: ["Open", "Paid"] },
    { name: "Topics", type: "multi_select", options: ["Car", "House"] },
    { name: "Related", type: "document_relation" },
    { name: "Correspondent", type: "select", options: ["ACME Corp", "City Utilities"] },
  ],
  documents: Array.from({ length: 12 }, (_, index) => ({
    name: `Papra document ${index + 1}`,
    bytes:
      index % 2 === 0 ? makePdf([`Papra document ${index + 1}`, "Total 12.50"]) : `Plain text ${index + 1}\n`,
    mimeType: index % 2 === 0 ? "application/pdf" : "text/plain",
    tags: index % 3 === 0 ? ["Finance/Tax"] : ["Home"],
    documentDate: `202${index % 5}-0${(index % 9) + 1}-15`,
    notes: index % 4 === 0 ? `Note for ${index + 1}` : null,
    properties: {
      Reference: `R-${index}`,
      Amount: index * 10.5,
      Due: "2024-12-31",
      Paid: index % 2 === 0,
      Status: index % 2 === 0 ? "Paid" : "Open",
      Topics: ["Car"],
      Correspondent: index % 2 === 0 ? "ACME Corp" : "City Utilities",
      ...(index > 0 ? { Related: [`Papra document ${index}`] } : {}),
    },
  })),
})

const paperlessDocuments = (w: World) =>
  Effect.gen(function* () {
    const paperless = yield* PaperlessClient
    return {
      documents: Chunk.toReadonlyArray(yield* Stream.runCollect(paperless.documents.stream())),
      tags: Chunk.toReadonlyArray(yield* Stream.runCollect(paperless.tags.stream())),
      correspondents: Chunk.toReadonlyArray(yield* Stream.runCollect(paperless.correspondents.stream())),
      fields: Chunk.toReadonlyArray(yield* Stream.runCollect(paperless.customFields.stream())),
    }
  }).pipe(Effect.provide(serverLayers(w.servers)), Effect.runPromise)

describe.each(["3.0", "2.20"] as const)("Papra → Paperless %s migration", (generation) => {
  it("carries every document through the consumer with tags, fields, notes and links", async () => {
    world = await startWorld({ generation })
    const corpus = papraCorpus()
    world.papra.seed(corpus)
    const first = await runMigration(world, "papra-to-paperless")
    expect(first.failures).toEqual([])
    expect(first.documents.uploaded).toBe(12)

    const { documents, tags, correspondents, fields } = await paperlessDocuments(world)
    expect(documents).toHaveLength(12)
    const tagName = new Map(tags.map((tag) => [tag.id as number, tag.name]))
    const field = new Map(fields.map((entry) => [entry.id as number, entry]))
    const first1 = documents.find((document) => document.title === "Papra document 1")
    expect(first1?.created).toBe("2020-01-15")
    expect(first1?.tags.map((id) => tagName.get(id))).toContain("Tax")
    expect(first1?.notes?.map((note) => note.note)).toEqual(["Note for 1"])
    expect(correspondents.map((entry) => entry.name).sort()).toEqual(["ACME Corp", "City Utilities"])
    expect(correspondents.find((entry) => entry.id === first1?.correspondent)?.name).toBe("ACME Corp")
    const values = new Map(
      (first1?.custom_fields ?? []).map((entry) => [field.get(entry.field)?.name, entry.value]),
    )
    expect(values.get("Reference")).toBe("R-0")
    expect(values.get("Paid")).toBe(true)
    expect(values.get("Due")).toBe("2024-12-31")
    const second = documents.find((document) => document.title === "Papra document 2")
    const related = (second?.custom_fields ?? []).find((entry) => field.get(entry.field)?.name === "Related")
    // Paperless links are symmetric: document 2 also shows the back-link from document 3.
    expect(related?.value).toContain(first1?.id)

    const verified = await runVerify(world, "papra-to-paperless")
    expect(verified.drift).toEqual([])
    expect(verified.checked).toBeGreaterThan(0)

    const again = await runMigration(world, "papra-to-paperless")
    expect(again.documents.uploaded).toBe(0)
    expect(again.documents.updated).toBe(0)
    expect(again.documents.unchanged).toBe(12)
    expect((await paperlessDocuments(world)).documents).toHaveLength(12)
  })
})
