import { defaultMappingConfig } from "@paperbridge/mapping"
import { PaperlessClient } from "@paperbridge/paperless"
import { PapraClient } from "@paperbridge/papra"
import {
  type BridgeDirection as Direction,
  pairOf,
  planMigration,
  StateStore,
  serverLayers,
} from "@paperbridge/sync"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { afterEach, describe, expect, it } from "vitest"
import { runMigration, startWorld, type World } from "./harness.js"

// A file someone had already put on the target is linked, not uploaded. What the source has is
// written; what only the target has (notes, classifiers, ASN, the user's tags) stays; `plan` and
// the run's report name the document and the fields.

let world: World | undefined
afterEach(async () => {
  await world?.close()
  world = undefined
})

const plan = (w: World, direction: Direction) =>
  planMigration({
    pair: pairOf(w.servers, direction),
    direction,
    file: "original",
    concurrency: 2,
    filters: {},
    mapping: defaultMappingConfig,
  }).pipe(
    Effect.provide(Layer.mergeAll(serverLayers(w.servers), StateStore.layer({ path: w.statePath }))),
    Effect.runPromise,
  )

const collect = <A, E, R>(stream: Stream.Stream<A, E, R>) =>
  Effect.map(Stream.runCollect(stream), Chunk.toReadonlyArray)

describe("Paperless → Papra onto a file already on Papra", () => {
  it("keeps the Papra notes and tags the source has not, and says so in plan and report", async () => {
    world = await startWorld({ generation: "3.0" })
    const bytes = Buffer.from("Electricity bill, March\n")
    world.paperless.seed({ documents: [{ fileName: "bill.txt", bytes, title: "Electricity March" }] })
    world.papra.seed({
      tags: [{ name: "Personal" }],
      documents: [
        {
          name: "scan from phone",
          bytes,
          mimeType: "text/plain",
          tags: ["Personal"],
          notes: "paid in cash, receipt in the drawer",
        },
      ],
    })

    const planned = await plan(world, "paperless-to-papra")
    expect(planned.documents.identicalOnTarget).toBe(1)
    expect(planned.linkedWithDifferences).toHaveLength(1)
    expect(planned.linkedWithDifferences[0]).toMatchObject({ replaced: ["name"] })
    expect(planned.linkedWithDifferences[0]?.kept).toEqual(expect.arrayContaining(["notes", "tags"]))

    const summary = await runMigration(world, "paperless-to-papra")
    expect(summary.documents["linked-existing"]).toBe(1)
    expect(summary.linkedWithDifferences?.[0]?.kept).toEqual(expect.arrayContaining(["notes", "tags"]))

    const documents = await Effect.gen(function* () {
      const papra = yield* PapraClient
      const listed = yield* collect(papra.documents.stream())
      return yield* Effect.forEach(listed, (document) => papra.documents.get(document.id))
    }).pipe(Effect.provide(serverLayers(world.servers)), Effect.runPromise)
    expect(documents).toHaveLength(1)
    expect(documents[0]?.name).toBe("Electricity March")
    expect(documents[0]?.notes).toBe("paid in cash, receipt in the drawer")
    expect(documents[0]?.tags.map((tag) => tag.name)).toContain("Personal")

    // Nothing left to do: the next run leaves the kept values alone.
    const again = await runMigration(world, "paperless-to-papra")
    expect(again.documents.unchanged).toBe(1)
  })
})

describe("Papra → Paperless onto a file already on Paperless", () => {
  it.each(["3.0", "2.20"] as const)(
    "Paperless %s: keeps correspondent, type, storage path, ASN and tags the source has not",
    async (generation) => {
      world = await startWorld({ generation })
      const bytes = Buffer.from("Insurance policy 2024\n")
      world.papra.seed({ documents: [{ name: "policy.txt", bytes, mimeType: "text/plain" }] })
      world.paperless.seed({
        tags: [{ name: "Mine" }],
        correspondents: [{ name: "Insurer" }],
        documentTypes: [{ name: "Contract" }],
        storagePaths: [{ name: "Insurance", path: "{{ correspondent }}/{{ title }}" }],
        documents: [
          {
            fileName: "policy-scan.txt",
            bytes,
            title: "Scanned policy",
            correspondent: "Insurer",
            documentType: "Contract",
            storagePath: "Insurance",
            asn: 42,
            tags: ["Mine"],
          },
        ],
      })

      if (generation === "3.0") {
        // 2.20 keys files by MD5, which Papra does not list: only 3.0 knows the twin before downloading.
        const planned = await plan(world, "papra-to-paperless")
        expect(planned.linkedWithDifferences).toHaveLength(1)
        expect(planned.linkedWithDifferences[0]?.kept).toEqual(
          expect.arrayContaining(["correspondent", "document type", "storage path", "archive serial number"]),
        )
      }

      const summary = await runMigration(world, "papra-to-paperless")
      expect(summary.documents["linked-existing"]).toBe(1)
      expect(summary.linkedWithDifferences?.[0]).toMatchObject({
        replaced: expect.arrayContaining(["title"]),
      })
      expect(summary.linkedWithDifferences?.[0]?.kept).toEqual(
        expect.arrayContaining([
          "correspondent",
          "document type",
          "storage path",
          "archive serial number",
          "tags",
        ]),
      )

      const [document] = await Effect.flatMap(PaperlessClient, (paperless) =>
        collect(paperless.documents.stream()),
      ).pipe(Effect.provide(serverLayers(world.servers)), Effect.runPromise)
      expect(document?.title).toBe("policy.txt")
      expect(document?.correspondent).not.toBeNull()
      expect(document?.document_type).not.toBeNull()
      expect(document?.storage_path).not.toBeNull()
      expect(document?.archive_serial_number).toBe(42)
      expect(document?.tags).toHaveLength(1)

      const again = await runMigration(world, "papra-to-paperless")
      expect(again.documents.unchanged).toBe(1)
    },
  )
})
