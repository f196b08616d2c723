// Test support: what the engine does around the mapping (create what a plan asks for, link, write
// a mapped document and read it back) with each server's echo rules taken from the fixtures.
import * as Either from "effect/Either"
import {
  type IdLinks,
  linkDefinitions,
  type MappedPaperlessDocument,
  type MappedPapraDocument,
  type MappingConfig,
  type MappingContext,
  mappingContext,
  type PaperlessCustomField,
  type PaperlessDefinitions,
  type PaperlessDocument,
  type PapraDefinitions,
  type PapraDocument,
  type PapraPropertyDefinition,
  papraPropertyKey,
  planPaperlessDefinitions,
  planPapraDefinitions,
} from "../src/index.js"

const right = <A, E>(either: Either.Either<A, E>): A => {
  if (Either.isLeft(either)) throw new Error(`unexpected: ${String(either.left)}`)
  return either.right
}

let counter = 0
const papraId = (prefix: string) => `${prefix}_${String(++counter).padStart(24, "0")}`

/** Creates on Papra what the plan asks for (as the engine would), lists again and links by name. */
export const migrateDefinitionsToPapra = (
  paperless: PaperlessDefinitions,
  papra: PapraDefinitions,
  config?: MappingConfig,
  links?: IdLinks,
): MappingContext => {
  const before = mappingContext({
    paperless,
    papra,
    ...(config ? { config } : {}),
    ...(links ? { links } : {}),
  })
  const plan = right(planPapraDefinitions(before))
  const tags = [...papra.tags]
  for (const tag of plan.tags) {
    if (tag.existingId === null)
      tags.push({ id: papraId("tag"), name: tag.name, color: tag.color, description: tag.description })
  }
  const properties: Array<PapraPropertyDefinition> = papra.properties.map((property) => ({ ...property }))
  for (const property of plan.properties) {
    const options = property.options
      .filter((option) => option.existingId === null)
      .map((option) => ({ id: papraId("cpso"), name: option.name }))
    if (property.existingId === null) {
      properties.push({
        id: papraId("cpd"),
        name: property.name,
        key: papraPropertyKey(property.name),
        type: property.type,
        options,
      })
    } else {
      const index = properties.findIndex((candidate) => candidate.id === property.existingId)
      const existing = properties[index]
      if (existing !== undefined)
        properties[index] = { ...existing, options: [...(existing.options ?? []), ...options] }
    }
  }
  const after = mappingContext({
    paperless,
    papra: { tags, properties },
    ...(config ? { config } : {}),
    links: before.links,
  })
  return mappingContext({
    paperless,
    papra: { tags, properties },
    ...(config ? { config } : {}),
    links: right(linkDefinitions(after, "paperless-to-papra")),
  })
}

/** Creates on Paperless what the plan asks for (parents first), lists again and links by name. */
export const migrateDefinitionsToPaperless = (
  papra: PapraDefinitions,
  paperless: PaperlessDefinitions,
  config?: MappingConfig,
  links?: IdLinks,
): MappingContext => {
  const before = mappingContext({
    paperless,
    papra,
    ...(config ? { config } : {}),
    ...(links ? { links } : {}),
  })
  const plan = right(planPaperlessDefinitions(before))
  let next = 1000
  const tags = [...paperless.tags]
  const idsByKey = new Map<string, number>()
  for (const tag of plan.tags) {
    const parent = tag.parentKey === null ? null : (idsByKey.get(tag.parentKey) ?? null)
    if (tag.existingId !== null) idsByKey.set(tag.key, tag.existingId)
    else {
      const id = ++next
      idsByKey.set(tag.key, id)
      tags.push({ id, name: tag.name, color: tag.color, is_inbox_tag: false, parent })
    }
  }
  const defs = {
    ...paperless,
    tags,
    correspondents: [...paperless.correspondents],
    documentTypes: [...paperless.documentTypes],
  }
  for (const classifier of plan.classifiers) {
    if (classifier.existingId !== null) continue
    const list =
      classifier.kind === "correspondent"
        ? defs.correspondents
        : classifier.kind === "documentType"
          ? defs.documentTypes
          : undefined
    list?.push({ id: ++next, name: classifier.name })
  }
  const customFields: Array<PaperlessCustomField> = paperless.customFields.map((field) => ({ ...field }))
  for (const field of plan.customFields) {
    const options = field.options
      .filter((option) => option.existingId === null)
      .map((option) => ({ id: `opt${String(++next).padStart(13, "0")}`, label: option.label }))
    if (field.existingId === null) {
      customFields.push({
        id: ++next,
        name: field.name,
        data_type: field.dataType,
        extra_data: { select_options: options },
      })
    } else {
      const index = customFields.findIndex((candidate) => candidate.id === field.existingId)
      const existing = customFields[index]
      if (existing !== undefined && options.length > 0) {
        customFields[index] = {
          ...existing,
          extra_data: {
            ...existing.extra_data,
            select_options: [...(existing.extra_data?.select_options ?? []), ...options],
          },
        }
      }
    }
  }
  const all = { ...defs, customFields }
  const after = mappingContext({ paperless: all, papra, ...(config ? { config } : {}), links: before.links })
  return mappingContext({
    paperless: all,
    papra,
    ...(config ? { config } : {}),
    links: right(linkDefinitions(after, "papra-to-paperless")),
  })
}

/** Writes a mapped document to "Papra" and reads it back the way Papra answers a document get. */
export const papraEcho = (
  mapped: MappedPapraDocument,
  context: MappingContext,
  id = "doc_echo00000000000000000000",
): PapraDocument => ({
  id,
  name: mapped.name,
  originalName: mapped.originalName,
  ...(mapped.content === undefined ? {} : { content: mapped.content }),
  documentDate: mapped.documentDate,
  notes: mapped.notes,
  tags: mapped.tagIds.map((tagId) => ({ id: tagId })),
  // Papra embeds every definition, unset ones with `value: null` (documents.get.with-custom-properties.json).
  customProperties: context.papra.properties.map((property) => {
    const set = mapped.properties.find((candidate) => candidate.propertyDefinitionId === property.id)
    return {
      key: property.key ?? papraPropertyKey(property.name),
      name: property.name,
      value: set === undefined ? null : echoValue(property, set.value),
    }
  }),
})

const echoValue = (property: PapraPropertyDefinition, value: unknown): unknown => {
  const option = (optionId: unknown) => ({
    optionId,
    name: property.options?.find((candidate) => candidate.id === optionId)?.name,
  })
  switch (property.type) {
    case "select":
      return option(value)
    case "multi_select":
      return (value as ReadonlyArray<string>).map(option)
    case "date":
      return `${String(value)}T00:00:00.000Z`
    case "document_relation":
      return (value as ReadonlyArray<string>).map((documentId) => ({ documentId, name: "linked" }))
    default:
      return value
  }
}

/** Writes a mapped document to "Paperless" and reads it back the way Paperless answers a document get. */
export const paperlessEcho = (mapped: MappedPaperlessDocument, id = 1): PaperlessDocument => ({
  id,
  title: mapped.title,
  ...(mapped.content === undefined ? {} : { content: mapped.content }),
  created: mapped.created ?? "2026-11-23",
  correspondent: mapped.correspondent,
  document_type: mapped.documentType,
  storage_path: mapped.storagePath,
  tags: [...mapped.tags],
  archive_serial_number: mapped.archiveSerialNumber,
  original_file_name: mapped.originalFileName,
  notes: mapped.notes.map((note, index) => ({
    note,
    created: `2026-11-23T18:12:${String(10 + index)}.000000Z`,
    user: { id: 2, username: "admin", first_name: "", last_name: "" },
  })),
  custom_fields: mapped.customFields.map(({ field, value }) => ({ field, value })),
})
