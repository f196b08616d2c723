import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import streamArray from "stream-json/streamers/stream-array.js"
import { type ExportFiles, fileBytes, openExportFiles } from "./archive.js"
import {
  type ExportArchiveDamaged,
  type ExportFileMissing,
  ExportRecordInvalid,
  NotAnExport,
  UnknownExportVersion,
} from "./errors.js"
import {
  CARRIED_MODELS,
  type CorrespondentRecord,
  type CustomFieldInstanceRecord,
  type CustomFieldRecord,
  type DocumentRecord,
  type DocumentTypeRecord,
  ExportMetadata,
  KNOWN_VERSIONS,
  knownGeneration,
  ManifestRecord,
  type NoteRecord,
  type StoragePathRecord,
  type TagRecord,
} from "./records.js"

type ReadError = ExportFileMissing | ExportArchiveDamaged | ExportRecordInvalid

/**
 * The record being assembled: the array's element is the second level of the assembler's stack
 * (array, record, fields…). Django writes `model` first, so a record of a model paperbridge does
 * not carry (`auth.user` with its password hash, `authtoken.token`, …) is dropped the moment its
 * `model` is read, before its fields are ever assembled into memory.
 */
const skipUncarried = (assembler: { depth: number; current: unknown; stack: ReadonlyArray<unknown> }) => {
  const element = assembler.depth === 2 ? assembler.current : assembler.stack[2]
  if (typeof element !== "object" || element === null || !("model" in element)) return undefined
  return typeof element.model === "string" && CARRIED_MODELS.has(element.model)
}

const hasCarriedModel = (value: unknown) =>
  typeof value === "object" &&
  value !== null &&
  "model" in value &&
  typeof value.model === "string" &&
  CARRIED_MODELS.has(value.model)

const described = (value: unknown) => {
  if (typeof value !== "object" || value === null) return "a record that is not an object"
  const model = "model" in value ? String(value.model) : "no model"
  return "pk" in value ? `${model} ${String(value.pk)}` : model
}

/** The carried records of one manifest file, decoded one by one as the file is read. */
export const manifestRecords = (
  files: ExportFiles,
  name: string,
): Stream.Stream<typeof ManifestRecord.Type, ReadError> =>
  Stream.unwrap(
    Effect.map(files.open(name, "manifest"), (readable) => {
      const parsed = readable.pipe(
        streamArray.withParserAsStream({ objectFilter: skipUncarried, includeUndecided: true }),
      )
      readable.once("error", (error) => parsed.destroy(error))
      return Stream.fromAsyncIterable(
        parsed as AsyncIterable<{ readonly value: unknown }>,
        (error) =>
          new ExportRecordInvalid({
            file: name,
            record: "manifest",
            problem: `not a manifest (a JSON list of records): ${error instanceof Error ? error.message : String(error)}`,
          }),
      )
    }),
  ).pipe(
    Stream.mapEffect(({ value }) =>
      // A record of no known model is named, never shown: it may be anything, a secret included.
      !hasCarriedModel(value)
        ? Effect.fail(
            new ExportRecordInvalid({
              file: name,
              record: described(value),
              problem: "not a record of a known model",
            }),
          )
        : Either.match(Schema.decodeUnknownEither(ManifestRecord)(value), {
            onLeft: (error) =>
              Effect.fail(
                new ExportRecordInvalid({
                  file: name,
                  record: described(value),
                  problem: ParseResult.TreeFormatter.formatErrorSync(error),
                }),
              ),
            onRight: Effect.succeed,
          }),
    ),
  )

/** Everything paperbridge carries from one export, by pk. */
export interface ExportContents {
  readonly files: ExportFiles
  readonly version: string
  readonly generation: (typeof KNOWN_VERSIONS)[number]
  readonly tags: ReadonlyArray<typeof TagRecord.Type>
  readonly correspondents: ReadonlyArray<typeof CorrespondentRecord.Type>
  readonly documentTypes: ReadonlyArray<typeof DocumentTypeRecord.Type>
  readonly storagePaths: ReadonlyArray<typeof StoragePathRecord.Type>
  readonly customFields: ReadonlyArray<typeof CustomFieldRecord.Type>
  readonly documents: ReadonlyArray<DocumentRecord>
  readonly customFieldInstances: ReadonlyMap<number, ReadonlyArray<typeof CustomFieldInstanceRecord.Type>>
  readonly notes: ReadonlyMap<number, ReadonlyArray<typeof NoteRecord.Type>>
}

const readMetadata = (files: ExportFiles) =>
  Effect.gen(function* () {
    const chunks = yield* Stream.runCollect(fileBytes(files, "metadata.json", "metadata"))
    const text = Buffer.concat([...chunks]).toString("utf8")
    const metadata = Schema.decodeUnknownEither(Schema.parseJson(ExportMetadata))(text)
    if (Either.isLeft(metadata))
      return yield* new ExportRecordInvalid({
        file: "metadata.json",
        record: "version",
        problem: "no Paperless-ngx version in it",
      })
    const version = metadata.right.version
    const generation = knownGeneration(version)
    if (generation === undefined)
      return yield* new UnknownExportVersion({ file: "metadata.json", version, known: KNOWN_VERSIONS })
    return { version, generation }
  })

const push = <K, V>(map: Map<K, Array<V>>, key: K, value: V) => {
  const list = map.get(key)
  if (list === undefined) map.set(key, [value])
  else list.push(value)
}

/**
 * Opens an export and reads its manifest: `manifest.json`, and under `--split-manifest` every
 * document's `*-manifest.json` beside its file. Records are decoded as they stream by (a large
 * manifest is never held as text); secrets are never assembled (see `skipUncarried`).
 */
export const readExport = (location: string) =>
  Effect.gen(function* () {
    const files = yield* openExportFiles(location)
    if (!files.names.has("manifest.json"))
      return yield* new NotAnExport({ path: location, reason: "it has no manifest.json" })
    if (!files.names.has("metadata.json"))
      return yield* new NotAnExport({
        path: location,
        reason: "it has no metadata.json (document_exporter writes the Paperless-ngx version there)",
      })
    const { version, generation } = yield* readMetadata(files)
    const tags: Array<typeof TagRecord.Type> = []
    const correspondents: Array<typeof CorrespondentRecord.Type> = []
    const documentTypes: Array<typeof DocumentTypeRecord.Type> = []
    const storagePaths: Array<typeof StoragePathRecord.Type> = []
    const customFields: Array<typeof CustomFieldRecord.Type> = []
    const documents: Array<DocumentRecord> = []
    const customFieldInstances = new Map<number, Array<typeof CustomFieldInstanceRecord.Type>>()
    const notes = new Map<number, Array<typeof NoteRecord.Type>>()
    const read = (name: string) =>
      Stream.runForEach(manifestRecords(files, name), (record) =>
        Effect.sync(() => {
          switch (record.model) {
            case "documents.tag":
              return void tags.push(record)
            case "documents.correspondent":
              return void correspondents.push(record)
            case "documents.documenttype":
              return void documentTypes.push(record)
            case "documents.storagepath":
              return void storagePaths.push(record)
            case "documents.customfield":
              return void customFields.push(record)
            case "documents.customfieldinstance":
              return push(customFieldInstances, record.fields.document, record)
            case "documents.note":
              return push(notes, record.fields.document, record)
            case "documents.document":
              return void documents.push(record)
          }
        }),
      )
    yield* read("manifest.json")
    // Under --split-manifest the main manifest holds no document; each has its own beside its
    // file. Only then are `*-manifest.json` files manifests (a document's own file may be named so).
    if (documents.length === 0)
      for (const name of [...files.names].filter((entry) => entry.endsWith("-manifest.json")).sort())
        yield* read(name)
    documents.sort((a, b) => a.pk - b.pk)
    return {
      files,
      version,
      generation,
      tags,
      correspondents,
      documentTypes,
      storagePaths,
      customFields,
      documents,
      customFieldInstances,
      notes,
    } satisfies ExportContents as ExportContents
  })

export type ReadExportError = Effect.Effect.Error<ReturnType<typeof readExport>>
