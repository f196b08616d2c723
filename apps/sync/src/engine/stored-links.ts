import { emptyLinks, type IdLinks, type NumericLink, type SelectOptionLink } from "@paperbridge/mapping"
import * as Effect from "effect/Effect"
import type { EntityKind, Pair } from "../state/endpoints.js"
import { StateStore } from "../state/store.js"
import type { BridgeDirection } from "./events.js"

/**
 * The state store keeps links as (kind, source id, target id) strings; the mapping wants them as
 * Paperless ↔ Papra pairs. These translate between the two for either direction.
 */
type NumericKey = Exclude<keyof IdLinks, "selectOptions">

const numericKinds: ReadonlyArray<readonly [NumericKey, EntityKind]> = [
  ["tags", "tag"],
  ["customFields", "custom_field"],
  ["correspondents", "correspondent"],
  ["documentTypes", "document_type"],
  ["storagePaths", "storage_path"],
  ["documents", "document"],
]

/** Paperless select option ids are unique only within their field, so the field is part of the key. */
const optionKey = (link: SelectOptionLink) => `${link.paperlessField}:${link.paperless}`

const parseOptionKey = (key: string) => {
  const split = key.indexOf(":")
  return { paperlessField: Number(key.slice(0, split)), paperless: key.slice(split + 1) }
}

export interface StoredLink {
  readonly kind: EntityKind
  readonly sourceId: string
  readonly targetId: string
}

const toStored = (
  direction: BridgeDirection,
  kind: EntityKind,
  paperless: string,
  papra: string,
): StoredLink =>
  direction === "paperless-to-papra"
    ? { kind, sourceId: paperless, targetId: papra }
    : { kind, sourceId: papra, targetId: paperless }

export const linksToStored = (links: IdLinks, direction: BridgeDirection): ReadonlyArray<StoredLink> => [
  ...numericKinds.flatMap(([key, kind]) =>
    links[key].map((link: NumericLink) => toStored(direction, kind, String(link.paperless), link.papra)),
  ),
  ...links.selectOptions.map((link) => toStored(direction, "select_option", optionKey(link), link.papra)),
]

export const storedToLinks = (stored: ReadonlyArray<StoredLink>, direction: BridgeDirection): IdLinks => {
  const result: { -readonly [K in keyof IdLinks]: Array<IdLinks[K][number]> } = {
    tags: [],
    customFields: [],
    selectOptions: [],
    correspondents: [],
    documentTypes: [],
    storagePaths: [],
    documents: [],
  }
  for (const link of stored) {
    const [paperless, papra] =
      direction === "paperless-to-papra" ? [link.sourceId, link.targetId] : [link.targetId, link.sourceId]
    if (link.kind === "select_option") {
      result.selectOptions.push({ ...parseOptionKey(paperless), papra })
      continue
    }
    const key = numericKinds.find(([, kind]) => kind === link.kind)?.[0]
    if (key !== undefined) result[key].push({ paperless: Number(paperless), papra })
  }
  return result
}

export const loadLinks = (pair: Pair, direction: BridgeDirection) =>
  Effect.flatMap(StateStore, (store) => store.links.list(pair)).pipe(
    Effect.map((stored) => (stored.length === 0 ? emptyLinks : storedToLinks(stored, direction))),
  )

/** Stores the links the store does not have yet; existing ones are left as they are. */
export const saveNewLinks = (pair: Pair, direction: BridgeDirection, links: IdLinks) =>
  Effect.gen(function* () {
    const store = yield* StateStore
    const known = new Set((yield* store.links.list(pair)).map((link) => `${link.kind}\u0000${link.sourceId}`))
    const fresh = linksToStored(links, direction).filter(
      (link) => !known.has(`${link.kind}\u0000${link.sourceId}`),
    )
    yield* store.transaction(Effect.forEach(fresh, (link) => store.links.link(pair, link), { discard: true }))
    return fresh.length
  })
