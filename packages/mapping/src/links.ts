import * as Schema from "effect/Schema"

/**
 * The engine owns the links between the two sides (it keeps them in its state store); the mapping
 * only reads them. Every link pairs a Paperless id with a Papra id, as plain JSON so the engine can
 * store and reload it as it is.
 */
export const NumericLink = Schema.Struct({ paperless: Schema.Number, papra: Schema.String })
export type NumericLink = typeof NumericLink.Type

/** Paperless select options have 16-char string ids; Papra options have `cpso_…` ids. */
export const SelectOptionLink = Schema.Struct({
  paperlessField: Schema.Number,
  paperless: Schema.String,
  papra: Schema.String,
})
export type SelectOptionLink = typeof SelectOptionLink.Type

const links = <A, I>(link: Schema.Schema<A, I>) =>
  Schema.optionalWith(Schema.Array(link), { default: () => [] })

/**
 * - `tags`: Paperless tag ↔ Papra tag.
 * - `customFields`: Paperless custom field ↔ Papra property definition.
 * - `selectOptions`: Paperless option id (of a select field) ↔ Papra option id.
 * - `correspondents`, `documentTypes`, `storagePaths`: Paperless object ↔ the Papra option id of the
 *   "Correspondent"/… select property (mode `property`) or the Papra tag id (mode `tag`).
 * - `documents`: Paperless document ↔ Papra document (documentlink ↔ document_relation values).
 */
export const IdLinks = Schema.Struct({
  tags: links(NumericLink),
  customFields: links(NumericLink),
  selectOptions: links(SelectOptionLink),
  correspondents: links(NumericLink),
  documentTypes: links(NumericLink),
  storagePaths: links(NumericLink),
  documents: links(NumericLink),
})
export type IdLinks = typeof IdLinks.Type

export const emptyLinks: IdLinks = {
  tags: [],
  customFields: [],
  selectOptions: [],
  correspondents: [],
  documentTypes: [],
  storagePaths: [],
  documents: [],
}

/** Both directions of one link kind. The first link wins when an id appears twice. */
export interface LinkIndex {
  readonly toPapra: ReadonlyMap<number, string>
  readonly toPaperless: ReadonlyMap<string, number>
}

export const indexLinks = (pairs: ReadonlyArray<NumericLink>): LinkIndex => {
  const toPapra = new Map<number, string>()
  const toPaperless = new Map<string, number>()
  for (const { paperless, papra } of pairs) {
    if (!toPapra.has(paperless)) toPapra.set(paperless, papra)
    if (!toPaperless.has(papra)) toPaperless.set(papra, paperless)
  }
  return { toPapra, toPaperless }
}

export interface OptionLinkIndex {
  readonly toPapra: ReadonlyMap<string, string>
  readonly toPaperless: ReadonlyMap<string, string>
}

export const indexOptionLinks = (pairs: ReadonlyArray<SelectOptionLink>): OptionLinkIndex => {
  const toPapra = new Map<string, string>()
  const toPaperless = new Map<string, string>()
  for (const { paperless, papra } of pairs) {
    if (!toPapra.has(paperless)) toPapra.set(paperless, papra)
    if (!toPaperless.has(papra)) toPaperless.set(papra, paperless)
  }
  return { toPapra, toPaperless }
}

export interface IndexedLinks {
  readonly tags: LinkIndex
  readonly customFields: LinkIndex
  readonly selectOptions: OptionLinkIndex
  readonly correspondents: LinkIndex
  readonly documentTypes: LinkIndex
  readonly storagePaths: LinkIndex
  readonly documents: LinkIndex
}

export const indexAllLinks = (all: IdLinks): IndexedLinks => ({
  tags: indexLinks(all.tags),
  customFields: indexLinks(all.customFields),
  selectOptions: indexOptionLinks(all.selectOptions),
  correspondents: indexLinks(all.correspondents),
  documentTypes: indexLinks(all.documentTypes),
  storagePaths: indexLinks(all.storagePaths),
  documents: indexLinks(all.documents),
})

/** Adds `extra` links whose ids are not linked yet on either side; existing links always win. */
export const mergeLinks = (base: IdLinks, extra: IdLinks): IdLinks => {
  const mergeNumeric = (a: ReadonlyArray<NumericLink>, b: ReadonlyArray<NumericLink>) => {
    const index = indexLinks(a)
    const added = b.filter((link) => !index.toPapra.has(link.paperless) && !index.toPaperless.has(link.papra))
    return [...a, ...dedupe(added)]
  }
  const mergeOptions = (a: ReadonlyArray<SelectOptionLink>, b: ReadonlyArray<SelectOptionLink>) => {
    const index = indexOptionLinks(a)
    const added = b.filter((link) => !index.toPapra.has(link.paperless) && !index.toPaperless.has(link.papra))
    return [...a, ...added]
  }
  return {
    tags: mergeNumeric(base.tags, extra.tags),
    customFields: mergeNumeric(base.customFields, extra.customFields),
    selectOptions: mergeOptions(base.selectOptions, extra.selectOptions),
    correspondents: mergeNumeric(base.correspondents, extra.correspondents),
    documentTypes: mergeNumeric(base.documentTypes, extra.documentTypes),
    storagePaths: mergeNumeric(base.storagePaths, extra.storagePaths),
    documents: mergeNumeric(base.documents, extra.documents),
  }
}

const dedupe = (pairs: ReadonlyArray<NumericLink>): ReadonlyArray<NumericLink> => {
  const index = indexLinks(pairs)
  return pairs.filter(
    (link) =>
      index.toPapra.get(link.paperless) === link.papra &&
      index.toPaperless.get(link.papra) === link.paperless,
  )
}
