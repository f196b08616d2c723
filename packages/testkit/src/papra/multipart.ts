/**
 * A multipart/form-data reader that keeps what the upload route needs and busboy would report:
 * the parts in order, whether a part is a file (it has a `filename`), its declared type. Written
 * here rather than using `Response.formData()` because that hides part order and a missing type.
 */
export interface MultipartPart {
  readonly name: string
  /** Present only on file parts. */
  readonly filename?: string
  /** Lower-cased `type/subtype` without parameters, when the part declares one. */
  readonly mimeType?: string
  readonly data: Buffer
}

export type MultipartResult =
  | { readonly kind: "parts"; readonly parts: ReadonlyArray<MultipartPart> }
  /** Not multipart, or no boundary: busboy throws "Unsupported content type" synchronously. */
  | { readonly kind: "unsupported" }
  /** Truncated or garbled body: busboy emits an error event. */
  | { readonly kind: "malformed" }

const boundaryOf = (contentType: string | undefined): string | undefined => {
  if (contentType === undefined || !/^multipart\/form-data\s*(;|$)/i.test(contentType.trim()))
    return undefined
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType)
  return match?.[1] ?? match?.[2]
}

const headerParam = (header: string, param: string): string | undefined => {
  const extended = new RegExp(`;\\s*${param}\\*=(?:UTF-8|utf-8)''([^;]*)`).exec(header)
  if (extended?.[1] !== undefined) {
    try {
      return decodeURIComponent(extended[1])
    } catch {
      return extended[1]
    }
  }
  const quoted = new RegExp(`;\\s*${param}="((?:[^"\\\\]|\\\\.)*)"`, "i").exec(header)
  if (quoted?.[1] !== undefined) return quoted[1].replace(/\\(.)/g, "$1")
  return new RegExp(`;\\s*${param}=([^;\\s]+)`, "i").exec(header)?.[1]
}

// busboy drops any directory part of a file name unless told to preserve paths.
const baseName = (filename: string) =>
  filename.slice(Math.max(filename.lastIndexOf("/"), filename.lastIndexOf("\\")) + 1)

const parsePart = (raw: Buffer): MultipartPart | undefined => {
  const split = raw.indexOf("\r\n\r\n")
  if (split < 0) return undefined
  const headers = raw.subarray(0, split).toString("utf8").split("\r\n")
  const data = raw.subarray(split + 4)
  const find = (name: string) => headers.find((line) => line.toLowerCase().startsWith(`${name}:`))
  const disposition = find("content-disposition")
  if (disposition === undefined) return undefined
  const name = headerParam(disposition, "name")
  if (name === undefined) return undefined
  const filename = headerParam(disposition, "filename")
  const type = find("content-type")?.slice("content-type:".length).split(";")[0]?.trim().toLowerCase()
  return {
    name,
    data,
    ...(filename === undefined ? {} : { filename: baseName(filename) }),
    ...(type === undefined || type === "" ? {} : { mimeType: type }),
  }
}

export const parseMultipart = (contentType: string | undefined, body: Buffer): MultipartResult => {
  const boundary = boundaryOf(contentType)
  if (boundary === undefined) return { kind: "unsupported" }
  const delimiter = Buffer.from(`--${boundary}`)
  const parts: Array<MultipartPart> = []
  let cursor = body.indexOf(delimiter)
  if (cursor < 0) return { kind: "malformed" }
  for (;;) {
    cursor += delimiter.length
    if (body.subarray(cursor, cursor + 2).toString("latin1") === "--") return { kind: "parts", parts }
    if (body.subarray(cursor, cursor + 2).toString("latin1") !== "\r\n") return { kind: "malformed" }
    cursor += 2
    const next = body.indexOf(Buffer.concat([Buffer.from("\r\n"), delimiter]), cursor)
    if (next < 0) return { kind: "malformed" }
    const part = parsePart(body.subarray(cursor, next))
    if (part === undefined) return { kind: "malformed" }
    parts.push(part)
    cursor = next + 2
  }
}
