import { PapraClient, PapraDocumentId } from "@paperbridge/papra"
import { serverLayers } from "@paperbridge/sync"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { afterEach, describe, expect, it } from "vitest"
import { runMigration, startWorld, type World } from "./harness.js"

// Papra extracts text in the background and overwrites `content` whenever it finishes; with an
// external OCR service that can be long after the engine stopped waiting. The content carried
// from Paperless must end up on Papra anyway, and the wait must cost a handful of requests.

let world: World | undefined
afterEach(async () => {
  await world?.close()
  world = undefined
})

const papraContent = (w: World) =>
  Effect.gen(function* () {
    const papra = yield* PapraClient
    const [listed] = Chunk.toReadonlyArray(yield* Stream.runCollect(papra.documents.stream()))
    if (listed === undefined) return undefined
    const document = yield* papra.documents.get(PapraDocumentId.make(listed.id))
    return { id: listed.id as string, content: document.content }
  }).pipe(Effect.provide(serverLayers(w.servers)), Effect.runPromise)

describe("Paperless → Papra when Papra's text extraction finishes after the engine's wait", () => {
  it("writes the carried content again on the next run, and polls within a small budget", async () => {
    world = await startWorld({ generation: "3.0" })
    const carried = "Text Paperless recognised, corrected by hand"
    world.paperless.seed({
      documents: [{ fileName: "letter.txt", bytes: Buffer.from("raw letter bytes\n"), content: carried }],
    })
    const release = world.papra.holdExtraction()
    const before = world.papra.requests.length

    const first = await runMigration(world, "paperless-to-papra")
    expect(first.documents.uploaded).toBe(1)
    const afterFirst = await papraContent(world)
    expect(afterFirst?.content).toBe(carried)
    const polls = world.papra.requests
      .slice(before)
      .filter(
        (request) =>
          request.method === "GET" &&
          request.path.includes(`/documents/${afterFirst?.id}`) &&
          !request.path.endsWith("/file"),
      )
    expect(polls.length).toBeLessThanOrEqual(14)

    // The extraction runs only now, and overwrites what the engine wrote.
    release()
    expect((await papraContent(world))?.content).toBe("raw letter bytes\n")

    const second = await runMigration(world, "paperless-to-papra")
    expect(second.documents.updated).toBe(1)
    expect((await papraContent(world))?.content).toBe(carried)

    const third = await runMigration(world, "paperless-to-papra")
    expect(third.documents.unchanged).toBe(1)
    expect((await papraContent(world))?.content).toBe(carried)
  })

  it("settles in one run when extraction finishes within the wait", async () => {
    world = await startWorld({ generation: "2.20" })
    const carried = "Recognised text"
    world.paperless.seed({
      documents: [{ fileName: "note.txt", bytes: Buffer.from("raw note\n"), content: carried }],
    })
    const first = await runMigration(world, "paperless-to-papra")
    expect(first.documents.uploaded).toBe(1)
    expect((await papraContent(world))?.content).toBe(carried)
    const second = await runMigration(world, "paperless-to-papra")
    expect(second.documents.unchanged).toBe(1)
  })
})
