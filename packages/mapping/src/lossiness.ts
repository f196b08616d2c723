import * as Either from "effect/Either"
import { CLASSIFIER_KINDS, classifierLabel } from "./classifiers.js"
import type { MappingConfigError, PaperlessDataType, PapraPropertyType } from "./config.js"
import {
  type Direction,
  type MappingContext,
  type PaperlessDefinitionPlan,
  type PapraDefinitionPlan,
  planPaperlessDefinitions,
  planPapraDefinitions,
} from "./definitions.js"
import { LIMITS } from "./names.js"

export type Fidelity = "exact" | "transformed" | "lost"

export interface ReportEntry {
  /** "document", "tag", "custom field", "property", "correspondent", … */
  readonly entity: string
  /** The entity's name, or "*" for every document. */
  readonly name: string
  readonly field: string
  readonly fidelity: Fidelity
  readonly reason: string
}

export interface LossinessReport {
  readonly direction: Direction
  readonly entries: ReadonlyArray<ReportEntry>
  /** One human-readable line per finding, for the CLI to print before a run. */
  readonly lines: ReadonlyArray<string>
}

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`
/** "is"/"are", "becomes"/"become", … agreeing with `count`. */
const verb = (count: number, one: string, many: string) => (count === 1 ? one : many)

const quoteList = (names: ReadonlyArray<string>, max = 5) =>
  names
    .slice(0, max)
    .map((name) => `"${name}"`)
    .join(", ") + (names.length > max ? `, … (${names.length - max} more)` : "")

const fieldFidelity = (
  dataType: PaperlessDataType,
  type: PapraPropertyType,
): { readonly fidelity: Fidelity; readonly reason: string } => {
  if (dataType === "monetary" && type === "text")
    return { fidelity: "transformed", reason: "monetary values become text (kept exactly, e.g. EUR12.50)" }
  if (dataType === "monetary")
    return {
      fidelity: "lost",
      reason: "monetary values become numbers: the currency code is dropped unless it is the field's default",
    }
  if (dataType === "url") return { fidelity: "transformed", reason: "URLs become plain text" }
  if (dataType === "longtext")
    return { fidelity: "exact", reason: `long text becomes text (cut beyond ${LIMITS.papraText} characters)` }
  if (dataType === "documentlink")
    return { fidelity: "exact", reason: "document links become document relations once both documents exist" }
  if (type === "text" && dataType !== "string")
    return { fidelity: "transformed", reason: `${dataType} values become text` }
  return { fidelity: "exact", reason: `${dataType} → ${type}` }
}

const propertyFidelity = (
  type: PapraPropertyType,
  dataType: PaperlessDataType,
): { readonly fidelity: Fidelity; readonly reason: string } => {
  if (type === "multi_select")
    return {
      fidelity: "transformed",
      reason: "multi-select values become one option name per line (Paperless has no multi-select)",
    }
  if (type === "user_relation")
    return {
      fidelity: "lost",
      reason: 'users become "Name <email>" lines; the user links are gone and do not come back',
    }
  if (type === "text" && dataType === "string")
    return { fidelity: "lost", reason: `text is cut beyond ${LIMITS.paperlessString} characters` }
  if (type === "number" && dataType === "integer")
    return { fidelity: "lost", reason: "only 32-bit integers fit" }
  if (type === "number" && dataType === "monetary")
    return { fidelity: "transformed", reason: "numbers become two-decimal monetary values" }
  if (type === "date") return { fidelity: "exact", reason: "date → date (a time of day, if any, is dropped)" }
  return { fidelity: "exact", reason: `${type} → ${dataType}` }
}

/**
 * What a run in `direction` will carry exactly, transform, or lose, given both sides' definitions
 * and the config. Per-document surprises (a long title, a missing link) come from the document
 * mappers' `losses`; this is what holds for every document.
 */
export const lossinessReport = (
  context: MappingContext,
  direction: Direction,
): Either.Either<LossinessReport, MappingConfigError> =>
  direction === "paperless-to-papra"
    ? Either.map(planPapraDefinitions(context), (plan) => toPapraReport(context, plan))
    : Either.map(planPaperlessDefinitions(context), (plan) => toPaperlessReport(context, plan))

const documentEntry = (field: string, fidelity: Fidelity, reason: string): ReportEntry => ({
  entity: "document",
  name: "*",
  field,
  fidelity,
  reason,
})

const toPapraReport = (context: MappingContext, plan: PapraDefinitionPlan): LossinessReport => {
  const { config, paperless } = context
  const entries: Array<ReportEntry> = [
    documentEntry(
      "title",
      "exact",
      `title → name (Papra allows ${LIMITS.papraDocumentName}); an empty title becomes the file name`,
    ),
    documentEntry("created", "exact", `date → midnight ${config.timeZone} of that date`),
    documentEntry("content", "exact", "content → content"),
    documentEntry("original_file_name", "exact", "original file name → upload file name"),
    documentEntry(
      "notes",
      "transformed",
      `notes → Papra notes; several are joined under author/date lines, cut beyond ${LIMITS.papraNotes} characters`,
    ),
    documentEntry("owner", "lost", "owners and permissions have no Papra equivalent"),
    config.asn.as === "property"
      ? documentEntry("archive_serial_number", "exact", `ASN → number property "${config.asn.name}"`)
      : documentEntry("archive_serial_number", "lost", "ASNs are not carried (config)"),
  ]
  const lines: Array<string> = []
  for (const kind of CLASSIFIER_KINDS) {
    const settings = config[kind]
    const field =
      kind === "correspondent" ? "correspondent" : kind === "documentType" ? "document_type" : "storage_path"
    const count = (
      kind === "correspondent"
        ? paperless.correspondents
        : kind === "documentType"
          ? paperless.documentTypes
          : paperless.storagePaths
    ).length
    if (settings.as === "property") {
      entries.push(
        documentEntry(
          field,
          "exact",
          `${classifierLabel[kind]} → option of select property "${settings.name}"`,
        ),
      )
      if (count > 0)
        lines.push(
          `${plural(count, classifierLabel[kind])} become options of the select property "${settings.name}"`,
        )
    } else if (settings.as === "tag") {
      entries.push(
        documentEntry(field, "transformed", `${classifierLabel[kind]} → tag "${settings.tagPrefix}<name>"`),
      )
      if (count > 0)
        lines.push(
          `${plural(count, classifierLabel[kind])} ${verb(count, "becomes a tag", "become tags")} "${settings.tagPrefix}…"`,
        )
    } else {
      entries.push(documentEntry(field, "lost", `${classifierLabel[kind]}s are not carried (config)`))
      if (count > 0)
        lines.push(`${plural(count, classifierLabel[kind])} ${verb(count, "is", "are")} not carried (config)`)
    }
  }
  if (paperless.storagePaths.length > 0 && config.storagePath.as !== "none") {
    lines.push("storage path templates are not carried, only their names")
  }

  const tagPlans = plan.tags.filter((tag) => tag.source.kind === "tag")
  const collided = tagPlans.filter((tag) => tag.renamed?.collidedWith !== undefined)
  const cut = tagPlans.filter((tag) => tag.renamed?.cut === true)
  for (const tag of plan.tags) {
    const fidelity: Fidelity =
      tag.renamed === undefined ? (tag.name === tag.original ? "exact" : "transformed") : "transformed"
    const reason =
      tag.renamed?.collidedWith !== undefined
        ? `collides case-insensitively with "${tag.renamed.collidedWith}": becomes "${tag.name}"`
        : tag.renamed?.cut === true
          ? `name longer than ${LIMITS.papraTagName} characters: cut to "${tag.name}"`
          : tag.existingId !== null
            ? `reuses the existing Papra tag "${tag.name}"`
            : `becomes "${tag.name}"`
    entries.push({
      entity: tag.source.kind === "tag" ? "tag" : classifierLabel[tag.source.kind],
      name: tag.original,
      field: "name",
      fidelity,
      reason,
    })
    if (tag.isInbox) {
      entries.push({
        entity: "tag",
        name: tag.original,
        field: "is_inbox_tag",
        fidelity: "lost",
        reason: "Papra has no inbox tag: it becomes an ordinary tag",
      })
      lines.push(`the inbox tag "${tag.original}" becomes an ordinary tag`)
    }
  }
  if (collided.length > 0) {
    lines.push(
      `${plural(collided.length, "tag collides", "tags collide")} case-insensitively and ${collided.length === 1 ? "is" : "are"} renamed: ${quoteList(collided.map((tag) => `${tag.original}" → "${tag.name}`))}`,
    )
  }
  if (cut.length > 0)
    lines.push(
      `${plural(cut.length, "tag name")} longer than ${LIMITS.papraTagName} characters ${cut.length === 1 ? "is" : "are"} cut`,
    )
  const children = paperless.tags.filter((tag) => tag.parent !== null && tag.parent !== undefined)
  if (children.length > 0) {
    lines.push(
      config.tags.hierarchy === "path"
        ? `${plural(children.length, "child tag")} ${verb(children.length, "becomes a full path", "become full paths")} ("Parent${config.tags.separator}Child")`
        : `the hierarchy of ${plural(children.length, "child tag")} is dropped (leaf names only)`,
    )
  }
  if (paperless.tags.length > 0) lines.push("tag auto-matching rules (match, algorithm) are not carried")

  // Options count like the engine counts them (apps/sync engine/definitions.ts), so this line and
  // `plan`'s "to reuse" agree.
  const reused = [
    ...plan.tags,
    ...plan.properties,
    ...plan.properties.flatMap((property) => property.options),
  ].filter((item) => item.existingId !== null).length
  if (reused > 0)
    lines.push(
      `${plural(reused, "definition")} already ${verb(reused, "exists", "exist")} on Papra and will be reused`,
    )

  let monetaryAsText = 0
  for (const property of plan.properties) {
    if (property.source.kind !== "customField") continue
    for (const id of property.source.paperlessIds) {
      const field = context.paperlessFields.get(id)
      if (field === undefined) continue
      const { fidelity, reason } = fieldFidelity(field.data_type, property.type)
      if (field.data_type === "monetary" && property.type === "text") monetaryAsText++
      entries.push({
        entity: "custom field",
        name: field.name,
        field: "value",
        fidelity,
        reason: `${reason}; property "${property.name}"`,
      })
      if (field.data_type === "monetary" && property.type === "number")
        lines.push(`monetary field "${field.name}" becomes a number: currency codes are dropped`)
    }
    const renamedOptions = property.options.filter((option) => option.name !== option.original)
    if (renamedOptions.length > 0) {
      lines.push(
        `${plural(renamedOptions.length, "select option")} of "${property.name}" ${verb(renamedOptions.length, "collides on Papra and is", "collide on Papra and are")} renamed: ${quoteList(renamedOptions.map((option) => `${option.original}" → "${option.name}`))}`,
      )
    }
  }
  for (const property of plan.properties) {
    if (property.source.kind === "customField") continue
    const renamedOptions = property.options.filter((option) => option.name !== option.original)
    if (renamedOptions.length > 0) {
      lines.push(
        `${plural(renamedOptions.length, "name")} in "${property.name}" ${verb(renamedOptions.length, "collides", "collide")} on Papra (same letters and digits) and ${verb(renamedOptions.length, "is", "are")} renamed: ${quoteList(renamedOptions.map((option) => `${option.original}" → "${option.name}`))}`,
      )
    }
  }
  if (monetaryAsText > 0) lines.push("monetary values become text")
  for (const skipped of plan.skipped) {
    entries.push({
      entity: skipped.entity,
      name: skipped.name,
      field: "*",
      fidelity: "lost",
      reason: skipped.reason,
    })
    lines.push(`${skipped.entity} "${skipped.name}" is not carried: ${skipped.reason}`)
  }
  return { direction: "paperless-to-papra", entries, lines }
}

const toPaperlessReport = (context: MappingContext, plan: PaperlessDefinitionPlan): LossinessReport => {
  const { config, papra } = context
  const entries: Array<ReportEntry> = [
    documentEntry("name", "lost", `name → title, cut beyond ${LIMITS.paperlessName} characters`),
    documentEntry(
      "documentDate",
      "transformed",
      `instant → its date in ${config.timeZone}; a time of day is dropped; no date lets Paperless pick one`,
    ),
    documentEntry("content", "exact", "content → content"),
    documentEntry("originalName", "exact", "original name → upload file name"),
    documentEntry(
      "notes",
      "transformed",
      "notes → Paperless notes, split at author/date lines; authors and times become the API user and now",
    ),
  ]
  const lines: Array<string> = []
  const withDescription = papra.tags.filter(
    (tag) => tag.description !== null && tag.description !== undefined && tag.description !== "",
  )
  for (const tag of withDescription) {
    entries.push({
      entity: "tag",
      name: tag.name,
      field: "description",
      fidelity: "lost",
      reason: "Paperless tags have no description",
    })
  }
  if (withDescription.length > 0)
    lines.push(
      `${plural(withDescription.length, "tag description")} ${withDescription.length === 1 ? "is" : "are"} dropped (Paperless tags have none)`,
    )
  const renamed = plan.tags.filter((tag) => tag.name !== tag.original.split(config.tags.separator).at(-1))
  for (const tag of plan.tags) {
    entries.push({
      entity: "tag",
      name: tag.original,
      field: "name",
      fidelity: tag.parentKey !== null || renamed.includes(tag) ? "transformed" : "exact",
      reason:
        tag.existingId !== null
          ? `reuses the Paperless tag "${tag.name}"`
          : tag.parentKey !== null
            ? `becomes "${tag.name}" under its parent`
            : `becomes "${tag.name}"`,
    })
  }
  if (renamed.length > 0)
    lines.push(
      `${plural(renamed.length, "tag")} would share a Paperless name and ${renamed.length === 1 ? "is" : "are"} renamed: ${quoteList(renamed.map((tag) => tag.name))}`,
    )
  const paths = plan.tags.filter((tag) => tag.parentKey !== null)
  if (paths.length > 0)
    lines.push(`${plural(paths.length, "tag")} with "${config.tags.separator}" in the name become child tags`)
  for (const field of plan.customFields) {
    for (const papraId of field.papraIds) {
      const property = context.papraProperties.get(papraId)
      if (property === undefined) continue
      const { fidelity, reason } = propertyFidelity(property.type, field.dataType)
      entries.push({
        entity: "property",
        name: property.name,
        field: "value",
        fidelity,
        reason: `${reason}; field "${field.name}"`,
      })
      if (fidelity !== "exact") lines.push(`property "${property.name}": ${reason}`)
    }
  }
  for (const kind of CLASSIFIER_KINDS) {
    const count = plan.classifiers.filter((classifier) => classifier.kind === kind).length
    if (count > 0)
      lines.push(
        `${plural(count, classifierLabel[kind])} rebuilt from Papra ${config[kind].as === "tag" ? "tags" : `property "${config[kind].name}"`}`,
      )
  }
  for (const skipped of plan.skipped) {
    entries.push({
      entity: skipped.entity,
      name: skipped.name,
      field: "*",
      fidelity: "lost",
      reason: skipped.reason,
    })
    lines.push(`${skipped.entity} "${skipped.name}" is not carried: ${skipped.reason}`)
  }
  return { direction: "papra-to-paperless", entries, lines }
}
