import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { CLASSIFIER_KINDS, type ClassifierKind, classifierLabel, PaperlessClassifier } from "./classifiers.js"
import { toPaperlessColor, toPapraColor } from "./colors.js"
import {
  defaultMappingConfig,
  type MappingConfig,
  MappingConfigError,
  type PaperlessDataType,
  type PapraPropertyType,
} from "./config.js"
import {
  areCompatible,
  compatiblePaperlessTypes,
  compatiblePapraTypes,
  defaultPaperlessType,
  defaultPapraType,
  optionLabel,
  PaperlessCustomField,
  PapraPropertyDefinition,
} from "./custom-fields.js"
import {
  emptyLinks,
  type IdLinks,
  type IndexedLinks,
  indexAllLinks,
  mergeLinks,
  type NumericLink,
  type SelectOptionLink,
} from "./links.js"
import {
  paperlessNameKey,
  paperlessNameRules,
  papraPropertyKey,
  papraPropertyNameRules,
  papraTagKey,
  papraTagNameRules,
  resolveNames,
} from "./names.js"
import { PAPERLESS_DEFAULT_TAG_COLOR, PaperlessTag, PapraTag, splitTagName, tagPath } from "./tags.js"

export const PaperlessDefinitions = Schema.Struct({
  tags: Schema.Array(PaperlessTag),
  correspondents: Schema.Array(PaperlessClassifier),
  documentTypes: Schema.Array(PaperlessClassifier),
  storagePaths: Schema.Array(PaperlessClassifier),
  customFields: Schema.Array(PaperlessCustomField),
})
export type PaperlessDefinitions = typeof PaperlessDefinitions.Type

export const PapraDefinitions = Schema.Struct({
  tags: Schema.Array(PapraTag),
  properties: Schema.Array(PapraPropertyDefinition),
})
export type PapraDefinitions = typeof PapraDefinitions.Type

export const emptyPaperlessDefinitions: PaperlessDefinitions = {
  tags: [],
  correspondents: [],
  documentTypes: [],
  storagePaths: [],
  customFields: [],
}
export const emptyPapraDefinitions: PapraDefinitions = { tags: [], properties: [] }

/** Both sides' definitions, the config and the links, indexed once and shared by every mapping call. */
export interface MappingContext {
  readonly paperless: PaperlessDefinitions
  readonly papra: PapraDefinitions
  readonly config: MappingConfig
  readonly links: IdLinks
  readonly linked: IndexedLinks
  readonly paperlessTags: ReadonlyMap<number, PaperlessTag>
  readonly paperlessFields: ReadonlyMap<number, PaperlessCustomField>
  readonly paperlessClassifiers: Record<ClassifierKind, ReadonlyMap<number, PaperlessClassifier>>
  readonly papraTags: ReadonlyMap<string, PapraTag>
  readonly papraProperties: ReadonlyMap<string, PapraPropertyDefinition>
}

export const classifierConfig = (config: MappingConfig, kind: ClassifierKind) => config[kind]

export const classifierObjects = (
  paperless: PaperlessDefinitions,
  kind: ClassifierKind,
): ReadonlyArray<PaperlessClassifier> =>
  kind === "correspondent"
    ? paperless.correspondents
    : kind === "documentType"
      ? paperless.documentTypes
      : paperless.storagePaths

export const classifierLinks = (links: IdLinks, kind: ClassifierKind): ReadonlyArray<NumericLink> =>
  kind === "correspondent"
    ? links.correspondents
    : kind === "documentType"
      ? links.documentTypes
      : links.storagePaths

export const indexedClassifierLinks = (linked: IndexedLinks, kind: ClassifierKind) =>
  kind === "correspondent"
    ? linked.correspondents
    : kind === "documentType"
      ? linked.documentTypes
      : linked.storagePaths

const byId = <Id, A extends { readonly id: Id }>(items: ReadonlyArray<A>): ReadonlyMap<Id, A> =>
  new Map(items.map((item) => [item.id, item]))

export const mappingContext = (input: {
  readonly paperless?: PaperlessDefinitions
  readonly papra?: PapraDefinitions
  readonly config?: MappingConfig
  readonly links?: IdLinks
}): MappingContext => {
  const paperless = input.paperless ?? emptyPaperlessDefinitions
  const papra = input.papra ?? emptyPapraDefinitions
  const links = input.links ?? emptyLinks
  return {
    paperless,
    papra,
    config: input.config ?? defaultMappingConfig,
    links,
    linked: indexAllLinks(links),
    paperlessTags: byId(paperless.tags),
    paperlessFields: byId(paperless.customFields),
    paperlessClassifiers: {
      correspondent: byId(paperless.correspondents),
      documentType: byId(paperless.documentTypes),
      storagePath: byId(paperless.storagePaths),
    },
    papraTags: byId(papra.tags),
    papraProperties: byId(papra.properties),
  }
}

/** The Papra property (select) that holds a classifier, or the ASN property (number), found by name. */
export const papraPropertyNamed = (
  context: MappingContext,
  name: string,
  type: PapraPropertyType,
): PapraPropertyDefinition | undefined =>
  context.papra.properties.find(
    (property) =>
      property.type === type && (property.key ?? papraPropertyKey(property.name)) === papraPropertyKey(name),
  )

/** Something that could not be carried and was left out of a plan, with the reason. */
export interface Skipped {
  readonly entity: string
  readonly name: string
  readonly reason: string
}

// ---------------------------------------------------------------------------------------------
// Paperless → Papra

export type PapraTagSource =
  | { readonly kind: "tag"; readonly paperlessId: number }
  | { readonly kind: ClassifierKind; readonly paperlessId: number }

export interface PapraTagPlan {
  readonly source: PapraTagSource
  /** Name to create on Papra (path, prefix, cut and collision suffix applied). */
  readonly name: string
  /** The Paperless name (or path) it came from. */
  readonly original: string
  readonly color: string
  readonly description: string | null
  readonly isInbox: boolean
  /** The Papra tag to reuse: linked already, or the same name case-insensitively. */
  readonly existingId: string | null
  readonly renamed?: { readonly collidedWith?: string; readonly cut: boolean }
}

export type PapraPropertySource =
  | { readonly kind: "customField"; readonly paperlessIds: ReadonlyArray<number> }
  | { readonly kind: ClassifierKind }
  | { readonly kind: "asn" }

export interface PapraOptionPlan {
  readonly name: string
  readonly original: string
  /** Paperless select option id, or the id of the correspondent / document type / storage path. */
  readonly source: string | number
  readonly existingId: string | null
}

export interface PapraPropertyPlan {
  readonly source: PapraPropertySource
  readonly name: string
  readonly original: string
  readonly type: PapraPropertyType
  readonly options: ReadonlyArray<PapraOptionPlan>
  readonly existingId: string | null
}

export interface PapraDefinitionPlan {
  readonly tags: ReadonlyArray<PapraTagPlan>
  readonly properties: ReadonlyArray<PapraPropertyPlan>
  readonly skipped: ReadonlyArray<Skipped>
}

const tagItemId = (order: number, id: number) => `${order}:${String(id).padStart(12, "0")}`

interface PropertyGroup {
  readonly source: PapraPropertySource
  readonly name: string
  readonly type: PapraPropertyType
  readonly options: ReadonlyArray<{ readonly name: string; readonly source: string | number }>
  readonly linkedId: string | undefined
}

const fieldEntry = (name: string) => `customFields[${JSON.stringify(name)}]`

/** What must exist on Papra before documents can be carried there, and what already does. */
export const planPapraDefinitions = (
  context: MappingContext,
): Either.Either<PapraDefinitionPlan, MappingConfigError> => {
  const { config, paperless, papra, linked } = context
  const skipped: Array<Skipped> = []

  // Tags: Paperless tags (path or leaf) and prefixed classifier tags share Papra's one namespace.
  const tagSources = new Map<
    string,
    {
      readonly source: PapraTagSource
      readonly name: string
      readonly color: string
      readonly isInbox: boolean
    }
  >()
  for (const tag of paperless.tags) {
    const path = config.tags.hierarchy === "path" ? tagPath(tag, context.paperlessTags) : [tag.name.trim()]
    tagSources.set(tagItemId(0, tag.id), {
      source: { kind: "tag", paperlessId: tag.id },
      name: path.join(config.tags.separator),
      color: toPapraColor(tag.color ?? PAPERLESS_DEFAULT_TAG_COLOR),
      isInbox: tag.is_inbox_tag === true,
    })
  }
  CLASSIFIER_KINDS.forEach((kind, index) => {
    const settings = config[kind]
    if (settings.as !== "tag") return
    for (const object of classifierObjects(paperless, kind)) {
      tagSources.set(tagItemId(index + 1, object.id), {
        source: { kind, paperlessId: object.id },
        name: `${settings.tagPrefix}${object.name.trim()}`,
        color: toPapraColor(PAPERLESS_DEFAULT_TAG_COLOR),
        isInbox: false,
      })
    }
  })
  const papraTagsByKey = new Map(papra.tags.map((tag) => [papraTagKey(tag.name), tag]))
  const tags = resolveNames(
    [...tagSources].map(([id, source]) => ({ id, name: source.name })),
    papraTagNameRules,
  ).flatMap((resolved): ReadonlyArray<PapraTagPlan> => {
    const source = tagSources.get(resolved.id)
    if (source === undefined) return []
    const linkedId =
      source.source.kind === "tag"
        ? linked.tags.toPapra.get(source.source.paperlessId)
        : indexedClassifierLinks(linked, source.source.kind).toPapra.get(source.source.paperlessId)
    const existingId =
      linkedId !== undefined && context.papraTags.has(linkedId)
        ? linkedId
        : (papraTagsByKey.get(papraTagKey(resolved.name))?.id ?? null)
    const collidedWith =
      resolved.collidedWith === undefined ? undefined : tagSources.get(resolved.collidedWith)?.name
    const plan: PapraTagPlan = {
      source: source.source,
      name: resolved.name,
      original: source.name,
      color: source.color,
      description: null,
      isInbox: source.isInbox,
      existingId,
    }
    return [
      resolved.cut || collidedWith !== undefined
        ? {
            ...plan,
            renamed: collidedWith === undefined ? { cut: resolved.cut } : { collidedWith, cut: resolved.cut },
          }
        : plan,
    ]
  })

  // Properties: classifiers and ASN first (their names are reserved), then custom fields grouped by target name.
  const groups: Array<PropertyGroup> = []
  for (const kind of CLASSIFIER_KINDS) {
    const settings = config[kind]
    if (settings.as !== "property") continue
    const objects = classifierObjects(paperless, kind)
    if (objects.length === 0) continue
    const linkedOption = [...indexedClassifierLinks(linked, kind).toPapra.values()][0]
    groups.push({
      source: { kind },
      name: settings.name,
      type: "select",
      options: [...objects]
        .sort((a, b) => a.id - b.id)
        .map((object) => ({ name: object.name, source: object.id })),
      linkedId:
        linkedOption === undefined
          ? undefined
          : papra.properties.find((property) =>
              property.options?.some((option) => option.id === linkedOption),
            )?.id,
    })
  }
  if (config.asn.as === "property") {
    groups.push({
      source: { kind: "asn" },
      name: config.asn.name,
      type: "number",
      options: [],
      linkedId: undefined,
    })
  }
  const fieldGroups = new Map<
    string,
    { readonly fields: Array<PaperlessCustomField>; readonly type: PapraPropertyType; readonly entry: string }
  >()
  for (const field of [...paperless.customFields].sort((a, b) => a.id - b.id)) {
    const override = config.customFields[field.name]
    if (override?.skip === true) {
      skipped.push({ entity: "custom field", name: field.name, reason: "skipped by the mapping config" })
      continue
    }
    const type = override?.type ?? defaultPapraType(field.data_type, config.monetary)
    if (!compatiblePapraTypes[field.data_type].includes(type)) {
      const entry = fieldEntry(field.name)
      return Either.left(
        new MappingConfigError({
          entry,
          message: `${entry}: a ${field.data_type} field cannot become a ${type} property (possible: ${compatiblePapraTypes[field.data_type].join(", ")})`,
        }),
      )
    }
    const target = override?.property ?? field.name
    const group = fieldGroups.get(target)
    if (group === undefined) {
      fieldGroups.set(target, { fields: [field], type, entry: fieldEntry(field.name) })
    } else if (group.type !== type) {
      const entry = fieldEntry(field.name)
      return Either.left(
        new MappingConfigError({
          entry,
          message: `${entry}: maps onto property "${target}" as ${type}, but ${group.entry} maps onto it as ${group.type}`,
        }),
      )
    } else {
      group.fields.push(field)
    }
  }
  for (const [target, group] of fieldGroups) {
    const options =
      group.type === "select"
        ? group.fields.flatMap((field) =>
            (field.extra_data?.select_options ?? []).map((option) => ({
              name: optionLabel(option.label),
              source: option.id,
            })),
          )
        : []
    const linkedId = group.fields
      .map((field) => linked.customFields.toPapra.get(field.id))
      .find((id) => id !== undefined)
    groups.push({
      source: { kind: "customField", paperlessIds: group.fields.map((field) => field.id) },
      name: target,
      type: group.type,
      options,
      linkedId,
    })
  }

  const resolvedNames = resolveNames(
    groups.map((group, index) => ({ id: index, name: group.name })),
    papraPropertyNameRules,
  )
  const papraByKey = new Map(
    papra.properties.map((property) => [property.key ?? papraPropertyKey(property.name), property]),
  )
  const properties = resolvedNames.flatMap((resolved): ReadonlyArray<PapraPropertyPlan> => {
    const group = groups[resolved.id]
    if (group === undefined) return []
    const linkedProperty =
      group.linkedId === undefined ? undefined : context.papraProperties.get(group.linkedId)
    const existing = linkedProperty ?? papraByKey.get(papraPropertyKey(resolved.name))
    if (existing !== undefined && !typeFits(group, existing.type, context)) {
      skipped.push({
        entity: "property",
        name: resolved.name,
        reason: `Papra already has a ${existing.type} property "${existing.name}", which cannot hold ${describeSource(group.source, context)}; map it to another name in the config`,
      })
      return []
    }
    const type = existing?.type ?? group.type
    if (
      (type === "select" || type === "multi_select") &&
      group.options.length === 0 &&
      existing === undefined
    ) {
      skipped.push({
        entity: "property",
        name: resolved.name,
        reason: "a Papra select property needs at least one option",
      })
      return []
    }
    return [
      {
        source: group.source,
        name: existing?.name ?? resolved.name,
        original: group.name,
        type,
        options: planOptions(group, existing),
        existingId: existing?.id ?? null,
      },
    ]
  })
  return Either.right({ tags, properties, skipped })
}

const typeFits = (
  group: PropertyGroup,
  existingType: PapraPropertyType,
  context: MappingContext,
): boolean => {
  const source = group.source
  if (source.kind !== "customField") return existingType === group.type
  return source.paperlessIds.every((id) => {
    const field = context.paperlessFields.get(id)
    return field !== undefined && compatiblePapraTypes[field.data_type].includes(existingType)
  })
}

const describeSource = (source: PapraPropertySource, context: MappingContext): string => {
  switch (source.kind) {
    case "customField":
      return source.paperlessIds
        .map((id) => {
          const field = context.paperlessFields.get(id)
          return field === undefined ? `field ${id}` : `the ${field.data_type} field "${field.name}"`
        })
        .join(" and ")
    case "asn":
      return "the archive serial number"
    default:
      return `the ${classifierLabel[source.kind]}s`
  }
}

const planOptions = (
  group: PropertyGroup,
  existing: PapraPropertyDefinition | undefined,
): ReadonlyArray<PapraOptionPlan> => {
  if (group.type !== "select" && existing?.type !== "select") return []
  const resolved = resolveNames(
    group.options.map((option, index) => ({ id: index, name: option.name })),
    papraPropertyNameRules,
  )
  const existingByKey = new Map(
    (existing?.options ?? []).map((option) => [papraPropertyKey(option.name), option]),
  )
  return resolved.flatMap((name) => {
    const option = group.options[name.id]
    if (option === undefined) return []
    return [
      {
        name: name.name,
        original: option.name,
        source: option.source,
        existingId: existingByKey.get(papraPropertyKey(name.name))?.id ?? null,
      },
    ]
  })
}

/** Body of `POST /custom-properties` for a planned property that does not exist yet. */
export const papraPropertyCreateBody = (plan: PapraPropertyPlan) =>
  plan.type === "select" || plan.type === "multi_select"
    ? { name: plan.name, type: plan.type, options: plan.options.map((option) => ({ name: option.name })) }
    : { name: plan.name, type: plan.type }

/**
 * Body of `PUT /custom-properties/:id` that adds the missing options to an existing select, or
 * undefined when none is missing. It keeps every existing option (by id; omitted ones are deleted)
 * and always carries `name`: a body with only `options` gets a 500 (papra-server-behaviour.md).
 */
export const papraPropertyOptionsUpdate = (plan: PapraPropertyPlan, existing: PapraPropertyDefinition) => {
  const missing = plan.options.filter((option) => option.existingId === null)
  if (missing.length === 0) return undefined
  return {
    name: existing.name,
    options: [
      ...(existing.options ?? []).map((option) => ({ id: option.id, name: option.name })),
      ...missing.map((option) => ({ name: option.name })),
    ],
  }
}

// ---------------------------------------------------------------------------------------------
// Papra → Paperless

export interface PaperlessTagPlan {
  /** The Papra path this tag stands for, joined with U+0000: parents are referred to by it. */
  readonly key: string
  readonly parentKey: string | null
  readonly name: string
  readonly original: string
  readonly color: string
  /** The Papra tag it comes from; null for a parent that exists only as a path segment. */
  readonly papraId: string | null
  readonly existingId: number | null
}

export interface PaperlessClassifierPlan {
  readonly kind: ClassifierKind
  readonly name: string
  /** The Papra option id (mode `property`) or tag id (mode `tag`). */
  readonly source: string
  readonly existingId: number | null
}

export interface PaperlessOptionPlan {
  readonly label: string
  readonly source: string
  readonly existingId: string | null
}

export interface PaperlessFieldPlan {
  readonly papraIds: ReadonlyArray<string>
  readonly name: string
  readonly dataType: PaperlessDataType
  readonly options: ReadonlyArray<PaperlessOptionPlan>
  readonly existingId: number | null
}

export interface PaperlessDefinitionPlan {
  /** Parents come before their children. */
  readonly tags: ReadonlyArray<PaperlessTagPlan>
  readonly classifiers: ReadonlyArray<PaperlessClassifierPlan>
  readonly customFields: ReadonlyArray<PaperlessFieldPlan>
  readonly skipped: ReadonlyArray<Skipped>
}

/** Which classifier, if any, a Papra tag stands for (mode `tag`), and the object's name. */
export const classifierOfPapraTag = (
  tag: PapraTag,
  config: MappingConfig,
): { readonly kind: ClassifierKind; readonly name: string } | undefined => {
  for (const kind of CLASSIFIER_KINDS) {
    const settings = config[kind]
    if (
      settings.as === "tag" &&
      tag.name.startsWith(settings.tagPrefix) &&
      tag.name.length > settings.tagPrefix.length
    ) {
      return { kind, name: tag.name.slice(settings.tagPrefix.length).trim() }
    }
  }
  return undefined
}

/** Which role a Papra property plays: a classifier, the ASN, or an ordinary property. */
export const papraPropertyRole = (
  property: PapraPropertyDefinition,
  config: MappingConfig,
): { readonly kind: ClassifierKind | "asn" } | undefined => {
  const key = property.key ?? papraPropertyKey(property.name)
  for (const kind of CLASSIFIER_KINDS) {
    const settings = config[kind]
    if (settings.as === "property" && property.type === "select" && papraPropertyKey(settings.name) === key)
      return { kind }
  }
  if (config.asn.as === "property" && property.type === "number" && papraPropertyKey(config.asn.name) === key)
    return { kind: "asn" }
  return undefined
}

const PATH_JOIN = "\u0000"

const propertyEntry = (name: string) => `properties[${JSON.stringify(name)}]`

/** What must exist on Paperless before documents can be carried there, and what already does. */
export const planPaperlessDefinitions = (
  context: MappingContext,
): Either.Either<PaperlessDefinitionPlan, MappingConfigError> => {
  const { config, paperless, papra, linked } = context
  const skipped: Array<Skipped> = []

  // Tags → a tree of paths. Linked tags need no plan of their own beyond reuse.
  const nodes = new Map<
    string,
    { readonly segments: ReadonlyArray<string>; color: string; papraId: string | null }
  >()
  const classifierTags: Array<{
    readonly kind: ClassifierKind
    readonly name: string
    readonly source: string
  }> = []
  for (const tag of [...papra.tags].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    const classifier = classifierOfPapraTag(tag, config)
    if (classifier !== undefined) {
      classifierTags.push({ ...classifier, source: tag.id })
      continue
    }
    const linkedId = linked.tags.toPaperless.get(tag.id)
    const segments =
      linkedId !== undefined && context.paperlessTags.has(linkedId)
        ? [tag.name.trim()]
        : splitTagName(tag.name, config.tags.hierarchy, config.tags.separator)
    for (let depth = 1; depth <= segments.length; depth++) {
      const key = segments.slice(0, depth).join(PATH_JOIN)
      const isLeaf = depth === segments.length
      const node = nodes.get(key)
      if (node === undefined) {
        nodes.set(key, {
          segments: segments.slice(0, depth),
          color: toPaperlessColor(
            isLeaf && tag.color !== undefined ? tag.color : PAPERLESS_DEFAULT_TAG_COLOR,
          ),
          papraId: isLeaf ? tag.id : null,
        })
      } else if (isLeaf) {
        node.papraId = tag.id
        if (tag.color !== undefined) node.color = toPaperlessColor(tag.color)
      }
    }
  }
  // Paperless names are unique per owner regardless of the parent, so leaves share one namespace.
  const keys = [...nodes.keys()].sort()
  const names = new Map(
    resolveNames(
      keys.map((key) => ({ id: key, name: nodes.get(key)?.segments.at(-1) ?? "" })),
      paperlessNameRules,
    ).map((resolved) => [resolved.id, resolved]),
  )
  const paperlessTagsByName = new Map(paperless.tags.map((tag) => [paperlessNameKey(tag.name), tag]))
  const tags = keys.flatMap((key): ReadonlyArray<PaperlessTagPlan> => {
    const node = nodes.get(key)
    const resolved = names.get(key)
    if (node === undefined || resolved === undefined) return []
    const linkedId = node.papraId === null ? undefined : linked.tags.toPaperless.get(node.papraId)
    const existing =
      linkedId !== undefined && context.paperlessTags.has(linkedId)
        ? linkedId
        : (paperlessTagsByName.get(resolved.name)?.id ?? null)
    return [
      {
        key,
        parentKey: node.segments.length > 1 ? node.segments.slice(0, -1).join(PATH_JOIN) : null,
        name: resolved.name,
        original: node.segments.join(config.tags.separator),
        color: node.color,
        papraId: node.papraId,
        existingId: existing,
      },
    ]
  })

  // Classifiers from select properties (mode property) and prefixed tags (mode tag).
  const classifierSources: Array<{
    readonly kind: ClassifierKind
    readonly name: string
    readonly source: string
  }> = [...classifierTags]
  const fieldGroups = new Map<
    string,
    {
      readonly properties: Array<PapraPropertyDefinition>
      readonly dataType: PaperlessDataType
      readonly entry: string
    }
  >()
  for (const property of [...papra.properties].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    const role = papraPropertyRole(property, config)
    if (role?.kind === "asn") continue
    if (role !== undefined) {
      for (const option of property.options ?? [])
        classifierSources.push({ kind: role.kind, name: option.name, source: option.id })
      continue
    }
    const override = config.properties[property.name]
    if (override?.skip === true) {
      skipped.push({ entity: "property", name: property.name, reason: "skipped by the mapping config" })
      continue
    }
    const linkedField = linked.customFields.toPaperless.get(property.id)
    const linkedType =
      linkedField === undefined ? undefined : context.paperlessFields.get(linkedField)?.data_type
    const dataType = override?.dataType ?? linkedType ?? defaultPaperlessType(property.type)
    if (!compatiblePaperlessTypes[property.type].includes(dataType)) {
      const entry = propertyEntry(property.name)
      return Either.left(
        new MappingConfigError({
          entry,
          message: `${entry}: a ${property.type} property cannot become a ${dataType} field (possible: ${compatiblePaperlessTypes[property.type].join(", ")})`,
        }),
      )
    }
    const target = override?.field ?? property.name
    const group = fieldGroups.get(target)
    if (group === undefined)
      fieldGroups.set(target, { properties: [property], dataType, entry: propertyEntry(property.name) })
    else if (group.dataType !== dataType) {
      const entry = propertyEntry(property.name)
      return Either.left(
        new MappingConfigError({
          entry,
          message: `${entry}: maps onto field "${target}" as ${dataType}, but ${group.entry} maps onto it as ${group.dataType}`,
        }),
      )
    } else group.properties.push(property)
  }
  const classifiers = CLASSIFIER_KINDS.flatMap((kind) => {
    const sources = classifierSources.filter((source) => source.kind === kind)
    const objects = classifierObjects(paperless, kind)
    const byName = new Map(objects.map((object) => [paperlessNameKey(object.name), object]))
    const links = indexedClassifierLinks(linked, kind)
    return resolveNames(
      sources.map((source, index) => ({ id: index, name: source.name })),
      paperlessNameRules,
    ).flatMap((resolved): ReadonlyArray<PaperlessClassifierPlan> => {
      const source = sources[resolved.id]
      if (source === undefined) return []
      const linkedId = links.toPaperless.get(source.source)
      const existingId =
        linkedId !== undefined && context.paperlessClassifiers[kind].has(linkedId)
          ? linkedId
          : (byName.get(resolved.name)?.id ?? null)
      if (existingId === null && kind === "storagePath") {
        skipped.push({
          entity: "storage path",
          name: resolved.name,
          reason:
            "Paperless needs a path template for a storage path; create it there and run again to link it",
        })
        return []
      }
      return [{ kind, name: resolved.name, source: source.source, existingId }]
    })
  })

  const fieldsByName = new Map(paperless.customFields.map((field) => [paperlessNameKey(field.name), field]))
  const groups = [...fieldGroups]
  const customFields = resolveNames(
    groups.map(([name], index) => ({ id: index, name })),
    paperlessNameRules,
  ).flatMap((resolved): ReadonlyArray<PaperlessFieldPlan> => {
    const entry = groups[resolved.id]
    if (entry === undefined) return []
    const [, group] = entry
    const linkedId = group.properties
      .map((property) => linked.customFields.toPaperless.get(property.id))
      .find((id) => id !== undefined)
    const existing =
      (linkedId === undefined ? undefined : context.paperlessFields.get(linkedId)) ??
      fieldsByName.get(resolved.name)
    if (
      existing !== undefined &&
      !group.properties.every((property) => areCompatible(existing.data_type, property.type))
    ) {
      skipped.push({
        entity: "custom field",
        name: resolved.name,
        reason: `Paperless already has a ${existing.data_type} field "${existing.name}", which cannot hold a ${group.properties[0]?.type} property; map it to another name in the config`,
      })
      return []
    }
    const dataType = existing?.data_type ?? group.dataType
    const existingOptions = existing?.extra_data?.select_options ?? []
    const options =
      dataType === "select"
        ? group.properties.flatMap((property) =>
            (property.options ?? []).map((option) => ({
              label: option.name,
              source: option.id,
              existingId:
                linked.selectOptions.toPaperless.get(option.id) ??
                existingOptions.find((candidate) => optionLabel(candidate.label) === option.name)?.id ??
                null,
            })),
          )
        : []
    return [
      {
        papraIds: group.properties.map((property) => property.id),
        name: existing?.name ?? resolved.name,
        dataType,
        options,
        existingId: existing?.id ?? null,
      },
    ]
  })
  return Either.right({ tags, classifiers, customFields, skipped })
}

/** Body of `PATCH /api/custom_fields/:id/` adding these labels; Paperless wants the full list with the existing ids. */
export const paperlessOptionsAdded = (existing: PaperlessCustomField, labels: ReadonlyArray<string>) =>
  labels.length === 0
    ? undefined
    : {
        extra_data: {
          ...existing.extra_data,
          select_options: [
            ...(existing.extra_data?.select_options ?? []).map((option) => ({
              id: option.id,
              label: optionLabel(option.label),
            })),
            ...labels.map((label) => ({ label })),
          ],
        },
      }

/** The options update for a planned field: its options Paperless does not have yet. */
export const paperlessFieldOptionsUpdate = (plan: PaperlessFieldPlan, existing: PaperlessCustomField) =>
  paperlessOptionsAdded(
    existing,
    plan.options.filter((option) => option.existingId === null).map((option) => option.label),
  )

// ---------------------------------------------------------------------------------------------
// Links by name

export type Direction = "paperless-to-papra" | "papra-to-paperless"

/**
 * Links every definition that the plan found on the other side (reused by name, or created by the
 * engine since), on top of the links the engine already has; existing links always win. Run it
 * after creating what the plan asked for, with both sides' definitions listed again.
 */
export const linkDefinitions = (
  context: MappingContext,
  direction: Direction,
): Either.Either<IdLinks, MappingConfigError> =>
  direction === "paperless-to-papra"
    ? Either.map(planPapraDefinitions(context), (plan) => mergeLinks(context.links, linksFromPapraPlan(plan)))
    : Either.map(planPaperlessDefinitions(context), (plan) =>
        mergeLinks(context.links, linksFromPaperlessPlan(plan)),
      )

const linksFromPapraPlan = (plan: PapraDefinitionPlan): IdLinks => {
  const found: { -readonly [K in keyof IdLinks]: Array<IdLinks[K][number]> } = {
    tags: [],
    customFields: [],
    selectOptions: [],
    correspondents: [],
    documentTypes: [],
    storagePaths: [],
    documents: [],
  }
  const classifier = (kind: ClassifierKind) =>
    kind === "correspondent"
      ? found.correspondents
      : kind === "documentType"
        ? found.documentTypes
        : found.storagePaths
  for (const tag of plan.tags) {
    if (tag.existingId === null) continue
    const link: NumericLink = { paperless: tag.source.paperlessId, papra: tag.existingId }
    if (tag.source.kind === "tag") found.tags.push(link)
    else classifier(tag.source.kind).push(link)
  }
  for (const property of plan.properties) {
    if (property.existingId === null) continue
    const source = property.source
    if (source.kind === "asn") continue
    if (source.kind === "customField") {
      for (const paperlessId of source.paperlessIds)
        found.customFields.push({ paperless: paperlessId, papra: property.existingId })
      for (const option of property.options) {
        if (option.existingId === null || typeof option.source !== "string") continue
        const paperlessField = source.paperlessIds[0] ?? -1
        const link: SelectOptionLink = { paperlessField, paperless: option.source, papra: option.existingId }
        found.selectOptions.push(link)
      }
      continue
    }
    for (const option of property.options) {
      if (option.existingId !== null && typeof option.source === "number") {
        classifier(source.kind).push({ paperless: option.source, papra: option.existingId })
      }
    }
  }
  return found
}

const linksFromPaperlessPlan = (plan: PaperlessDefinitionPlan): IdLinks => {
  const tags = plan.tags.flatMap((tag) =>
    tag.existingId !== null && tag.papraId !== null
      ? [{ paperless: tag.existingId, papra: tag.papraId }]
      : [],
  )
  const forKind = (kind: ClassifierKind) =>
    plan.classifiers.flatMap((classifier) =>
      classifier.kind === kind && classifier.existingId !== null
        ? [{ paperless: classifier.existingId, papra: classifier.source }]
        : [],
    )
  const customFields = plan.customFields.flatMap((field) =>
    field.existingId === null
      ? []
      : field.papraIds.map((papra) => ({ paperless: field.existingId ?? -1, papra })),
  )
  const selectOptions = plan.customFields.flatMap((field) =>
    field.existingId === null
      ? []
      : field.options.flatMap((option) =>
          option.existingId === null
            ? []
            : [
                {
                  paperlessField: field.existingId ?? -1,
                  paperless: option.existingId,
                  papra: option.source,
                },
              ],
        ),
  )
  return {
    tags,
    customFields,
    selectOptions,
    correspondents: forKind("correspondent"),
    documentTypes: forKind("documentType"),
    storagePaths: forKind("storagePath"),
    documents: [],
  }
}
