import * as Schema from "effect/Schema"
import { toPaperlessColor, toPapraColor } from "./colors.js"
import { otherSide, type SyncSide } from "./merge.js"
import { cutText } from "./names.js"

/**
 * Renames, recolours and deletes of linked definitions (tags, classifiers, fields/properties,
 * select options), decided per link against a base: how each side's definition looked after the
 * last sync. The base keeps both sides' values because they differ legitimately (a prefix, a cut,
 * a path), so a change is "this side differs from its own base", never "the two sides differ".
 */

/** One side's definition as the sync compares it; `color` (lower-case `#rrggbb`) only where both ends have one. */
export const DefinitionFace = Schema.Struct({ name: Schema.String, color: Schema.optional(Schema.String) })
export type DefinitionFace = typeof DefinitionFace.Type

export const DefinitionBase = Schema.Struct({ paperless: DefinitionFace, papra: DefinitionFace })
export type DefinitionBase = typeof DefinitionBase.Type

/** How a name travels between the ends of one link. */
export type NameRule =
  | {
      readonly _tag: "Carried"
      /** Put before the Paperless name on Papra: classifier tags ("Correspondent: ACME"). */
      readonly papraPrefix: string
      /** Papra's limit, in UTF-16 units. */
      readonly papraMax: number
      /** Paperless's limit, in code points. */
      readonly paperlessMax: number
      /**
       * Tags in mode `path`: the Paperless face is the whole path, and only the last segment is the
       * tag's own name; `parent` is the parent's path (null at the root).
       */
      readonly path?: { readonly separator: string; readonly parent: string | null } | undefined
    }
  /** The mapping cannot carry a rename here (a config override names the other end, several fields share it). */
  | { readonly _tag: "NotCarried"; readonly reason: string }

export interface DefinitionLinkState {
  readonly base: DefinitionBase | undefined
  /** `undefined`: this end is gone. */
  readonly paperless: DefinitionFace | undefined
  readonly papra: DefinitionFace | undefined
  readonly names: NameRule
  /** How many documents on a side still use the definition, where counted (only a survivor's is read). */
  readonly inUse?:
    | { readonly paperless?: number | undefined; readonly papra?: number | undefined }
    | undefined
}

export type DefinitionAttribute = "name" | "color"

export interface DefinitionWrite {
  readonly side: SyncSide
  readonly attribute: DefinitionAttribute
  /** What to send to that side (a tag's own name in mode `path`, Papra's upper-case colour). */
  readonly value: string
  /** How that side reads afterwards, for the base. */
  readonly face: string
}

/** A change left as it is on both sides, with why: reported on every run until settled. */
export interface HeldChange {
  readonly attribute: DefinitionAttribute
  readonly why: "conflict" | "not-carried"
  readonly detail: string
  readonly base: { readonly paperless: string | undefined; readonly papra: string | undefined }
  readonly paperless: string | undefined
  readonly papra: string | undefined
}

export type DefinitionDecision =
  | { readonly _tag: "Unchanged" }
  /** `base` is the base to store once the writes succeeded; `undefined` when it stays. */
  | {
      readonly _tag: "Sync"
      readonly writes: ReadonlyArray<DefinitionWrite>
      readonly held: ReadonlyArray<HeldChange>
      readonly base: DefinitionBase | undefined
    }
  /** Gone on the other side and used by no document here: delete it here, then drop the link. */
  | { readonly _tag: "Delete"; readonly side: SyncSide }
  /** Drop the link and its base; `kept` is the side whose definition stays, and `reason` why. */
  | { readonly _tag: "Unlink"; readonly kept: SyncSide | undefined; readonly reason: string }

type Translated =
  | { readonly _tag: "Value"; readonly value: string; readonly face: string }
  | { readonly _tag: "Cannot"; readonly reason: string }

const cannot = (reason: string): Translated => ({ _tag: "Cannot", reason })

const papraNameOf = (name: string, rule: Extract<NameRule, { _tag: "Carried" }>): Translated => {
  const face = cutText(`${rule.papraPrefix}${name.trim()}`, rule.papraMax, "utf16")
  return { _tag: "Value", value: face, face }
}

const paperlessNameOf = (name: string, rule: Extract<NameRule, { _tag: "Carried" }>): Translated => {
  if (!name.startsWith(rule.papraPrefix))
    return cannot(`the Papra name no longer starts with "${rule.papraPrefix}"`)
  const rest = name.slice(rule.papraPrefix.length).trim()
  if (rest === "") return cannot("the Papra name is only the prefix")
  if (rule.path === undefined) {
    const leaf = cutText(rest, rule.paperlessMax, "codepoints")
    return { _tag: "Value", value: leaf, face: leaf }
  }
  const { separator, parent } = rule.path
  const above = parent === null ? "" : `${parent}${separator}`
  if (!rest.startsWith(above))
    return cannot("it moves the tag under another parent, which sync does not carry")
  const own = rest.slice(above.length).trim()
  if (own === "" || own.includes(separator))
    return cannot("it moves the tag under another parent, which sync does not carry")
  const leaf = cutText(own, rule.paperlessMax, "codepoints")
  return { _tag: "Value", value: leaf, face: `${above}${leaf}` }
}

/** `value` on `from`, as the other side would hold it. */
const translate = (
  attribute: DefinitionAttribute,
  value: string,
  from: SyncSide,
  rule: NameRule,
): Translated => {
  if (attribute === "color") {
    const face = value.toLowerCase()
    return { _tag: "Value", value: from === "paperless" ? toPapraColor(face) : toPaperlessColor(face), face }
  }
  if (rule._tag === "NotCarried") return cannot(rule.reason)
  return from === "paperless" ? papraNameOf(value, rule) : paperlessNameOf(value, rule)
}

const sameFace = (a: DefinitionFace, b: DefinitionFace) => a.name === b.name && a.color === b.color

const syncedAttributes = (
  base: DefinitionBase,
  paperless: DefinitionFace,
  papra: DefinitionFace,
): ReadonlyArray<DefinitionAttribute> =>
  [base.paperless, base.papra, paperless, papra].every((face) => face.color !== undefined)
    ? ["name", "color"]
    : ["name"]

const withAttribute = (
  face: DefinitionFace,
  attribute: DefinitionAttribute,
  value: string,
): DefinitionFace => (attribute === "name" ? { ...face, name: value } : { ...face, color: value })

/**
 * The side whose document count decides a deletion: one end is gone, and the other is unchanged
 * since the base (a survivor edited since, or one with no base, is kept whatever uses it).
 */
export const countUsesOn = (state: DefinitionLinkState): SyncSide | undefined => {
  if (state.base === undefined || (state.paperless === undefined) === (state.papra === undefined))
    return undefined
  const survivor: SyncSide = state.paperless === undefined ? "papra" : "paperless"
  const face = state[survivor]
  return face !== undefined && sameFace(face, state.base[survivor]) ? survivor : undefined
}

const survivorDecision = (state: DefinitionLinkState, survivor: SyncSide): DefinitionDecision => {
  const deletedOn = otherSide(survivor)
  const keep = (reason: string): DefinitionDecision => ({ _tag: "Unlink", kept: survivor, reason })
  if (state.base === undefined) return keep(`deleted on ${deletedOn} before any sync recorded a base; kept`)
  if (countUsesOn(state) === undefined)
    return keep(`deleted on ${deletedOn} but changed on ${survivor} since the last sync; kept`)
  const uses = state.inUse?.[survivor]
  if (uses === undefined)
    return keep(`deleted on ${deletedOn}; whether documents on ${survivor} use it is unknown; kept`)
  if (uses > 0)
    return keep(
      `deleted on ${deletedOn} but ${uses} document${uses === 1 ? "" : "s"} on ${survivor} still use it; kept`,
    )
  return { _tag: "Delete", side: survivor }
}

/**
 * What to do with one linked definition. A change on one side only is carried to the other; the
 * same attribute changed differently on both is held as a conflict (both stay, the base too, so it
 * is reported until settled); a definition gone on one side is deleted on the other only when it
 * was not changed there since the base and no document there uses it. No base yet: the current
 * values become the base and nothing is written.
 */
export const decideDefinition = (state: DefinitionLinkState): DefinitionDecision => {
  const { base, paperless, papra } = state
  if (paperless === undefined && papra === undefined)
    return { _tag: "Unlink", kept: undefined, reason: "gone from both sides" }
  if (paperless === undefined) return survivorDecision(state, "papra")
  if (papra === undefined) return survivorDecision(state, "paperless")
  if (base === undefined) return { _tag: "Sync", writes: [], held: [], base: { paperless, papra } }

  const writes: Array<DefinitionWrite> = []
  const held: Array<HeldChange> = []
  let next: { paperless: DefinitionFace; papra: DefinitionFace } = { ...base }
  for (const attribute of syncedAttributes(base, paperless, papra)) {
    const now = { paperless: paperless[attribute] ?? "", papra: papra[attribute] ?? "" }
    const before = { paperless: base.paperless[attribute] ?? "", papra: base.papra[attribute] ?? "" }
    const changed = (side: SyncSide) => now[side] !== before[side]
    const hold = (why: HeldChange["why"], detail: string) =>
      held.push({ attribute, why, detail, base: before, paperless: now.paperless, papra: now.papra })
    const settle = (faces: { readonly paperless: string; readonly papra: string }) => {
      next = {
        paperless: withAttribute(next.paperless, attribute, faces.paperless),
        papra: withAttribute(next.papra, attribute, faces.papra),
      }
    }
    if (!changed("paperless") && !changed("papra")) continue
    if (changed("paperless") && changed("papra")) {
      const asPapra = translate(attribute, now.paperless, "paperless", state.names)
      if (asPapra._tag === "Value" && asPapra.face === now.papra) settle(now)
      else hold("conflict", `changed on both sides: "${now.paperless}" on Paperless, "${now.papra}" on Papra`)
      continue
    }
    const from: SyncSide = changed("paperless") ? "paperless" : "papra"
    const to = otherSide(from)
    const carried = translate(attribute, now[from], from, state.names)
    if (carried._tag === "Cannot") {
      hold("not-carried", `changed on ${from} to "${now[from]}", not carried: ${carried.reason}`)
      continue
    }
    if (carried.face !== now[to])
      writes.push({ side: to, attribute, value: carried.value, face: carried.face })
    settle(
      from === "paperless"
        ? { paperless: now.paperless, papra: carried.face }
        : { paperless: carried.face, papra: now.papra },
    )
  }
  const moved = !sameFace(next.paperless, base.paperless) || !sameFace(next.papra, base.papra)
  if (writes.length === 0 && held.length === 0 && !moved) return { _tag: "Unchanged" }
  return { _tag: "Sync", writes, held, base: moved ? next : undefined }
}
