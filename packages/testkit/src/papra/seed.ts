import { createDefinition, parseValue } from "./custom-properties.js"
import { storeDocument } from "./documents.js"
import { extractContent } from "./extraction.js"
import type { PapraPropertyType, PapraStore, PropertyDefinitionRecord } from "./store.js"
import { createTag } from "./tags.js"

/**
 * A corpus to pre-load without HTTP. Tags and properties are referred to by name; the corpus is
 * loaded in order (tags, then properties, then documents), so a document_relation value may name
 * a document that comes earlier in the same corpus.
 */
export interface PapraCorpus {
  readonly tags?: ReadonlyArray<PapraSeedTag>
  readonly customProperties?: ReadonlyArray<PapraSeedProperty>
  readonly documents?: ReadonlyArray<PapraSeedDocument>
}

export interface PapraSeedTag {
  readonly name: string
  /** `#rrggbb`, upper-cased as the server does; default `#000000`. */
  readonly color?: string
  readonly description?: string | null
}

export interface PapraSeedProperty {
  readonly name: string
  readonly type: PapraPropertyType
  readonly description?: string | null
  readonly displayOrder?: number
  /** Option names, for select and multi_select. */
  readonly options?: ReadonlyArray<string>
}

export interface PapraSeedDocument {
  readonly name: string
  readonly bytes: Uint8Array | string
  /** Default `text/plain` (what Papra stores for a part without a type). */
  readonly mimeType?: string
  /** Tag names from this corpus or already in the organization. */
  readonly tags?: ReadonlyArray<string>
  /**
   * Values by property name, as the API takes them except that select and multi_select take
   * option names (ids work too) and document_relation takes document names (or ids); dates may
   * be Date objects.
   */
  readonly properties?: Readonly<Record<string, unknown>>
  readonly createdAt?: Date | string
  readonly documentDate?: Date | string | null
  readonly notes?: string | null
  /** Default: the text the server's extraction would produce, filled at once. */
  readonly content?: string
  /** Put the document in the trash. */
  readonly deleted?: boolean
}

export interface PapraSeeded {
  /** Tag name → id, for the tags this corpus created. */
  readonly tags: ReadonlyMap<string, string>
  /** Property name → definition id. */
  readonly customProperties: ReadonlyMap<string, string>
  /** Document ids, in corpus order. */
  readonly documents: ReadonlyArray<string>
}

const toApiValue = (
  definition: PropertyDefinitionRecord,
  value: unknown,
  documentIdsByName: ReadonlyMap<string, string>,
): unknown => {
  const optionId = (nameOrId: unknown) =>
    definition.options.find((option) => option.name === nameOrId || option.id === nameOrId)?.id ?? nameOrId
  switch (definition.type) {
    case "select":
      return optionId(value)
    case "multi_select":
      return Array.isArray(value) ? value.map(optionId) : value
    case "document_relation":
      return Array.isArray(value)
        ? value.map((nameOrId) =>
            typeof nameOrId === "string" ? (documentIdsByName.get(nameOrId) ?? nameOrId) : nameOrId,
          )
        : value
    case "date":
      return value instanceof Date ? value.toISOString() : value
    default:
      return value
  }
}

/** Loads a corpus straight into the store; throws a PapraError when the server would refuse it. */
export const seedCorpus = (
  store: PapraStore,
  organizationId: string,
  userId: string,
  corpus: PapraCorpus,
): PapraSeeded => {
  const tags = new Map<string, string>()
  for (const tag of corpus.tags ?? []) {
    const created = createTag(store, organizationId, {
      name: tag.name,
      color: tag.color ?? "#000000",
      ...(tag.description === undefined ? {} : { description: tag.description }),
    })
    tags.set(tag.name, created.id)
  }
  const customProperties = new Map<string, string>()
  for (const property of corpus.customProperties ?? []) {
    customProperties.set(property.name, createDefinition(store, organizationId, property).id)
  }
  const documentIdsByName = new Map<string, string>()
  const documents: Array<string> = []
  for (const seed of corpus.documents ?? []) {
    const bytes = typeof seed.bytes === "string" ? Buffer.from(seed.bytes, "utf8") : Buffer.from(seed.bytes)
    const mimeType = seed.mimeType ?? "text/plain"
    const { document } = storeDocument(store, organizationId, {
      bytes,
      fileName: seed.name,
      mimeType,
      userId,
      ...(seed.createdAt === undefined ? {} : { createdAt: new Date(seed.createdAt) }),
    })
    document.content = seed.content ?? extractContent(bytes, mimeType)
    if (seed.documentDate !== undefined) {
      document.documentDate = seed.documentDate === null ? null : new Date(seed.documentDate)
    }
    if (seed.notes !== undefined) document.notes = seed.notes
    for (const name of seed.tags ?? []) {
      const tag = store.tagsOf(organizationId).find((candidate) => candidate.name === name)
      if (tag === undefined) throw new Error(`seed: unknown tag "${name}"`)
      document.tagIds.add(tag.id)
    }
    for (const [name, value] of Object.entries(seed.properties ?? {})) {
      const definition = store.definitionsOf(organizationId).find((candidate) => candidate.name === name)
      if (definition === undefined) throw new Error(`seed: unknown custom property "${name}"`)
      const rows = parseValue(store, definition, toApiValue(definition, value, documentIdsByName))
      store.valuesOf(document.id).set(definition.id, rows)
    }
    if (seed.deleted === true) {
      document.isDeleted = true
      document.deletedAt = store.now()
      document.deletedBy = userId
    }
    documentIdsByName.set(seed.name, document.id)
    documents.push(document.id)
  }
  return { tags, customProperties, documents }
}
