import { describe, expect, it } from "vitest"
import {
  deleteOnPaperless,
  deleteOnPapra,
  renameOnPaperless,
  renameOnPapra,
  tagOnPapra,
  tagsOnPaperless,
} from "./sync-edits.js"
import {
  bothSides,
  expectNoEcho,
  migratedPairPerTest,
  paperlessList,
  papraList,
  requestMarks,
  runSync,
  type SyncWorld,
  TITLES,
  writesSince,
} from "./sync-world.js"

/**
 * People keep working in both archives after a migration. Each scenario starts from a migrated
 * pair (either way, either Paperless generation), changes something on one side or both, runs
 * `sync`, and looks at both servers as a person would; then a second sync must write nothing.
 */

const start = migratedPairPerTest()

/**
 * Writes to documents (not definitions): the other way's definitions may be made once by a first
 * sync (Papra's ASN property after a migration into Paperless), before anything is planned.
 */
const documentWrites = (w: SyncWorld, since: ReturnType<typeof requestMarks>) =>
  writesSince(w, since).filter(
    (request) => request.path.includes("/documents") || request.path.includes("/trash"),
  )

const scenarios = [
  ["3.0", "paperless-to-papra"],
  ["2.20", "paperless-to-papra"],
  ["3.0", "papra-to-paperless"],
  ["2.20", "papra-to-paperless"],
] as const

describe.each(scenarios)("sync on a pair migrated on Paperless %s, %s", (generation, direction) => {
  it("a first sync after the migration writes no document, and the next one nothing at all", async () => {
    const w = await start(generation, direction)
    const before = requestMarks(w)
    const first = await runSync(w)
    expect(first.linked).toMatchObject({ unchanged: 3, updated: 0, conflicts: 0, failed: 0 })
    expect(documentWrites(w, before)).toEqual([])
    await expectNoEcho(w)
  })

  it("carries a title edited on Paperless to Papra", async () => {
    const w = await start(generation, direction)
    await renameOnPaperless(w, w.ids.paperless.invoice, "ACME invoice (paid)")
    const result = await runSync(w)
    expect(result.linked).toMatchObject({ updated: 1, unchanged: 2, failed: 0 })
    const sides = await bothSides(w, "ACME invoice (paid)")
    expect(sides.papra.id).toBe(w.ids.papra.invoice)
    await expectNoEcho(w)
  })

  it("carries a tag added on Papra to Paperless", async () => {
    const w = await start(generation, direction)
    await tagOnPapra(w, w.ids.papra.receipt, "Finance", "add")
    const result = await runSync(w)
    expect(result.linked).toMatchObject({ updated: 1, failed: 0 })
    const sides = await bothSides(w, TITLES.receipt)
    expect(sides.paperless.tags).toEqual(["Finance", "Home"])
    await expectNoEcho(w)
  })

  it("merges disjoint edits on both sides into both", async () => {
    const w = await start(generation, direction)
    await renameOnPaperless(w, w.ids.paperless.letter, "Contract letter 2026")
    await tagOnPapra(w, w.ids.papra.letter, "Home", "add")
    const result = await runSync(w)
    expect(result.linked).toMatchObject({ updated: 1, conflicts: 0, failed: 0 })
    const sides = await bothSides(w, "Contract letter 2026")
    expect(sides.paperless.tags).toEqual(["Home"])
    expect(sides.papra.tags).toEqual(["Home"])
    await expectNoEcho(w)
  })

  it("merges tags added and removed on both sides as sets", async () => {
    const w = await start(generation, direction)
    // Invoice: Finance. Paperless adds Home and removes Finance's neighbour nothing; Papra removes Finance.
    await tagsOnPaperless(w, w.ids.paperless.invoice, { add: "Home" })
    await tagOnPapra(w, w.ids.papra.invoice, "Finance", "remove")
    // Receipt: Home. Paperless removes Home, Papra adds Finance.
    await tagsOnPaperless(w, w.ids.paperless.receipt, { remove: "Home" })
    await tagOnPapra(w, w.ids.papra.receipt, "Finance", "add")
    const result = await runSync(w)
    expect(result.linked).toMatchObject({ updated: 2, conflicts: 0, failed: 0 })
    const invoice = await bothSides(w, TITLES.invoice)
    expect(invoice.paperless.tags).toEqual(["Home"])
    expect(invoice.papra.tags).toEqual(["Home"])
    const receipt = await bothSides(w, TITLES.receipt)
    expect(receipt.paperless.tags).toEqual(["Finance"])
    expect(receipt.papra.tags).toEqual(["Finance"])
    await expectNoEcho(w)
  })

  it("holds the same field changed on both sides under --conflict fail, writing neither, until a policy settles it", async () => {
    const w = await start(generation, direction)
    await renameOnPaperless(w, w.ids.paperless.invoice, "Invoice (Paperless)")
    await renameOnPapra(w, w.ids.papra.invoice, "Invoice (Papra)")
    const held = await runSync(w)
    expect(held.linked).toMatchObject({ conflicts: 1, updated: 0, failed: 0 })
    expect(held.conflicts).toEqual([
      expect.objectContaining({
        paperlessId: String(w.ids.paperless.invoice),
        papraId: w.ids.papra.invoice,
        fields: [
          {
            field: "title",
            base: TITLES.invoice,
            paperless: "Invoice (Paperless)",
            papra: "Invoice (Papra)",
          },
        ],
      }),
    ])
    expect((await paperlessList(w)).map((document) => document.name)).toContain("Invoice (Paperless)")
    expect((await papraList(w)).map((document) => document.name)).toContain("Invoice (Papra)")
    // Still held the next time, without writes.
    const before = requestMarks(w)
    expect((await runSync(w)).linked.conflicts).toBe(1)
    expect(writesSince(w, before)).toEqual([])
    const settled = await runSync(w, { conflict: "papra" })
    expect(settled.linked).toMatchObject({ conflicts: 0, updated: 1 })
    await bothSides(w, "Invoice (Papra)")
    await expectNoEcho(w)
  })

  it.each(["paperless", "papra"] as const)("settles a conflict with --conflict %s", async (policy) => {
    const w = await start(generation, direction)
    await renameOnPaperless(w, w.ids.paperless.invoice, "Invoice (Paperless)")
    await renameOnPapra(w, w.ids.papra.invoice, "Invoice (Papra)")
    const result = await runSync(w, { conflict: policy })
    expect(result.linked).toMatchObject({ conflicts: 0, updated: 1, failed: 0 })
    await bothSides(w, policy === "paperless" ? "Invoice (Paperless)" : "Invoice (Papra)")
    await expectNoEcho(w)
  })

  it("settles a conflict with --conflict newest by the side edited last", async () => {
    const w = await start(generation, direction)
    await renameOnPaperless(w, w.ids.paperless.invoice, "Invoice (Paperless)")
    // Papra's activity log says when a person renamed it there: after the Paperless edit.
    await new Promise((resolve) => setTimeout(resolve, 5))
    await renameOnPapra(w, w.ids.papra.invoice, "Invoice (Papra, later)")
    const result = await runSync(w, { conflict: "newest" })
    expect(result.linked).toMatchObject({ conflicts: 0, updated: 1, failed: 0 })
    await bothSides(w, "Invoice (Papra, later)")
  })

  it("trashes on Papra a document deleted on Paperless, and keeps a tombstone", async () => {
    const w = await start(generation, direction)
    await deleteOnPaperless(w, w.ids.paperless.letter)
    const result = await runSync(w)
    expect(result.linked.trashed).toEqual({ paperless: 0, papra: 1 })
    expect((await papraList(w)).map((document) => document.name).sort()).toEqual([
      TITLES.invoice,
      TITLES.receipt,
    ])
    await expectNoEcho(w)
  })

  it("trashes on Paperless a document deleted on Papra", async () => {
    const w = await start(generation, direction)
    await deleteOnPapra(w, w.ids.papra.receipt)
    const result = await runSync(w)
    expect(result.linked.trashed).toEqual({ paperless: 1, papra: 0 })
    expect((await paperlessList(w)).map((document) => document.name).sort()).toEqual([
      TITLES.invoice,
      TITLES.letter,
    ])
    await expectNoEcho(w)
  })

  it("keeps a document deleted on Papra while it was edited on Paperless, with the edit, on both", async () => {
    const w = await start(generation, direction)
    await deleteOnPapra(w, w.ids.papra.invoice)
    await renameOnPaperless(w, w.ids.paperless.invoice, "ACME invoice (disputed)")
    const result = await runSync(w)
    expect(result.linked).toMatchObject({ keptEdited: 1, failed: 0 })
    expect(result.linked.trashed).toEqual({ paperless: 0, papra: 0 })
    const sides = await bothSides(w, "ACME invoice (disputed)")
    // Papra brings the trashed document back under its id when its file is uploaded again.
    expect(sides.papra.id).toBe(w.ids.papra.invoice)
    expect(sides.papra.tags).toEqual(["Finance"])
    expect(result.notices.join("\n")).toMatch(/edited/)
    await expectNoEcho(w)
  })

  it("keeps a document deleted on Paperless while it was edited on Papra, restored from Paperless's trash", async () => {
    const w = await start(generation, direction)
    await deleteOnPaperless(w, w.ids.paperless.receipt)
    await renameOnPapra(w, w.ids.papra.receipt, "Corner shop receipt (kept)")
    const result = await runSync(w)
    expect(result.linked).toMatchObject({ keptEdited: 1, failed: 0 })
    const sides = await bothSides(w, "Corner shop receipt (kept)")
    expect(sides.paperless.id).toBe(w.ids.paperless.receipt)
    expect(sides.paperless.tags).toEqual(["Home"])
    await expectNoEcho(w)
  })

  it("refuses a mass delete before writing anything, and goes ahead with --force-delete", async () => {
    const w = await start(generation, direction)
    await deleteOnPaperless(w, w.ids.paperless.receipt)
    await deleteOnPaperless(w, w.ids.paperless.letter)
    await renameOnPapra(w, w.ids.papra.invoice, "ACME invoice (renamed)")
    const before = requestMarks(w)
    const refused = await runSync(w)
    expect(refused.refused).toMatchObject({ side: "papra" })
    expect(refused.refused?.reason).toMatch(/--max-delete/)
    expect(documentWrites(w, before)).toEqual([])
    expect(await papraList(w)).toHaveLength(3)
    const forced = await runSync(w, { forceDelete: true })
    expect(forced.linked.trashed).toEqual({ paperless: 0, papra: 2 })
    await bothSides(w, "ACME invoice (renamed)")
    await expectNoEcho(w)
  })

  it("refuses to delete anything when one side lists none of the linked documents", async () => {
    const w = await start(generation, direction)
    for (const id of Object.values(w.ids.papra)) await deleteOnPapra(w, id)
    const before = requestMarks(w)
    const refused = await runSync(w, { maxDelete: 100 })
    expect(refused.refused?.reason).toMatch(/lists none of the 3 linked documents/)
    expect(documentWrites(w, before)).toEqual([])
    expect(await paperlessList(w)).toHaveLength(3)
  })

  it("carries documents new on either side to the other, and links them", async () => {
    const w = await start(generation, direction)
    w.paperless.seed({
      documents: [{ fileName: "new-paperless.txt", bytes: "made on Paperless", title: "Made on Paperless" }],
    })
    w.papra.seed({ documents: [{ name: "Made on Papra", bytes: "made on Papra", mimeType: "text/plain" }] })
    const result = await runSync(w)
    expect(result.carried.toPapra.uploaded).toBe(1)
    expect(result.carried.toPaperless.uploaded).toBe(1)
    await bothSides(w, "Made on Paperless")
    await bothSides(w, "Made on Papra")
    await expectNoEcho(w)
  })
})
