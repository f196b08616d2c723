/**
 * Names and their limits on both servers. Papra validates lengths with JavaScript `length` (UTF-16
 * code units, valibot `maxLength`); Paperless with Python `len` (code points, Django `max_length`).
 * A cut never splits a surrogate pair, so an emoji is kept whole or dropped whole.
 */

export const LIMITS = {
  /** papra `tags.schemas.ts`: trimmed, 1–64; papra-server-behaviour.md "Limits seen". */
  papraTagName: 64,
  /** papra `tags.schemas.ts`: trimmed, ≤256. */
  papraTagDescription: 256,
  /** papra `documents.schemas.ts`: 1–255. */
  papraDocumentName: 255,
  /** papra `documents.schemas.ts`: ≤2048. */
  papraNotes: 2048,
  /** papra `custom-property-definition.schema.ts` and option schemas: trimmed, 1–255. */
  papraPropertyName: 255,
  /** papra text custom property value: ≤10,000. */
  papraText: 10_000,
  /** Paperless title and every name (tags, correspondents, custom fields): 128 (paperless-server-behaviour.md). */
  paperlessName: 128,
  /** Paperless `string` custom field values: 128 (`MaxLengthValidator(128)`). */
  paperlessString: 128,
} as const

export type Measure = "utf16" | "codepoints"

export const measure = (text: string, unit: Measure): number =>
  unit === "utf16" ? text.length : Array.from(text).length

/** Cuts `text` to at most `max` units; when it cuts, the last kept character is `…` so a reader sees the cut. */
export const cutText = (text: string, max: number, unit: Measure, marker = "…"): string => {
  if (measure(text, unit) <= max) return text
  const budget = max - measure(marker, unit)
  let kept = ""
  for (const char of text) {
    if (measure(kept + char, unit) > budget) break
    kept += char
  }
  return kept + marker
}

/** Papra compares tag names after `toLowerCase` (papra `normalizeTagName`; 409 `tags.already_exists`). */
export const papraTagKey = (name: string): string => name.trim().toLowerCase()

/**
 * Papra derives a `key` for property definitions and select options by dropping everything but
 * letters and digits and lower-casing ("Open (renamed)" → `openrenamed`), and the key is unique
 * (papra migration 0018, papra-server-behaviour.md): "Amount" and "amount!" collide.
 */
export const papraPropertyKey = (name: string): string =>
  name
    .trim()
    .replace(/[^\p{L}\p{N}]/gu, "")
    .toLowerCase()

/** Paperless names are unique per owner and case-sensitive (`Finance` and `finance` coexist). */
export const paperlessNameKey = (name: string): string => name.trim()

export interface NamedItem<Id> {
  readonly id: Id
  readonly name: string
}

export interface ResolvedName<Id> {
  readonly id: Id
  /** The name as it will be written on the target. */
  readonly name: string
  readonly original: string
  /** The item that kept the contested name, when this one had to be renamed. */
  readonly collidedWith?: Id
  readonly cut: boolean
}

export interface NameRules {
  readonly max: number
  readonly unit: Measure
  readonly keyOf: (name: string) => string
  /** Used when a name is empty after trimming: the target refuses empty names. */
  readonly emptyName: string
}

const compareIds = <Id extends string | number>(a: Id, b: Id): number =>
  typeof a === "number" && typeof b === "number"
    ? a - b
    : String(a) < String(b)
      ? -1
      : String(a) > String(b)
        ? 1
        : 0

/**
 * Gives every item a target name that fits the target's limit and is unique under its comparison
 * rule. Deterministic: items are taken in id order, the lowest id keeps a contested name, later
 * ones get " (2)", " (3)", … (the suffix itself always fits).
 */
export const resolveNames = <Id extends string | number>(
  items: ReadonlyArray<NamedItem<Id>>,
  rules: NameRules,
): ReadonlyArray<ResolvedName<Id>> => {
  const taken = new Map<string, Id>()
  const sorted = [...items].sort((a, b) => compareIds(a.id, b.id))
  return sorted.map(({ id, name }) => {
    const trimmed = name.trim()
    const base = trimmed === "" ? rules.emptyName : trimmed
    const fitted = cutText(base, rules.max, rules.unit)
    const firstOwner = taken.get(rules.keyOf(fitted))
    if (firstOwner === undefined) {
      taken.set(rules.keyOf(fitted), id)
      return { id, name: fitted, original: name, cut: fitted !== base }
    }
    for (let n = 2; ; n++) {
      const suffix = ` (${n})`
      const candidate = cutText(base, rules.max - measure(suffix, rules.unit), rules.unit) + suffix
      if (!taken.has(rules.keyOf(candidate))) {
        taken.set(rules.keyOf(candidate), id)
        return {
          id,
          name: candidate,
          original: name,
          collidedWith: firstOwner,
          cut: candidate !== base + suffix,
        }
      }
    }
  })
}

export const papraTagNameRules: NameRules = {
  max: LIMITS.papraTagName,
  unit: "utf16",
  keyOf: papraTagKey,
  emptyName: "(unnamed)",
}

export const papraPropertyNameRules: NameRules = {
  max: LIMITS.papraPropertyName,
  unit: "utf16",
  keyOf: papraPropertyKey,
  emptyName: "(unnamed)",
}

export const paperlessNameRules: NameRules = {
  max: LIMITS.paperlessName,
  unit: "codepoints",
  keyOf: paperlessNameKey,
  emptyName: "(unnamed)",
}
