import type { SyncPreview, SyncResult } from "@paperbridge/sync"
import { describe, expect, it } from "vitest"
import { runSyncPreview, type SyncOverrides } from "./child/engine.js"
import {
  deleteOnPaperless,
  deleteOnPapra,
  renameOnPaperless,
  renameOnPapra,
  tagOnPapra,
  tagsOnPaperless,
} from "./sync-edits.js"
import {
  engineTarget,
  migratedPairPerTest,
  paperlessList,
  papraList,
  requestMarks,
  runSync,
  type SyncWorld,
  TITLES,
  writesSince,
} from "./sync-world.js"
import { storedState } from "./world.js"

/**
 * `sync --plan` says what the `sync` run right after it does: each scenario edits a migrated pair
 * (either Paperless generation, migrated either way), previews, checks the preview wrote nothing to
 * either server nor to the state file, runs the sync and compares its report with the preview
 * figure by figure. Where the preview cannot know what the run will find (a definition the run
 * makes first, a file identical on both sides, a kept edit carried back), the difference is
 * asserted as it is, so a change to either side of it shows here.
 */

const start = migratedPairPerTest()

/**
 * What the state store holds for the pair, both ways. Compared logically, not as bytes: opening the
 * store may checkpoint a WAL the last run left, which moves bytes without changing a row.
 */
const storedBoth = async (w: SyncWorld) => ({
  toPapra: await storedState(engineTarget(w), "paperless-to-papra"),
  toPaperless: await storedState(engineTarget(w), "papra-to-paperless"),
})

/** A preview, checked to have sent only reads to both simulators and left the state file as it was. */
const previewUntouched = async (w: SyncWorld, overrides: SyncOverrides = {}) => {
  const marks = requestMarks(w)
  const state = await storedBoth(w)
  const preview = await runSyncPreview(engineTarget(w), overrides)
  expect(writesSince(w, marks)).toEqual([])
  expect(await storedBoth(w)).toEqual(state)
  return preview
}

/** The linked documents each side's writes went to (not uploads, not trashing): `updatedOn`'s counts. */
const documentsWritten = (w: SyncWorld, since: ReturnType<typeof requestMarks>) => {
  const writes = (side: "paperless" | "papra", path: RegExp) =>
    new Set(
      w[side].requests
        .slice(since[side])
        .filter((request) => request.method !== "GET" && request.method !== "DELETE")
        .flatMap((request) => path.exec(request.path)?.[1] ?? []),
    ).size
  return {
    paperless: writes("paperless", /^\/api\/documents\/(\d+)\/$/),
    papra: writes(
      "papra",
      /^\/api\/organizations\/[^/]+\/documents\/([^/]+)(?:\/tags.*|\/custom-properties.*)?$/,
    ),
  }
}

/** A sync run, with the requests it sent, so the preview's per-side figures can be checked too. */
const runObserved = async (w: SyncWorld, overrides: SyncOverrides = {}) => {
  const marks = requestMarks(w)
  const run = await runSync(w, overrides)
  return { run, written: documentsWritten(w, marks) }
}

/** New documents the run carried each way as the migration counts them: uploaded or linked to a twin. */
const carried = (counts: SyncResult["carried"]["toPapra"]) =>
  counts.uploaded + counts["linked-existing"] + counts.duplicate

/**
 * The run did what the preview said: every linked figure, the conflicts, the guard's verdict, the
 * lossiness report, the documents written on each side, the new documents carried each way.
 */
const expectRunMatches = (
  preview: SyncPreview,
  { run, written }: Awaited<ReturnType<typeof runObserved>>,
) => {
  expect(run.failures).toEqual([])
  const { updatedOn, ...linked } = preview.linked
  expect(run.linked).toEqual({ ...linked, failed: 0 })
  // Only the linked documents: a carried document's own metadata writes go to its new id.
  expect(written.paperless).toBeGreaterThanOrEqual(updatedOn.paperless.documents)
  expect(written.papra).toBeGreaterThanOrEqual(updatedOn.papra.documents)
  expect(run.conflicts).toEqual(preview.conflicts)
  expect(run.refused).toEqual(preview.refused)
  expect(run.lossiness).toEqual(preview.lossiness)
  expect(run.notices.slice(0, preview.definitions.changes.length)).toEqual(preview.definitions.changes)
  expect({ toPapra: carried(run.carried.toPapra), toPaperless: carried(run.carried.toPaperless) }).toEqual(
    preview.newDocuments,
  )
  for (const counts of [run.carried.toPapra, run.carried.toPaperless])
    expect(counts).toMatchObject({
      updated: 0,
      unchanged: 0,
      "file-replaced": 0,
      "carried-again": 0,
      failed: 0,
    })
}

/**
 * The definitions the preview said each way would create were made by the run: a preview after it
 * has none left to create and reuses them all.
 */
const expectDefinitionsMade = (before: SyncPreview, after: SyncPreview) => {
  for (const way of ["toPapra", "toPaperless"] as const) {
    const [was, now] = [before.definitions[way], after.definitions[way]]
    expect(now?.create).toBe(0)
    // At least: a definition made for one way is then reused by the other way too.
    expect(now?.reuse).toBeGreaterThanOrEqual((was?.create ?? 0) + (was?.reuse ?? 0))
  }
}

/** A preview with nothing to do: every linked document unchanged, nothing new, nothing to create. */
const expectNothingToDo = (preview: SyncPreview, linked: number) => {
  const nothing = { documents: 0, fields: {} }
  expect(preview.linked).toEqual({
    unchanged: linked,
    updated: 0,
    updatedOn: { paperless: nothing, papra: nothing },
    fileReplaced: 0,
    trashed: { paperless: 0, papra: 0 },
    keptEdited: 0,
    forgotten: 0,
    conflicts: 0,
  })
  expect(preview).toMatchObject({
    conflicts: [],
    newDocuments: { toPapra: 0, toPaperless: 0 },
    definitions: { changes: [], toPapra: { create: 0 }, toPaperless: { create: 0 } },
    refused: undefined,
  })
}

/** A fourth document, made on Paperless and linked by a first sync, to be edited on both sides. */
const MEMO = "Meeting memo"

const withMemo = async (w: SyncWorld) => {
  w.paperless.seed({ documents: [{ fileName: "memo.txt", bytes: "minutes of the meeting", title: MEMO }] })
  await runSync(w)
  const [paperless, papra] = await Promise.all([paperlessList(w), papraList(w)])
  const idOn = <A>(documents: ReadonlyArray<{ readonly name: string; readonly id: A }>) => {
    const found = documents.find((document) => document.name === MEMO)
    if (found === undefined) throw new Error(`${MEMO} was not carried by the first sync`)
    return found.id
  }
  return { paperless: idOn(paperless), papra: idOn(papra) }
}

const generations = ["3.0", "2.20"] as const
const directions = ["paperless-to-papra", "papra-to-paperless"] as const
const matrix = generations.flatMap((generation) =>
  directions.map((direction) => [generation, direction] as const),
)

describe.each(matrix)("sync --plan on a pair migrated on Paperless %s, %s", (generation, direction) => {
  it("with nothing changed since the migration, previews no document work, and the run does none", async () => {
    const w = await start(generation, direction)
    const preview = await previewUntouched(w)
    // The one definition a first sync makes: Papra's ASN property, which a migration into Paperless
    // had no use for (Papra documents have no ASN), is made for the way back.
    const toPapra = preview.definitions.toPapra
    if (toPapra === undefined) throw new Error("a two-way preview plans the definitions both ways")
    expectNothingToDo(
      { ...preview, definitions: { ...preview.definitions, toPapra: { ...toPapra, create: 0 } } },
      3,
    )
    expect(toPapra).toMatchObject(
      direction === "papra-to-paperless" ? { create: 1, createByKind: { "custom-field": 1 } } : { create: 0 },
    )
    const run = await runObserved(w)
    expectRunMatches(preview, run)
    const after = await previewUntouched(w)
    expectDefinitionsMade(preview, after)
    expectNothingToDo(after, 3)
  })

  it("with edits on both sides, previews exactly what the run then does", async () => {
    const w = await start(generation, direction)
    const memo = await withMemo(w)
    await renameOnPaperless(w, w.ids.paperless.invoice, "ACME invoice (paid)")
    await tagOnPapra(w, w.ids.papra.receipt, "Finance", "add")
    w.paperless.seed({
      documents: [{ fileName: "new-paperless.txt", bytes: "made on Paperless", title: "Made on Paperless" }],
    })
    w.papra.seed({ documents: [{ name: "Made on Papra", bytes: "made on Papra", mimeType: "text/plain" }] })
    await deleteOnPapra(w, w.ids.papra.letter)
    await renameOnPaperless(w, memo.paperless, "Memo (Paperless)")
    await renameOnPapra(w, memo.papra, "Memo (Papra)")

    const preview = await previewUntouched(w)
    // What the edits call for, so a preview that saw nothing cannot agree with a run that did nothing.
    expect(preview.linked).toEqual({
      unchanged: 0,
      updated: 2,
      updatedOn: {
        paperless: { documents: 1, fields: { tags: 1 } },
        papra: { documents: 1, fields: { title: 1 } },
      },
      fileReplaced: 0,
      trashed: { paperless: 1, papra: 0 },
      keptEdited: 0,
      forgotten: 0,
      conflicts: 1,
    })
    expect(preview.conflicts).toEqual([
      expect.objectContaining({
        paperlessId: String(memo.paperless),
        papraId: memo.papra,
        fields: [{ field: "title", base: MEMO, paperless: "Memo (Paperless)", papra: "Memo (Papra)" }],
      }),
    ])
    expect(preview.newDocuments).toEqual({ toPapra: 1, toPaperless: 1 })

    const run = await runObserved(w)
    expectRunMatches(preview, run)
    const after = await previewUntouched(w)
    expectDefinitionsMade(preview, after)
    // The conflict is still held (the default policy settles nothing); all else is done.
    expect(after.linked).toMatchObject({ conflicts: 1, updated: 0, trashed: { paperless: 0, papra: 0 } })
    expect(after.newDocuments).toEqual({ toPapra: 0, toPaperless: 0 })
  })

  describe("where the preview cannot know what the run will find", () => {
    it("a tag the run must first create is not yet on the document the preview plans", async () => {
      const w = await start(generation, direction)
      await runSync(w)
      w.paperless.seed({ tags: [{ name: "Urgent" }] })
      await tagsOnPaperless(w, w.ids.paperless.invoice, { add: "Urgent" })
      const preview = await previewUntouched(w)
      expect(preview.definitions.toPapra).toMatchObject({ create: 1, createByKind: { tag: 1 } })
      // Documented (previewSync): the documents are planned with today's links, and Urgent has none
      // on Papra yet, so the invoice looks unchanged; the run makes the tag first, then carries it.
      expect(preview.linked).toMatchObject({ unchanged: 3, updated: 0 })
      const { run, written } = await runObserved(w)
      expect(run.linked).toMatchObject({ unchanged: 2, updated: 1, failed: 0 })
      expect(written.paperless).toBe(0)
      expect(written.papra).toBeGreaterThanOrEqual(1)
      const after = await previewUntouched(w)
      expectDefinitionsMade(preview, after)
      expectNothingToDo(after, 3)
    })

    it("the same new file on both sides is counted each way; the run links the two instead", async () => {
      const w = await start(generation, direction)
      await runSync(w)
      w.paperless.seed({ documents: [{ fileName: "twin.txt", bytes: "one file, twice", title: "Twin" }] })
      w.papra.seed({ documents: [{ name: "Twin", bytes: "one file, twice", mimeType: "text/plain" }] })
      const preview = await previewUntouched(w)
      // Paperless lists an MD5 and Papra a SHA-256: only the run, hashing the file as it spools it,
      // sees the two are one, and links Paperless's to Papra's; Papra's is then no longer new.
      expect(preview.newDocuments).toEqual({ toPapra: 1, toPaperless: 1 })
      const { run } = await runObserved(w)
      expect(run.carried.toPapra).toMatchObject({ uploaded: 0, "linked-existing": 1 })
      expect(carried(run.carried.toPaperless)).toBe(0)
      expect(run.linked).toMatchObject({ unchanged: 3, updated: 0, failed: 0 })
    })

    it("a kept edit is counted as kept-edited, not as the new document the run carries back", async () => {
      const w = await start(generation, direction)
      await runSync(w)
      // Deleted on Papra while edited on Paperless: carried back to Papra as a new upload.
      await deleteOnPapra(w, w.ids.papra.invoice)
      await renameOnPaperless(w, w.ids.paperless.invoice, "ACME invoice (disputed)")
      // Deleted on Paperless while edited on Papra: restored from Paperless's trash, no upload.
      await deleteOnPaperless(w, w.ids.paperless.receipt)
      await renameOnPapra(w, w.ids.papra.receipt, `${TITLES.receipt} (kept)`)
      const preview = await previewUntouched(w)
      expect(preview.linked).toMatchObject({ keptEdited: 2, unchanged: 1 })
      expect(preview.newDocuments).toEqual({ toPapra: 0, toPaperless: 0 })
      const { run } = await runObserved(w)
      expect(run.linked).toMatchObject({ keptEdited: 2, unchanged: 1, failed: 0 })
      expect(run.carried.toPapra.uploaded).toBe(1)
      expect(carried(run.carried.toPaperless)).toBe(0)
      const after = await previewUntouched(w)
      expectNothingToDo(after, 3)
    })
  })
})
