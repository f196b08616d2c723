import { createHash } from "node:crypto"
import * as Fs from "node:fs/promises"
import * as Path from "node:path"
import { afterEach, describe, expect, it } from "vitest"
import {
  cleanUp,
  expectedOnPaperless,
  expectedOnPapra,
  exportWithChangedFile,
  fixtureOf,
  paperlessServers,
  papraServers,
  rawManifest,
  runExportIntoPaperless,
  runExportMigration,
  tempDirectory,
  verifyExportIntoPaperless,
  verifyExportIntoPapra,
  whenDone,
} from "./from-export.js"
import { paperlessView, papraView } from "./world.js"

/**
 * A real export carried into the live servers the environment names (skipped without them). A
 * live server may hold these files from an earlier run: they are then linked and filled, so the
 * counts are "uploaded or linked", and each document is compared field by field either way.
 */

const { PAPERLESS_URL, PAPERLESS_TOKEN, PAPRA_URL, PAPRA_API_KEY, PAPRA_ORG_ID } = process.env
const papra =
  PAPRA_URL && PAPRA_API_KEY && PAPRA_ORG_ID
    ? { url: PAPRA_URL, apiKey: PAPRA_API_KEY, organizationId: PAPRA_ORG_ID }
    : undefined
const paperless =
  PAPERLESS_URL && PAPERLESS_TOKEN ? { url: PAPERLESS_URL, token: PAPERLESS_TOKEN } : undefined

afterEach(cleanUp)

const liveRequest = (target: { url: string; token: string }, path: string, init: RequestInit = {}) =>
  fetch(`${target.url}${path}`, {
    ...init,
    headers: { Authorization: `Token ${target.token}`, "Content-Type": "application/json" },
  })

/**
 * The live Paperless as if this suite had never run: documents holding the export's files (or the
 * changed one) from an earlier run go, trash included, so each test starts from "not there".
 */
const purgeLivePaperless = async (target: { url: string; token: string }) => {
  const location = fixtureOf("2.20.15", "a-plain")
  const manifest = await rawManifest("2.20.15")
  const files = manifest.flatMap((record) =>
    record.model === "documents.document" && record.__exported_file_name__ !== undefined
      ? [Path.join(location, record.__exported_file_name__)]
      : [],
  )
  const checksums = [
    ...(await Promise.all(
      files.map(async (file) =>
        createHash("sha256")
          .update(await Fs.readFile(file))
          .digest("hex"),
      ),
    )),
    (await exportWithChangedFile("2.20.15")).sha256,
  ]
  const ids: Array<number> = []
  for (const checksum of checksums) {
    const found = (await (
      await liveRequest(target, `/api/documents/?checksum__iexact=${checksum}`)
    ).json()) as {
      results: Array<{ id: number }>
    }
    ids.push(...found.results.map((document) => document.id))
  }
  for (const id of ids) await liveRequest(target, `/api/documents/${id}/`, { method: "DELETE" })
  if (ids.length > 0)
    await liveRequest(target, "/api/trash/", {
      method: "POST",
      body: JSON.stringify({ documents: ids, action: "empty" }),
    })
}

const stateDirectory = async () => {
  const directory = await tempDirectory()
  whenDone(() => Fs.rm(directory, { recursive: true, force: true }))
  return { statePath: Path.join(directory, "state.db"), reportDirectory: Path.join(directory, "reports") }
}

describe.skipIf(papra === undefined)("live Papra: a Paperless 3.0.5 export", { timeout: 600_000 }, () => {
  it("is carried field by field; verify agrees; a re-run changes nothing", async () => {
    if (papra === undefined) return
    const run = { location: fixtureOf("3.0.5", "b-zip"), papra, ...(await stateDirectory()) }
    const expected = expectedOnPapra(await rawManifest("3.0.5"))
    const first = await runExportMigration(run)
    expect(first.documents.failed, JSON.stringify(first.failures)).toBe(0)
    expect(first.documents.uploaded + first.documents["linked-existing"]).toBe(expected.size)
    const { view } = await papraView(papraServers(papra))
    const byName = new Map(
      [...view.values()].map((document) => [(document as { name: string }).name, document]),
    )
    for (const [name, want] of expected) {
      const { notes, ...fields } = want
      expect(byName.get(name), name).toMatchObject(fields)
      for (const note of notes as Array<string>)
        expect((byName.get(name) as { notes: string }).notes).toContain(note)
    }
    expect((await verifyExportIntoPapra(run)).drift).toEqual([])
    const again = await runExportMigration(run)
    expect(again.documents).toMatchObject({ uploaded: 0, updated: 0, failed: 0, unchanged: expected.size })
  })
})

describe.skipIf(paperless === undefined)(
  "live Paperless-ngx: a 2.20.15 export merged into it",
  { timeout: 900_000 },
  () => {
    it("is carried field by field; verify agrees; a re-run changes nothing", async () => {
      if (paperless === undefined) return
      await purgeLivePaperless(paperless)
      const run = { location: fixtureOf("2.20.15", "a-plain"), paperless, ...(await stateDirectory()) }
      const expected = expectedOnPaperless(await rawManifest("2.20.15"))
      const first = await runExportIntoPaperless(run)
      expect(first.documents.failed, JSON.stringify(first.failures)).toBe(0)
      expect(first.documents.uploaded + first.documents["linked-existing"]).toBe(expected.size)
      const { view } = await paperlessView(paperlessServers(paperless))
      for (const [title, want] of expected) {
        const { tags, notes, ...fields } = want as { tags: Array<string>; notes: Array<string> }
        const got = [...view.values()].find((document) => (document as { title: string }).title === title) as
          | { tags: Array<string>; notes: Array<string> }
          | undefined
        expect(got, title).toMatchObject(fields)
        // A live server may add its own inbox tag or keep a user's: the export's are all there.
        expect(got?.tags, title).toEqual(expect.arrayContaining(tags))
        expect(got?.notes, title).toEqual(expect.arrayContaining(notes))
      }
      expect((await verifyExportIntoPaperless(run)).drift).toEqual([])
      const again = await runExportIntoPaperless(run)
      expect(again.documents).toMatchObject({ uploaded: 0, updated: 0, failed: 0, unchanged: expected.size })
    })

    it("a file changed in a newer export becomes a new version (3.0) or a new document with the old one trashed (2.20)", async () => {
      if (paperless === undefined) return
      await purgeLivePaperless(paperless)
      const state = await stateDirectory()
      await runExportIntoPaperless({ location: fixtureOf("2.20.15", "a-plain"), paperless, ...state })
      const { newer, sha256 } = await exportWithChangedFile("2.20.15")
      const run = { location: newer, paperless, ...state }
      const result = await runExportIntoPaperless(run)
      expect(result.documents, JSON.stringify(result.failures)).toMatchObject({
        "file-replaced": 1,
        failed: 0,
      })
      const response = await fetch(
        `${paperless.url}/api/documents/?title__iexact=shopping-list&page_size=100`,
        {
          headers: { Authorization: `Token ${paperless.token}` },
        },
      )
      const listed = (await response.json()) as {
        results: Array<{ id: number; versions?: Array<{ checksum: string }> }>
      }
      // 2.20 lists no versions (the replacement is a new document); 3.0 lists the new one's SHA-256.
      expect(
        listed.results.some(
          (document) =>
            document.versions === undefined ||
            document.versions.some((version) => version.checksum === sha256),
        ),
      ).toBe(true)
      expect((await verifyExportIntoPaperless(run)).drift).toEqual([])
      const again = await runExportIntoPaperless(run)
      expect(again.documents).toMatchObject({ "file-replaced": 0, updated: 0, failed: 0 })
    })
  },
)
