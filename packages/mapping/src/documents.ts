import * as Schema from "effect/Schema"
import type { ClassifierKind } from "./classifiers.js"
import { CLASSIFIER_KINDS, classifierLabel } from "./classifiers.js"
import {
  type Converted,
  fieldValueToPapra,
  type PaperlessFieldValue,
  type PapraPropertyValue,
  propertyValueToPaperless,
} from "./custom-fields.js"
import { paperlessCreatedToPapra, papraDocumentDateToPaperless } from "./dates.js"
import {
  classifierOfPapraTag,
  indexedClassifierLinks,
  type MappingContext,
  papraPropertyNamed,
  papraPropertyRole,
} from "./definitions.js"
import { cutText, LIMITS, measure, papraPropertyKey } from "./names.js"
import { joinNotes, PaperlessNote, splitNotes } from "./notes.js"
import { withAncestors } from "./tags.js"

/** `documents.get.json` (Paperless), the fields the mapping reads. `notes` are full note objects on a get. */
export const PaperlessDocument = Schema.Struct({
  id: Schema.Number,
  title: Schema.String,
  content: Schema.optional(Schema.String),
  created: Schema.String,
  correspondent: Schema.NullOr(Schema.Number),
  document_type: Schema.NullOr(Schema.Number),
  storage_path: Schema.optional(Schema.NullOr(Schema.Number)),
  tags: Schema.Array(Schema.Number),
  archive_serial_number: Schema.optional(Schema.NullOr(Schema.Number)),
  original_file_name: Schema.optional(Schema.NullOr(Schema.String)),
  notes: Schema.optional(Schema.Array(PaperlessNote)),
  custom_fields: Schema.optional(
    Schema.Array(Schema.Struct({ field: Schema.Number, value: Schema.Unknown })),
  ),
})
export type PaperlessDocument = typeof PaperlessDocument.Type

/**
 * A property value embedded in a Papra document. Document get/list embed every definition keyed by
 * `key`/`name` without `propertyDefinitionId`; `/documents/:id/custom-properties` has the id
 * (papra-server-behaviour.md).
 */
export const PapraEmbeddedProperty = Schema.Struct({
  propertyDefinitionId: Schema.optional(Schema.String),
  key: Schema.optional(Schema.String),
  name: Schema.String,
  value: Schema.Unknown,
})
export type PapraEmbeddedProperty = typeof PapraEmbeddedProperty.Type

/** `documents.get.with-custom-properties.json` (Papra). Lists omit `content`. */
export const PapraDocument = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  originalName: Schema.String,
  content: Schema.optional(Schema.String),
  documentDate: Schema.optional(Schema.NullOr(Schema.String)),
  notes: Schema.optional(Schema.NullOr(Schema.String)),
  tags: Schema.optional(Schema.Array(Schema.Struct({ id: Schema.String }))),
  customProperties: Schema.optional(Schema.Array(PapraEmbeddedProperty)),
})
export type PapraDocument = typeof PapraDocument.Type

/** How one field of one document fared. */
export interface DocumentLoss {
  readonly field: string
  readonly fidelity: "transformed" | "lost"
  readonly reason: string
}

/** A link to a document that has no counterpart yet: the engine maps again once it has one. */
export interface PendingRelation {
  readonly field: string
  readonly missing: ReadonlyArray<string | number>
}

/** What to write to Papra for one Paperless document. */
export interface MappedPapraDocument {
  readonly name: string
  /** The upload's file name (Papra `originalName`). */
  readonly originalName: string
  /** ISO instant, or null for no date. */
  readonly documentDate: string | null
  /** Undefined when the source did not include content (a list response). */
  readonly content: string | undefined
  /** Papra `notes`; null for none (send "" to clear). */
  readonly notes: string | null
  /** Sorted Papra tag ids. */
  readonly tagIds: ReadonlyArray<string>
  /** Sorted by property id; properties not listed are unset. */
  readonly properties: ReadonlyArray<{
    readonly propertyDefinitionId: string
    readonly value: PapraPropertyValue
  }>
}

/** What to write to Paperless for one Papra document. */
export interface MappedPaperlessDocument {
  readonly title: string
  /** The upload's file name (Paperless `original_file_name`). */
  readonly originalFileName: string
  /** `YYYY-MM-DD`, or null to leave it to Paperless. */
  readonly created: string | null
  readonly content: string | undefined
  readonly correspondent: number | null
  readonly documentType: number | null
  readonly storagePath: number | null
  /** Sorted, with every ancestor (Paperless drops a child sent without its parent). */
  readonly tags: ReadonlyArray<number>
  readonly archiveSerialNumber: number | null
  /** Sorted by field id: the complete list (a PATCH of `custom_fields` replaces the whole set). */
  readonly customFields: ReadonlyArray<{ readonly field: number; readonly value: PaperlessFieldValue }>
  /** Note texts, oldest first. */
  readonly notes: ReadonlyArray<string>
}

export interface Mapped<A> {
  readonly document: A
  readonly losses: ReadonlyArray<DocumentLoss>
  readonly pendingRelations: ReadonlyArray<PendingRelation>
}

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

const recordConverted = <A>(
  converted: Converted<A>,
  field: string,
  losses: Array<DocumentLoss>,
  pending: Array<PendingRelation>,
): A | undefined => {
  if (converted._tag === "Pending") {
    pending.push({ field, missing: converted.missing })
    return converted.value
  }
  if (converted.loss !== undefined) losses.push({ field, ...converted.loss })
  return converted._tag === "Value" ? converted.value : undefined
}

/** One Paperless document → what to write to Papra. */
export const paperlessDocumentToPapra = (
  document: PaperlessDocument,
  context: MappingContext,
): Mapped<MappedPapraDocument> => {
  const { config, linked } = context
  const losses: Array<DocumentLoss> = []
  const pending: Array<PendingRelation> = []
  const originalName = document.original_file_name ?? `${document.title || `document ${document.id}`}`
  if (document.original_file_name === null || document.original_file_name === undefined) {
    losses.push({
      field: "original_file_name",
      fidelity: "transformed",
      reason: "no original file name: the title is used",
    })
  }

  let name = document.title
  if (name === "") {
    name = originalName
    losses.push({
      field: "title",
      fidelity: "transformed",
      reason: "an empty title becomes the file name (Papra names are never empty)",
    })
  }
  const cutName = cutText(name, LIMITS.papraDocumentName, "utf16")
  if (cutName !== name)
    losses.push({
      field: "title",
      fidelity: "lost",
      reason: `name cut to ${LIMITS.papraDocumentName} characters`,
    })

  const documentDate = paperlessCreatedToPapra(document.created, config.timeZone) ?? null
  if (documentDate === null)
    losses.push({ field: "created", fidelity: "lost", reason: `not a date: ${document.created}` })

  const joined = joinNotes(document.notes ?? [])
  if (joined.droppedChars > 0) {
    losses.push({
      field: "notes",
      fidelity: "lost",
      reason: `${joined.droppedChars} characters cut to fit Papra's ${LIMITS.papraNotes}`,
    })
  }
  if ((document.notes?.length ?? 0) > 1) {
    losses.push({
      field: "notes",
      fidelity: "transformed",
      reason: "several notes joined under author/date header lines",
    })
  } else if (document.notes?.[0]?.note === "") {
    losses.push({
      field: "notes",
      fidelity: "lost",
      reason: "a single empty note cannot be told from no note on Papra",
    })
  }

  const tagIds = new Set<string>()
  for (const tagId of document.tags) {
    const target = linked.tags.toPapra.get(tagId)
    if (target === undefined)
      losses.push({ field: "tags", fidelity: "lost", reason: `tag ${tagId} has no linked Papra tag` })
    else tagIds.add(target)
  }

  const properties = new Map<string, PapraPropertyValue>()
  const classifierIds: Record<ClassifierKind, number | null | undefined> = {
    correspondent: document.correspondent,
    documentType: document.document_type,
    storagePath: document.storage_path,
  }
  for (const kind of CLASSIFIER_KINDS) {
    const objectId = classifierIds[kind]
    if (objectId === null || objectId === undefined) continue
    const settings = config[kind]
    const field = classifierField[kind]
    if (settings.as === "none") {
      losses.push({ field, fidelity: "lost", reason: `${classifierLabel[kind]}s are not carried (config)` })
      continue
    }
    const target = indexedClassifierLinks(linked, kind).toPapra.get(objectId)
    if (target === undefined) {
      losses.push({
        field,
        fidelity: "lost",
        reason: `${classifierLabel[kind]} ${objectId} has no linked Papra ${settings.as === "tag" ? "tag" : "option"}`,
      })
    } else if (settings.as === "tag") {
      tagIds.add(target)
    } else {
      const property = papraPropertyNamed(context, settings.name, "select")
      if (property === undefined)
        losses.push({ field, fidelity: "lost", reason: `Papra has no select property "${settings.name}"` })
      else properties.set(property.id, target)
    }
  }

  const asn = document.archive_serial_number
  if (asn !== null && asn !== undefined) {
    const property =
      config.asn.as === "property" ? papraPropertyNamed(context, config.asn.name, "number") : undefined
    if (property === undefined)
      losses.push({
        field: "archive_serial_number",
        fidelity: "lost",
        reason: `Papra has no number property "${config.asn.name}"`,
      })
    else properties.set(property.id, asn)
  }

  for (const { field: fieldId, value } of [...(document.custom_fields ?? [])].sort(
    (a, b) => a.field - b.field,
  )) {
    const field = context.paperlessFields.get(fieldId)
    const label = `custom_fields[${field?.name ?? fieldId}]`
    const propertyId = linked.customFields.toPapra.get(fieldId)
    const property = propertyId === undefined ? undefined : context.papraProperties.get(propertyId)
    if (field === undefined || property === undefined) {
      losses.push({ field: label, fidelity: "lost", reason: "the field has no linked Papra property" })
      continue
    }
    const converted = recordConverted(
      fieldValueToPapra(value, {
        field,
        property,
        optionLink: (id) => linked.selectOptions.toPapra.get(id),
        documentLink: (id) => linked.documents.toPapra.get(id),
      }),
      label,
      losses,
      pending,
    )
    if (converted === undefined) continue
    if (properties.has(property.id)) {
      losses.push({
        field: label,
        fidelity: "lost",
        reason: `property "${property.name}" already holds another field's value`,
      })
      continue
    }
    properties.set(property.id, converted)
  }

  return {
    document: {
      name: cutName,
      originalName,
      documentDate,
      content: document.content,
      notes: joined.text,
      tagIds: [...tagIds].sort(byString),
      properties: [...properties]
        .sort(([a], [b]) => byString(a, b))
        .map(([propertyDefinitionId, value]) => ({ propertyDefinitionId, value })),
    },
    losses,
    pendingRelations: pending,
  }
}

const classifierField: Record<ClassifierKind, string> = {
  correspondent: "correspondent",
  documentType: "document_type",
  storagePath: "storage_path",
}

const embeddedDefinition = (embedded: PapraEmbeddedProperty, context: MappingContext) => {
  if (embedded.propertyDefinitionId !== undefined)
    return context.papraProperties.get(embedded.propertyDefinitionId)
  const key = embedded.key ?? papraPropertyKey(embedded.name)
  return context.papra.properties.find(
    (property) => (property.key ?? papraPropertyKey(property.name)) === key,
  )
}

export interface PapraToPaperlessOptions {
  /** The Paperless notes the document had when last synced: an unchanged Papra text gives them back as they were. */
  readonly baseNotes?: ReadonlyArray<PaperlessNote>
}

/** One Papra document → what to write to Paperless. */
export const papraDocumentToPaperless = (
  document: PapraDocument,
  context: MappingContext,
  options: PapraToPaperlessOptions = {},
): Mapped<MappedPaperlessDocument> => {
  const { config, linked } = context
  const losses: Array<DocumentLoss> = []
  const pending: Array<PendingRelation> = []

  // Paperless (DRF) strips surrounding whitespace from a title; saying so here keeps snapshots honest.
  const trimmed = document.name.trim()
  if (trimmed !== document.name) {
    losses.push({
      field: "name",
      fidelity: "transformed",
      reason: "surrounding whitespace dropped (Paperless trims titles)",
    })
  }
  const title = cutText(trimmed, LIMITS.paperlessName, "codepoints")
  if (title !== trimmed) {
    losses.push({
      field: "name",
      fidelity: "lost",
      reason: `name of ${measure(document.name, "codepoints")} characters cut to Paperless's ${LIMITS.paperlessName}`,
    })
  }

  let created: string | null = null
  if (document.documentDate !== null && document.documentDate !== undefined) {
    const converted = papraDocumentDateToPaperless(document.documentDate, config.timeZone)
    if (converted === undefined)
      losses.push({ field: "documentDate", fidelity: "lost", reason: `not a date: ${document.documentDate}` })
    else {
      created = converted.created
      if (converted.timeDropped) {
        losses.push({
          field: "documentDate",
          fidelity: "lost",
          reason: `time of day dropped from ${document.documentDate} (Paperless keeps a date)`,
        })
      }
    }
  } else {
    losses.push({
      field: "documentDate",
      fidelity: "transformed",
      reason: "no date: Paperless takes one from the content, or today",
    })
  }

  const notes = splitNotes(document.notes, options.baseNotes)
  if (document.notes === "")
    losses.push({ field: "notes", fidelity: "transformed", reason: "empty notes become no note" })

  const classifiers: Record<ClassifierKind, number | null> = {
    correspondent: null,
    documentType: null,
    storagePath: null,
  }
  const tagIds = new Set<number>()
  for (const { id } of document.tags ?? []) {
    const tag = context.papraTags.get(id)
    const classifier = tag === undefined ? undefined : classifierOfPapraTag(tag, config)
    if (classifier !== undefined) {
      const target = indexedClassifierLinks(linked, classifier.kind).toPaperless.get(id)
      if (target === undefined)
        losses.push({
          field: "tags",
          fidelity: "lost",
          reason: `tag ${tag?.name ?? id} has no linked ${classifierLabel[classifier.kind]}`,
        })
      else if (classifiers[classifier.kind] !== null) {
        losses.push({
          field: "tags",
          fidelity: "lost",
          reason: `a document has one ${classifierLabel[classifier.kind]}; tag ${tag?.name ?? id} dropped`,
        })
      } else classifiers[classifier.kind] = target
      continue
    }
    const target = linked.tags.toPaperless.get(id)
    if (target === undefined)
      losses.push({
        field: "tags",
        fidelity: "lost",
        reason: `tag ${tag?.name ?? id} has no linked Paperless tag`,
      })
    else tagIds.add(target)
  }

  let archiveSerialNumber: number | null = null
  const customFields = new Map<number, PaperlessFieldValue>()
  for (const embedded of document.customProperties ?? []) {
    if (embedded.value === null || embedded.value === undefined) continue
    const property = embeddedDefinition(embedded, context)
    const label = `customProperties[${embedded.name}]`
    if (property === undefined) {
      losses.push({ field: label, fidelity: "lost", reason: "unknown property definition" })
      continue
    }
    const role = papraPropertyRole(property, config)
    if (role?.kind === "asn") {
      const asn = embedded.value
      if (typeof asn === "number" && Number.isInteger(asn) && asn >= 0 && asn <= 4_294_967_295)
        archiveSerialNumber = asn
      else
        losses.push({
          field: label,
          fidelity: "lost",
          reason: `${JSON.stringify(asn)} is not a valid archive serial number`,
        })
      continue
    }
    if (role !== undefined) {
      const optionId =
        typeof embedded.value === "string"
          ? embedded.value
          : typeof embedded.value === "object" &&
              "optionId" in embedded.value &&
              typeof embedded.value.optionId === "string"
            ? embedded.value.optionId
            : undefined
      const target =
        optionId === undefined
          ? undefined
          : indexedClassifierLinks(linked, role.kind).toPaperless.get(optionId)
      if (target === undefined)
        losses.push({
          field: label,
          fidelity: "lost",
          reason: `option has no linked ${classifierLabel[role.kind]}`,
        })
      else classifiers[role.kind] = target
      continue
    }
    const fieldId = linked.customFields.toPaperless.get(property.id)
    const field = fieldId === undefined ? undefined : context.paperlessFields.get(fieldId)
    if (field === undefined) {
      losses.push({ field: label, fidelity: "lost", reason: "the property has no linked Paperless field" })
      continue
    }
    const converted = recordConverted(
      propertyValueToPaperless(embedded.value, {
        property,
        field,
        optionLink: (id) => linked.selectOptions.toPaperless.get(id),
        documentLink: (id) => linked.documents.toPaperless.get(id),
      }),
      label,
      losses,
      pending,
    )
    if (converted === undefined) continue
    if (customFields.has(field.id)) {
      losses.push({
        field: label,
        fidelity: "lost",
        reason: `field "${field.name}" already holds another property's value`,
      })
      continue
    }
    customFields.set(field.id, converted)
  }

  return {
    document: {
      title,
      originalFileName: document.originalName,
      created,
      content: document.content,
      correspondent: classifiers.correspondent,
      documentType: classifiers.documentType,
      storagePath: classifiers.storagePath,
      tags: withAncestors(tagIds, context.paperlessTags),
      archiveSerialNumber,
      customFields: [...customFields].sort(([a], [b]) => a - b).map(([field, value]) => ({ field, value })),
      notes,
    },
    losses,
    pendingRelations: pending,
  }
}

/**
 * A Paperless document as it stands, in the shape `papraDocumentToPaperless` produces and limited to
 * what the trip carries (linked tags and fields, classifiers and ASN as configured, the same
 * empty-title and empty-note rules), so a document and its unchanged Papra twin give equal snapshots.
 */
export const paperlessDocumentAsMapped = (
  document: PaperlessDocument,
  context: MappingContext,
): MappedPaperlessDocument => {
  const { config, linked } = context
  const carried = (kind: ClassifierKind, id: number | null | undefined): number | null =>
    id === null ||
    id === undefined ||
    config[kind].as === "none" ||
    !indexedClassifierLinks(linked, kind).toPapra.has(id)
      ? null
      : id
  const notes = (document.notes ?? []).map((note) => note.note)
  return {
    title: document.title === "" ? (document.original_file_name ?? "") : document.title,
    originalFileName: document.original_file_name ?? "",
    created: document.created.slice(0, 10),
    content: document.content,
    correspondent: carried("correspondent", document.correspondent),
    documentType: carried("documentType", document.document_type),
    storagePath: carried("storagePath", document.storage_path),
    tags: withAncestors(
      document.tags.filter((id) => linked.tags.toPapra.has(id)),
      context.paperlessTags,
    ),
    archiveSerialNumber:
      config.asn.as === "property" && papraPropertyNamed(context, config.asn.name, "number") !== undefined
        ? (document.archive_serial_number ?? null)
        : null,
    customFields: carriedFieldValues(document, context),
    notes: notes.length === 1 && notes[0] === "" ? [] : notes,
  }
}

/**
 * Each linked field's value as it comes back from Papra: sent there and read back through the same
 * conversions, so a lossy mode (money as numbers, long text cut) does not show as a difference.
 * Papra reads back what it was sent in these shapes (an option id, "YYYY-MM-DD", a list of ids).
 */
const carriedFieldValues = (
  document: PaperlessDocument,
  context: MappingContext,
): MappedPaperlessDocument["customFields"] => {
  const { linked } = context
  return [...(document.custom_fields ?? [])]
    .sort((a, b) => a.field - b.field)
    .flatMap(({ field: fieldId, value }) => {
      const field = context.paperlessFields.get(fieldId)
      const propertyId = linked.customFields.toPapra.get(fieldId)
      const property = propertyId === undefined ? undefined : context.papraProperties.get(propertyId)
      if (field === undefined || property === undefined) return []
      const there = fieldValueToPapra(value, {
        field,
        property,
        optionLink: (id) => linked.selectOptions.toPapra.get(id),
        documentLink: (id) => linked.documents.toPapra.get(id),
      })
      // A link to a document not carried yet will be there after the second pass.
      if (there._tag === "Pending") return [{ field: fieldId, value: value as PaperlessFieldValue }]
      if (there._tag === "Unset") return []
      const back = propertyValueToPaperless(there.value, {
        property,
        field,
        optionLink: (id) => linked.selectOptions.toPaperless.get(id),
        documentLink: (id) => linked.documents.toPaperless.get(id),
      })
      return back._tag === "Value" ? [{ field: fieldId, value: back.value }] : []
    })
}
