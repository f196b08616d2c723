import { DocumentId } from "@paperbridge/paperless"
import { makePdf } from "@paperbridge/testkit"
import * as Effect from "effect/Effect"
import { describe, expect, it } from "vitest"
import {
  bothSides,
  expectNoEcho,
  migratedPairPerTest,
  onServers,
  PaperlessClient,
  PapraClient,
  papraList,
  runSync,
  TITLES,
} from "./sync-world.js"
import { requestActedOn, sha256 } from "./world.js"

/** Sync scenarios around files, definitions and runs: new versions, renamed tags, one-way mode, the lease. */

const start = migratedPairPerTest()

describe.each(["paperless-to-papra", "papra-to-paperless"] as const)("sync (migrated %s)", (direction) => {
  it("carries a new Paperless 3.0 version to Papra as the new file, keeping Papra's own edit", async () => {
    const w = await start("3.0", direction)
    const corrected = makePdf(["Invoice 4711", "ACME Corp", "total 99.00 EUR (corrected)"])
    await onServers(
      w,
      Effect.gen(function* () {
        const paperless = yield* PaperlessClient
        const task = yield* paperless.upload.postVersion(w.ids.paperless.invoice, {
          file: new Blob([corrected], { type: "application/pdf" }),
          filename: "invoice-corrected.pdf",
        })
        yield* paperless.tasks.await(task, { timeout: "1 minute" })
        const papra = yield* PapraClient
        yield* papra.documents.update(w.ids.papra.invoice as never, { name: "ACME invoice (corrected)" })
      }),
    )
    const result = await runSync(w)
    expect(result.linked).toMatchObject({ fileReplaced: 1, failed: 0 })
    const sides = await bothSides(w, "ACME invoice (corrected)")
    expect(sides.papra.sha256).toBe(sha256(corrected))
    expect(sides.papra.tags).toEqual(["Finance"])
    expect(sides.paperless.id).toBe(w.ids.paperless.invoice)
    expect((await papraList(w)).filter((document) => document.name.startsWith("ACME"))).toHaveLength(1)
    await expectNoEcho(w)
  })

  it.each(["3.0", "2.20"] as const)("renames on Paperless %s a tag renamed on Papra", async (generation) => {
    const w = await start(generation, direction)
    // The first sync records how each definition looks on both sides: what later renames are told by.
    await runSync(w)
    await onServers(
      w,
      Effect.gen(function* () {
        const papra = yield* PapraClient
        const home = (yield* papra.tags.list()).find((tag) => tag.name === "Home")
        if (home === undefined) throw new Error("no Home tag on Papra")
        yield* papra.tags.update(home.id, { name: "Household" })
      }),
    )
    const result = await runSync(w)
    expect(result.notices.join("\n")).toMatch(/Household/)
    const sides = await bothSides(w, TITLES.receipt)
    expect(sides.paperless.tags).toEqual(["Household"])
    expect(sides.papra.tags).toEqual(["Household"])
    await expectNoEcho(w)
  })

  it.each(["3.0", "2.20"] as const)(
    "one way from Paperless %s: the master's edits win and Papra's are overwritten",
    async (generation) => {
      const w = await start(generation, direction)
      await onServers(
        w,
        Effect.gen(function* () {
          const papra = yield* PapraClient
          yield* papra.documents.update(w.ids.papra.letter as never, { name: "Renamed on Papra" })
          const paperless = yield* PaperlessClient
          yield* paperless.documents.update(DocumentId.make(w.ids.paperless.receipt), {
            title: "Receipt (master)",
          })
        }),
      )
      w.papra.seed({ documents: [{ name: "Only on Papra", bytes: "papra only", mimeType: "text/plain" }] })
      const result = await runSync(w, { mode: "paperless-to-papra" })
      // After a migration from Papra, Papra's date-less documents also take the master's dates.
      expect(result.linked).toMatchObject({ updated: direction === "paperless-to-papra" ? 2 : 3, failed: 0 })
      expect(result.notices.join("\n")).toMatch(/overwrote title(, created)? on papra/)
      await bothSides(w, TITLES.letter)
      await bothSides(w, "Receipt (master)")
      // One way carries nothing back from Papra.
      expect(result.carried.toPaperless.uploaded).toBe(0)
    },
  )
})

describe("two syncs of one pair", () => {
  it("refuses the second while the first runs, and the first finishes", async () => {
    const w = await start("3.0", "paperless-to-papra")
    const gate = requestActedOn(w.papra.faults, { method: "GET", path: /\/documents$/ }, 1)
    const first = runSync(w)
    await gate.acted
    await expect(runSync(w)).rejects.toThrow(/is working on .* holds the pair/)
    gate.release()
    expect((await first).linked).toMatchObject({ unchanged: 3, failed: 0 })
  })
})
