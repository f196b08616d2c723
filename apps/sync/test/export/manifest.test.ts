import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { exportEndpoint } from "../../src/engine/paperless-source.js"
import { asPaperlessDocument, exportDefinitions, exportDocuments } from "../../src/export/documents.js"
import { readExport } from "../../src/export/manifest.js"

const fixtures = Path.resolve(
  Path.dirname(fileURLToPath(import.meta.url)),
  "../../../../test/fixtures/paperless-export",
)

const variants = [
  "a-plain",
  "b-zip",
  "c-filename-format-split-manifest",
  "d-no-archive-no-thumbnail",
] as const
const cases = (["3.0.5", "2.20.15"] as const).flatMap((version) =>
  variants.map((variant) => ({
    version,
    variant,
    location: Path.join(fixtures, `paperless-${version}`, variant),
  })),
)

describe("reading a document_exporter manifest", () => {
  it.effect.each(cases)(
    "Paperless $version, $variant: every carried record",
    ({ version, variant, location }) =>
      Effect.gen(function* () {
        const contents = yield* readExport(location)
        expect(contents.version).toBe(version)
        expect(contents.generation).toBe(version === "3.0.5" ? "3.0" : "2.20")
        // 3.0 exports the trashed document (#10) and the second version of #9 (#11) as records.
        expect(contents.documents.map((document) => document.pk)).toEqual(
          version === "3.0.5" ? [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] : [1, 2, 3, 4, 5, 6, 7, 8, 9],
        )
        expect([...contents.notes.values()].flat()).toHaveLength(3)
        expect([...contents.customFieldInstances.values()].flat()).toHaveLength(17)

        const definitions = exportDefinitions(contents)
        expect(definitions.tags.map((tag) => [tag.name, tag.parent]).sort()).toEqual(
          [
            ["Finance", null],
            ["Größe ✓", null],
            ["Inbox", null],
            ["Taxes", 2],
            ["Urgent", null],
          ].sort(),
        )
        expect(definitions.tags.find((tag) => tag.name === "Inbox")).toMatchObject({
          color: "#ff8800",
          is_inbox_tag: true,
        })
        expect(definitions.correspondents.map((entry) => entry.name).sort()).toEqual([
          "ACME Utilities",
          "Müller & Söhne GmbH",
        ])
        expect(definitions.documentTypes.map((entry) => entry.name).sort()).toEqual(["Invoice", "Letter"])
        expect(definitions.storagePaths).toMatchObject([
          { name: "By correspondent and year", path: "{{ correspondent }}/{{ created_year }}/{{ title }}" },
        ])
        expect(definitions.customFields.map((field) => field.data_type).sort()).toEqual(
          [
            "boolean",
            "date",
            "documentlink",
            "float",
            "integer",
            "longtext",
            "monetary",
            "select",
            "string",
            "url",
          ].sort(),
        )

        const { live, trashed } = exportDocuments(contents)
        expect(trashed.map((record) => record.pk)).toEqual(version === "3.0.5" ? [10] : [])
        expect(live.map((document) => document.root.pk)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9])
        const documents = new Map(
          live.map((document) => [document.root.pk, asPaperlessDocument(contents, document)]),
        )

        const invoice = documents.get(1)
        expect(invoice).toMatchObject({
          title: "ACME electricity invoice March 2024",
          created: "2024-03-01",
          archive_serial_number: 101,
          original_file_name: "acme-invoice-2024-03.pdf",
          mime_type: "application/pdf",
          correspondent: 1,
          document_type: 1,
          tags: [2, 1, 4],
        })
        expect(invoice?.notes.map((note) => [note.note, note.user])).toEqual([
          ["Paid by bank transfer on 2024-04-02.", expect.any(Number)],
        ])
        const showcase = documents.get(8)
        const select = definitions.customFields.find((field) => field.name === "CF Select")
        const green = select?.extra_data?.select_options?.find((option) => option.label === "Green")?.id
        const values = new Map(
          showcase?.custom_fields.map((instance) => [
            definitions.customFields.find((field) => field.id === instance.field)?.name,
            instance.value,
          ]),
        )
        expect(Object.fromEntries(values)).toEqual({
          "CF String": "hello world",
          "CF Long text": "Line one\nLine two\nLine three with ünïcödé",
          "CF URL": "https://example.org/path?q=1",
          "CF Date": "2024-02-29",
          "CF Boolean": true,
          "CF Integer": 42,
          // biome-ignore lint/suspicious/noApproximativeNumericConstant: the value seeded into the fixture, not π
          "CF Float": 3.14159,
          "CF Monetary": "EUR1234.56",
          "CF Document link": [],
          "CF Select": green,
        })
        // The newest version's file is the one carried; metadata stays the root's.
        expect(documents.get(9)).toMatchObject({
          title: "Company policy",
          original_file_name: version === "3.0.5" ? "policy-v2.pdf" : "policy-v1.pdf",
          tags: [2, 1],
        })
        const withArchive = live.filter((document) => document.newest.__exported_archive_name__ !== undefined)
        expect(withArchive.length).toBe(variant === "d-no-archive-no-thumbnail" ? 0 : 5)
      }).pipe(Effect.scoped),
  )

  it.effect(
    "an export's endpoint is its instance's: the same for every variant, another for another instance",
    () =>
      Effect.gen(function* () {
        const endpoints = new Map<string, Set<string>>()
        for (const { version, location } of cases) {
          const endpoint = exportEndpoint(yield* readExport(location))
          expect(endpoint).toMatch(/^paperless:export:[0-9a-f]{16}$/)
          endpoints.set(version, (endpoints.get(version) ?? new Set()).add(endpoint))
        }
        expect([...endpoints.values()].map((set) => set.size)).toEqual([1, 1])
        expect(new Set([...endpoints.values()].flatMap((set) => [...set])).size).toBe(2)
      }).pipe(Effect.scoped),
  )

  it.effect(
    "outside --split-manifest, a file named *-manifest.json is a document's file, not a manifest",
    () =>
      Effect.gen(function* () {
        const directory = yield* Effect.promise(() =>
          Fs.mkdtemp(Path.join(Os.tmpdir(), "paperbridge-manifest-")),
        )
        yield* Effect.addFinalizer(() =>
          Effect.promise(() => Fs.rm(directory, { recursive: true, force: true })),
        )
        const copy = Path.join(directory, "export")
        yield* Effect.promise(() =>
          Fs.cp(Path.join(fixtures, "paperless-2.20.15", "a-plain"), copy, { recursive: true }),
        )
        yield* Effect.promise(() =>
          Fs.writeFile(Path.join(copy, "2026-12-02 build-manifest.json"), "{ not a list"),
        )
        const contents = yield* readExport(copy)
        expect(contents.documents).toHaveLength(9)
      }).pipe(Effect.scoped),
  )

  it.effect("never assembles a password hash or token: the secret-bearing models are not read", () =>
    Effect.gen(function* () {
      const contents = yield* readExport(Path.join(fixtures, "paperless-3.0.5", "a-plain"))
      const text = JSON.stringify({
        ...contents,
        files: undefined,
        notes: [...contents.notes],
        fields: [...contents.customFieldInstances],
      })
      expect(text).not.toMatch(/pbkdf2|argon2|"password"|authtoken|"key"/)
    }).pipe(Effect.scoped),
  )
})
