import { createHash } from "node:crypto"
import type { PaperlessDefinitions } from "@paperbridge/mapping"
import {
  DocumentId,
  type DocumentQuery,
  PaperlessApiError,
  PaperlessClient,
  type Document as PaperlessDocument,
  type PaperlessError,
} from "@paperbridge/paperless"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { fileBytes } from "../export/archive.js"
import {
  asPaperlessDocument,
  type ExportDocument,
  exportDefinitions,
  exportDocuments,
} from "../export/documents.js"
import { ExportChecksumMismatch, type ExportError, ExportRecordInvalid } from "../export/errors.js"
import { type ExportContents, readExport } from "../export/manifest.js"
import type { DocumentRecord } from "../export/records.js"
import { Endpoint, paperlessEndpoint } from "../state/endpoints.js"
import { readPaperlessDefinitions } from "./definitions.js"
import { InvalidFilter } from "./errors.js"
import type { DocumentFilters } from "./options.js"

export type PaperlessSourceError = PaperlessError | ExportError

/** A source file being read: bytes as they come, checked against the source's checksum where it has one. */
export interface SourceFile {
  readonly contentType: string | undefined
  readonly stream: Stream.Stream<Uint8Array, PaperlessSourceError>
}

/** The documents one run covers; `notCarried` says which the source holds but a run never carries. */
export interface SourceDocuments {
  readonly total: number | undefined
  readonly documents: Stream.Stream<PaperlessDocument, PaperlessSourceError>
  readonly notCarried: ReadonlyArray<string>
}

/**
 * Where Paperless documents come from when Paperless is the source: its API, or a
 * `document_exporter` output. The engine reads definitions, documents and files through this
 * alone, so the mapping, journal and checkpoints do not care which.
 */
export interface PaperlessSourceShape {
  /** The state store's key for this source: no secret, and the same for every export of one instance. */
  readonly endpoint: Endpoint
  readonly definitions: Effect.Effect<PaperlessDefinitions, PaperlessSourceError>
  readonly documents: (
    filters: DocumentFilters,
  ) => Effect.Effect<SourceDocuments, PaperlessSourceError | InvalidFilter>
  /** None when the source no longer has it (deleted, trashed, not in this export). */
  readonly document: (id: number) => Effect.Effect<Option.Option<PaperlessDocument>, PaperlessSourceError>
  /** The newest version's file, or (3.0) the version with this id. */
  readonly download: (
    document: PaperlessDocument,
    file: "original" | "archive",
    version?: number,
  ) => Effect.Effect<SourceFile, PaperlessSourceError>
  /**
   * The checksum of the file a run would read now (MD5 on 2.20, SHA-256 on 3.0; the archive's,
   * or the original's when there is no archive), to tell whether it changed since it was carried.
   */
  readonly fileChecksum: (
    document: PaperlessDocument,
    file: "original" | "archive",
  ) => Effect.Effect<string | undefined, PaperlessSourceError>
  /** The checksum(s) of the file a run would read, without reading it (see `withKnownFile`). */
  readonly fingerprint: (
    document: PaperlessDocument,
    file: "original" | "archive",
  ) => Effect.Effect<string | undefined, PaperlessSourceError>
}

export class PaperlessSource extends Context.Tag("@paperbridge/sync/PaperlessSource")<
  PaperlessSource,
  PaperlessSourceShape
>() {}

/** How many documents a run visits, for a progress bar: unknown with a limit (see `forEachNeedingWork`). */
const totalOf = (count: number, filters: DocumentFilters) => (filters.limit === undefined ? count : undefined)

const apiDocuments = (paperless: PaperlessClient["Type"], filters: DocumentFilters) =>
  Effect.gen(function* () {
    const query: { -readonly [K in keyof DocumentQuery]?: DocumentQuery[K] } & { ordering: string } = {
      ordering: "id",
    }
    if (filters.query !== undefined) query.query = filters.query
    if (filters.since !== undefined) query.modified__gt = filters.since
    if (filters.tags !== undefined && filters.tags.length > 0) {
      const ids: Array<number> = []
      for (const name of filters.tags) {
        const found = yield* Stream.runCollect(paperless.tags.stream({ name__iexact: name }))
        const tag = [...found].find((candidate) => candidate.name.toLowerCase() === name.toLowerCase())
        if (tag === undefined)
          return yield* new InvalidFilter({ filter: "tag", reason: `Paperless has no tag named "${name}"` })
        ids.push(tag.id)
      }
      query.tags__id__all = ids
    }
    const first = yield* paperless.documents.list({ ...query, page_size: 1 })
    return {
      total: totalOf(first.count, filters),
      documents: paperless.documents.stream({ ...query, page_size: 100 }),
      notCarried: [],
    } satisfies SourceDocuments
  })

/**
 * 3.0 lists every version's SHA-256 on the document; 2.20 has the checksums only in `/metadata/`
 * (one small request).
 */
const apiFingerprint = (paperless: PaperlessClient["Type"], document: PaperlessDocument, file: string) =>
  Effect.gen(function* () {
    const versions = document.versions ?? []
    if (versions.length > 0)
      return `${file}:${versions
        .map((version) => version.checksum)
        .sort()
        .join(",")}`
    const metadata = yield* paperless.documents.metadata(DocumentId.make(document.id))
    return `${file}:${metadata.original_checksum}:${metadata.archive_checksum ?? ""}`
  })

/** The Paperless API at `url` as the source. */
export const paperlessApiSource = (url: string): Layer.Layer<PaperlessSource, never, PaperlessClient> =>
  Layer.effect(
    PaperlessSource,
    Effect.map(PaperlessClient, (paperless) => ({
      endpoint: paperlessEndpoint(url),
      definitions: readPaperlessDefinitions(paperless),
      documents: (filters) => apiDocuments(paperless, filters),
      document: (id) =>
        paperless.documents.get(DocumentId.make(id)).pipe(
          Effect.map(Option.some),
          Effect.catchIf(
            (error) => error instanceof PaperlessApiError && error.status === 404,
            () => Effect.succeed(Option.none()),
          ),
        ),
      download: (document, file, version) =>
        Effect.map(
          paperless.files.download(DocumentId.make(document.id), {
            original: file === "original",
            ...(version === undefined ? {} : { version }),
          }),
          (downloaded): SourceFile => downloaded,
        ),
      fileChecksum: (document, file) =>
        Effect.map(paperless.documents.metadata(DocumentId.make(document.id)), (metadata) =>
          file === "archive"
            ? (metadata.archive_checksum ?? metadata.original_checksum)
            : metadata.original_checksum,
        ),
      fingerprint: (document, file) => apiFingerprint(paperless, document, file),
    })),
  )

/** Filters as the API applies them, on the export's records: tags by name, text in title or content. */
const matchesFilters = (contents: ExportContents, filters: DocumentFilters) => {
  const tagIds = (filters.tags ?? []).map((name) => ({
    name,
    id: contents.tags.find((tag) => tag.fields.name.toLowerCase() === name.toLowerCase())?.pk,
  }))
  const unknown = tagIds.find((tag) => tag.id === undefined)
  if (unknown !== undefined)
    return Effect.fail(
      new InvalidFilter({ filter: "tag", reason: `the export has no tag named "${unknown.name}"` }),
    )
  const text = filters.query?.toLowerCase()
  const since = filters.since === undefined ? undefined : Date.parse(filters.since)
  return Effect.succeed((document: PaperlessDocument) => {
    if (!tagIds.every((tag) => document.tags.some((id) => id === tag.id))) return false
    if (text !== undefined && !`${document.title}\n${document.content}`.toLowerCase().includes(text))
      return false
    return since === undefined || Date.parse(document.modified) > since
  })
}

const recordName = (record: DocumentRecord) => `document ${record.pk} "${record.fields.title}"`

/** MD5 on 2.20, SHA-256 on 3.0: told apart by length, as the manifest does not say. */
const hashOf = (checksum: string) => createHash(checksum.length === 32 ? "md5" : "sha256")

/** A file's bytes, checked against its manifest checksum as they stream: a damaged file fails before its upload. */
const checkedBytes = (contents: ExportContents, name: string, record: string, checksum: string | null) => {
  const bytes = fileBytes(contents.files, name, record)
  if (checksum === null) return bytes
  const hash = hashOf(checksum)
  return bytes.pipe(
    Stream.tap((chunk) => Effect.sync(() => hash.update(chunk))),
    Stream.concat(
      Stream.execute(
        Effect.suspend(() => {
          const actual = hash.digest("hex")
          return actual === checksum.toLowerCase()
            ? Effect.void
            : Effect.fail(new ExportChecksumMismatch({ file: name, record, expected: checksum, actual }))
        }),
      ),
    ),
  )
}

/**
 * An export carries no instance id, and its path says nothing (a newer export of the same instance
 * lands elsewhere). The oldest document's pk and upload instant (ms) are the same in every later
 * export of that instance, on either generation (an upgrade to 3.0 recomputes checksums, not
 * these), and differ between instances; only deleting that document changes them.
 */
export const exportEndpoint = (contents: ExportContents): Endpoint => {
  const oldest = contents.documents[0]
  const seed = oldest === undefined ? "empty" : `${oldest.pk}:${oldest.fields.added}`
  return Endpoint.make(`paperless:export:${createHash("sha256").update(seed).digest("hex").slice(0, 16)}`)
}

const exportSource = (contents: ExportContents): PaperlessSourceShape => {
  const { live, trashed } = exportDocuments(contents)
  const byId = new Map<number, ExportDocument>(live.map((document) => [document.root.pk, document]))
  const notCarried = trashed.map((record) => `${recordName(record)} is in the trash: not carried`)
  return {
    endpoint: exportEndpoint(contents),
    definitions: Effect.sync(() => exportDefinitions(contents)),
    documents: (filters) =>
      Effect.map(matchesFilters(contents, filters), (matches) => {
        const documents = Stream.fromIterable(live).pipe(
          Stream.map((document) => asPaperlessDocument(contents, document)),
          Stream.filter(matches),
        )
        const unfiltered =
          filters.query === undefined && (filters.tags ?? []).length === 0 && filters.since === undefined
        return {
          total: unfiltered ? totalOf(live.length, filters) : undefined,
          documents,
          notCarried,
        } satisfies SourceDocuments
      }),
    document: (id) =>
      Effect.sync(() =>
        Option.map(Option.fromNullable(byId.get(id)), (document) => asPaperlessDocument(contents, document)),
      ),
    download: (document, file, version) =>
      Effect.sync(() => {
        const found = byId.get(document.id)
        const newest =
          version === undefined ? found?.newest : found?.versions.find((record) => record.pk === version)
        if (newest === undefined)
          return {
            contentType: undefined,
            stream: Stream.fail(
              new ExportRecordInvalid({
                file: "manifest.json",
                record: `document ${document.id}`,
                problem: "no such document in this export",
              }),
            ),
          }
        const archive = file === "archive" ? newest.__exported_archive_name__ : undefined
        const record = recordName(newest)
        return archive === undefined
          ? {
              contentType: newest.fields.mime_type,
              stream: checkedBytes(contents, newest.__exported_file_name__, record, newest.fields.checksum),
            }
          : {
              contentType: "application/pdf",
              stream: checkedBytes(contents, archive, record, newest.fields.archive_checksum),
            }
      }),
    fileChecksum: (document, file) =>
      Effect.sync(() => {
        const newest = byId.get(document.id)?.newest
        if (newest === undefined) return undefined
        return file === "archive"
          ? (newest.fields.archive_checksum ?? newest.fields.checksum)
          : newest.fields.checksum
      }),
    fingerprint: (document, file) =>
      Effect.sync(() => {
        const found = byId.get(document.id)
        if (found === undefined) return undefined
        return `${file}:${found.versions
          .map((version) => `${version.fields.checksum}/${version.fields.archive_checksum ?? ""}`)
          .join(",")}`
      }),
  }
}

/** A `document_exporter` output (folder or ZIP) as the source; the ZIP stays open for the layer's life. */
export const paperlessExportSource = (location: string): Layer.Layer<PaperlessSource, ExportError> =>
  Layer.scoped(PaperlessSource, Effect.map(readExport(location), exportSource))
