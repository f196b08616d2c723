import { describe, expect, it } from "vitest"
import { runVerify } from "./harness.js"
import { renameOnPaperless, renameOnPapra, tagOnPapra, tagsOnPaperless } from "./sync-edits.js"
import { bothSides, migratedPairPerTest, runSync, TITLES } from "./sync-world.js"

/**
 * `verify` after a two-way `sync`: every link is checked the way its document was carried (the
 * migration's way, or the other for documents new on the other side), and a document the sync left
 * in conflict is listed as such, not as drift.
 */

const scenarios = [
  ["3.0", "paperless-to-papra"],
  ["2.20", "paperless-to-papra"],
  ["3.0", "papra-to-paperless"],
  ["2.20", "papra-to-paperless"],
] as const

describe.each(scenarios)(
  "verify on a pair migrated on Paperless %s, %s, then synced",
  (generation, direction) => {
    const migrated = migratedPairPerTest()
    const start = () => migrated(generation, direction)

    it("finds nothing drifted after edits on both sides, documents new on both carried across", async () => {
      const w = await start()
      await renameOnPaperless(w, w.ids.paperless.letter, "Contract letter 2026")
      await tagOnPapra(w, w.ids.papra.letter, "Home", "add")
      await tagsOnPaperless(w, w.ids.paperless.invoice, { add: "Home" })
      await renameOnPapra(w, w.ids.papra.receipt, "Receipt renamed")
      w.paperless.seed({
        documents: [
          { fileName: "new-paperless.txt", bytes: "made on Paperless", title: "Made on Paperless" },
        ],
      })
      w.papra.seed({ documents: [{ name: "Made on Papra", bytes: "made on Papra", mimeType: "text/plain" }] })
      const synced = await runSync(w)
      expect(synced.carried.toPapra.uploaded).toBe(1)
      expect(synced.carried.toPaperless.uploaded).toBe(1)
      const report = await runVerify(w, direction)
      expect(report).toMatchObject({ checked: 5, drift: [], conflicts: [] })
    })

    it("reports a conflict held under --conflict fail as a conflict, not as drift", async () => {
      const w = await start()
      await renameOnPaperless(w, w.ids.paperless.invoice, "Invoice (Paperless)")
      await renameOnPapra(w, w.ids.papra.invoice, "Invoice (Papra)")
      expect((await runSync(w)).linked.conflicts).toBe(1)
      const report = await runVerify(w, direction)
      expect(report.drift).toEqual([])
      expect(report.checked).toBe(2)
      expect(report.conflicts).toEqual([
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
    })

    it.each(["paperless", "papra"] as const)(
      "reports a hand edit on %s after the sync as drift naming the field, for a document carried either way",
      async (side) => {
        const w = await start()
        w.paperless.seed({
          documents: [
            { fileName: "new-paperless.txt", bytes: "made on Paperless", title: "Made on Paperless" },
          ],
        })
        w.papra.seed({
          documents: [{ name: "Made on Papra", bytes: "made on Papra", mimeType: "text/plain" }],
        })
        await runSync(w)
        for (const title of ["Made on Paperless", "Made on Papra"]) {
          const sides = await bothSides(w, title)
          if (side === "paperless") await renameOnPaperless(w, sides.paperless.id, `${title} (by hand)`)
          else await renameOnPapra(w, sides.papra.id, `${title} (by hand)`)
        }
        const report = await runVerify(w, direction)
        expect(report.conflicts).toEqual([])
        expect(report.drift).toHaveLength(2)
        for (const drift of report.drift) {
          expect(drift.problem).toBe("metadata-differs")
          expect(drift.detail).toMatch(/title|name/)
        }
        // One of the two was carried against the migration's direction and is checked that way.
        expect(new Set(report.drift.map((drift) => drift.direction))).toEqual(
          new Set(["paperless-to-papra", "papra-to-paperless"]),
        )
      },
    )
  },
)
