import { extractPdfText } from "../pdf.js"
import type { PapraStore } from "./store.js"

// @papra/lecture's text extractor claims these types (packages/lecture/src/extractors/txt.extractor.ts).
const TEXT_TYPES = [
  "application/json",
  "application/xml",
  "application/javascript",
  "application/typescript",
  "application/graphql",
  "application/markdown",
  "application/yaml",
]

/**
 * The text Papra stores as `content`, chosen by the declared MIME type only: a PDF declared as
 * octet-stream yields nothing, one declared text/plain yields its raw source (second run notes).
 * TextDecoder drops a UTF-8 byte-order mark and keeps CRLF, as the real extractor does.
 */
export const extractContent = (bytes: Buffer, mimeType: string): string => {
  if (mimeType === "application/pdf") {
    // unpdf merges the text items of a page with spaces (documents.get.pdf.json).
    return extractPdfText(bytes).split("\n").join(" ")
  }
  if (mimeType.startsWith("text/") || TEXT_TYPES.includes(mimeType)) return new TextDecoder().decode(bytes)
  return ""
}

/**
 * Papra's background `extract-document-file-content` task: after a delay it overwrites `content`
 * (also an earlier PATCH of it, like the real one) and logs an `updated` activity with no user.
 */
export class ExtractionQueue {
  private readonly pending = new Map<NodeJS.Timeout, () => void>()
  /** Extractions waiting for `release` (scheduled while held). */
  private readonly held: Array<() => void> = []
  private holding = false

  constructor(
    private readonly store: PapraStore,
    private readonly delayMs: number,
  ) {}

  schedule(documentId: string): void {
    const run = () => {
      const document = this.store.documents.get(documentId)
      if (document === undefined) return
      document.content = extractContent(document.bytes, document.mimeType)
      this.store.logActivity(document.id, "updated", null, { updatedFields: ["content"] })
    }
    if (this.holding) {
      this.held.push(run)
      return
    }
    const timer = setTimeout(() => {
      this.pending.delete(timer)
      run()
    }, this.delayMs)
    this.pending.set(timer, run)
  }

  /**
   * Extraction that finishes late, as an external OCR service's does (papra-hq/papra
   * `content-extraction-strategies`, e.g. mistral-ocr or docling): documents uploaded from now on
   * keep `content: ""` with no extraction in their activity until the returned `release` runs
   * their extractions, in upload order, overwriting whatever `content` was written meanwhile.
   */
  hold(): () => void {
    this.holding = true
    return () => {
      this.holding = false
      for (const run of this.held.splice(0)) run()
    }
  }

  /** Runs every scheduled extraction now (tests that do not want to wait). */
  flush(): void {
    for (const [timer, run] of [...this.pending]) {
      clearTimeout(timer)
      this.pending.delete(timer)
      run()
    }
  }

  get size(): number {
    return this.pending.size + this.held.length
  }

  stop(): void {
    for (const timer of this.pending.keys()) clearTimeout(timer)
    this.pending.clear()
    this.held.length = 0
  }
}
