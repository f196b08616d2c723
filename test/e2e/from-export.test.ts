import { createHash } from "node:crypto"
import * as Fs from "node:fs/promises"
import * as Path from "node:path"
import type { PapraSimulator } from "@paperbridge/testkit"
import { afterEach, describe, expect, it } from "vitest"
import {
  cleanUp,
  editedExport,
  expectedOnPapra,
  exportWorld,
  fixtureOf,
  papraServers,
  rawManifest,
  runExportMigration,
  secretsOf,
  VARIANTS,
  VERSIONS,
  writesTo,
} from "./from-export.js"
import { papraView } from "./world.js"

afterEach(cleanUp)

const world = exportWorld

const onPapra = async (papra: PapraSimulator) => {
  const { view } = await papraView(papraServers(papra))
  return new Map([...view.values()].map((document) => [(document as { name: string }).name, document]))
}

const cases = VERSIONS.flatMap((version) => VARIANTS.map((variant) => ({ version, variant })))

describe.each(cases)("Paperless $version export, $variant → Papra", ({ version, variant }) => {
  it("carries every live document once, field by field as the manifest has it; a re-run writes nothing", async () => {
    const { papra, statePath, reportDirectory } = await world()
    const manifest = await rawManifest(version)
    const expected = expectedOnPapra(manifest)
    const events: Array<string> = []
    const location = fixtureOf(version, variant)
    const first = await runExportMigration({
      location,
      papra,
      statePath,
      reportDirectory,
      onEvent: (event) => void (event.type === "warning" && events.push(event.message)),
    })
    expect(first.documents.failed, JSON.stringify(first.failures)).toBe(0)
    expect(first.documents.uploaded).toBe(expected.size)

    const carried = await onPapra(papra)
    expect([...carried.keys()].sort()).toEqual([...expected.keys()].sort())
    for (const [name, want] of expected) {
      const { notes, ...fields } = want
      const got = carried.get(name) as Record<string, unknown>
      expect(got, name).toMatchObject(fields)
      expect(Object.keys(got.properties as object).sort(), name).toEqual(
        Object.keys(fields.properties as object).sort(),
      )
      for (const note of notes as Array<string>) expect(got.notes, name).toContain(note)
    }
    // 3.0 exports the trashed document; the run says it left it behind.
    const trashed = manifest.filter(
      (record) => record.model === "documents.document" && record.fields.deleted_at != null,
    )
    expect(trashed.length).toBe(version === "3.0.5" ? 1 : 0)
    for (const record of trashed) {
      expect(carried.has(String(record.fields.title))).toBe(false)
      expect(first.lossiness.some((line) => line.includes(`document ${record.pk} `))).toBe(true)
      expect(events.some((line) => line.includes("in the trash"))).toBe(true)
    }

    const writes = writesTo(papra)
    const second = await runExportMigration({ location, papra, statePath, reportDirectory })
    expect(second.documents).toMatchObject({ uploaded: 0, updated: 0, failed: 0, unchanged: expected.size })
    expect(writesTo(papra)).toBe(writes)
  })
})

describe("--file archive", () => {
  it.each(VERSIONS)(
    "%s: carries the archived PDF where the export has one, the original elsewhere",
    async (version) => {
      const { papra, statePath, reportDirectory } = await world()
      const manifest = await rawManifest(version)
      const location = fixtureOf(version, "a-plain")
      const result = await runExportMigration({
        location,
        papra,
        statePath,
        reportDirectory,
        file: "archive",
      })
      expect(result.documents.failed, JSON.stringify(result.failures)).toBe(0)
      const { view } = await papraView(papraServers(papra))
      const roots = [...expectedOnPapra(manifest).keys()]
      const newest = (title: string) =>
        manifest
          .filter((record) => record.model === "documents.document" && record.fields.title === title)
          .sort((a, b) => Number(a.fields.version_index ?? -1) - Number(b.fields.version_index ?? -1))
          .at(-1)
      const sha256 = async (name: string) =>
        createHash("sha256")
          .update(await Fs.readFile(Path.join(location, name)))
          .digest("hex")
      let archives = 0
      for (const title of roots) {
        const record = newest(title) as {
          __exported_archive_name__?: string
          __exported_file_name__?: string
        }
        const file = record.__exported_archive_name__ ?? record.__exported_file_name__ ?? ""
        if (record.__exported_archive_name__ !== undefined) archives += 1
        const carried = view.get(await sha256(file)) as { name: string; mimeType: string } | undefined
        expect(carried?.name, title).toBe(title)
        if (record.__exported_archive_name__ !== undefined) expect(carried?.mimeType).toBe("application/pdf")
      }
      expect(archives).toBe(5)
    },
  )
})

describe("filters on an export", () => {
  it("--tag, --query and --limit select as on the API, and an unknown tag is refused", async () => {
    const { papra, statePath, reportDirectory } = await world()
    const location = fixtureOf("2.20.15", "a-plain")
    const tagged = await runExportMigration({
      location,
      papra,
      statePath,
      reportDirectory,
      filters: { tags: ["finance"] },
    })
    expect(tagged.documents.uploaded).toBe(3)
    expect([...(await onPapra(papra)).keys()].sort()).toEqual([
      "ACME electricity invoice March 2024",
      "Company policy",
      "Tax assessment 2023",
    ])
    const queried = await runExportMigration({
      location,
      papra,
      statePath,
      reportDirectory,
      filters: { query: "shopping" },
    })
    expect(queried.documents).toMatchObject({ uploaded: 1, unchanged: 0 })
    const limited = await runExportMigration({
      location,
      papra,
      statePath,
      reportDirectory,
      filters: { limit: 2 },
    })
    expect(limited.documents.uploaded).toBe(2)
    await expect(
      runExportMigration({ location, papra, statePath, reportDirectory, filters: { tags: ["Nope"] } }),
    ).rejects.toThrow('--tag: the export has no tag named "Nope"')
  })
})

describe("a newer export of the same instance", () => {
  it("is the same source: another variant links to what is there, and a changed title is updated", async () => {
    const { papra, statePath, reportDirectory } = await world()
    await runExportMigration({ location: fixtureOf("3.0.5", "b-zip"), papra, statePath, reportDirectory })
    const again = await runExportMigration({
      location: fixtureOf("3.0.5", "c-filename-format-split-manifest"),
      papra,
      statePath,
      reportDirectory,
    })
    expect(again.documents).toMatchObject({ uploaded: 0, updated: 0, failed: 0, unchanged: 9 })

    const newer = await editedExport("3.0.5", (document) => {
      document(6).fields.title = "Shopping list (weekend)"
    })
    const updated = await runExportMigration({ location: newer, papra, statePath, reportDirectory })
    expect(updated.documents).toMatchObject({ uploaded: 0, updated: 1, failed: 0, unchanged: 8 })
    expect((await onPapra(papra)).has("Shopping list (weekend)")).toBe(true)
  })
})

describe("secrets in the manifest", () => {
  it("no password hash reaches the report, the events or the state file", async () => {
    const { papra, statePath, reportDirectory } = await world()
    const secrets = secretsOf(await rawManifest("3.0.5"))
    expect(secrets.length).toBeGreaterThan(0)
    expect(secrets.every((secret) => secret.startsWith("pbkdf2_"))).toBe(true)
    const events: Array<string> = []
    const result = await runExportMigration({
      location: fixtureOf("3.0.5", "a-plain"),
      papra,
      statePath,
      reportDirectory,
      onEvent: (event) => void events.push(JSON.stringify(event)),
    })
    const written = [
      await Fs.readFile(result.reportPath, "utf8"),
      events.join("\n"),
      (await Fs.readFile(statePath)).toString("latin1"),
      ...papra.requests.map((request) => JSON.stringify(request)),
    ]
    for (const secret of secrets) {
      // The hash's last segment alone is unique enough; a leak of any part of it would show.
      const tail = secret.split("$").at(-1) ?? secret
      for (const text of written) expect(text.includes(tail)).toBe(false)
    }
    for (const text of written) expect(text).not.toContain("pbkdf2_sha256")
  })
})
