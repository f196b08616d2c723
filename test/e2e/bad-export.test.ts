import * as Fs from "node:fs/promises"
import * as Path from "node:path"
import { afterEach, describe, expect, it } from "vitest"
import {
  cleanUp,
  copyOf,
  exportWorld,
  fixtureOf,
  papraServers,
  runExportMigration,
  tempDirectory,
  whenDone,
} from "./from-export.js"
import { papraView } from "./world.js"

afterEach(cleanUp)

const world = exportWorld

const damaged = async (version: "3.0.5" | "2.20.15", variant: string) => {
  const copy = await copyOf(fixtureOf(version, variant as never))
  whenDone(() => Fs.rm(Path.dirname(copy), { recursive: true, force: true }))
  return copy
}

describe("a bad export", () => {
  it("a missing file fails that document alone, naming file and record; once it is back, only it is carried", async () => {
    const run = await world()
    const location = await damaged("3.0.5", "d-no-archive-no-thumbnail")
    const file = Path.join(location, "2026-12-02 shopping-list.txt")
    const bytes = await Fs.readFile(file)
    await Fs.rm(file)
    const first = await runExportMigration({ location, ...run })
    expect(first.documents).toMatchObject({ uploaded: 8, failed: 1 })
    expect(first.failures).toHaveLength(1)
    expect(first.failures[0]?.reason).toContain("2026-12-02 shopping-list.txt")
    expect(first.failures[0]?.reason).toContain('document 6 "shopping-list"')
    expect(first.failures[0]?.reason).toContain("does not hold it")

    await Fs.writeFile(file, bytes)
    const second = await runExportMigration({ location, ...run })
    expect(second.documents).toMatchObject({ uploaded: 1, failed: 0, unchanged: 8 })
  })

  it.each(["3.0.5", "2.20.15"] as const)(
    "%s: a file whose bytes do not match the manifest checksum is not uploaded",
    async (version) => {
      const run = await world()
      const location = await damaged(version, "d-no-archive-no-thumbnail")
      await Fs.writeFile(Path.join(location, "2026-12-02 Meeting notes Q1.txt"), "not the notes\n")
      const result = await runExportMigration({ location, ...run })
      expect(result.documents).toMatchObject({ uploaded: 8, failed: 1 })
      const reason = result.failures[0]?.reason ?? ""
      expect(reason).toContain("2026-12-02 Meeting notes Q1.txt")
      expect(reason).toContain('document 5 "Meeting notes Q1"')
      expect(reason).toMatch(/checksum [0-9a-f]+, the manifest says [0-9a-f]+/)
      const { view } = await papraView(papraServers(run.papra))
      expect([...view.values()].map((document) => (document as { name: string }).name)).not.toContain(
        "Meeting notes Q1",
      )
    },
  )

  it("a truncated ZIP is refused before anything is written, naming the ZIP", async () => {
    const run = await world()
    const location = await damaged("2.20.15", "b-zip")
    const zip = Path.join(location, "export-2026-12-02.zip")
    const bytes = await Fs.readFile(zip)
    await Fs.writeFile(zip, bytes.subarray(0, Math.floor(bytes.length / 2)))
    await expect(runExportMigration({ location: zip, ...run })).rejects.toThrow(
      /export-2026-12-02\.zip: cannot be read/,
    )
    expect(run.papra.requests.filter((request) => request.method !== "GET")).toHaveLength(0)
  })

  it("a manifest from an unknown version says which versions are known", async () => {
    const run = await world()
    const location = await damaged("3.0.5", "a-plain")
    await Fs.writeFile(Path.join(location, "metadata.json"), JSON.stringify({ version: "1.17.4" }))
    await expect(runExportMigration({ location, ...run })).rejects.toThrow(
      /metadata\.json: an export of Paperless-ngx 1\.17\.4; known are 2\.20, 3\.0/,
    )
  })

  it("a folder that is not an export is refused, and says why", async () => {
    const run = await world()
    const location = await tempDirectory()
    whenDone(() => Fs.rm(location, { recursive: true, force: true }))
    await Fs.writeFile(Path.join(location, "notes.txt"), "hello")
    await expect(runExportMigration({ location, ...run })).rejects.toThrow(
      /is not a Paperless-ngx export: it has no manifest\.json/,
    )
  })

  it("a manifest that is not a list of records names the file", async () => {
    const run = await world()
    const location = await damaged("2.20.15", "a-plain")
    await Fs.writeFile(Path.join(location, "manifest.json"), '{"model": "documents.document"}')
    await expect(runExportMigration({ location, ...run })).rejects.toThrow(/manifest\.json.*not a manifest/)
  })

  it("a record not in its model's shape names the file and the record", async () => {
    const run = await world()
    const location = await damaged("2.20.15", "a-plain")
    const path = Path.join(location, "manifest.json")
    const manifest = JSON.parse(await Fs.readFile(path, "utf8")) as Array<{
      model: string
      pk: number
      fields: Record<string, unknown>
    }>
    const tag = manifest.find((record) => record.model === "documents.tag")
    if (tag === undefined) throw new Error("fixture: no tag")
    tag.fields.name = 7
    await Fs.writeFile(path, JSON.stringify(manifest))
    await expect(runExportMigration({ location, ...run })).rejects.toThrow(
      new RegExp(`manifest\\.json \\(documents\\.tag ${tag.pk}\\)`),
    )
  })
})
