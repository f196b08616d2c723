import * as Schema from "effect/Schema"
import { cutText, LIMITS } from "./names.js"

/**
 * A Paperless note (`documents.notes.list.json`). `user` is an object from API version 8 on and an
 * id before (paperless-2.20-differences.md).
 */
export const PaperlessNote = Schema.Struct({
  note: Schema.String,
  created: Schema.String,
  user: Schema.optional(
    Schema.NullOr(
      Schema.Union(
        Schema.Number,
        Schema.Struct({
          id: Schema.Number,
          username: Schema.String,
          first_name: Schema.optional(Schema.NullOr(Schema.String)),
          last_name: Schema.optional(Schema.NullOr(Schema.String)),
        }),
      ),
    ),
  ),
})
export type PaperlessNote = typeof PaperlessNote.Type

/**
 * Papra has one free-text `notes` field per document (≤2048 chars), Paperless a list of notes with
 * author and time. Several notes are joined under header lines that carry author and time:
 *
 *     --- Note by admin, 2026-11-23 18:12 UTC ---
 *     First note
 *
 *     --- Note by admin, 2026-11-23 18:13 UTC ---
 *     Second note
 *
 * A single note is written as its bare text, so a Papra note written by a person (no header)
 * comes back to Papra unchanged after a trip through Paperless.
 */
const HEADER = /^--- Note by (.*), (\d{4}-\d{2}-\d{2} \d{2}:\d{2}) UTC ---$/gm
const SEPARATOR = "\n\n"

export const noteAuthor = (user: PaperlessNote["user"]): string => {
  if (user === undefined || user === null) return "unknown"
  if (typeof user === "number") return `user ${user}`
  const fullName = [user.first_name ?? "", user.last_name ?? ""].join(" ").trim()
  return fullName === "" ? user.username : `${fullName} (${user.username})`
}

const noteTime = (created: string): string => {
  const instant = new Date(created)
  return Number.isNaN(instant.getTime())
    ? created.slice(0, 16).replace("T", " ")
    : instant.toISOString().slice(0, 16).replace("T", " ")
}

export const noteHeader = (note: PaperlessNote): string =>
  `--- Note by ${noteAuthor(note.user)}, ${noteTime(note.created)} UTC ---`

export interface JoinedNotes {
  /** Papra `notes`, or null when there are no notes. */
  readonly text: string | null
  /** Characters dropped to fit Papra's 2048-char limit (0 when everything fit). */
  readonly droppedChars: number
}

/** Paperless notes (oldest first, as the server lists them) → Papra `notes`. */
export const joinNotes = (notes: ReadonlyArray<PaperlessNote>): JoinedNotes => {
  if (notes.length === 0) return { text: null, droppedChars: 0 }
  const full =
    notes.length === 1
      ? (notes[0]?.note ?? "")
      : notes.map((note) => `${noteHeader(note)}\n${note.note}`).join(SEPARATOR)
  const text = cutText(full, LIMITS.papraNotes, "utf16")
  return { text, droppedChars: text === full ? 0 : full.length - text.length + 1 }
}

/**
 * Papra `notes` → the texts of Paperless notes. When `base` is given and `text` is exactly what
 * `joinNotes(base)` made, the base notes come back unchanged (even an empty note, even a note whose
 * text looks like a header). Text with header lines splits at them (whatever
 * precedes the first header is a note of its own); text without is one note. An empty or missing
 * text is no note at all, since Papra cannot tell "no notes" from "one empty note".
 */
export const splitNotes = (
  text: string | null | undefined,
  /** The Paperless notes this text was made from, if known: when it is unchanged they come back as they were. */
  base?: ReadonlyArray<PaperlessNote>,
): ReadonlyArray<string> => {
  if (base !== undefined && joinNotes(base).text === (text ?? null)) return base.map((note) => note.note)
  if (text === null || text === undefined || text === "") return []
  const headers = [...text.matchAll(HEADER)]
  if (headers.length === 0) return [text]
  const notes: Array<string> = []
  const first = headers[0]
  if (first !== undefined && first.index > 0) notes.push(stripSeparator(text.slice(0, first.index)))
  headers.forEach((header, position) => {
    const bodyStart = header.index + header[0].length + 1
    const next = headers[position + 1]
    const body = text.slice(Math.min(bodyStart, text.length), next === undefined ? text.length : next.index)
    notes.push(next === undefined ? body : stripSeparator(body))
  })
  return notes
}

const stripSeparator = (body: string): string =>
  body.endsWith(SEPARATOR) ? body.slice(0, -SEPARATOR.length) : body
