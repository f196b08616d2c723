import { canonicalJson, type DocumentSnapshot } from "./snapshot.js"

/** The two archives of a synced pair. */
export type SyncSide = "paperless" | "papra"

export const otherSide = (side: SyncSide): SyncSide => (side === "paperless" ? "papra" : "paperless")

/** `--conflict`: how a scalar field changed differently on both sides is settled. */
export type ConflictPolicy = "newest" | "paperless" | "papra" | "fail"

export const DEFAULT_CONFLICT_POLICY: ConflictPolicy = "fail"

/** The same policy seen from the other side: what `paperless` means once the sides are swapped. */
export const swapPolicy = (policy: ConflictPolicy): ConflictPolicy =>
  policy === "paperless" ? "papra" : policy === "papra" ? "paperless" : policy

/** A snapshot field, or one custom field (`customFields.<id>`), as merges and conflicts name it. */
export type SnapshotField = Exclude<keyof DocumentSnapshot, "customFields"> | `customFields.${string}`

export type FieldMerge =
  | { readonly _tag: "Unchanged"; readonly field: SnapshotField; readonly value: unknown }
  | { readonly _tag: "Take"; readonly field: SnapshotField; readonly side: SyncSide; readonly value: unknown }
  | { readonly _tag: "MergedSet"; readonly field: SnapshotField; readonly value: unknown }
  | {
      readonly _tag: "Conflict"
      readonly field: SnapshotField
      readonly base: unknown
      readonly paperless: unknown
      readonly papra: unknown
      /** The side the policy chose, or null when it chose none (`fail`, or `newest` without a clear newer side). */
      readonly winner: SyncSide | null
    }

export type FieldConflict = Extract<FieldMerge, { readonly _tag: "Conflict" }>

export interface MergeInput {
  readonly base: DocumentSnapshot
  readonly paperless: DocumentSnapshot
  readonly papra: DocumentSnapshot
  readonly policy?: ConflictPolicy | undefined
  /**
   * When each side last changed the document (ISO instants), for `newest`. Papra's `updatedAt` never
   * moves (papra-server-behaviour.md), so the engine passes what it knows, e.g. its activity log.
   */
  readonly changedAt?:
    | { readonly paperless?: string | undefined; readonly papra?: string | undefined }
    | undefined
  /**
   * Fields a side does not hold (the configuration carries them nowhere there, e.g. storage paths
   * with `storagePath.as = "none"`): that side's value is never a change, so it cannot undo the other's.
   */
  readonly notHeldBy?: Partial<Record<SyncSide, ReadonlyArray<SnapshotField>>> | undefined
}

export interface MergeResult {
  readonly fields: ReadonlyArray<FieldMerge>
  /** The settled document, or null while a conflict is unresolved: then neither side is written. */
  readonly merged: DocumentSnapshot | null
  /** Conflicts the policy did not settle (all of them under `fail`). */
  readonly unresolved: ReadonlyArray<FieldConflict>
}

// An absent custom field is not the same as one set to null (canonical JSON writes both as null).
const same = (a: unknown, b: unknown): boolean =>
  (a === undefined) === (b === undefined) && canonicalJson(a) === canonicalJson(b)

/** How many times each member occurs, by its canonical text (notes may repeat a text). */
const countsOf = (values: ReadonlyArray<unknown>): Map<string, number> => {
  const counts = new Map<string, number>()
  for (const value of values) {
    const text = canonicalJson(value)
    counts.set(text, (counts.get(text) ?? 0) + 1)
  }
  return counts
}

/**
 * One member's count after both sides changed the list. A side that left the count alone yields to
 * the other; two removals keep the smaller count; otherwise the larger wins, so an addition beats a
 * removal and no note is lost. Each case is settled by a value one side holds, which is what makes
 * merging a side with the result change nothing more.
 */
const mergedCount = (base: number, paperless: number, papra: number): number => {
  if (paperless === base) return papra
  if (papra === base) return paperless
  return paperless < base && papra < base ? Math.min(paperless, papra) : Math.max(paperless, papra)
}

/**
 * Lists merged as multisets. The order depends on the base and the counts only, never on which
 * side holds what: members kept from the base in base order, then additions ordered by their text.
 * Numbers (tag ids) stay sorted, as snapshots keep them.
 */
const mergeSets = (
  base: ReadonlyArray<unknown>,
  paperless: ReadonlyArray<unknown>,
  papra: ReadonlyArray<unknown>,
): ReadonlyArray<unknown> => {
  const [b, a, c] = [countsOf(base), countsOf(paperless), countsOf(papra)]
  const values = new Map([...base, ...paperless, ...papra].map((value) => [canonicalJson(value), value]))
  const wanted = new Map(
    [...values.keys()].map((text) => [
      text,
      mergedCount(b.get(text) ?? 0, a.get(text) ?? 0, c.get(text) ?? 0),
    ]),
  )
  const placed = new Map<string, number>()
  const kept = base.filter((value) => {
    const text = canonicalJson(value)
    const count = (placed.get(text) ?? 0) + 1
    placed.set(text, count)
    return count <= (wanted.get(text) ?? 0)
  })
  const added = [...wanted]
    .filter(([text, count]) => count > (b.get(text) ?? 0))
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    .flatMap(([text, count]) => Array.from({ length: count - (b.get(text) ?? 0) }, () => values.get(text)))
  const merged = [...kept, ...added]
  return merged.every((value) => typeof value === "number")
    ? [...(merged as Array<number>)].sort((x, y) => x - y)
    : merged
}

const isList = (value: unknown): value is ReadonlyArray<unknown> => Array.isArray(value)

const newerSide = (changedAt: MergeInput["changedAt"]): SyncSide | null => {
  const paperless = changedAt?.paperless === undefined ? Number.NaN : Date.parse(changedAt.paperless)
  const papra = changedAt?.papra === undefined ? Number.NaN : Date.parse(changedAt.papra)
  if (Number.isNaN(paperless) || Number.isNaN(papra) || paperless === papra) return null
  return paperless > papra ? "paperless" : "papra"
}

const winnerOf = (input: MergeInput): SyncSide | null => {
  const policy = input.policy ?? DEFAULT_CONFLICT_POLICY
  if (policy === "fail") return null
  return policy === "newest" ? newerSide(input.changedAt) : policy
}

const mergeField = (
  field: SnapshotField,
  values: { readonly base: unknown; readonly paperless: unknown; readonly papra: unknown },
  winner: SyncSide | null,
): FieldMerge => {
  const { base, paperless, papra } = values
  const paperlessChanged = !same(paperless, base)
  const papraChanged = !same(papra, base)
  if (!paperlessChanged && !papraChanged) return { _tag: "Unchanged", field, value: base }
  if (!papraChanged) return { _tag: "Take", field, side: "paperless", value: paperless }
  if (!paperlessChanged || same(paperless, papra)) return { _tag: "Take", field, side: "papra", value: papra }
  // Tags, notes and multi-valued custom fields: additions and removals on each side both count.
  if (isList(base) && isList(paperless) && isList(papra))
    return { _tag: "MergedSet", field, value: mergeSets(base, paperless, papra) }
  return { _tag: "Conflict", field, base, paperless, papra, winner }
}

// A side that did not read the content (a Papra list) says nothing about it, so null is "as before".
const withKnownContent = (side: DocumentSnapshot, base: DocumentSnapshot): DocumentSnapshot =>
  side.contentSha256 === null ? { ...side, contentSha256: base.contentSha256 } : side

const fieldValue = (snapshot: DocumentSnapshot, field: SnapshotField): unknown =>
  field.startsWith("customFields.")
    ? snapshot.customFields[field.slice("customFields.".length)]
    : snapshot[field as Exclude<SnapshotField, `customFields.${string}`>]

const SCALAR_AND_LIST_FIELDS = [
  "title",
  "originalFileName",
  "created",
  "contentSha256",
  "correspondent",
  "documentType",
  "storagePath",
  "tags",
  "archiveSerialNumber",
  "notes",
] as const satisfies ReadonlyArray<SnapshotField>

/** Every field of the given snapshots, custom fields one by one (a field on any of them counts). */
const fieldsOf = (snapshots: ReadonlyArray<DocumentSnapshot>): ReadonlyArray<SnapshotField> => {
  const customFieldIds = new Set(snapshots.flatMap((snapshot) => Object.keys(snapshot.customFields)))
  return [
    ...SCALAR_AND_LIST_FIELDS,
    ...[...customFieldIds].sort().map((id): SnapshotField => `customFields.${id}`),
  ]
}

const settledValue = (merge: FieldMerge): unknown =>
  merge._tag === "Conflict" ? (merge.winner === null ? merge.base : merge[merge.winner]) : merge.value

const assemble = (base: DocumentSnapshot, fields: ReadonlyArray<FieldMerge>): DocumentSnapshot => {
  const customFields: Record<string, unknown> = {}
  const plain: Record<string, unknown> = {}
  for (const merge of fields) {
    const value = settledValue(merge)
    if (merge.field.startsWith("customFields.")) {
      if (value !== undefined) customFields[merge.field.slice("customFields.".length)] = value
    } else plain[merge.field] = value
  }
  return { ...base, ...plain, customFields } as DocumentSnapshot
}

/**
 * The three-way merge of one linked document: each field of both sides against the base (what both
 * sides held after the last sync). A field changed on one side only takes that side; changed alike
 * on both is no conflict; lists merge as sets; a custom field removed on one side is removed unless
 * the other changed it (then it is a conflict between a value and no value).
 */
export const mergeDocument = (input: MergeInput): MergeResult => {
  const hidden = (side: SyncSide, field: SnapshotField) => input.notHeldBy?.[side]?.includes(field) ?? false
  const paperless = withKnownContent(input.paperless, input.base)
  const papra = withKnownContent(input.papra, input.base)
  const winner = winnerOf(input)
  const fields = fieldsOf([input.base, input.paperless, input.papra]).map((field) => {
    const base = fieldValue(input.base, field)
    return mergeField(
      field,
      {
        base,
        paperless: hidden("paperless", field) ? base : fieldValue(paperless, field),
        papra: hidden("papra", field) ? base : fieldValue(papra, field),
      },
      winner,
    )
  })
  const unresolved = fields.filter(
    (merge): merge is FieldConflict => merge._tag === "Conflict" && merge.winner === null,
  )
  return { fields, merged: unresolved.length === 0 ? assemble(input.base, fields) : null, unresolved }
}

/** The fields whose value differs between two snapshots: what a side needs written to match. */
export const changedFields = (from: DocumentSnapshot, to: DocumentSnapshot): ReadonlyArray<SnapshotField> =>
  fieldsOf([from, to]).filter((field) => !same(fieldValue(from, field), fieldValue(to, field)))
