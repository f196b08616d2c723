import {
  CLASSIFIER_KINDS,
  type ClassifierKind,
  classifierLabel,
  type PaperlessClassifier,
} from "./classifiers.js"
import { optionLabel, type PaperlessCustomField, type PaperlessFieldValue } from "./custom-fields.js"
import { classifierObjects, type PaperlessDefinitions } from "./definitions.js"
import type {
  DocumentLoss,
  Mapped,
  MappedPaperlessDocument,
  PaperlessDocument,
  PendingRelation,
} from "./documents.js"
import { type PaperlessTag, withAncestors } from "./tags.js"

/**
 * One Paperless-ngx carried into another (an export of one instance into a server that may already
 * hold documents). Both sides speak the same model, so nothing is translated but ids: a definition
 * is the target's one of the same name (any letter case, as Paperless refuses two such names) or
 * one made for it, and a document's values point at those.
 */

/** Source id → target id, per kind. Select options are keyed `sourceField:sourceOption`. */
export interface CopyLinks {
  readonly tags: ReadonlyMap<number, number>
  readonly classifiers: Record<ClassifierKind, ReadonlyMap<number, number>>
  readonly customFields: ReadonlyMap<number, number>
  readonly selectOptions: ReadonlyMap<string, string>
  readonly documents: ReadonlyMap<number, number>
}

export const emptyCopyLinks: CopyLinks = {
  tags: new Map(),
  classifiers: { correspondent: new Map(), documentType: new Map(), storagePath: new Map() },
  customFields: new Map(),
  selectOptions: new Map(),
  documents: new Map(),
}

export const selectOptionKey = (sourceField: number, sourceOption: string) => `${sourceField}:${sourceOption}`

const nameKey = (name: string) => name.trim().toLowerCase()

/** A stored link whose target is still there wins; else the target's object of the same name. */
const linkByName = <A extends { readonly id: number; readonly name: string }>(
  source: ReadonlyArray<A>,
  target: ReadonlyArray<A>,
  stored: ReadonlyMap<number, number>,
  fits: (source: A, target: A) => boolean = () => true,
): Map<number, number> => {
  const targetIds = new Set(target.map((item) => item.id))
  const byName = new Map<string, A>()
  for (const item of target) if (!byName.has(nameKey(item.name))) byName.set(nameKey(item.name), item)
  const links = new Map<number, number>()
  for (const item of source) {
    const linked = stored.get(item.id)
    if (linked !== undefined && targetIds.has(linked)) {
      links.set(item.id, linked)
      continue
    }
    const named = byName.get(nameKey(item.name))
    if (named !== undefined && fits(item, named)) links.set(item.id, named.id)
  }
  return links
}

const optionsOf = (field: PaperlessCustomField) =>
  (field.extra_data?.select_options ?? []).map((option) => ({
    id: option.id,
    label: optionLabel(option.label),
  }))

/**
 * Pure. Every definition of the source linked to the target's: by the links kept so far, else by
 * name; a custom field only to one of the same data type, and its select options by label.
 */
export const copyLinks = (
  source: PaperlessDefinitions,
  target: PaperlessDefinitions,
  stored: CopyLinks,
): CopyLinks => {
  const customFields = linkByName(
    source.customFields,
    target.customFields,
    stored.customFields,
    (from, to) => from.data_type === to.data_type,
  )
  const targetFields = new Map(target.customFields.map((field) => [field.id, field]))
  const selectOptions = new Map<string, string>()
  for (const field of source.customFields) {
    const there = targetFields.get(customFields.get(field.id) ?? -1)
    if (there === undefined || field.data_type !== "select") continue
    const byLabel = new Map(optionsOf(there).map((option) => [option.label, option.id]))
    for (const option of optionsOf(field)) {
      const id = byLabel.get(option.label)
      if (id !== undefined) selectOptions.set(selectOptionKey(field.id, option.id), id)
    }
  }
  return {
    tags: linkByName(source.tags, target.tags, stored.tags),
    classifiers: {
      correspondent: linkByName(
        source.correspondents,
        target.correspondents,
        stored.classifiers.correspondent,
      ),
      documentType: linkByName(source.documentTypes, target.documentTypes, stored.classifiers.documentType),
      storagePath: linkByName(source.storagePaths, target.storagePaths, stored.classifiers.storagePath),
    },
    customFields,
    selectOptions,
    documents: stored.documents,
  }
}

export interface CopyFieldPlan {
  readonly source: PaperlessCustomField
  /** The target's field it is linked to; null when it is made (unless `conflict`). */
  readonly targetId: number | null
  /** Select labels the target's field lacks. */
  readonly newOptions: ReadonlyArray<string>
  /** The target's field of that name but another type: nothing is made, and values are not carried. */
  readonly conflict: PaperlessCustomField | undefined
}

/** What phase one makes on the target, parents before children; `null` target ids are made. */
export interface CopyDefinitionPlan {
  readonly tags: ReadonlyArray<{ readonly source: PaperlessTag; readonly targetId: number | null }>
  readonly classifiers: ReadonlyArray<{
    readonly kind: ClassifierKind
    readonly source: PaperlessClassifier
    readonly targetId: number | null
  }>
  readonly customFields: ReadonlyArray<CopyFieldPlan>
}

/** Tags ordered so every parent comes before its children (a cycle is cut where it closes). */
const parentsFirst = (tags: ReadonlyArray<PaperlessTag>): ReadonlyArray<PaperlessTag> => {
  const byId = new Map(tags.map((tag) => [tag.id, tag]))
  const ordered: Array<PaperlessTag> = []
  const placed = new Set<number>()
  const place = (tag: PaperlessTag, path: ReadonlySet<number>) => {
    if (placed.has(tag.id) || path.has(tag.id)) return
    const parent = tag.parent === null || tag.parent === undefined ? undefined : byId.get(tag.parent)
    if (parent !== undefined) place(parent, new Set([...path, tag.id]))
    placed.add(tag.id)
    ordered.push(tag)
  }
  for (const tag of tags) place(tag, new Set())
  return ordered
}

/** Pure. What a copy makes on the target and reuses there. */
export const planPaperlessCopy = (
  source: PaperlessDefinitions,
  target: PaperlessDefinitions,
  stored: CopyLinks,
): CopyDefinitionPlan => {
  const links = copyLinks(source, target, stored)
  const targetFields = new Map(target.customFields.map((field) => [field.id, field]))
  const targetFieldsByName = new Map(target.customFields.map((field) => [nameKey(field.name), field]))
  return {
    tags: parentsFirst(source.tags).map((tag) => ({ source: tag, targetId: links.tags.get(tag.id) ?? null })),
    classifiers: CLASSIFIER_KINDS.flatMap((kind) =>
      classifierObjects(source, kind).map((classifier) => ({
        kind,
        source: classifier,
        targetId: links.classifiers[kind].get(classifier.id) ?? null,
      })),
    ),
    customFields: source.customFields.map((field): CopyFieldPlan => {
      const targetId = links.customFields.get(field.id) ?? null
      const there = targetId === null ? undefined : targetFields.get(targetId)
      const named = targetFieldsByName.get(nameKey(field.name))
      const labels = new Set(there === undefined ? [] : optionsOf(there).map((option) => option.label))
      return {
        source: field,
        targetId,
        newOptions: [...new Set(optionsOf(field).map((option) => option.label))].filter(
          (label) => !labels.has(label),
        ),
        conflict: targetId === null ? named : undefined,
      }
    }),
  }
}

/** Pure. The run-wide lines of the lossiness report for a copy. */
export const copyLossinessLines = (plan: CopyDefinitionPlan): ReadonlyArray<string> => [
  ...plan.customFields.flatMap((field) =>
    field.conflict === undefined
      ? []
      : [
          `custom field "${field.source.name}": the target's field of that name holds ${field.conflict.data_type}, not ${field.source.data_type}: its values are not carried`,
        ],
  ),
  "owners, permissions and auto-matching rules are not carried: what paperbridge creates matches no document on its own",
]

export interface CopyContext {
  readonly source: PaperlessDefinitions
  readonly links: CopyLinks
  /** Source tags by id, for ancestors. */
  readonly sourceTags: ReadonlyMap<number, PaperlessTag>
  readonly sourceFields: ReadonlyMap<number, PaperlessCustomField>
}

export const copyContext = (source: PaperlessDefinitions, links: CopyLinks): CopyContext => ({
  source,
  links,
  sourceTags: new Map(source.tags.map((tag) => [tag.id, tag])),
  sourceFields: new Map(source.customFields.map((field) => [field.id, field])),
})

/** One custom field value with its ids moved to the target's; pending when a linked document is not there yet. */
const copiedValue = (
  field: PaperlessCustomField,
  value: unknown,
  links: CopyLinks,
): { value: PaperlessFieldValue; missing?: ReadonlyArray<number> } | { lost: string } => {
  if (value === null || value === undefined) return { value: null }
  if (field.data_type === "select") {
    const option = links.selectOptions.get(selectOptionKey(field.id, String(value)))
    return option === undefined
      ? { lost: `select option ${String(value)} is not on the target` }
      : { value: option }
  }
  if (field.data_type === "documentlink") {
    const ids = Array.isArray(value) ? value.map(Number) : []
    const missing = ids.filter((id) => !links.documents.has(id))
    const carried = ids.flatMap((id) => {
      const there = links.documents.get(id)
      return there === undefined ? [] : [there]
    })
    return { value: [...new Set(carried)].sort((a, b) => a - b), missing }
  }
  return { value: value as PaperlessFieldValue }
}

const ids = (values: Iterable<number | undefined>) =>
  [...new Set([...values].filter((id): id is number => id !== undefined))].sort((a, b) => a - b)

/**
 * Pure. A source Paperless document in the target's ids. Tags come with their ancestors (as the
 * source holds them). Notes keep their text; their author and date are the target's to set.
 */
export const paperlessDocumentToPaperlessCopy = (
  document: PaperlessDocument,
  context: CopyContext,
): Mapped<MappedPaperlessDocument> => {
  const { links } = context
  const losses: Array<DocumentLoss> = []
  const pending: Array<PendingRelation> = []
  const classifier = (kind: ClassifierKind, id: number | null | undefined) => {
    if (id === null || id === undefined) return null
    const there = links.classifiers[kind].get(id)
    if (there === undefined)
      losses.push({ field: classifierLabel[kind], fidelity: "lost", reason: `${id} has no counterpart` })
    return there ?? null
  }
  const customFields: Array<{ field: number; value: PaperlessFieldValue }> = []
  for (const entry of document.custom_fields ?? []) {
    const field = context.sourceFields.get(entry.field)
    const target = links.customFields.get(entry.field)
    if (field === undefined || target === undefined) {
      losses.push({
        field: `custom field ${field?.name ?? entry.field}`,
        fidelity: "lost",
        reason: "no field of that name and type on the target",
      })
      continue
    }
    const copied = copiedValue(field, entry.value, links)
    if ("lost" in copied) {
      losses.push({ field: `custom field ${field.name}`, fidelity: "lost", reason: copied.lost })
      continue
    }
    if (copied.missing !== undefined && copied.missing.length > 0)
      pending.push({ field: `custom field ${field.name}`, missing: copied.missing })
    customFields.push({ field: target, value: copied.value })
  }
  const notes = (document.notes ?? []).map((note) => note.note).filter((note) => note !== "")
  if (notes.length > 0)
    losses.push({
      field: "notes",
      fidelity: "transformed",
      reason: "a note's author and date become the API user's and the run's (Paperless sets them)",
    })
  return {
    document: {
      title: document.title,
      originalFileName: document.original_file_name ?? document.title,
      created: document.created.slice(0, 10),
      content: document.content,
      correspondent: classifier("correspondent", document.correspondent),
      documentType: classifier("documentType", document.document_type),
      storagePath: classifier("storagePath", document.storage_path),
      tags: ids(withAncestors(document.tags, context.sourceTags).map((id) => links.tags.get(id))),
      archiveSerialNumber: document.archive_serial_number ?? null,
      customFields: customFields.sort((a, b) => a.field - b.field),
      notes,
    },
    losses,
    pendingRelations: pending,
  }
}
