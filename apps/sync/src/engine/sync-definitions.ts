import {
  type ClassifierKind,
  countUsesOn,
  type DefinitionBase,
  type DefinitionDecision,
  type DefinitionFace,
  type DefinitionLinkState,
  decideDefinition,
  LIMITS,
  type MappingConfig,
  type MappingContext,
  mappingContext,
  type NameRule,
  optionLabel,
  PAPERLESS_DEFAULT_TAG_COLOR,
  type PaperlessTag,
  papraPropertyKey,
  type SyncSide,
  tagPath,
} from "@paperbridge/mapping"
import {
  CorrespondentId,
  CustomFieldId,
  customFieldQuery,
  type DocumentQuery,
  DocumentTypeId,
  type PaperlessApi,
  PaperlessApiError,
  PaperlessClient,
  type PaperlessError,
  StoragePathId,
  TagId,
} from "@paperbridge/paperless"
import {
  PapraApiError,
  PapraClient,
  type PapraClientShape,
  PapraCustomPropertyId,
  type PapraDocumentListItem,
  type PapraError,
  type PapraSelectOption,
  PapraTagId,
} from "@paperbridge/papra"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import type { EntityKind, Pair } from "../state/endpoints.js"
import type { StateStoreError } from "../state/errors.js"
import type { Link } from "../state/links.js"
import { StateStore } from "../state/store.js"
import { readPaperlessDefinitions, readPapraDefinitions } from "./definitions.js"
import type { DefinitionKind, SyncEvent } from "./events.js"

type ClientError = PaperlessError | PapraError

/** A name or colour carried from one side to the other. */
export interface DefinitionChangeReport {
  readonly kind: DefinitionKind
  /** Where it was written. */
  readonly on: SyncSide
  readonly from: string
  readonly to: string
}

export interface DefinitionDeletionReport {
  readonly kind: DefinitionKind
  readonly name: string
  /** Where it was deleted: it was gone from the other side already. */
  readonly on: SyncSide
}

/** Gone from one side and kept on the other (`on`; none when gone from both): the link is dropped. */
export interface KeptDefinition {
  readonly kind: DefinitionKind
  readonly name: string
  readonly on: SyncSide | undefined
  readonly reason: string
}

/** Left as it is on both sides and reported on every run until settled. */
export interface HeldDefinition {
  readonly kind: DefinitionKind
  readonly name: string
  readonly attribute: "name" | "color"
  /** `refused`: the server would not take it (Papra's case-insensitive tag names, 409). */
  readonly why: "conflict" | "not-carried" | "refused"
  readonly detail: string
}

/** What a sync did (or, dry run, would do) to linked definitions, both ways. */
export interface DefinitionSyncSummary {
  readonly dryRun: boolean
  readonly renamed: ReadonlyArray<DefinitionChangeReport>
  readonly recoloured: ReadonlyArray<DefinitionChangeReport>
  readonly deleted: ReadonlyArray<DefinitionDeletionReport>
  readonly kept: ReadonlyArray<KeptDefinition>
  readonly held: ReadonlyArray<HeldDefinition>
  /** Links synced for the first time: their current values became the base, nothing was written. */
  readonly basesRecorded: number
}

const sideName: Record<SyncSide, string> = { paperless: "Paperless", papra: "Papra" }

/** One line per thing done, kept or held, for the report and `plan`. */
export const definitionSyncLines = (summary: DefinitionSyncSummary): ReadonlyArray<string> => {
  const would = summary.dryRun ? "would be " : ""
  return [
    ...summary.renamed.map(
      (change) =>
        `${change.kind} "${change.from}" ${would}renamed to "${change.to}" on ${sideName[change.on]}`,
    ),
    ...summary.recoloured.map(
      (change) =>
        `${change.kind} colour ${change.from} ${would}changed to ${change.to} on ${sideName[change.on]}`,
    ),
    ...summary.deleted.map(
      (deletion) => `${deletion.kind} "${deletion.name}" ${would}deleted on ${sideName[deletion.on]}`,
    ),
    ...summary.kept.map((kept) => `${kept.kind} "${kept.name}": ${kept.reason}`),
    ...summary.held.map(
      (held) => `${held.kind} "${held.name}" (${held.attribute}, ${held.why}): ${held.detail}`,
    ),
  ]
}

/** What one end of a linked definition can be asked to do. */
interface DefinitionEnd {
  readonly write: (change: {
    readonly name?: string
    readonly color?: string
  }) => Effect.Effect<void, ClientError>
  readonly remove: Effect.Effect<void, ClientError>
  /** Documents on this side that use it; `undefined` when the server does not say. */
  readonly documentsUsing: Effect.Effect<number | undefined, ClientError>
}

interface LinkedDefinition {
  readonly link: Link
  readonly kind: DefinitionKind
  readonly state: DefinitionLinkState
  readonly ends: { readonly paperless?: DefinitionEnd; readonly papra?: DefinitionEnd }
}

const carried = (papraMax: number, paperlessMax: number, papraPrefix = ""): NameRule => ({
  _tag: "Carried",
  papraPrefix,
  papraMax,
  paperlessMax,
})

const nameOnly = (change: { readonly name?: string }) =>
  change.name === undefined ? {} : { name: change.name }

// ---------------------------------------------------------------------------------------------
// The ends, per server and kind.

const paperlessCount = (paperless: PaperlessApi, query: DocumentQuery) =>
  Effect.map(paperless.documents.list({ ...query, page_size: 1 }), (page): number | undefined => page.count)

const paperlessTagEnd = (paperless: PaperlessApi, id: number): DefinitionEnd => ({
  write: (change) => Effect.asVoid(paperless.tags.update(TagId.make(id), change)),
  remove: paperless.tags.delete(TagId.make(id)),
  documentsUsing: paperlessCount(paperless, { tags__id__all: [id] }),
})

const paperlessClassifierEnd = (paperless: PaperlessApi, kind: ClassifierKind, id: number): DefinitionEnd => {
  switch (kind) {
    case "correspondent":
      return {
        write: (change) =>
          Effect.asVoid(paperless.correspondents.update(CorrespondentId.make(id), nameOnly(change))),
        remove: paperless.correspondents.delete(CorrespondentId.make(id)),
        documentsUsing: paperlessCount(paperless, { correspondent__id: id }),
      }
    case "documentType":
      return {
        write: (change) =>
          Effect.asVoid(paperless.documentTypes.update(DocumentTypeId.make(id), nameOnly(change))),
        remove: paperless.documentTypes.delete(DocumentTypeId.make(id)),
        documentsUsing: paperlessCount(paperless, { document_type__id: id }),
      }
    case "storagePath":
      return {
        write: (change) =>
          Effect.asVoid(paperless.storagePaths.update(StoragePathId.make(id), nameOnly(change))),
        remove: paperless.storagePaths.delete(StoragePathId.make(id)),
        documentsUsing: paperlessCount(paperless, { storage_path__id: id }),
      }
  }
}

const paperlessFieldEnd = (paperless: PaperlessApi, id: number): DefinitionEnd => ({
  write: (change) => Effect.asVoid(paperless.customFields.update(CustomFieldId.make(id), nameOnly(change))),
  remove: paperless.customFields.delete(CustomFieldId.make(id)),
  documentsUsing: Effect.map(
    paperless.customFields.get(CustomFieldId.make(id)),
    (field) => field.document_count,
  ),
})

/** Options are edited through their field, whose whole option list a PATCH replaces: read it fresh first. */
const paperlessOptionEnd = (paperless: PaperlessApi, fieldId: number, optionId: string): DefinitionEnd => {
  const id = CustomFieldId.make(fieldId)
  const editOptions = (
    edit: (
      options: ReadonlyArray<{ readonly id: string; readonly label: string }>,
    ) => ReadonlyArray<{ readonly id: string; readonly label: string }>,
  ) =>
    Effect.flatMap(paperless.customFields.get(id), (field) =>
      paperless.customFields.update(id, {
        extra_data: { ...field.extra_data, select_options: edit(field.extra_data?.select_options ?? []) },
      }),
    ).pipe(Effect.asVoid)
  return {
    write: (change) =>
      editOptions((options) =>
        options.map((option) =>
          option.id === optionId && change.name !== undefined ? { ...option, label: change.name } : option,
        ),
      ),
    remove: editOptions((options) => options.filter((option) => option.id !== optionId)),
    documentsUsing: paperlessCount(paperless, {
      custom_field_query: customFieldQuery([id, "exact", optionId]),
    }),
  }
}

const papraDocumentsWhere = (papra: PapraClientShape, uses: (document: PapraDocumentListItem) => boolean) =>
  Stream.runFold(papra.documents.stream(), 0, (count, document) => (uses(document) ? count + 1 : count)).pipe(
    Effect.map((count): number | undefined => count),
  )

const papraTagEnd = (papra: PapraClientShape, id: string): DefinitionEnd => ({
  write: (change) => Effect.asVoid(papra.tags.update(PapraTagId.make(id), change)),
  remove: papra.tags.delete(PapraTagId.make(id)),
  documentsUsing: Effect.map(papra.tags.list(), (tags) => tags.find((tag) => tag.id === id)?.documentsCount),
})

const papraPropertyEnd = (papra: PapraClientShape, id: string, key: string): DefinitionEnd => ({
  write: (change) =>
    Effect.asVoid(papra.customProperties.update(PapraCustomPropertyId.make(id), nameOnly(change))),
  remove: papra.customProperties.delete(PapraCustomPropertyId.make(id)),
  documentsUsing: papraDocumentsWhere(papra, (document) =>
    document.customProperties.some(
      (property) =>
        property.key === key &&
        property.value !== null &&
        (!Array.isArray(property.value) || property.value.length > 0),
    ),
  ),
})

/** Options are edited through their property, whose whole option list an update replaces: read it fresh first. */
const papraOptionEnd = (papra: PapraClientShape, propertyId: string, optionId: string): DefinitionEnd => {
  const id = PapraCustomPropertyId.make(propertyId)
  const editOptions = (
    edit: (options: ReadonlyArray<PapraSelectOption>) => ReadonlyArray<PapraSelectOption>,
  ) =>
    Effect.flatMap(papra.customProperties.get(id), (property) =>
      papra.customProperties.update(id, {
        options: edit(property.options).map((option) => ({ id: option.id, name: option.name })),
      }),
    ).pipe(Effect.asVoid)
  return {
    write: (change) =>
      editOptions((options) =>
        options.map((option) =>
          option.id === optionId && change.name !== undefined ? { ...option, name: change.name } : option,
        ),
      ),
    remove: editOptions((options) => options.filter((option) => option.id !== optionId)),
    documentsUsing: papraDocumentsWhere(papra, (document) =>
      document.customProperties.some((property) =>
        property.type === "select"
          ? property.value?.optionId === optionId
          : property.type === "multi_select" &&
            (property.value ?? []).some((value) => value.optionId === optionId),
      ),
    ),
  }
}

// ---------------------------------------------------------------------------------------------
// Both sides now, per link.

const classifierOfEntity: Partial<Record<EntityKind, ClassifierKind>> = {
  correspondent: "correspondent",
  document_type: "documentType",
  storage_path: "storagePath",
}

const eventKindOf: Partial<Record<EntityKind, DefinitionKind>> = {
  tag: "tag",
  correspondent: "correspondent",
  document_type: "document-type",
  storage_path: "storage-path",
  custom_field: "custom-field",
  select_option: "select-option",
}

const lowerColor = (color: string | undefined) => (color ?? PAPERLESS_DEFAULT_TAG_COLOR).toLowerCase()

interface Sides {
  readonly context: MappingContext
  readonly paperless: PaperlessApi
  readonly papra: PapraClientShape
  /** Every Papra select option by id, with the property it belongs to. */
  readonly papraOptions: ReadonlyMap<string, { readonly name: string; readonly propertyId: string }>
  /** How many links each end of a field/property link has: a shared one cannot be renamed through. */
  readonly fieldLinks: {
    readonly paperless: ReadonlyMap<string, number>
    readonly papra: ReadonlyMap<string, number>
  }
}

const tagEnds = (sides: Sides, link: Link, base: DefinitionBase | undefined): LinkedDefinition => {
  const { context } = sides
  const tag = context.paperlessTags.get(Number(link.sourceId))
  const papraTag = context.papraTags.get(link.targetId)
  const { hierarchy, separator } = context.config.tags
  const pathOf = (of: PaperlessTag) =>
    hierarchy === "path" ? tagPath(of, context.paperlessTags).join(separator) : of.name.trim()
  const parent =
    tag?.parent === null || tag?.parent === undefined ? undefined : context.paperlessTags.get(tag.parent)
  return {
    link,
    kind: "tag",
    state: {
      base,
      paperless: tag === undefined ? undefined : { name: pathOf(tag), color: lowerColor(tag.color) },
      papra: papraTag === undefined ? undefined : { name: papraTag.name, color: lowerColor(papraTag.color) },
      names: {
        ...carried(LIMITS.papraTagName, LIMITS.paperlessName),
        ...(hierarchy === "path"
          ? { path: { separator, parent: parent === undefined ? null : pathOf(parent) } }
          : {}),
      },
    },
    ends: {
      ...(tag === undefined ? {} : { paperless: paperlessTagEnd(sides.paperless, tag.id) }),
      ...(papraTag === undefined ? {} : { papra: papraTagEnd(sides.papra, papraTag.id) }),
    },
  }
}

/** A classifier's Papra end is a prefixed tag (mode `tag`) or an option of its select property (mode `property`). */
const classifierEnds = (
  sides: Sides,
  link: Link,
  kind: ClassifierKind,
  base: DefinitionBase | undefined,
): LinkedDefinition => {
  const { context } = sides
  const object = context.paperlessClassifiers[kind].get(Number(link.sourceId))
  const papraTag = context.papraTags.get(link.targetId)
  const option = sides.papraOptions.get(link.targetId)
  const papra:
    | { readonly face: DefinitionFace; readonly end: DefinitionEnd; readonly names: NameRule }
    | undefined =
    papraTag !== undefined
      ? {
          face: { name: papraTag.name },
          end: papraTagEnd(sides.papra, papraTag.id),
          names: carried(LIMITS.papraTagName, LIMITS.paperlessName, context.config[kind].tagPrefix),
        }
      : option !== undefined
        ? {
            face: { name: option.name },
            end: papraOptionEnd(sides.papra, option.propertyId, link.targetId),
            names: carried(LIMITS.papraPropertyName, LIMITS.paperlessName),
          }
        : undefined
  return {
    link,
    kind: eventKindOf[link.kind] ?? "correspondent",
    state: {
      base,
      paperless: object === undefined ? undefined : { name: object.name.trim() },
      papra: papra?.face,
      names: papra?.names ?? carried(LIMITS.papraTagName, LIMITS.paperlessName),
    },
    ends: {
      ...(object === undefined
        ? {}
        : { paperless: paperlessClassifierEnd(sides.paperless, kind, object.id) }),
      ...(papra === undefined ? {} : { papra: papra.end }),
    },
  }
}

const fieldEnds = (sides: Sides, link: Link, base: DefinitionBase | undefined): LinkedDefinition => {
  const { context } = sides
  const field = context.paperlessFields.get(Number(link.sourceId))
  const property = context.papraProperties.get(link.targetId)
  const paperlessNames = [base?.paperless.name, field?.name].filter((name) => name !== undefined)
  const papraNames = [base?.papra.name, property?.name].filter((name) => name !== undefined)
  const overridden =
    paperlessNames.some((name) => context.config.customFields[name]?.property !== undefined) ||
    papraNames.some((name) => context.config.properties[name]?.field !== undefined)
  const shared =
    (sides.fieldLinks.paperless.get(link.sourceId) ?? 0) > 1 ||
    (sides.fieldLinks.papra.get(link.targetId) ?? 0) > 1
  const names: NameRule = overridden
    ? { _tag: "NotCarried", reason: "the mapping config names the other end; rename it there" }
    : shared
      ? { _tag: "NotCarried", reason: "several fields share one property" }
      : carried(LIMITS.papraPropertyName, LIMITS.paperlessName)
  return {
    link,
    kind: "custom-field",
    state: {
      base,
      paperless: field === undefined ? undefined : { name: field.name },
      papra: property === undefined ? undefined : { name: property.name },
      names,
    },
    ends: {
      ...(field === undefined ? {} : { paperless: paperlessFieldEnd(sides.paperless, field.id) }),
      ...(property === undefined
        ? {}
        : {
            papra: papraPropertyEnd(
              sides.papra,
              property.id,
              property.key ?? papraPropertyKey(property.name),
            ),
          }),
    },
  }
}

const optionEnds = (sides: Sides, link: Link, base: DefinitionBase | undefined): LinkedDefinition => {
  const split = link.sourceId.indexOf(":")
  const fieldId = Number(link.sourceId.slice(0, split))
  const optionId = link.sourceId.slice(split + 1)
  const option = sides.context.paperlessFields
    .get(fieldId)
    ?.extra_data?.select_options?.find((candidate) => candidate.id === optionId)
  const papraOption = sides.papraOptions.get(link.targetId)
  return {
    link,
    kind: "select-option",
    state: {
      base,
      paperless: option === undefined ? undefined : { name: optionLabel(option.label) },
      papra: papraOption === undefined ? undefined : { name: papraOption.name },
      // Paperless sets no length on option labels.
      names: carried(LIMITS.papraPropertyName, Number.POSITIVE_INFINITY),
    },
    ends: {
      ...(option === undefined ? {} : { paperless: paperlessOptionEnd(sides.paperless, fieldId, optionId) }),
      ...(papraOption === undefined
        ? {}
        : { papra: papraOptionEnd(sides.papra, papraOption.propertyId, link.targetId) }),
    },
  }
}

const countBy = (values: ReadonlyArray<string>) => {
  const counts = new Map<string, number>()
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1)
  return counts
}

const linkedDefinitions = (
  sides: Omit<Sides, "papraOptions" | "fieldLinks">,
  links: ReadonlyArray<Link>,
  bases: ReadonlyMap<string, DefinitionBase>,
): ReadonlyArray<LinkedDefinition> => {
  const fields = links.filter((link) => link.kind === "custom_field")
  const all: Sides = {
    ...sides,
    papraOptions: new Map(
      sides.context.papra.properties.flatMap((property) =>
        (property.options ?? []).map(
          (option) => [option.id, { name: option.name, propertyId: property.id }] as const,
        ),
      ),
    ),
    fieldLinks: {
      paperless: countBy(fields.map((link) => link.sourceId)),
      papra: countBy(fields.map((link) => link.targetId)),
    },
  }
  return links.flatMap((link): ReadonlyArray<LinkedDefinition> => {
    const base = bases.get(baseKey(link.kind, link.sourceId))
    const classifier = classifierOfEntity[link.kind]
    if (classifier !== undefined) return [classifierEnds(all, link, classifier, base)]
    switch (link.kind) {
      case "tag":
        return [tagEnds(all, link, base)]
      case "custom_field":
        return [fieldEnds(all, link, base)]
      case "select_option":
        return [optionEnds(all, link, base)]
      default:
        return []
    }
  })
}

const baseKey = (kind: EntityKind, sourceId: string) => `${kind}\u0000${sourceId}`

// ---------------------------------------------------------------------------------------------
// Acting on the decisions.

/** The server would not take the name (Papra's case-insensitive unique tag names, Paperless's unique names). */
const refusal = (error: ClientError): string | undefined =>
  (error instanceof PapraApiError && error.status === 409) ||
  (error instanceof PaperlessApiError && error.status === 400)
    ? error.message
    : undefined

const nameOf = (state: DefinitionLinkState) =>
  state.paperless?.name ?? state.papra?.name ?? state.base?.paperless.name ?? "?"

interface Tally {
  readonly renamed: Array<DefinitionChangeReport>
  readonly recoloured: Array<DefinitionChangeReport>
  readonly deleted: Array<DefinitionDeletionReport>
  readonly kept: Array<KeptDefinition>
  readonly held: Array<HeldDefinition>
  basesRecorded: number
}

const applyDecision = (
  pair: Pair,
  linked: LinkedDefinition,
  decision: DefinitionDecision,
  tally: Tally,
  options: { readonly dryRun: boolean; readonly onEvent: (event: SyncEvent) => Effect.Effect<void> },
): Effect.Effect<void, ClientError | StateStoreError, StateStore> =>
  Effect.gen(function* () {
    const store = yield* StateStore
    const { kind, state, link } = linked
    const name = nameOf(state)
    const unlink = options.dryRun
      ? Effect.void
      : Effect.asVoid(store.links.unlink(pair, link.kind, link.sourceId))
    switch (decision._tag) {
      case "Unchanged":
        return
      case "Unlink": {
        tally.kept.push({ kind, name, on: decision.kept, reason: decision.reason })
        yield* unlink
        if (!options.dryRun)
          yield* options.onEvent({ type: "warning", message: `${kind} "${name}": ${decision.reason}` })
        return
      }
      case "Delete": {
        tally.deleted.push({ kind, name, on: decision.side })
        if (options.dryRun) return
        const end = linked.ends[decision.side]
        if (end !== undefined) yield* end.remove
        yield* unlink
        yield* options.onEvent({ type: "definition", kind, name, action: "deleted" })
        return
      }
      case "Sync": {
        for (const held of decision.held)
          tally.held.push({ kind, name, attribute: held.attribute, why: held.why, detail: held.detail })
        if (state.base === undefined) tally.basesRecorded += 1
        let refused = false
        for (const side of ["paperless", "papra"] as const) {
          const writes = decision.writes.filter((write) => write.side === side)
          const end = linked.ends[side]
          if (writes.length === 0 || end === undefined) continue
          const change = Object.fromEntries(writes.map((write) => [write.attribute, write.value]))
          const outcome = options.dryRun
            ? undefined
            : yield* end.write(change).pipe(
                Effect.as(undefined),
                Effect.catchAll((error) => {
                  const reason = refusal(error)
                  return reason === undefined ? Effect.fail(error) : Effect.succeed(reason)
                }),
              )
          for (const write of writes) {
            if (outcome !== undefined) {
              refused = true
              tally.held.push({ kind, name, attribute: write.attribute, why: "refused", detail: outcome })
              continue
            }
            const report = { kind, on: side, from: state[side]?.[write.attribute] ?? "", to: write.face }
            ;(write.attribute === "name" ? tally.renamed : tally.recoloured).push(report)
            if (!options.dryRun)
              yield* options.onEvent({
                type: "definition",
                kind,
                name: write.attribute === "name" ? write.face : name,
                action: write.attribute === "name" ? "renamed" : "recoloured",
              })
          }
        }
        if (!options.dryRun && !refused && decision.base !== undefined)
          yield* store.definitionBases.save(pair, link.kind, link.sourceId, decision.base)
        if (!options.dryRun)
          for (const held of decision.held)
            yield* options.onEvent({ type: "warning", message: `${kind} "${name}": ${held.detail}` })
        return
      }
    }
  })

/** Counts a survivor's documents only where that decides whether it is deleted. */
const withUses = (linked: LinkedDefinition) => {
  const side = countUsesOn(linked.state)
  const end = side === undefined ? undefined : linked.ends[side]
  if (side === undefined || end === undefined) return Effect.succeed(linked.state)
  return Effect.map(end.documentsUsing, (uses) => ({ ...linked.state, inUse: { [side]: uses } }))
}

/**
 * Renames, recolours and deletes of linked definitions, both ways: run before `prepareDefinitions`
 * so a definition deleted on one side is settled before that would make it again from the other.
 * `pair` is oriented Paperless → Papra. A dry run reads both servers and the store, writes nothing.
 */
export const syncDefinitions = (
  pair: Pair,
  config: MappingConfig,
  options: { readonly dryRun: boolean; readonly onEvent: (event: SyncEvent) => Effect.Effect<void> },
): Effect.Effect<
  DefinitionSyncSummary,
  ClientError | StateStoreError,
  StateStore | PaperlessClient | PapraClient
> =>
  Effect.gen(function* () {
    const store = yield* StateStore
    const paperless = yield* PaperlessClient
    const papra = yield* PapraClient
    const [paperlessDefinitions, papraDefinitions, links, bases] = yield* Effect.all(
      [
        readPaperlessDefinitions(paperless),
        readPapraDefinitions(papra),
        store.links.list(pair),
        store.definitionBases.list(pair),
      ],
      { concurrency: 4 },
    )
    const context = mappingContext({ paperless: paperlessDefinitions, papra: papraDefinitions, config })
    const linked = linkedDefinitions(
      { context, paperless, papra },
      links.filter((link) => eventKindOf[link.kind] !== undefined),
      new Map(bases.map((stored) => [baseKey(stored.kind, stored.sourceId), stored.base])),
    )
    const tally: Tally = { renamed: [], recoloured: [], deleted: [], kept: [], held: [], basesRecorded: 0 }
    for (const definition of linked) {
      const state = yield* withUses(definition)
      yield* applyDecision(pair, definition, decideDefinition(state), tally, options)
    }
    return { dryRun: options.dryRun, ...tally }
  })
