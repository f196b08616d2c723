import type { MultipartField, MultipartFile } from "@paperbridge/http"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { CorrespondentId } from "./correspondents.js"
import { CustomFieldValue } from "./custom-fields.js"
import { DocumentTypeId } from "./document-types.js"
import type { PaperlessError } from "./errors.js"
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
  /** Any Blob; `postFromPath` streams a file from disk instead. */
  readonly file: Blob
  /** Becomes `original_file_name`; the default title is it without the extension. */
  readonly filename: string
}

const ENDPOINT = "/api/documents/post_document/"

/** A part without a type of its own goes as `FormData` would send it. */
const blobPart = (file: UploadFile): MultipartFile => ({
  source: { blob: file.file },
  filename: file.filename,
  contentType: file.file.type || "application/octet-stream",
})

/**
 * Pure: the multipart form. `tags` is repeated once per id, `custom_fields` goes as a JSON string
 * (`documents.post_document.full-metadata.json`), and the file part must be named `document`.
 */
export const uploadForm = (
  file: MultipartFile,
  metadata: typeof UploadMetadata.Encoded,
): ReadonlyArray<MultipartField> => {
  const form: Array<MultipartField> = [["document", file]]
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
    if (value !== undefined) form.push([key, String(value)])
  }
  for (const tag of metadata.tags ?? []) form.push(["tags", String(tag)])
  if (metadata.custom_fields !== undefined)
    form.push(["custom_fields", JSON.stringify(metadata.custom_fields)])
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
  /** Streams the file from disk as the request is sent: never read whole into memory. */
  readonly postFromPath: (
    path: string,
    options: UploadMetadata & { readonly filename?: string; readonly mimeType?: string },
  ) => Effect.Effect<TaskUuid, PaperlessError>
}

export const makeUpload = (transport: Transport): Upload => {
  const postPart = (file: MultipartFile, metadata: UploadMetadata) =>
    Effect.gen(function* () {
      const encoded = yield* Schema.encode(UploadMetadata)(metadata).pipe(
        Effect.mapError((error) => invalidRequest(ENDPOINT, error)),
      )
      // Not retried: a repeated POST would queue the file twice.
      return yield* transport.json(
        { method: "POST", path: ENDPOINT, body: { _tag: "Multipart", fields: uploadForm(file, encoded) } },
        TaskUuid,
      )
    })
  const postVersionPart = (document: number, file: MultipartFile, versionLabel: string | undefined) =>
    transport.json(
      {
        method: "POST",
        path: `/api/documents/${document}/update_version/`,
        body: {
          _tag: "Multipart",
          fields: [
            ["document", file],
            ...(versionLabel === undefined ? [] : [["version_label", versionLabel] as const]),
          ],
        },
      },
      TaskUuid,
    )
  return {
    post: (file, metadata = {}) => postPart(blobPart(file), metadata),
    postVersion: (document, file, versionLabel) => postVersionPart(document, blobPart(file), versionLabel),
    postFromPath: (path, { filename, mimeType, ...metadata }) =>
      postPart(pathPart(path, filename, mimeType), metadata),
    postVersionFromPath: (document, path, { filename, mimeType, versionLabel }) =>
      postVersionPart(document, pathPart(path, filename, mimeType), versionLabel),
  }
}

/** A file on disk as a multipart file part: read from disk as the request is sent. */
const pathPart = (
  path: string,
  filename: string | undefined,
  mimeType: string | undefined,
): MultipartFile => ({
  source: { path },
  filename: filename ?? path.split(/[\\/]/).pop() ?? "document",
  contentType: mimeType ?? "application/octet-stream",
})
