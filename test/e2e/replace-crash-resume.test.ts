import * as Path from "node:path"
import { PaperlessClient } from "@paperbridge/paperless"
import { PapraClient } from "@paperbridge/papra"
import { serverLayers } from "@paperbridge/sync"
import { makePdf } from "@paperbridge/testkit"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { afterEach, describe, expect, it } from "vitest"
import { runMigration, runVerify, startWorld, type World } from "./harness.js"
import { papraDocuments, prepareChild, type RequestMatch, requestActedOn, storedState } from "./world.js"

/**
 * A file replacement is several calls (upload the new file, trash the old copy, move the link,
 * write the metadata): a migration SIGKILLed after any one of them and run again must end with one
 * live copy carrying the new file and the metadata, the old copy in the trash, and nothing pending.
 */

let world: World | undefined
afterEach(async () => {
  await world?.close()
  world = undefined
})

const killPoints: ReadonlyArray<{ readonly after: string; readonly route: RequestMatch }> = [
  { after: "the new file was uploaded", route: { method: "POST", path: /\/documents$/ } },
  { after: "the old copy was trashed", route: { method: "DELETE", path: /\/documents\/doc_[^/]+$/ } },
  {
    after: "the link moved and the metadata is being written",
    route: { method: "POST", path: /\/documents\/batch\/tags$/ },
  },
]

const cases = (["3.0", "2.20"] as const).flatMap((generation) =>
  killPoints.map((point) => ({ generation, ...point })),
)

const papraTrash = (w: World) =>
  Effect.flatMap(PapraClient, (papra) =>
    Stream.runCollect(papra.documents.streamDeleted()).pipe(
      Effect.map((documents) => Chunk.toReadonlyArray(documents).map((document) => document.id as string)),
    ),
  ).pipe(Effect.provide(serverLayers(w.servers)), Effect.runPromise)

describe.each(cases)("Paperless $generation → Papra, killed once $after", ({ generation, route }) => {
  it("replaces the file exactly once when run again", async () => {
    const w = await startWorld({ generation })
    world = w
    const ids = w.paperless.seed({
      tags: [{ name: "Finance" }],
      documents: [
        {
          fileName: "invoice.pdf",
          bytes: makePdf(["Invoice 4711"]),
          title: "ACME invoice",
          tags: ["Finance"],
        },
        { fileName: "receipt.pdf", bytes: makePdf(["Receipt 0815"]), title: "Corner shop receipt" },
      ],
    })
    await runMigration(w, "paperless-to-papra")
    const before = (await papraDocuments(w.servers)).find((document) => document.name === "ACME invoice")
    await Effect.flatMap(PaperlessClient, (paperless) =>
      paperless.bulkEdit.rotate([ids.documents[0] as never], 90),
    ).pipe(Effect.provide(serverLayers(w.servers)), Effect.runPromise)

    const target = {
      servers: w.servers,
      statePath: w.statePath,
      reportDirectory: Path.join(w.directory, "reports"),
    }
    const child = prepareChild(w.paperless, w.papra, target, "paperless-to-papra")
    try {
      const gate = requestActedOn(w.papra.faults, route, 1)
      const killed = await child.run(gate.acted)
      gate.release()
      expect(killed.killed).toBe(true)
    } finally {
      child.dispose()
    }

    const resumed = await runMigration(w, "paperless-to-papra")
    expect(resumed.failures).toEqual([])
    const live = await papraDocuments(w.servers)
    expect(live.map((document) => document.name).sort()).toEqual(["ACME invoice", "Corner shop receipt"])
    const invoice = live.find((document) => document.name === "ACME invoice")
    expect(invoice?.originalSha256Hash).not.toBe(before?.originalSha256Hash)
    expect(invoice?.tags.map((tag) => tag.name)).toEqual(["Finance"])
    expect(await papraTrash(w)).toEqual([before?.id])
    expect((await storedState(target, "paperless-to-papra")).pending).toEqual([])
    expect((await runVerify(w, "paperless-to-papra")).drift).toEqual([])
    expect((await runMigration(w, "paperless-to-papra")).documents.unchanged).toBe(2)
  })
})
