import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { filenameFromContentDisposition } from "@paperbridge/http"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type { DocumentId } from "./documents.js"
import { type PaperlessError, PaperlessTransportError } from "./errors.js"
import { jsonBody, type Query, type RequestSpec, type Transport } from "./transport.js"

/** A file the server is sending: metadata from the headers, bytes as they arrive. */
export interface DocumentFile {
  /** From Content-Disposition, `filename*` (UTF-8) preferred over the ASCII fallback. */
  readonly filename: string | undefined
  readonly contentType: string | undefined
  readonly contentLength: number | undefined
  /** 3.0 thumbs: SHA-256 of the original; 2.20 previews: MD5 of the archive. */
  readonly etag: string | undefined
  /** Read it once; nothing is buffered. */
  readonly stream: Stream.Stream<Uint8Array, PaperlessError>
}

export const toDocumentFile = (
  spec: RequestSpec,
  response: HttpClientResponse.HttpClientResponse,
): DocumentFile => {
  const length = Number.parseInt(response.headers["content-length"] ?? "", 10)
  return {
    filename: filenameFromContentDisposition(response.headers["content-disposition"]),
    contentType: response.headers["content-type"],
    contentLength: Number.isFinite(length) ? length : undefined,
    etag: response.headers.etag?.replace(/^W\//, "").replace(/"/g, ""),
    stream: response.stream.pipe(
      Stream.mapError(
        (error) =>
          new PaperlessTransportError({ method: spec.method, endpoint: spec.path, reason: error.message }),
      ),
    ),
  }
}

export interface FileOptions {
  /** The uploaded bytes instead of the archived PDF/A (2.20 archives every PDF by default). */
  readonly original?: boolean
  /** 3.0 document versions: one version's bytes instead of the newest. */
  readonly version?: number
}

export interface Files {
  readonly download: (id: DocumentId, options?: FileOptions) => Effect.Effect<DocumentFile, PaperlessError>
  readonly preview: (id: DocumentId, options?: FileOptions) => Effect.Effect<DocumentFile, PaperlessError>
  /** WEBP on both generations. */
  readonly thumb: (id: DocumentId) => Effect.Effect<DocumentFile, PaperlessError>
  /** A zip of several documents (`documents.zip`). */
  readonly bulkDownload: (
    ids: ReadonlyArray<DocumentId>,
    content?: "both" | "originals" | "archive",
  ) => Effect.Effect<DocumentFile, PaperlessError>
}

const BulkDownload = Schema.Struct({
  documents: Schema.Array(Schema.Int),
  content: Schema.Literal("both", "originals", "archive"),
  follow_formatting: Schema.Boolean,
})

export const makeFiles = (transport: Transport): Files => {
  const open = (id: DocumentId, kind: string, options?: FileOptions) => {
    const query: Query = {
      ...(options?.original === true ? { original: "true" } : {}),
      ...(options?.version === undefined ? {} : { version: options.version }),
    }
    const spec: RequestSpec = { method: "GET", path: `/api/documents/${id}/${kind}/`, query }
    return Effect.map(transport.open(spec), (response) => toDocumentFile(spec, response))
  }
  return {
    download: (id, options) => open(id, "download", options),
    preview: (id, options) => open(id, "preview", options),
    thumb: (id) => open(id, "thumb"),
    bulkDownload: (ids, content = "both") => {
      const path = "/api/documents/bulk_download/"
      const spec: RequestSpec = {
        method: "POST",
        path,
        body: jsonBody(BulkDownload, { documents: ids, content, follow_formatting: false }, path),
        idempotent: true,
      }
      return Effect.map(transport.open(spec), (response) => toDocumentFile(spec, response))
    },
  }
}
