import { createHash } from "node:crypto"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { defaultMappingConfig } from "@paperbridge/mapping"
import { PaperlessAuth, type PaperlessClient } from "@paperbridge/paperless"
import type { PapraClient } from "@paperbridge/papra"
import {
  type DocumentFilters,
  type Endpoint,
  exportLayers,
  type MigrationResult,
  migrate,
  noPaperlessServer,
  noPapraServer,
  type Pair,
  PaperlessSource,
  type PlanReport,
  paperlessEndpoint,
  papraEndpoint,
  planMigration,
  type Servers,
  StateStore,
  type SyncEvent,
  type VerifyReport,
  verify,
} from "@paperbridge/sync"
import { type PaperlessSimulator, type PapraSimulator, startPapraSimulator } from "@paperbridge/testkit"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"

/**
 * The Paperless-ngx export suites: a real `document_exporter` output (vendored in
 * test/fixtures/paperless-export) migrated into a simulator, and what the manifest says it holds,
 * read here with plain JSON so the expectation does not share code with the reader under test.
 */

export const exportFixtures = Path.resolve(
  Path.dirname(fileURLToPath(import.meta.url)),
  "../fixtures/paperless-export",
)

export const VERSIONS = ["3.0.5", "2.20.15"] as const
export type ExportVersion = (typeof VERSIONS)[number]
export const VARIANTS = [
  "a-plain",
  "b-zip",
  "c-filename-format-split-manifest",
  "d-no-archive-no-thumbnail",
] as const

export const fixtureOf = (version: ExportVersion, variant: (typeof VARIANTS)[number]) =>
  Path.join(exportFixtures, `paperless-${version}`, variant)

/** Papra's half of the servers; Paperless is not reached by an export run (see `exportLayers`). */
export type PapraServer = Pick<PapraSimulator, "url" | "apiKey" | "organizationId">

export const papraServers = (papra: PapraServer): Servers => ({
  paperless: { url: "http://paperless.invalid", auth: PaperlessAuth.token("") },
  papra: { url: papra.url, apiKey: Redacted.make(papra.apiKey), organizationId: papra.organizationId },
})

export interface ExportRun {
  readonly location: string
  readonly papra: PapraServer
  readonly statePath: string
  readonly reportDirectory: string
  readonly file?: "original" | "archive"
  readonly onEvent?: (event: SyncEvent) => void
  readonly concurrency?: number
  readonly filters?: DocumentFilters
}

/** One migration from the export into Papra, as the CLI's `--from-export` runs it. */
export const runExportMigration = (run: ExportRun): Promise<MigrationResult> =>
  runFromExport(
    run,
    { ...papraServers(run.papra), paperless: noPaperlessServer },
    "paperless-to-papra",
    (servers) => papraEndpoint(servers.papra.url, servers.papra.organizationId),
  )

/** Paperless's half of the servers for a run into Paperless-ngx; Papra is not reached. */
export const paperlessServers = (paperless: Pick<PaperlessSimulator, "url" | "token">): Servers => ({
  paperless: { url: paperless.url, auth: PaperlessAuth.token(paperless.token) },
  papra: noPapraServer,
})

export type IntoPaperlessRun = Omit<ExportRun, "papra"> & {
  readonly paperless: Pick<PaperlessSimulator, "url" | "token">
  readonly versions?: "newest" | "root"
}

/** One migration from the export into a Paperless-ngx, as `--from-export … --to paperless` runs it. */
export const runExportIntoPaperless = (run: IntoPaperlessRun): Promise<MigrationResult> =>
  runFromExport(run, paperlessServers(run.paperless), "paperless-to-paperless", intoPaperless)

/** `use` run against the export and `servers`, with the pair a run from that export keys its state by. */
const withExport = <A, E>(
  run: { readonly location: string; readonly statePath: string },
  servers: Servers,
  target: (servers: Servers) => Endpoint,
  use: (pair: Pair) => Effect.Effect<A, E, PaperlessSource | StateStore | PaperlessClient | PapraClient>,
): Promise<A> =>
  Effect.flatMap(PaperlessSource, (source) => use({ source: source.endpoint, target: target(servers) })).pipe(
    Effect.provide(
      Layer.mergeAll(exportLayers(run.location, servers), StateStore.layer({ path: run.statePath })),
    ),
    Effect.runPromise,
  )

const runFromExport = (
  run: Omit<ExportRun, "papra"> & { readonly versions?: "newest" | "root" },
  servers: Servers,
  direction: "paperless-to-papra" | "paperless-to-paperless",
  target: (servers: Servers) => Endpoint,
): Promise<MigrationResult> =>
  withExport(run, servers, target, (pair) =>
    migrate({
      pair,
      direction,
      file: run.file ?? "original",
      ...(run.versions === undefined ? {} : { versions: run.versions }),
      concurrency: run.concurrency ?? 4,
      filters: run.filters ?? {},
      mapping: defaultMappingConfig,
      reportDirectory: run.reportDirectory,
      onEvent: (event) => Effect.sync(() => run.onEvent?.(event)),
    }),
  )

const intoPaperless = (servers: Servers) => paperlessEndpoint(servers.paperless.url)

/** `verify` of an export carried into Papra. */
export const verifyExportIntoPapra = (run: ExportRun): Promise<VerifyReport> =>
  withExport(
    run,
    { ...papraServers(run.papra), paperless: noPaperlessServer },
    (servers) => papraEndpoint(servers.papra.url, servers.papra.organizationId),
    (pair) =>
      verify({ pair, direction: "paperless-to-papra", mapping: defaultMappingConfig, concurrency: 4 }),
  )

/** `verify` of an export carried into a Paperless-ngx. */
export const verifyExportIntoPaperless = (run: IntoPaperlessRun): Promise<VerifyReport> =>
  withExport(run, paperlessServers(run.paperless), intoPaperless, (pair) =>
    verify({ pair, direction: "paperless-to-paperless", mapping: defaultMappingConfig, concurrency: 4 }),
  )

/** The journal entries an export run into a Paperless-ngx left unsettled. */
export const pendingIntoPaperless = (run: IntoPaperlessRun) =>
  withExport(run, paperlessServers(run.paperless), intoPaperless, (pair) =>
    Effect.flatMap(StateStore, (store) => store.journal.halfDone(pair)),
  )

/** `plan` of an export into a Paperless-ngx: what a run would do, writing nothing. */
export const planExportIntoPaperless = (run: IntoPaperlessRun): Promise<PlanReport> =>
  withExport(run, paperlessServers(run.paperless), intoPaperless, (pair) =>
    planMigration({
      pair,
      direction: "paperless-to-paperless",
      file: run.file ?? "original",
      concurrency: 1,
      filters: {},
      mapping: defaultMappingConfig,
    }),
  )

export const tempDirectory = () => Fs.mkdtemp(Path.join(Os.tmpdir(), "paperbridge-export-"))

const afterTest: Array<() => Promise<void>> = []

/** Runs `step` when the test ends (`afterEach(cleanUp)`): closing simulators, removing copies. */
export const whenDone = (step: () => Promise<void>) => void afterTest.push(step)

export const cleanUp = async () => {
  for (const step of afterTest.splice(0)) await step()
}

/** A Papra simulator and a state directory for one test, both gone when it ends. */
export const exportWorld = async () => {
  const papra = await startPapraSimulator({ extractionDelayMs: 5 })
  const directory = await tempDirectory()
  whenDone(async () => {
    await papra.close()
    await Fs.rm(directory, { recursive: true, force: true })
  })
  return {
    papra,
    directory,
    statePath: Path.join(directory, "state.db"),
    reportDirectory: Path.join(directory, "reports"),
  }
}

/** A writable copy of a fixture, to damage or change. */
export const copyOf = async (location: string) => {
  const directory = await tempDirectory()
  const copy = Path.join(directory, Path.basename(location))
  await Fs.cp(location, copy, { recursive: true })
  await Fs.chmod(copy, 0o755)
  for (const entry of await Fs.readdir(copy, { recursive: true }))
    await Fs.chmod(Path.join(copy, entry), 0o755).catch(() => undefined)
  return copy
}

interface RawRecord {
  readonly model: string
  readonly pk: number
  readonly fields: Record<string, unknown>
  readonly __exported_file_name__?: string
}

/** The plain manifest of a generation (variant a: the same instance as the other three). */
export const rawManifest = async (version: ExportVersion) =>
  JSON.parse(
    await Fs.readFile(Path.join(fixtureOf(version, "a-plain"), "manifest.json"), "utf8"),
  ) as ReadonlyArray<RawRecord>

/** The password hashes in a manifest: what must never leave it. */
export const secretsOf = (manifest: ReadonlyArray<RawRecord>) =>
  manifest.filter((record) => record.model === "auth.user").map((record) => String(record.fields.password))

/**
 * What Papra must show for each carried document, by name, from the manifest: the newest
 * version's file, the root's metadata; trashed documents absent; tag children as "Parent/Child";
 * classifiers and the ASN as properties; select values as labels; notes with their text.
 */
export const expectedOnPapra = (manifest: ReadonlyArray<RawRecord>) => {
  const of = (model: string) => manifest.filter((record) => record.model === model)
  const name = (model: string, pk: unknown) =>
    of(model).find((record) => record.pk === pk)?.fields.name as string | undefined
  const tagPath = (pk: number): string => {
    const tag = of("documents.tag").find((record) => record.pk === pk)
    const parent = tag?.fields.tn_parent
    const own = String(tag?.fields.name)
    return typeof parent === "number" ? `${tagPath(parent)}/${own}` : own
  }
  const documents = of("documents.document")
  const expected = new Map<string, Record<string, unknown>>()
  for (const root of documents) {
    if (root.fields.root_document !== null && root.fields.root_document !== undefined) continue
    if (root.fields.deleted_at !== null && root.fields.deleted_at !== undefined) continue
    const newest =
      documents
        .filter((record) => record.fields.root_document === root.pk)
        .sort((a, b) => Number(a.fields.version_index) - Number(b.fields.version_index))
        .at(-1) ?? root
    const properties: Record<string, unknown> = {}
    const classifiers = [
      ["Correspondent", "documents.correspondent", root.fields.correspondent],
      ["Document type", "documents.documenttype", root.fields.document_type],
      ["Storage path", "documents.storagepath", root.fields.storage_path],
    ] as const
    for (const [property, model, pk] of classifiers) if (pk !== null) properties[property] = name(model, pk)
    if (root.fields.archive_serial_number !== null) properties.ASN = root.fields.archive_serial_number
    for (const instance of of("documents.customfieldinstance").filter(
      (record) => record.fields.document === root.pk,
    )) {
      const field = of("documents.customfield").find((record) => record.pk === instance.fields.field)
      const type = String(field?.fields.data_type)
      const fields = instance.fields
      const value =
        type === "select"
          ? (
              field?.fields.extra_data as { select_options: Array<{ id: string; label: string }> } | undefined
            )?.select_options.find((option) => option.id === fields.value_select)?.label
          : type === "date" && typeof fields.value_date === "string"
            ? `${fields.value_date}T00:00:00.000Z`
            : [
                fields.value_text,
                fields.value_long_text,
                fields.value_url,
                fields.value_bool,
                fields.value_int,
                fields.value_float,
                fields.value_monetary,
              ].find((candidate) => candidate !== null && candidate !== undefined)
      if (value !== undefined) properties[String(field?.fields.name)] = value
    }
    expected.set(String(root.fields.title), {
      name: root.fields.title,
      originalName: newest.fields.original_filename,
      mimeType: newest.fields.mime_type,
      documentDate: root.fields.created,
      content: newest.fields.content,
      tags: (root.fields.tags as Array<number>).map(tagPath).sort(),
      properties,
      notes: of("documents.note")
        .filter((note) => note.fields.document === root.pk)
        .map((note) => String(note.fields.note)),
    })
  }
  return expected
}

/**
 * What a Paperless-ngx must show for each carried document, by title, in the shape of
 * `paperlessView`: the newest version's file, the root's metadata, names for ids, tags with their
 * ancestors, every field the document has (empty ones too), notes by text.
 */
export const expectedOnPaperless = (manifest: ReadonlyArray<RawRecord>) => {
  const of = (model: string) => manifest.filter((record) => record.model === model)
  const name = (model: string, pk: unknown) =>
    pk === null ? null : (of(model).find((record) => record.pk === pk)?.fields.name as string | undefined)
  const tags = of("documents.tag")
  const withAncestors = (pk: number): ReadonlyArray<number> => {
    const parent = tags.find((record) => record.pk === pk)?.fields.tn_parent
    return typeof parent === "number" ? [pk, ...withAncestors(parent)] : [pk]
  }
  const documents = of("documents.document")
  const roots = documents.filter(
    (record) => (record.fields.root_document ?? null) === null && (record.fields.deleted_at ?? null) === null,
  )
  const expected = new Map<string, Record<string, unknown>>()
  for (const root of roots) {
    const newest =
      documents
        .filter((record) => record.fields.root_document === root.pk)
        .sort((a, b) => Number(a.fields.version_index) - Number(b.fields.version_index))
        .at(-1) ?? root
    const fields: Record<string, unknown> = {}
    for (const instance of of("documents.customfieldinstance").filter(
      (record) => record.fields.document === root.pk,
    )) {
      const field = of("documents.customfield").find((record) => record.pk === instance.fields.field)
      const value = instance.fields
      const type = String(field?.fields.data_type)
      fields[String(field?.fields.name)] =
        type === "select"
          ? ((
              field?.fields.extra_data as { select_options: Array<{ id: string; label: string }> } | undefined
            )?.select_options.find((option) => option.id === value.value_select)?.label ?? null)
          : type === "documentlink"
            ? ((value.value_document_ids as Array<number> | null) ?? [])
                .map((pk) => roots.find((record) => record.pk === pk)?.fields.title)
                .sort()
            : ([
                value.value_text,
                value.value_long_text,
                value.value_url,
                value.value_date,
                value.value_bool,
                value.value_int,
                value.value_float,
                value.value_monetary,
              ].find((candidate) => candidate !== null && candidate !== undefined) ?? null)
    }
    expected.set(String(root.fields.title), {
      title: root.fields.title,
      created: String(root.fields.created).slice(0, 10),
      originalFileName: newest.fields.original_filename,
      mimeType: newest.fields.mime_type,
      content: newest.fields.content,
      asn: root.fields.archive_serial_number,
      correspondent: name("documents.correspondent", root.fields.correspondent),
      documentType: name("documents.documenttype", root.fields.document_type),
      storagePath: name("documents.storagepath", root.fields.storage_path),
      tags: [...new Set((root.fields.tags as Array<number>).flatMap(withAncestors))]
        .map((pk) => name("documents.tag", pk))
        .sort(),
      fields,
      notes: of("documents.note")
        .filter((note) => note.fields.document === root.pk && (note.fields.deleted_at ?? null) === null)
        .map((note) => String(note.fields.note))
        .sort(),
    })
  }
  return expected
}

/** Every POST, PATCH, PUT and DELETE a simulator was sent. */
export const writesTo = (server: { readonly requests: ReadonlyArray<{ readonly method: string }> }) =>
  server.requests.filter((request) => request.method !== "GET" && request.method !== "HEAD").length

export interface ManifestRecord {
  readonly model: string
  readonly pk: number
  fields: Record<string, unknown>
  readonly __exported_file_name__?: string
}

/**
 * A newer export of the same instance: a copy of the a-plain fixture whose manifest (and files,
 * in its folder) `edit` changes; its path.
 */
export const editedExport = async (
  version: ExportVersion,
  edit: (document: (pk: number) => ManifestRecord, folder: string) => Promise<void> | void,
) => {
  const newer = await copyOf(fixtureOf(version, "a-plain"))
  whenDone(() => Fs.rm(Path.dirname(newer), { recursive: true, force: true }))
  const manifestPath = Path.join(newer, "manifest.json")
  const manifest = JSON.parse(await Fs.readFile(manifestPath, "utf8")) as Array<ManifestRecord>
  await edit((pk) => {
    const found = manifest.find((record) => record.model === "documents.document" && record.pk === pk)
    if (found === undefined) throw new Error(`fixture: no document ${pk}`)
    return found
  }, newer)
  await Fs.writeFile(manifestPath, JSON.stringify(manifest))
  return newer
}

/**
 * A newer export in which the shopping list (pk 6, a text file) was edited and consumed again: new
 * bytes, new checksum, new content, and `modified` moves, as Paperless bumps it when it rewrites a
 * file. Its path, and the new file's SHA-256.
 */
export const exportWithChangedFile = async (version: ExportVersion) => {
  let sha256 = ""
  const newer = await editedExport(version, async (document, folder) => {
    const shopping = document(6)
    const file = Path.join(folder, shopping.__exported_file_name__ ?? "")
    const bytes = Buffer.concat([await Fs.readFile(file), Buffer.from("- oat milk\n")])
    await Fs.writeFile(file, bytes)
    const kind = String(shopping.fields.checksum).length === 32 ? "md5" : "sha256"
    shopping.fields.checksum = createHash(kind).update(bytes).digest("hex")
    shopping.fields.modified = new Date(Date.now() + 60 * 60_000).toISOString()
    shopping.fields.content = bytes.toString("utf8")
    sha256 = createHash("sha256").update(bytes).digest("hex")
  })
  return { newer, sha256 }
}
