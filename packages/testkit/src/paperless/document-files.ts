import type { SimResponse } from "../http-server.js"
import { formatMicros, httpDate } from "./clock.js"
import { findDocument } from "./documents.js"
import { requirePermission } from "./permissions.js"
import { bodyFields, type Context, fail, failDetail, json, parseBoolean, parsePk } from "./responses.js"
import type { DocumentRecord, PaperlessStore, StoredFile } from "./store.js"

/**
 * Files of a document: download / preview / thumb, metadata, bulk_download and public share links.
 * Trashed documents still serve their bytes (`documents.download.trashed.json`), except 2.20's thumb.
 */

const extensions: Record<string, string> = {
  "application/pdf": "pdf",
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/tiff": "tiff",
  "image/gif": "gif",
  "image/webp": "webp",
  "text/plain": "txt",
  "text/csv": "csv",
}

export const extensionOf = (mimeType: string) => extensions[mimeType] ?? "bin"

/** A 1×1 WEBP: the real thumbs are WEBP (`RIFF…WEBPVP8`), clients only check type and caching. */
const thumbnail = Buffer.from("UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA", "base64")

const quoteRfc5987 = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)

const asciiFallback = (text: string) =>
  text
    .normalize("NFKD")
    .replace(/[^\x20-\x7e]/g, "")
    .replace(/\\/g, "\\\\")
    .replace(/"/g, '\\"')

/** `<created> <correspondent> <title>.<ext>`, not the original file name (`documents.download.invoice.json`). */
export const contentDisposition = (
  store: PaperlessStore,
  document: DocumentRecord,
  file: StoredFile,
  disposition: string,
) => {
  const correspondent = store.objects.correspondents.get(document.correspondent ?? -1)?.name
  const name = `${[document.created, correspondent, document.title].filter((part) => part !== undefined && part !== "").join(" ")}.${extensionOf(file.mimeType)}`
  return `${disposition}; filename="${asciiFallback(name)}"; filename*=utf-8''${quoteRfc5987(name)}`
}

const pickFile = (context: Context, document: DocumentRecord): StoredFile => {
  const versionParam = context.query.get("version")
  let files = context.store.currentFile(document)
  if (versionParam !== null && context.store.generation === "3.0") {
    const version = document.versions.find((candidate) => String(candidate.id) === versionParam)
    if (version) files = { original: version.file, archive: version.archive }
    else if (versionParam === String(document.id))
      files = { original: document.original, archive: document.archive }
    else failDetail(404, "Not found.")
  }
  const original = parseBoolean(context.query.get("original") ?? "false") === true
  return original || files.archive === null ? files.original : files.archive
}

export const documentFile = (
  context: Context,
  rawId: string,
  kind: "download" | "preview" | "thumb",
): SimResponse => {
  requirePermission(context, "view_document")
  const document = findDocument(context, rawId, { includeTrashed: true, plainNotFound: true })
  const lastModified = httpDate(document.modified)
  if (kind === "thumb") {
    if (document.deletedAt !== null && context.store.generation === "2.20")
      return failDetail(404, "Not found.")
    const headers: Record<string, string> = {
      "content-type": "image/webp",
      "last-modified": httpDate(document.added),
      "cache-control": "no-cache",
    }
    if (context.store.generation === "3.0") {
      // 3.0 thumbs carry ETag = SHA-256 of the original and honour If-None-Match (304).
      const etag = `"${document.original.sha256}"`
      headers["content-disposition"] = `inline; filename="${String(document.id).padStart(7, "0")}.webp"`
      headers.etag = etag
      if (context.request.headers["if-none-match"] === etag) {
        return {
          status: 304,
          headers: { "last-modified": headers["last-modified"] ?? "", etag, "cache-control": "no-cache" },
        }
      }
    }
    return { status: 200, headers, body: thumbnail }
  }
  const file = pickFile(context, document)
  const headers: Record<string, string> = {
    "content-type": file.mimeType,
    "content-disposition": contentDisposition(
      context.store,
      document,
      file,
      kind === "download" ? "attachment" : "inline",
    ),
  }
  if (kind === "preview") {
    headers["last-modified"] = lastModified
    headers["cache-control"] = "no-cache"
    if (context.store.generation === "2.20") headers.etag = `"${file.md5}"`
  }
  return { status: 200, headers, body: file.bytes }
}

export const documentMetadata = (context: Context, rawId: string): SimResponse => {
  requirePermission(context, "view_document")
  const document = findDocument(context, rawId, { plainNotFound: true })
  const { original, archive } = context.store.currentFile(document)
  const checksum = context.store.checksumOf(original)
  const mediaName = `${String(document.id).padStart(7, "0")}.${extensionOf(original.mimeType)}`
  const etag =
    context.store.generation === "3.0"
      ? `"${checksum}:${formatMicros(document.modified).replace("Z", "+00:00")}"`
      : `"${checksum}"`
  return json(
    200,
    {
      original_checksum: checksum,
      original_size: original.bytes.length,
      original_mime_type: original.mimeType,
      media_filename: mediaName,
      has_archive_version: archive !== null,
      original_metadata: [],
      archive_checksum: archive === null ? null : context.store.checksumOf(archive),
      archive_media_filename: archive === null ? null : `${String(document.id).padStart(7, "0")}.pdf`,
      original_filename: document.originalFileName,
      archive_size: archive === null ? null : archive.bytes.length,
      archive_metadata: archive === null ? null : [],
      lang: "en",
    },
    { "last-modified": httpDate(document.modified), etag, "cache-control": "no-cache" },
  )
}

// ---- zip (stored, no compression): enough for bulk_download ------------------------------------

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

const crc32 = (bytes: Buffer) => {
  let crc = 0xffffffff
  for (const byte of bytes) crc = (crcTable[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8)
  return (crc ^ 0xffffffff) >>> 0
}

export const zipOf = (entries: ReadonlyArray<{ readonly name: string; readonly bytes: Buffer }>): Buffer => {
  const locals: Array<Buffer> = []
  const centrals: Array<Buffer> = []
  let offset = 0
  for (const entry of entries) {
    const name = Buffer.from(entry.name, "utf8")
    const crc = crc32(entry.bytes)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(0x0800, 6)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(entry.bytes.length, 18)
    local.writeUInt32LE(entry.bytes.length, 22)
    local.writeUInt16LE(name.length, 26)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE(20, 4)
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(0x0800, 8)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(entry.bytes.length, 20)
    central.writeUInt32LE(entry.bytes.length, 24)
    central.writeUInt16LE(name.length, 28)
    central.writeUInt32LE(offset, 42)
    locals.push(local, name, entry.bytes)
    centrals.push(central, name)
    offset += local.length + name.length + entry.bytes.length
  }
  const centralSize = centrals.reduce((sum, part) => sum + part.length, 0)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(centralSize, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, ...centrals, end])
}

export const bulkDownload = async (context: Context): Promise<SimResponse> => {
  requirePermission(context, "view_document")
  const fields = await bodyFields(context)
  const ids = Array.isArray(fields.documents) ? fields.documents.map(parsePk) : []
  const documents = ids.map((id) => (typeof id === "number" ? context.store.liveDocument(id) : undefined))
  if (!Array.isArray(fields.documents) || documents.some((document) => document === undefined)) {
    return fail(400, { documents: ["Some documents in documents don't exist or were specified twice."] })
  }
  const content = fields.content ?? "archive"
  if (!["archive", "originals", "both"].includes(String(content))) {
    return fail(400, { content: [`"${String(content)}" is not a valid choice.`] })
  }
  const entries: Array<{ name: string; bytes: Buffer }> = []
  for (const document of documents) {
    if (!document) continue
    const { original, archive } = context.store.currentFile(document)
    const base = `${document.created} ${document.title}`.replace(/[/\\]/g, "_")
    if (content === "originals" || content === "both" || archive === null) {
      entries.push({
        name: `${content === "both" ? "originals/" : ""}${base}.${extensionOf(original.mimeType)}`,
        bytes: original.bytes,
      })
    }
    if (archive !== null && content !== "originals") {
      entries.push({ name: `${content === "both" ? "archive/" : ""}${base}.pdf`, bytes: archive.bytes })
    }
  }
  return {
    status: 200,
    headers: {
      "content-type": "application/zip",
      "content-disposition": 'attachment; filename="documents.zip"',
    },
    body: zipOf(entries),
  }
}

/** `GET /share/<slug>`: the file without authentication; an unknown slug redirects to the login. */
export const sharedFile = (store: PaperlessStore, slug: string): SimResponse => {
  const link = [...store.shareLinks.values()].find((candidate) => candidate.slug === slug)
  const document = link === undefined ? undefined : store.documents.get(link.document)
  const expired = link?.expiration != null && Date.parse(link.expiration) < Date.now()
  if (!link || !document || expired) {
    return {
      status: 302,
      headers: {
        location: "/accounts/login/?sharelink_notfound=1",
        "content-type": "text/html; charset=utf-8",
      },
    }
  }
  const { original, archive } = store.currentFile(document)
  const file = link.fileVersion === "original" || archive === null ? original : archive
  return {
    status: 200,
    headers: {
      "content-type": file.mimeType,
      "content-disposition": contentDisposition(store, document, file, "inline"),
    },
    body: file.bytes,
  }
}
