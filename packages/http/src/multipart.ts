import { randomBytes } from "node:crypto"
import * as Fs from "node:fs"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"

/** A file part's bytes: a file on disk (read in chunks as the request is sent) or any `Blob`. */
export type MultipartSource = { readonly path: string } | { readonly blob: Blob }

export interface MultipartFile {
  readonly source: MultipartSource
  readonly filename: string
  /** Sent as the part's `Content-Type`; both servers store the type the part declares. */
  readonly contentType: string
}

/** One form field, in the order it is sent; a string value is a plain field, anything else a file. */
export type MultipartField = readonly [name: string, value: string | MultipartFile]

/** A file part whose file cannot be opened or read. */
export class MultipartFileError extends Data.TaggedError("MultipartFileError")<{
  /** The form field of the file. */
  readonly field: string
  readonly path: string
  readonly problem: string
}> {}

/** A multipart/form-data request body, ready for `HttpClientRequest.bodyStream`. */
export interface MultipartBody {
  readonly contentType: string
  /** The exact number of bytes `stream` yields. */
  readonly contentLength: number
  /**
   * Reads each file from its start every time it is run, so a retried request sends the whole
   * body again rather than the rest of a consumed one.
   */
  readonly stream: Stream.Stream<Uint8Array, MultipartFileError>
}

const encoder = new TextEncoder()

/**
 * Quoted as browsers and undici's `FormData` do (WHATWG "multipart/form-data encoding algorithm"):
 * the name stays UTF-8 and only `"`, CR and LF are percent-escaped. No `filename*`: RFC 7578 §4.2
 * forbids it in form data, and the file names the real servers stored from this encoding are
 * intact (papra `documents.create.unicode-filename.json`, paperless
 * `documents.post_document.unicode-filename.json`).
 */
const quoted = (value: string) =>
  `"${value.replace(/"/g, "%22").replace(/\r/g, "%0D").replace(/\n/g, "%0A")}"`

// Field values have their line breaks normalized to CRLF, as `FormData` does.
const fieldValue = (value: string) => value.replace(/\r\n|\r|\n/g, "\r\n")

const partHeader = (boundary: string, [name, value]: MultipartField) => {
  const disposition = `--${boundary}\r\nContent-Disposition: form-data; name=${quoted(name)}`
  return typeof value === "string"
    ? `${disposition}\r\n\r\n`
    : `${disposition}; filename=${quoted(value.filename)}\r\nContent-Type: ${value.contentType.replace(/[\r\n]/g, "")}\r\n\r\n`
}

const fileError = (field: string, source: MultipartSource) => (cause: unknown) =>
  new MultipartFileError({
    field,
    path: "path" in source ? source.path : "(blob)",
    problem: cause instanceof Error ? cause.message : String(cause),
  })

const fileSize = (field: string, source: MultipartSource) =>
  "blob" in source
    ? Effect.succeed(source.blob.size)
    : Effect.tryPromise({ try: () => Fs.promises.stat(source.path), catch: fileError(field, source) }).pipe(
        Effect.filterOrFail(
          (stats) => stats.isFile(),
          () => fileError(field, source)("not a regular file"),
        ),
        Effect.map((stats) => stats.size),
      )

const fileBytes = (field: string, source: MultipartSource): Stream.Stream<Uint8Array, MultipartFileError> =>
  "blob" in source
    ? Stream.fromReadableStream({ evaluate: () => source.blob.stream(), onError: fileError(field, source) })
    : // Suspended so that every run opens the file anew.
      Stream.suspend(() =>
        Stream.fromAsyncIterable(
          Fs.createReadStream(source.path) as AsyncIterable<Uint8Array>,
          fileError(field, source),
        ),
      )

/**
 * The body for `fields`, streamed: only the file sizes are read up front (for `Content-Length`,
 * which Papra checks before reading the body and which proxies prefer to chunked uploads).
 */
export const multipartBody = (
  fields: ReadonlyArray<MultipartField>,
): Effect.Effect<MultipartBody, MultipartFileError> =>
  Effect.gen(function* () {
    const boundary = `----paperbridge${randomBytes(16).toString("hex")}`
    const pieces: Array<Stream.Stream<Uint8Array, MultipartFileError>> = []
    let contentLength = 0
    const text = (value: string) => {
      const bytes = encoder.encode(value)
      pieces.push(Stream.succeed(bytes))
      contentLength += bytes.length
    }
    for (const field of fields) {
      text(partHeader(boundary, field))
      const [name, value] = field
      if (typeof value === "string") text(`${fieldValue(value)}\r\n`)
      else {
        contentLength += yield* fileSize(name, value.source)
        pieces.push(fileBytes(name, value.source))
        text("\r\n")
      }
    }
    text(`--${boundary}--\r\n`)
    return {
      contentType: `multipart/form-data; boundary=${boundary}`,
      contentLength,
      stream: Stream.flatten(Stream.fromIterable(pieces)),
    }
  })
