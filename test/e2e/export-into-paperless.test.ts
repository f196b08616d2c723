import * as Fs from "node:fs/promises"
import * as Path from "node:path"
import { type PaperlessCorpus, type PaperlessSimulator, startPaperlessSimulator } from "@paperbridge/testkit"
import { afterEach, describe, expect, it } from "vitest"
import {
  cleanUp,
  expectedOnPaperless,
  exportWithChangedFile,
  fixtureOf,
  type IntoPaperlessRun,
  paperlessServers,
  planExportIntoPaperless,
  rawManifest,
  runExportIntoPaperless,
  secretsOf,
  tempDirectory,
  VARIANTS,
  VERSIONS,
  verifyExportIntoPaperless,
  whenDone,
  writesTo,
} from "./from-export.js"
import { paperlessView } from "./world.js"

afterEach(cleanUp)

const GENERATIONS = ["3.0", "2.20"] as const

/** A Paperless simulator of `generation` (holding `corpus`) and a state directory, gone when the test ends. */
const world = async (generation: (typeof GENERATIONS)[number], corpus?: PaperlessCorpus) => {
  const paperless = await startPaperlessSimulator({
    generation,
    consumeMs: 1,
    ...(corpus === undefined ? {} : { corpus }),
  })
  const directory = await tempDirectory()
  whenDone(async () => {
    await paperless.close()
    await Fs.rm(directory, { recursive: true, force: true })
  })
  const run = (location: string, more: Partial<IntoPaperlessRun> = {}): IntoPaperlessRun => ({
    location,
    paperless,
    statePath: Path.join(directory, "state.db"),
    reportDirectory: Path.join(directory, "reports"),
    ...more,
  })
  return { paperless, run }
}

/** What the simulator holds, by title. */
const byTitle = async (paperless: PaperlessSimulator) => {
  const { view } = await paperlessView(paperlessServers(paperless))
  return new Map([...view.values()].map((document) => [(document as { title: string }).title, document]))
}

const definitionNames = async (paperless: PaperlessSimulator, path: string) => {
  const response = await fetch(`${paperless.url}${path}?page_size=100`, {
    headers: { Authorization: `Token ${paperless.token}` },
  })
  const body = (await response.json()) as { results: Array<{ name: string }> }
  return body.results.map((item) => item.name).sort()
}

const cases = VERSIONS.flatMap((version) =>
  VARIANTS.flatMap((variant) => GENERATIONS.map((generation) => ({ version, variant, generation }))),
)

describe.each(cases)(
  "Paperless $version export, $variant → an empty Paperless-ngx $generation",
  ({ version, variant, generation }) => {
    it("carries every live document once, field by field as the manifest has it; verify agrees; a re-run writes nothing", async () => {
      const { paperless, run } = await world(generation)
      const manifest = await rawManifest(version)
      const expected = expectedOnPaperless(manifest)
      const location = fixtureOf(version, variant)
      const planned = await planExportIntoPaperless(run(location))
      expect(planned.documents).toMatchObject({ total: expected.size, toCopy: expected.size })
      expect(writesTo(paperless)).toBe(0)

      const first = await runExportIntoPaperless(run(location))
      expect(first.documents.failed, JSON.stringify(first.failures)).toBe(0)
      expect(first.documents.uploaded).toBe(expected.size)
      expect(first.definitions.create).toBe(planned.definitions.create)
      const carried = await byTitle(paperless)
      expect([...carried.keys()].sort()).toEqual([...expected.keys()].sort())
      for (const [title, want] of expected) expect(carried.get(title), title).toEqual(want)
      // 3.0 exports its trashed document: left behind, and said so.
      const trashed = manifest.filter(
        (record) => record.model === "documents.document" && record.fields.deleted_at != null,
      )
      for (const record of trashed)
        expect(first.lossiness.some((line) => line.includes(`document ${record.pk} `))).toBe(true)

      expect((await verifyExportIntoPaperless(run(location))).drift).toEqual([])
      const writes = writesTo(paperless)
      const second = await runExportIntoPaperless(run(location))
      expect(second.documents).toMatchObject({ uploaded: 0, updated: 0, failed: 0, unchanged: expected.size })
      expect(second.definitions.create).toBe(0)
      expect(writesTo(paperless)).toBe(writes)
    })
  },
)

describe("into a Paperless-ngx that already holds documents", () => {
  it.each([
    { version: "2.20.15", generation: "3.0" },
    { version: "3.0.5", generation: "2.20" },
  ] as const)(
    "$version export → $generation: same-named definitions reused (any case), a file already there linked and filled, a field of another type left alone",
    async ({ version, generation }) => {
      const location = fixtureOf(version, "a-plain")
      const manifest = await rawManifest(version)
      const acme = manifest.find((record) => record.model === "documents.document" && record.pk === 1) as {
        __exported_file_name__: string
      }
      const bytes = await Fs.readFile(Path.join(location, acme.__exported_file_name__))
      const { paperless, run } = await world(generation, {
        tags: [{ name: "finance" }, { name: "Mine" }],
        correspondents: [{ name: "acme utilities" }, { name: "ACME Corp" }],
        customFields: [
          { name: "CF Select", dataType: "select", selectOptions: ["Red", "Purple"] },
          { name: "CF Integer", dataType: "string" },
        ],
        documents: [
          {
            fileName: "mine.pdf",
            bytes,
            title: "My own copy",
            tags: ["Mine"],
            notes: ["kept by hand"],
          },
        ],
      })
      // Across generations the export's checksum is not the kind the target keys by (MD5 against
      // SHA-256): the plan cannot tell without reading the file, the run finds it by its bytes.
      const planned = await planExportIntoPaperless(run(location))
      expect(planned.documents).toMatchObject({
        identicalOnTarget: 0,
        toCopy: expectedOnPaperless(manifest).size,
      })
      const result = await runExportIntoPaperless(run(location))
      expect(result.documents.failed, JSON.stringify(result.failures)).toBe(0)
      expect(result.documents["linked-existing"]).toBe(1)
      // Reused, not doubled: one "Finance" whatever its case, the target's own tag kept.
      const tags = await definitionNames(paperless, "/api/tags/")
      expect(tags.filter((name) => name.toLowerCase() === "finance")).toEqual(["finance"])
      expect(tags).toContain("Mine")
      const fields = await definitionNames(paperless, "/api/custom_fields/")
      expect(fields.filter((name) => name === "CF Select" || name === "CF Integer")).toEqual([
        "CF Integer",
        "CF Select",
      ])
      expect(result.lossiness.some((line) => line.includes('custom field "CF Integer"'))).toBe(true)
      const carried = await byTitle(paperless)
      expect(carried.size).toBe(expectedOnPaperless(manifest).size)
      // The document that was there: the source's metadata written, the target's own tag and note kept.
      const linked = carried.get("ACME electricity invoice March 2024") as {
        tags: Array<string>
        notes: Array<string>
        fields: Record<string, unknown>
        correspondent: string
      }
      expect(linked.tags).toEqual(expect.arrayContaining(["Mine", "finance", "Inbox"]))
      expect(linked.notes).toContain("kept by hand")
      // The source's correspondent, found on the target under another case, not made again.
      expect(linked.correspondent).toBe("acme utilities")
      expect(
        (await definitionNames(paperless, "/api/correspondents/")).filter((name) =>
          /^acme utilities$/i.test(name),
        ),
      ).toEqual(["acme utilities"])
      expect(Object.keys(linked.fields)).not.toContain("CF Integer")
      // The select option the target lacked was added to its field, and the value points at it.
      const showcase = carried.get("Custom field showcase") as { fields: Record<string, unknown> }
      const wanted = expectedOnPaperless(manifest).get("Custom field showcase") as {
        fields: Record<string, unknown>
      }
      expect(showcase.fields["CF Select"]).toBe(wanted.fields["CF Select"])
      expect((await verifyExportIntoPaperless(run(location))).drift).toEqual([])
    },
  )
})

describe("a newer export whose file changed since it was carried", () => {
  it.each(VERSIONS)(
    "%s export → Paperless 3.0: the new file becomes a new version of the same document",
    async (version) => {
      const { paperless, run } = await world("3.0")
      await runExportIntoPaperless(run(fixtureOf(version, "a-plain")))
      const before = await byTitle(paperless)
      const { newer, sha256 } = await exportWithChangedFile(version)
      const planned = await planExportIntoPaperless(run(newer))
      expect(planned.documents.fileReplaced).toBe(1)
      const result = await runExportIntoPaperless(run(newer))
      expect(result.documents, JSON.stringify(result.failures)).toMatchObject({
        "file-replaced": 1,
        failed: 0,
      })
      const response = await fetch(`${paperless.url}/api/documents/?page_size=100`, {
        headers: { Authorization: `Token ${paperless.token}` },
      })
      const listed = (await response.json()) as {
        count: number
        results: Array<{ title: string; versions?: Array<{ checksum: string }> }>
      }
      expect(listed.count).toBe(before.size)
      const shopping = listed.results.find((document) => document.title === "shopping-list")
      expect(shopping?.versions?.map((entry) => entry.checksum)).toContain(sha256)
      expect(shopping?.versions).toHaveLength(2)
      expect((await verifyExportIntoPaperless(run(newer))).drift).toEqual([])
      const again = await runExportIntoPaperless(run(newer))
      expect(again.documents).toMatchObject({ "file-replaced": 0, updated: 0, failed: 0 })
    },
  )

  it.each(VERSIONS)(
    "%s export → Paperless 2.20 (no versions): a new document carries it, the old one goes to the trash",
    async (version) => {
      const { paperless, run } = await world("2.20")
      await runExportIntoPaperless(run(fixtureOf(version, "a-plain")))
      const before = await byTitle(paperless)
      const { newer } = await exportWithChangedFile(version)
      const result = await runExportIntoPaperless(run(newer))
      expect(result.documents, JSON.stringify(result.failures)).toMatchObject({
        "file-replaced": 1,
        failed: 0,
      })
      const after = await byTitle(paperless)
      expect(after.size).toBe(before.size)
      expect((after.get("shopping-list") as { content: string }).content).toContain("oat milk")
      const trash = await fetch(`${paperless.url}/api/trash/`, {
        headers: { Authorization: `Token ${paperless.token}` },
      })
      const trashed = (await trash.json()) as { results: Array<{ title: string }> }
      expect(trashed.results.map((document) => document.title)).toEqual(["shopping-list"])
      expect((await verifyExportIntoPaperless(run(newer))).drift).toEqual([])
    },
  )
})

describe("secrets in the manifest, into Paperless-ngx", () => {
  it("no password hash reaches the report, the state file or any request", async () => {
    const { paperless, run } = await world("3.0")
    const secrets = secretsOf(await rawManifest("3.0.5"))
    const result = await runExportIntoPaperless(run(fixtureOf("3.0.5", "a-plain")))
    const written = [
      await Fs.readFile(result.reportPath, "utf8"),
      (await Fs.readFile(run("").statePath)).toString("latin1"),
      ...paperless.requests.map((request) => JSON.stringify(request)),
    ]
    for (const secret of secrets) {
      const tail = secret.split("$").at(-1) ?? secret
      for (const text of written) expect(text.includes(tail)).toBe(false)
    }
  })
})

describe("a target document that holds the export's file as an older version (3.0)", () => {
  it("is linked, not copied again, and verify says the target's file is newer", async () => {
    const location = fixtureOf("3.0.5", "a-plain")
    const manifest = await rawManifest("3.0.5")
    const shopping = manifest.find((record) => record.model === "documents.document" && record.pk === 6) as {
      __exported_file_name__: string
    }
    const bytes = await Fs.readFile(Path.join(location, shopping.__exported_file_name__))
    const { paperless, run } = await world("3.0", {
      documents: [{ fileName: "shopping-list.txt", bytes, title: "shopping-list" }],
    })
    // Someone added a second version on the target: its newest file is no longer the export's.
    const form = new FormData()
    form.append("document", new Blob(["Shopping list\nonly tea\n"], { type: "text/plain" }), "list.txt")
    const posted = await fetch(`${paperless.url}/api/documents/1/update_version/`, {
      method: "POST",
      headers: { Authorization: `Token ${paperless.token}` },
      body: form,
    })
    expect(posted.status).toBe(200)
    await paperless.settle()
    const result = await runExportIntoPaperless(run(location))
    expect(result.documents.failed, JSON.stringify(result.failures)).toBe(0)
    expect(result.documents["linked-existing"]).toBe(1)
    const drift = (await verifyExportIntoPaperless(run(location))).drift
    expect(drift).toEqual([
      expect.objectContaining({ sourceId: "6", targetId: "1", problem: "file-differs" }),
    ])
  })
})
