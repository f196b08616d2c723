import {
  type ClassifierKind,
  type CopyDefinitionPlan,
  type CopyLinks,
  copyContext,
  copyLinks,
  copyLossinessLines,
  optionLabel,
  type PaperlessDefinitions,
  paperlessOptionsAdded,
  planPaperlessCopy,
} from "@paperbridge/mapping"
import { CustomFieldId, PaperlessClient, type PaperlessError, TagId } from "@paperbridge/paperless"
import * as Effect from "effect/Effect"
import type { EntityKind, Pair } from "../state/endpoints.js"
import { StateStore } from "../state/store.js"
import {
  type Countable,
  classifierEntity,
  classifierEventKind,
  emitCreated,
  journaledCreate,
  noAutoMatching,
  readPaperlessDefinitions,
  tally,
} from "./definitions.js"
import type { DefinitionCounts, SyncEvent } from "./events.js"
import { PaperlessSource } from "./paperless-source.js"

/**
 * Phase one of carrying a Paperless export into another Paperless-ngx: the target's definitions
 * of the same name are reused, the others made, and all of them linked in the state store (by
 * source id, so a later export of the same instance finds them again even if renamed there).
 */

interface StoredCopyLink {
  readonly kind: EntityKind
  readonly sourceId: string
  readonly targetId: string
}

const classifierOfEntity = new Map(
  Object.entries(classifierEntity).map(([kind, entity]) => [entity as EntityKind, kind as ClassifierKind]),
)

/** Every definition link of `links` as the state store keeps it (documents are linked by their journal). */
const definitionLinks = (links: CopyLinks): ReadonlyArray<StoredCopyLink> => {
  const numeric = (kind: EntityKind, map: ReadonlyMap<number, number>) =>
    [...map].map(([from, to]) => ({ kind, sourceId: String(from), targetId: String(to) }))
  return [
    ...numeric("tag", links.tags),
    ...[...classifierOfEntity].flatMap(([entity, kind]) => numeric(entity, links.classifiers[kind])),
    ...numeric("custom_field", links.customFields),
    ...[...links.selectOptions].map(([from, to]) => ({
      kind: "select_option" as const,
      sourceId: from,
      targetId: to,
    })),
  ]
}

/** The state store's links of this pair as `CopyLinks`. */
export const loadCopyLinks = (pair: Pair) =>
  Effect.gen(function* () {
    const store = yield* StateStore
    const links = {
      tags: new Map<number, number>(),
      classifiers: { correspondent: new Map(), documentType: new Map(), storagePath: new Map() },
      customFields: new Map<number, number>(),
      selectOptions: new Map<string, string>(),
      documents: new Map<number, number>(),
    } satisfies CopyLinks
    for (const link of yield* store.links.list(pair)) {
      const classifier = classifierOfEntity.get(link.kind)
      const ids = [Number(link.sourceId), Number(link.targetId)] as const
      if (link.kind === "select_option") links.selectOptions.set(link.sourceId, link.targetId)
      else if (link.kind === "tag") links.tags.set(...ids)
      else if (link.kind === "custom_field") links.customFields.set(...ids)
      else if (link.kind === "document") links.documents.set(...ids)
      else if (classifier !== undefined) links.classifiers[classifier].set(...ids)
    }
    return links
  })

const linkKey = (link: Pick<StoredCopyLink, "kind" | "sourceId">) => `${link.kind}\u0000${link.sourceId}`

/**
 * Brings the store's definition links to `links`: a kept link whose target was deleted by hand
 * (the plan made or found another) is dropped, the new ones saved, in one transaction.
 */
const saveCopyLinks = (pair: Pair, links: CopyLinks) =>
  Effect.gen(function* () {
    const store = yield* StateStore
    const wanted = new Map(definitionLinks(links).map((link) => [linkKey(link), link]))
    const stored = (yield* store.links.list(pair)).filter((link) => link.kind !== "document")
    const stale = stored.filter((link) => wanted.get(linkKey(link))?.targetId !== link.targetId)
    const known = new Set(stored.filter((link) => !stale.includes(link)).map(linkKey))
    const fresh = [...wanted.values()].filter((link) => !known.has(linkKey(link)))
    yield* store.transaction(
      Effect.zipRight(
        Effect.forEach(stale, (link) => store.links.unlink(pair, link.kind, link.sourceId), {
          discard: true,
        }),
        Effect.forEach(fresh, (link) => store.links.link(pair, link), { discard: true }),
      ),
    )
  })

/** The source's and the target's definitions and the links kept so far: what a plan and a run start from. */
export const loadCopyDefinitions = (pair: Pair) =>
  Effect.all(
    {
      source: Effect.flatMap(PaperlessSource, (source) => source.definitions),
      target: Effect.flatMap(PaperlessClient, readPaperlessDefinitions),
      stored: loadCopyLinks(pair),
    },
    { concurrency: 3 },
  )

/** What a copy's plan creates and reuses: the count `plan`, the progress and the summary share. */
export const countCopyDefinitions = (plan: CopyDefinitionPlan): DefinitionCounts =>
  tally(
    [
      ...plan.tags.map((tag): Countable => ({ kind: "tag", existingId: tag.targetId })),
      ...plan.classifiers.map(
        (classifier): Countable => ({
          kind: classifierEventKind[classifier.kind],
          existingId: classifier.targetId,
        }),
      ),
      ...plan.customFields
        .filter((field) => field.conflict === undefined)
        .flatMap(
          (field): ReadonlyArray<Countable> => [
            { kind: "custom-field", existingId: field.targetId },
            ...field.newOptions.map((): Countable => ({ kind: "select-option", existingId: null })),
          ],
        ),
    ],
    plan.customFields.flatMap((field) =>
      field.conflict === undefined
        ? []
        : [
            {
              entity: "custom field",
              name: field.source.name,
              reason: `the target's field of that name holds ${field.conflict.data_type}, not ${field.source.data_type}`,
            },
          ],
    ),
  )

const makeOnTarget = (
  pair: Pair,
  plan: CopyDefinitionPlan,
  target: PaperlessDefinitions,
  onEvent: (event: SyncEvent) => Effect.Effect<void>,
) =>
  Effect.gen(function* () {
    const paperless = yield* PaperlessClient
    const tagIds = new Map<number, number>()
    for (const tag of plan.tags) {
      if (tag.targetId !== null) {
        tagIds.set(tag.source.id, tag.targetId)
        continue
      }
      const parent =
        tag.source.parent === null || tag.source.parent === undefined
          ? undefined
          : tagIds.get(tag.source.parent)
      const id = yield* journaledCreate(
        pair,
        "tag",
        String(tag.source.id),
        Effect.map(
          paperless.tags.create({
            name: tag.source.name,
            ...(tag.source.color === undefined ? {} : { color: tag.source.color }),
            ...noAutoMatching,
            ...(parent === undefined ? {} : { parent: TagId.make(parent) }),
          }),
          (made) => String(made.id),
        ),
        { link: true },
      )
      if (id !== undefined) tagIds.set(tag.source.id, Number(id))
      yield* emitCreated(onEvent, "tag", tag.source.name)
    }
    for (const classifier of plan.classifiers) {
      if (classifier.targetId !== null) continue
      const body = { name: classifier.source.name, ...noAutoMatching }
      const create: Effect.Effect<{ readonly id: number }, PaperlessError> =
        classifier.kind === "correspondent"
          ? paperless.correspondents.create(body)
          : classifier.kind === "documentType"
            ? paperless.documentTypes.create(body)
            : paperless.storagePaths.create({ ...body, path: classifier.source.path ?? "{{ title }}" })
      yield* journaledCreate(
        pair,
        classifierEntity[classifier.kind],
        String(classifier.source.id),
        Effect.map(create, (made) => String(made.id)),
        { link: true },
      )
      yield* emitCreated(onEvent, classifierEventKind[classifier.kind], classifier.source.name)
    }
    const targetFields = new Map(target.customFields.map((field) => [field.id, field]))
    for (const field of plan.customFields) {
      if (field.conflict !== undefined) continue
      const existing = field.targetId === null ? undefined : targetFields.get(field.targetId)
      if (field.targetId === null) {
        const options = field.source.extra_data?.select_options ?? []
        const currency = field.source.extra_data?.default_currency
        yield* journaledCreate(
          pair,
          "custom_field",
          String(field.source.id),
          Effect.map(
            paperless.customFields.create({
              name: field.source.name,
              data_type: field.source.data_type,
              ...(field.source.data_type === "select"
                ? {
                    extra_data: {
                      select_options: options.map((option) => ({ label: optionLabel(option.label) })),
                    },
                  }
                : currency === undefined || currency === null
                  ? {}
                  : { extra_data: { default_currency: currency } }),
            }),
            (made) => String(made.id),
          ),
          { link: true },
        )
        yield* emitCreated(onEvent, "custom-field", field.source.name)
        continue
      }
      const update = existing === undefined ? undefined : paperlessOptionsAdded(existing, field.newOptions)
      if (update === undefined || field.targetId === null) continue
      yield* paperless.customFields.update(CustomFieldId.make(field.targetId), update)
      for (const label of field.newOptions)
        yield* emitCreated(onEvent, "select-option", `${field.source.name}: ${label}`)
    }
  })

/** A create cut off by a crash is found by name on the next run: its journal entry is settled with it. */
const settleFoundCreates = (pair: Pair, links: CopyLinks) =>
  Effect.gen(function* () {
    const store = yield* StateStore
    for (const entry of yield* store.journal.halfDone(pair)) {
      if (entry.operation !== "create") continue
      const found = yield* store.links.findTarget(pair, entry.kind, entry.sourceId)
      if (found._tag === "Some") yield* store.journal.complete(entry.id, { targetId: found.value.targetId })
    }
    return links
  })

/**
 * Makes what the documents need on the target and links everything; answers the context the
 * documents are mapped with, the target's definitions, the counts and the run-wide lossiness.
 */
export const prepareCopyDefinitions = (pair: Pair, onEvent: (event: SyncEvent) => Effect.Effect<void>) =>
  Effect.gen(function* () {
    const before = yield* loadCopyDefinitions(pair)
    const plan = planPaperlessCopy(before.source, before.target, before.stored)
    const counts = countCopyDefinitions(plan)
    // A create links its object under the source id: a stale link must be gone first.
    yield* saveCopyLinks(pair, copyLinks(before.source, before.target, before.stored))
    yield* makeOnTarget(pair, plan, before.target, onEvent)
    const target =
      counts.create > 0 ? yield* Effect.flatMap(PaperlessClient, readPaperlessDefinitions) : before.target
    const links = copyLinks(before.source, target, yield* loadCopyLinks(pair))
    yield* saveCopyLinks(pair, links)
    yield* settleFoundCreates(pair, links)
    return {
      context: copyContext(before.source, links),
      target,
      counts,
      lossiness: copyLossinessLines(plan),
    }
  })
