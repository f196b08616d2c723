import { createHash } from "node:crypto"
import type { MappingContext } from "./definitions.js"
import {
  type MappedPaperlessDocument,
  type PaperlessDocument,
  type PapraDocument,
  type PapraToPaperlessOptions,
  paperlessDocumentAsMapped,
  papraDocumentToPaperless,
} from "./documents.js"

/**
 * The mapped metadata of a linked document, in one side-neutral vocabulary (Paperless ids; the
 * links translate Papra's), so the engine can store it as the base of a later three-way merge and
 * compare it with either side mapped the same way. Neither server's `modified`/`updatedAt` can be
 * trusted for that (Papra's never moves; Paperless's misses renames: peers-and-traps.md).
 */
export interface DocumentSnapshot {
  readonly title: string
  readonly originalFileName: string
  readonly created: string | null
  /** SHA-256 of the content (hex), or null when the content was not read; the text itself can be megabytes. */
  readonly contentSha256: string | null
  readonly correspondent: number | null
  readonly documentType: number | null
  readonly storagePath: number | null
  readonly tags: ReadonlyArray<number>
  readonly archiveSerialNumber: number | null
  /** Field id (as a string, JSON object keys) → value. */
  readonly customFields: Readonly<Record<string, unknown>>
  readonly notes: ReadonlyArray<string>
}

const sha256 = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex")

export const documentSnapshot = (document: MappedPaperlessDocument): DocumentSnapshot => ({
  title: document.title,
  originalFileName: document.originalFileName,
  created: document.created,
  contentSha256: document.content === undefined ? null : sha256(document.content),
  correspondent: document.correspondent,
  documentType: document.documentType,
  storagePath: document.storagePath,
  tags: [...document.tags].sort((a, b) => a - b),
  archiveSerialNumber: document.archiveSerialNumber,
  customFields: Object.fromEntries(
    [...document.customFields]
      .sort((a, b) => a.field - b.field)
      .map(({ field, value }) => [
        String(field),
        Array.isArray(value) ? [...value].sort((a, b) => a - b) : value,
      ]),
  ),
  notes: [...document.notes],
})

/**
 * The other way: what to write to Paperless so that it holds `snapshot` (a merge's result). The
 * text is given apart, since a snapshot keeps only its hash: undefined leaves Paperless's as it is.
 */
export const snapshotAsMapped = (
  snapshot: DocumentSnapshot,
  content: string | undefined,
): MappedPaperlessDocument => ({
  title: snapshot.title,
  originalFileName: snapshot.originalFileName,
  created: snapshot.created,
  content,
  correspondent: snapshot.correspondent,
  documentType: snapshot.documentType,
  storagePath: snapshot.storagePath,
  tags: snapshot.tags,
  archiveSerialNumber: snapshot.archiveSerialNumber,
  customFields: Object.entries(snapshot.customFields)
    .map(([field, value]) => ({
      field: Number(field),
      value: value as MappedPaperlessDocument["customFields"][number]["value"],
    }))
    .sort((a, b) => a.field - b.field),
  notes: snapshot.notes,
})

/**
 * JSON with object keys sorted at every depth and `undefined` members left out, so equal values
 * always give the same text (and hash) whatever order a mapper built them in.
 */
export const canonicalJson = (value: unknown): string => JSON.stringify(sortKeys(value)) ?? "null"

const sortKeys = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : sortKeys(item)))
  if (value !== null && typeof value === "object" && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .flatMap((key) => {
          const member: unknown = (value as Record<string, unknown>)[key]
          return member === undefined ? [] : [[key, sortKeys(member)]]
        }),
    )
  }
  return value
}

/** SHA-256 (hex) of the snapshot's canonical JSON: equal snapshots, equal hashes. */
export const snapshotHash = (snapshot: DocumentSnapshot): string => sha256(canonicalJson(snapshot))

/** The snapshot of a Paperless document as it stands. */
export const paperlessSnapshot = (document: PaperlessDocument, context: MappingContext): DocumentSnapshot =>
  documentSnapshot(paperlessDocumentAsMapped(document, context))

/** The snapshot of a Papra document, in the same vocabulary (through the links). */
export const papraSnapshot = (
  document: PapraDocument,
  context: MappingContext,
  options: PapraToPaperlessOptions = {},
): DocumentSnapshot => documentSnapshot(papraDocumentToPaperless(document, context, options).document)
