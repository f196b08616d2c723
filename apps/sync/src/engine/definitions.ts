import {
  type IdLinks,
  linkDefinitions,
  type MappingConfig,
  type MappingContext,
  mappingContext,
  type PaperlessDefinitionPlan,
  type PaperlessDefinitions,
  type PapraDefinitionPlan,
  type PapraDefinitions,
  paperlessFieldOptionsUpdate,
  papraPropertyCreateBody,
  papraPropertyOptionsUpdate,
  planPaperlessDefinitions,
  planPapraDefinitions,
} from "@paperbridge/mapping"
import {
  CustomFieldId,
  type PaperlessApi,
  PaperlessClient,
  type PaperlessError,
  TagId,
} from "@paperbridge/paperless"
import {
  PapraApiError,
  PapraClient,
  type PapraClientShape,
  PapraCustomPropertyId,
  type PapraError,
} from "@paperbridge/papra"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import type { EntityKind, Pair } from "../state/endpoints.js"
import { StateStore } from "../state/store.js"
import { MappingFailed } from "./errors.js"
import type { BridgeDirection, DefinitionCounts, DefinitionKind, SyncEvent } from "./events.js"
import { PaperlessSource } from "./paperless-source.js"
import { loadLinks, saveNewLinks } from "./stored-links.js"

const collect = <A, E>(stream: Stream.Stream<A, E>) =>
  Effect.map(Stream.runCollect(stream), Chunk.toReadonlyArray)

export const readPaperlessDefinitions = (
  paperless: PaperlessApi,
): Effect.Effect<PaperlessDefinitions, PaperlessError> =>
  Effect.all(
    {
      tags: collect(paperless.tags.stream()),
      correspondents: collect(paperless.correspondents.stream()),
      documentTypes: collect(paperless.documentTypes.stream()),
      storagePaths: collect(paperless.storagePaths.stream()),
      customFields: collect(paperless.customFields.stream()),
    },
    { concurrency: 5 },
  )

export const readPapraDefinitions = (papra: PapraClientShape): Effect.Effect<PapraDefinitions, PapraError> =>
  Effect.all({ tags: papra.tags.list(), properties: papra.customProperties.list() }, { concurrency: 2 })

/** Both sides' definitions and the stored links, as one mapping context. */
export const loadContext = (pair: Pair, direction: BridgeDirection, config: MappingConfig) =>
  Effect.gen(function* () {
    const papra = yield* PapraClient
    // Paperless as the source may be an export: its definitions come through the source seam.
    const readPaperless =
      direction === "paperless-to-papra"
        ? Effect.flatMap(PaperlessSource, (source) => source.definitions)
        : Effect.flatMap(PaperlessClient, readPaperlessDefinitions)
    const [paperlessDefinitions, papraDefinitions, links] = yield* Effect.all(
      [readPaperless, readPapraDefinitions(papra), loadLinks(pair, direction)],
      { concurrency: 3 },
    )
    return mappingContext({ paperless: paperlessDefinitions, papra: papraDefinitions, config, links })
  })

const planOrFail = <A>(plan: Either.Either<A, { readonly message: string }>) =>
  Either.match(plan, {
    onLeft: (error) => Effect.fail(new MappingFailed({ reason: error.message })),
    onRight: Effect.succeed,
  })

/** What a run would create and reuse, without writing anything. */
export const planDefinitions = (context: MappingContext, direction: BridgeDirection) =>
  direction === "paperless-to-papra"
    ? Effect.map(planOrFail(planPapraDefinitions(context)), (plan) => ({ direction, plan }) as const)
    : Effect.map(planOrFail(planPaperlessDefinitions(context)), (plan) => ({ direction, plan }) as const)

export interface Countable {
  readonly kind: DefinitionKind
  readonly existingId: unknown
}

export const tally = (
  items: ReadonlyArray<Countable>,
  skipped: DefinitionCounts["skipped"],
): DefinitionCounts => {
  const createByKind: Partial<Record<DefinitionKind, number>> = {}
  for (const item of items)
    if (item.existingId === null) createByKind[item.kind] = (createByKind[item.kind] ?? 0) + 1
  const create = Object.values(createByKind).reduce((sum, count) => sum + count, 0)
  return { create, reuse: items.length - create, createByKind, skipped }
}

const optionsOf = (
  fields: ReadonlyArray<{ readonly options: ReadonlyArray<{ readonly existingId: unknown }> }>,
) =>
  fields.flatMap((field) =>
    field.options.map((option): Countable => ({ kind: "select-option", existingId: option.existingId })),
  )

/** What the plan creates and reuses: the one count `plan`, the progress and the run summary give. */
export const countDefinitions = (
  planned: Effect.Effect.Success<ReturnType<typeof planDefinitions>>,
): DefinitionCounts => {
  if (planned.direction === "paperless-to-papra") {
    const { tags, properties, skipped } = planned.plan
    return tally(
      [
        ...tags.map((tag): Countable => ({ kind: "tag", existingId: tag.existingId })),
        ...properties.map(
          (property): Countable => ({ kind: "custom-field", existingId: property.existingId }),
        ),
        ...optionsOf(properties),
      ],
      skipped,
    )
  }
  const { tags, classifiers, customFields, skipped } = planned.plan
  return tally(
    [
      ...tags.map((tag): Countable => ({ kind: "tag", existingId: tag.existingId })),
      ...classifiers.map(
        (classifier): Countable => ({
          kind: classifierEventKind[classifier.kind],
          existingId: classifier.existingId,
        }),
      ),
      ...customFields.map((field): Countable => ({ kind: "custom-field", existingId: field.existingId })),
      ...optionsOf(customFields),
    ],
    skipped,
  )
}

/** Planned creates the target answered "already exists" to (a race with another writer): reused after all. */
const withFoundExisting = (
  counts: DefinitionCounts,
  found: ReadonlyArray<DefinitionKind>,
): DefinitionCounts => {
  if (found.length === 0) return counts
  const createByKind = { ...counts.createByKind }
  for (const kind of found) createByKind[kind] = (createByKind[kind] ?? 1) - 1
  return { ...counts, create: counts.create - found.length, reuse: counts.reuse + found.length, createByKind }
}

/**
 * A create is journaled first so a crash between the call and the link leaves a trace; the plan
 * finds the object again by name on the next run, so it is never created twice.
 */
export const journaledCreate = <E>(
  pair: Pair,
  kind: EntityKind,
  sourceId: string,
  create: Effect.Effect<string, E>,
  options: { readonly link: boolean },
) =>
  Effect.gen(function* () {
    const store = yield* StateStore
    const begun = yield* store.journal.begin(pair, {
      kind,
      operation: "create",
      sourceId,
    })
    const targetId = yield* create.pipe(
      // A create cut off by a crash may land on the server after the next run listed the target:
      // Papra then answers "already exists", and the object is linked by name like any other.
      Effect.catchIf(
        (error) => error instanceof PapraApiError && error.status === 409,
        () => Effect.succeed(undefined),
      ),
      Effect.tapError((error) => store.journal.fail(begun.entry.id, String(error))),
    )
    // Left pending when it already existed: settleFoundCreates completes it once it is linked.
    if (targetId !== undefined)
      yield* store.journal.complete(begun.entry.id, { targetId, ...(options.link ? { link: {} } : {}) })
    return targetId
  })

export const emitCreated = (
  onEvent: (event: SyncEvent) => Effect.Effect<void>,
  kind: DefinitionKind,
  name: string,
  action: "created" | "reused" = "created",
) => onEvent({ type: "definition", kind, name, action })

const createOnPapra = (
  pair: Pair,
  plan: PapraDefinitionPlan,
  context: MappingContext,
  onEvent: (event: SyncEvent) => Effect.Effect<void>,
) =>
  Effect.gen(function* () {
    const papra = yield* PapraClient
    const found: Array<DefinitionKind> = []
    for (const tag of plan.tags) {
      if (tag.existingId !== null) continue
      const id = yield* journaledCreate(
        pair,
        tag.source.kind === "tag" ? "tag" : classifierEntity[tag.source.kind],
        String(tag.source.paperlessId),
        Effect.map(
          papra.tags.create({
            name: tag.name,
            color: tag.color,
            ...(tag.description ? { description: tag.description } : {}),
          }),
          (made) => made.id,
        ),
        { link: tag.source.kind === "tag" },
      )
      if (id === undefined) found.push("tag")
      yield* emitCreated(onEvent, "tag", tag.name, id === undefined ? "reused" : "created")
    }
    for (const property of plan.properties) {
      if (property.existingId === null) {
        const id = yield* journaledCreate(
          pair,
          "custom_field",
          `property:${property.name}`,
          Effect.map(papra.customProperties.create(papraPropertyCreateBody(property)), (made) => made.id),
          { link: false },
        )
        if (id === undefined)
          found.push("custom-field", ...property.options.map((): DefinitionKind => "select-option"))
        yield* emitCreated(onEvent, "custom-field", property.name, id === undefined ? "reused" : "created")
        continue
      }
      const existing = context.papraProperties.get(property.existingId)
      const update = existing === undefined ? undefined : papraPropertyOptionsUpdate(property, existing)
      if (update === undefined) continue
      yield* papra.customProperties.update(PapraCustomPropertyId.make(property.existingId), update)
      for (const option of property.options.filter((candidate) => candidate.existingId === null))
        yield* emitCreated(onEvent, "select-option", `${property.name}: ${option.name}`)
    }
    return found
  })

export const classifierEntity = {
  correspondent: "correspondent",
  documentType: "document_type",
  storagePath: "storage_path",
} as const satisfies Record<string, EntityKind>

export const classifierEventKind = {
  correspondent: "correspondent",
  documentType: "document-type",
  storagePath: "storage-path",
} as const satisfies Record<string, DefinitionKind>

/** Objects made by paperbridge never auto-assign themselves to other documents (matching "none"). */
export const noAutoMatching = { matching_algorithm: 0, match: "" } as const

const createOnPaperless = (
  pair: Pair,
  plan: PaperlessDefinitionPlan,
  context: MappingContext,
  onEvent: (event: SyncEvent) => Effect.Effect<void>,
) =>
  Effect.gen(function* () {
    const paperless = yield* PaperlessClient
    const tagIdsByKey = new Map<string, number>()
    for (const tag of plan.tags) {
      if (tag.existingId !== null) {
        tagIdsByKey.set(tag.key, tag.existingId)
        continue
      }
      const parent = tag.parentKey === null ? undefined : tagIdsByKey.get(tag.parentKey)
      const id = yield* journaledCreate(
        pair,
        "tag",
        tag.papraId ?? `path:${tag.key}`,
        Effect.map(
          paperless.tags.create({
            name: tag.name,
            color: tag.color,
            ...noAutoMatching,
            ...(parent === undefined ? {} : { parent: TagId.make(parent) }),
          }),
          (made) => String(made.id),
        ),
        { link: tag.papraId !== null },
      )
      tagIdsByKey.set(tag.key, Number(id))
      yield* emitCreated(onEvent, "tag", tag.name)
    }
    for (const classifier of plan.classifiers) {
      if (classifier.existingId !== null) continue
      const body = { name: classifier.name, ...noAutoMatching }
      const create: Effect.Effect<{ readonly id: number }, PaperlessError> =
        classifier.kind === "correspondent"
          ? paperless.correspondents.create(body)
          : classifier.kind === "documentType"
            ? paperless.documentTypes.create(body)
            : // Papra knows no path template: the name stands in, so files land in a folder of that name.
              paperless.storagePaths.create({ ...body, path: `${classifier.name}/{{ title }}` })
      yield* journaledCreate(
        pair,
        classifierEntity[classifier.kind],
        classifier.source,
        Effect.map(create, (made) => String(made.id)),
        { link: true },
      )
      yield* emitCreated(onEvent, classifierEventKind[classifier.kind], classifier.name)
    }
    for (const field of plan.customFields) {
      if (field.existingId === null) {
        yield* journaledCreate(
          pair,
          "custom_field",
          field.papraIds[0] ?? `field:${field.name}`,
          Effect.map(
            paperless.customFields.create({
              name: field.name,
              data_type: field.dataType,
              ...(field.dataType === "select"
                ? { extra_data: { select_options: field.options.map((option) => ({ label: option.label })) } }
                : {}),
            }),
            (made) => String(made.id),
          ),
          { link: field.papraIds.length === 1 },
        )
        yield* emitCreated(onEvent, "custom-field", field.name)
        continue
      }
      const existing = context.paperlessFields.get(field.existingId)
      const update = existing === undefined ? undefined : paperlessFieldOptionsUpdate(field, existing)
      if (update === undefined) continue
      yield* paperless.customFields.update(CustomFieldId.make(field.existingId), update)
      for (const option of field.options.filter((candidate) => candidate.existingId === null))
        yield* emitCreated(onEvent, "select-option", `${field.name}: ${option.label}`)
    }
    // Paperless has no "already exists" answer that is not an error: every planned create was made.
    return [] as ReadonlyArray<DefinitionKind>
  })

/**
 * A create cut off by a crash stays half-done in the journal, and the next plan finds the object
 * by name instead of creating it again: settle such entries with what was found.
 */
const settleFoundCreates = (pair: Pair, context: MappingContext) =>
  Effect.gen(function* () {
    const store = yield* StateStore
    const pending = (yield* store.journal.halfDone(pair)).filter((entry) => entry.operation === "create")
    for (const entry of pending) {
      const linked = yield* store.links.findTarget(pair, entry.kind, entry.sourceId)
      const byName = entry.sourceId.startsWith("property:")
        ? context.papra.properties.find(
            (property) => property.name === entry.sourceId.slice("property:".length),
          )?.id
        : entry.sourceId.startsWith("field:")
          ? context.paperless.customFields.find(
              (field) => field.name === entry.sourceId.slice("field:".length),
            )?.id
          : undefined
      const targetId = Option.isSome(linked)
        ? linked.value.targetId
        : byName === undefined
          ? undefined
          : String(byName)
      if (targetId !== undefined) yield* store.journal.complete(entry.id, { targetId })
    }
  })

/**
 * Phase one of a run: makes sure every tag, field/property and option the documents need exists
 * on the target (reusing same-named ones), links them all, and returns the context the documents
 * are mapped with.
 */
export const prepareDefinitions = (
  pair: Pair,
  direction: BridgeDirection,
  config: MappingConfig,
  onEvent: (event: SyncEvent) => Effect.Effect<void>,
) =>
  Effect.gen(function* () {
    const before = yield* loadContext(pair, direction, config)
    const planned = yield* planDefinitions(before, direction)
    const counts = countDefinitions(planned)
    const found =
      planned.direction === "paperless-to-papra"
        ? yield* createOnPapra(pair, planned.plan, before, onEvent)
        : yield* createOnPaperless(pair, planned.plan, before, onEvent)
    const after = counts.create > 0 ? yield* loadContext(pair, direction, config) : before
    const links: IdLinks = yield* planOrFail(linkDefinitions(after, direction))
    yield* saveNewLinks(pair, direction, links)
    yield* settleFoundCreates(pair, mappingContext({ ...after, links }))
    return {
      context: mappingContext({ ...after, links }),
      /** The context before anything was created: what `plan` saw, so the lossiness report matches it. */
      planned: before,
      counts: withFoundExisting(counts, found),
    }
  })
