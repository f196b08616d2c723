import * as Fs from "node:fs"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { CorrespondentId } from "./correspondents.js"
import { CustomFieldValue } from "./custom-fields.js"
import { DocumentTypeId } from "./document-types.js"
import { type PaperlessError, PaperlessInvalidRequest } from "./errors.js"
import { UserId } from "./permissions.js"
import { StoragePathId } from "./storage-paths.js"
import { TagId } from "./tags.js"
import { invalidRequest, type Transport } from "./transport.js"

/** The celery task id `post_document` answers with (a bare JSON string). */
export const TaskUuid = Schema.String.pipe(Schema.brand("PaperlessTaskUuid"))
export type TaskUuid = typeof TaskUuid.Type

/** Every optional field `post_document` accepts; validated by the server synchronously (400). */
export const UploadMetadata = Schema.Struct({
  title: Schema.optional(Schema.String),
  /** A date `YYYY-MM-DD`, or a datetime of which only the date is kept. */
  created: Schema.optional(Schema.String),
  correspondent: Schema.optional(CorrespondentId),
  document_type: Schema.optional(DocumentTypeId),
  storage_path: Schema.optional(StoragePathId),
  tags: Schema.optional(Schema.Array(TagId)),
  archive_serial_number: Schema.optional(Schema.Int.pipe(Schema.nonNegative())),
  /** `{fieldId: value}` sets values; a list of ids attaches the fields empty. */
  custom_fields: Schema.optional(
    Schema.Union(Schema.Record({ key: Schema.String, value: CustomFieldValue }), Schema.Array(Schema.Int)),
  ),
  owner: Schema.optional(UserId),
})
export type UploadMetadata = typeof UploadMetadata.Type

export interface UploadFile {
  /** A file-backed Blob streams from disk: `await fs.openAsBlob(path, { type })`. */
  readonly file: Blob
  /** Becomes `original_file_name`; the default title is it without the extension. */
  readonly filename: string
}

const ENDPOINT = "/api/documents/post_document/"

/**
 * Pure: the multipart form. `tags` is repeated once per id, `custom_fields` goes as a JSON string
 * (`documents.post_document.full-metadata.json`), and the file part must be named `document`.
 */
export const uploadForm = (file: UploadFile, metadata: typeof UploadMetadata.Encoded): FormData => {
  const form = new FormData()
  form.append("document", file.file, file.filename)
  const scalar = [
    "title",
    "created",
    "correspondent",
    "document_type",
    "storage_path",
    "archive_serial_number",
    "owner",
  ] as const
  for (const key of scalar) {
    const value = metadata[key]
    if (value !== undefined) form.append(key, String(value))
  }
  for (const tag of metadata.tags ?? []) form.append("tags", String(tag))
  if (metadata.custom_fields !== undefined)
    form.append("custom_fields", JSON.stringify(metadata.custom_fields))
  return form
}

export interface Upload {
  /** Posts the file and answers the task id at once; consumption happens later (see `tasks.await`). */
  readonly post: (file: UploadFile, metadata?: UploadMetadata) => Effect.Effect<TaskUuid, PaperlessError>
  /**
   * 3.0 only: a new version of an existing document (a 403 HTML page on 2.20,
   * `documents.update_version.not-found.json`). Consumed like an upload: await the task.
   */
  readonly postVersion: (
    document: number,
    file: UploadFile,
    versionLabel?: string,
  ) => Effect.Effect<TaskUuid, PaperlessError>
  /** `postVersion` of a file on disk, streamed as `postFromPath` does. */
  readonly postVersionFromPath: (
    document: number,
    path: string,
    options: { readonly filename?: string; readonly mimeType?: string; readonly versionLabel?: string },
  ) => Effect.Effect<TaskUuid, PaperlessError>
  /** Streams the file from disk (`fs.openAsBlob`): never read whole into memory. */
  readonly postFromPath: (
    path: string,
    options: UploadMetadata & { readonly filename?: string; readonly mimeType?: string },
  ) => Effect.Effect<TaskUuid, PaperlessError>
}

/** A file on disk as a file-backed Blob, which streams from disk when sent. */
const fileAt = (path: string, filename: string | undefined, mimeType: string | undefined) =>
  Effect.tryPromise({
    try: () => Fs.openAsBlob(path, mimeType === undefined ? {} : { type: mimeType }),
    catch: (error) =>
      new PaperlessInvalidRequest({
        endpoint: ENDPOINT,
        field: "document",
        reason: `cannot open ${path}: ${error instanceof Error ? error.message : String(error)}`,
      }),
  }).pipe(
    Effect.map(
      (blob): UploadFile => ({ file: blob, filename: filename ?? path.split(/[\\/]/).pop() ?? "document" }),
    ),
  )

export const makeUpload = (transport: Transport): Upload => {
  const post = (file: UploadFile, metadata: UploadMetadata = {}) =>
    Effect.gen(function* () {
      const encoded = yield* Schema.encode(UploadMetadata)(metadata).pipe(
        Effect.mapError((error) => invalidRequest(ENDPOINT, error)),
      )
      // Not retried: a repeated POST would queue the file twice.
      return yield* transport.json(
        { method: "POST", path: ENDPOINT, body: { _tag: "FormData", formData: uploadForm(file, encoded) } },
        TaskUuid,
      )
    })
  const upload: Upload = {
    post,
    postVersion: (document, file, versionLabel) => {
      const form = new FormData()
      form.append("document", file.file, file.filename)
      if (versionLabel !== undefined) form.append("version_label", versionLabel)
      return transport.json(
        {
          method: "POST",
          path: `/api/documents/${document}/update_version/`,
          body: { _tag: "FormData", formData: form },
        },
        TaskUuid,
      )
    },
    postFromPath: (path, { filename, mimeType, ...metadata }) =>
      Effect.flatMap(fileAt(path, filename, mimeType), (file) => post(file, metadata)),
    postVersionFromPath: (document, path, { filename, mimeType, versionLabel }) =>
      Effect.flatMap(fileAt(path, filename, mimeType), (file) =>
        upload.postVersion(document, file, versionLabel),
      ),
  }
  return upload
}
