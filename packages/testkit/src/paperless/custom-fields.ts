import { randomBytes } from "node:crypto"
import type { SimResponse } from "../http-server.js"
import { parseDateOnly } from "./clock.js"
import { paginatedResponse } from "./pagination.js"
import { actionOf, requirePermission } from "./permissions.js"
import {
  bodyFields,
  type Context,
  crash,
  fail,
  failValidation,
  json,
  methodNotAllowed,
  notFound,
  parseInteger,
  parsePk,
  pythonRepr,
} from "./responses.js"
import {
  type CustomFieldRecord,
  type CustomFieldType,
  customFieldTypes,
  type DocumentRecord,
  type PaperlessStore,
  type SelectOption,
} from "./store.js"

/**
 * Custom field definitions and per-type value validation, with the messages and the HTML 500s the
 * real server gives (`documents.patch.custom_fields.invalid.*.json`).
 */

const optionAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

/** Select option ids are 16 random alphanumerics assigned by the server (`kSOmpLX79cufnbq0`). */
export const newOptionId = () =>
  [...randomBytes(16)].map((byte) => optionAlphabet[byte % optionAlphabet.length] ?? "A").join("")

export type ValueCheck = { readonly value: unknown } | { readonly error: string }

const maxInt = 2_147_483_647
const monetaryPattern = /^([A-Z]{3})?-?\d+(\.\d{1,2})?$/

/** The value as stored, or the message DRF gives; the real server's 500s crash here too. */
export const checkValue = (store: PaperlessStore, field: CustomFieldRecord, value: unknown): ValueCheck => {
  if (value === null || value === undefined) return { value: null }
  switch (field.dataType) {
    case "string": {
      if (typeof value === "object") return { error: "Not a valid string." }
      const text = String(value)
      return text.length > 128
        ? { error: `Ensure this value has at most 128 characters (it has ${text.length}).` }
        : { value: text }
    }
    case "longtext":
      return typeof value === "object" ? { error: "Not a valid string." } : { value: String(value) }
    case "url": {
      const text = String(value)
      if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(text))
        return { error: `Unable to parse URI ${text}, missing scheme` }
      if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/\s]+/.test(text))
        return { error: `Unable to parse URI ${text}, missing net location` }
      return { value: text }
    }
    case "date":
      return typeof value === "string" && parseDateOnly(value) !== undefined
        ? { value }
        : { error: "Date has wrong format. Use one of these formats instead: YYYY-MM-DD." }
    case "boolean": {
      if (value === true || value === 1 || value === "true" || value === "True" || value === "1")
        return { value: true }
      if (value === false || value === 0 || value === "false" || value === "False" || value === "0")
        return { value: false }
      // Django's BooleanField raises outside DRF validation: an unhandled 500 on the real server.
      return crash()
    }
    case "integer": {
      const integer = parseInteger(value)
      if (integer === undefined) return { error: "Enter a valid integer." }
      if (integer > maxInt) return { error: `Ensure this value is less than or equal to ${maxInt}.` }
      if (integer < -maxInt - 1)
        return { error: `Ensure this value is greater than or equal to ${-maxInt - 1}.` }
      return { value: integer }
    }
    case "float": {
      const number =
        typeof value === "number" ? value : typeof value === "string" ? Number(value) : Number.NaN
      return Number.isFinite(number) && value !== "" ? { value: number } : crash()
    }
    case "monetary": {
      // A JSON number is accepted and stored as its string form (`12.5` → "12.5").
      const text = typeof value === "number" ? String(value) : value
      return typeof text === "string" && monetaryPattern.test(text)
        ? { value: text }
        : { error: "Must be a two-decimal number with optional currency code e.g. GBP123.45" }
    }
    case "documentlink": {
      if (!Array.isArray(value)) return { error: "Value must be a list" }
      const ids = value.map(parseInteger)
      const unique = new Set(ids)
      if (
        ids.some((id) => id === undefined || store.liveDocument(id) === undefined) ||
        unique.size !== ids.length
      ) {
        return { error: "Some documents in value don't exist or were specified twice." }
      }
      return { value: ids }
    }
    case "select": {
      const options = field.extraData?.select_options ?? []
      if (typeof value === "string" && options.some((option) => option.id === value)) return { value }
      return { error: `Value must be an id of an element in ${pythonRepr(options)}` }
    }
  }
}

/** The value a document shows for a field: the one stored under the field's current type. */
export const readValue = (
  field: CustomFieldRecord | undefined,
  values: Partial<Record<CustomFieldType, unknown>>,
) => (field === undefined ? null : (values[field.dataType] ?? null))

/** 2.20 at API ≤6 shows select values as the option's index (`documents.get.custom_fields.all-types.v6.json`). */
export const renderValueForVersion = (
  context: Context,
  field: CustomFieldRecord | undefined,
  value: unknown,
) => {
  if (
    field?.dataType !== "select" ||
    context.store.generation !== "2.20" ||
    context.version > 6 ||
    value === null
  )
    return value
  const index = (field.extraData?.select_options ?? []).findIndex((option) => option.id === value)
  return index < 0 ? null : index
}

const documentCount = (store: PaperlessStore, field: CustomFieldRecord) =>
  store
    .liveDocuments()
    .filter((document) => document.customFields.some((instance) => instance.field === field.id)).length

export const renderCustomField = (context: Context, field: CustomFieldRecord, withCount: boolean) => {
  let extraData: unknown = field.extraData
  if (field.dataType === "select" && context.store.generation === "2.20" && context.version <= 6) {
    extraData = {
      ...field.extraData,
      select_options: (field.extraData?.select_options ?? []).map((option) => option.label),
    }
  }
  return {
    id: field.id,
    name: field.name,
    data_type: field.dataType,
    extra_data: extraData,
    ...(withCount ? { document_count: documentCount(context.store, field) } : {}),
  }
}

const extraDataError = (message: string): never => fail(400, { error: [message] })

/**
 * `select_options` as sent: `{label, id?}` objects at v≥7 (strings → HTML 500,
 * `custom_fields.create.select-string-options.json`); on 2.20 at v≤6 plain label strings, and
 * objects get double-wrapped (`custom_fields.create.select-v6-object-options.json`).
 */
const parseSelectOptions = (context: Context, raw: unknown, previous: ReadonlyArray<SelectOption>) => {
  if (!Array.isArray(raw) || raw.length === 0)
    return extraDataError("extra_data.select_options must be a valid list")
  const legacy = context.store.generation === "2.20" && context.version <= 6
  return raw.map((option, index): SelectOption => {
    if (legacy) {
      const existing = previous[index]
      return {
        label: option,
        id: existing !== undefined && existing.label === option ? existing.id : newOptionId(),
      }
    }
    if (typeof option !== "object" || option === null || Array.isArray(option)) return crash()
    const record = option as Record<string, unknown>
    if (typeof record.label !== "string" || record.label.trim() === "") {
      return extraDataError("extra_data.select_options must be a valid list")
    }
    const id = typeof record.id === "string" && record.id !== "" ? record.id : newOptionId()
    return { label: record.label, id }
  })
}

const parseExtraData = (
  context: Context,
  dataType: CustomFieldType,
  raw: unknown,
  existing: CustomFieldRecord | undefined,
): CustomFieldRecord["extraData"] => {
  const record =
    raw !== null && typeof raw === "object" && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {}
  if (dataType === "select") {
    return {
      select_options: parseSelectOptions(
        context,
        record.select_options,
        existing?.extraData?.select_options ?? [],
      ),
    }
  }
  if (dataType === "monetary" && Object.hasOwn(record, "default_currency")) {
    const currency = record.default_currency
    if (currency !== null && (typeof currency !== "string" || !/^[A-Za-z]{3}$/.test(currency))) {
      return extraDataError("extra_data.default_currency must be a 3-character string")
    }
    return { default_currency: currency as string | null }
  }
  return raw === undefined ? (existing?.extraData ?? null) : Object.keys(record).length > 0 ? record : null
}

/**
 * Values that used a select option which a PATCH removed are nulled later by a celery task, from
 * the field as it was at removal time: putting the option back quickly does not save them
 * (`documents.get.select-value-after-async-cleanup.json`). No document's `modified` moves.
 */
const scheduleOptionCleanup = (
  context: Context,
  field: CustomFieldRecord,
  removedIds: ReadonlyArray<string>,
) => {
  if (removedIds.length === 0) return
  context.worker.enqueue({
    durationMs: context.options.bulkUpdateMs,
    run: () => {
      for (const document of context.store.documents.values()) {
        for (const instance of document.customFields) {
          if (instance.field === field.id && removedIds.includes(instance.values.select as string)) {
            instance.values.select = null
          }
        }
      }
    },
  })
}

const applyFieldInput = async (context: Context, existing: CustomFieldRecord | undefined) => {
  const fields = await bodyFields(context)
  const partial = context.method === "PATCH"
  const errors: Record<string, Array<string>> = {}
  let name = existing?.name ?? ""
  if (Object.hasOwn(fields, "name")) {
    if (typeof fields.name !== "string" || fields.name.trim() === "")
      errors.name = ["This field may not be blank."]
    else if (fields.name.length > 128) errors.name = ["Ensure this field has no more than 128 characters."]
    else name = fields.name
  } else if (!partial) errors.name = ["This field is required."]
  let dataType = existing?.dataType
  if (Object.hasOwn(fields, "data_type")) {
    dataType = customFieldTypes.find((type) => type === fields.data_type)
    if (dataType === undefined) errors.data_type = [`"${String(fields.data_type)}" is not a valid choice.`]
  } else if (!partial) errors.data_type = ["This field is required."]
  if (
    !errors.name &&
    [...context.store.customFields.values()].some((other) => other.name === name && other.id !== existing?.id)
  ) {
    errors.name = ["custom field with this name already exists."]
  }
  if (Object.keys(errors).length > 0 || dataType === undefined) return failValidation(errors)
  // A field that is or was a select must be sent its options on every write, so a name-only PATCH
  // is refused (serialisers.py CustomFieldSerializer.validate, `custom_fields.patch.select-name-only.json`).
  const wasSelect = existing?.dataType === "select"
  if (wasSelect && dataType !== "select") parseExtraData(context, "select", fields.extra_data, existing)
  const extraData =
    Object.hasOwn(fields, "extra_data") || dataType === "select"
      ? parseExtraData(context, dataType, fields.extra_data, existing)
      : (existing?.extraData ?? null)
  return { name, dataType, extraData }
}

export const listCustomFields = (context: Context): SimResponse => {
  requirePermission(context, "view_customfield")
  const all = [...context.store.customFields.values()]
  const nameFilter = context.query.get("name__icontains")?.toLowerCase()
  const idsFilter = context.query.get("id__in")?.split(",").map(Number)
  const filtered = all.filter(
    (field) =>
      (nameFilter === undefined || field.name.toLowerCase().includes(nameFilter)) &&
      (idsFilter === undefined || idsFilter.includes(field.id)),
  )
  // 3.0 orders by name (`custom_fields.list.json`), 2.20 newest first (`paperless-2.20/custom_fields.list.json`).
  filtered.sort((a, b) =>
    context.store.generation === "3.0"
      ? a.name.localeCompare(b.name) || a.id - b.id
      : b.created - a.created || b.id - a.id,
  )
  return paginatedResponse(context, filtered, (field) => renderCustomField(context, field, true))
}

export const createCustomField = async (context: Context): Promise<SimResponse> => {
  requirePermission(context, "add_customfield")
  const input = await applyFieldInput(context, undefined)
  const field: CustomFieldRecord = {
    id: context.store.nextId("custom_fields"),
    ...input,
    created: context.store.clock.now(),
  }
  context.store.customFields.set(field.id, field)
  return json(201, renderCustomField(context, field, false))
}

export const customFieldDetail = async (context: Context, rawId: string): Promise<SimResponse> => {
  requirePermission(context, `${actionOf(context.method)}_customfield`)
  const field = /^\d+$/.test(rawId) ? context.store.customFields.get(Number(rawId)) : undefined
  if (!/^\d+$/.test(rawId)) return fail(404, { detail: "Not found." })
  if (!field) return notFound("CustomField")
  switch (context.method) {
    case "GET":
    case "HEAD":
      return json(200, renderCustomField(context, field, true))
    case "PATCH":
    case "PUT": {
      const input = await applyFieldInput(context, field)
      const before = field.extraData?.select_options ?? []
      const after = input.extraData?.select_options ?? []
      if (field.dataType === "select") {
        scheduleOptionCleanup(
          context,
          field,
          before.map((option) => option.id).filter((id) => !after.some((option) => option.id === id)),
        )
      }
      // A data_type change is allowed while in use; values stay in the old type's slot (see store.ts).
      Object.assign(field, input)
      return json(200, renderCustomField(context, field, true))
    }
    case "DELETE":
      context.store.customFields.delete(field.id)
      for (const document of context.store.documents.values()) {
        document.customFields = document.customFields.filter((instance) => instance.field !== field.id)
      }
      return { status: 204 }
    default:
      return methodNotAllowed(context.method)
  }
}

export interface ValueAssignment {
  readonly field: CustomFieldRecord
  readonly value: unknown
}

/**
 * Validates a document's `custom_fields` list. Errors are keyed by index on 3.0
 * (`{"custom_fields":{"0":{…}}}`) and a list aligned with the request on 2.20
 * (`{"custom_fields":[{}, {…}]}`, `documents.patch.custom_fields.invalid-second-entry.json`).
 */
export const parseCustomFieldList = (context: Context, raw: unknown): Array<ValueAssignment> => {
  if (!Array.isArray(raw)) {
    return fail(400, {
      custom_fields: { non_field_errors: [`Expected a list of items but got type "${typeName(raw)}".`] },
    })
  }
  const errors: Array<Record<string, Array<string>> | undefined> = []
  const assignments: Array<ValueAssignment> = []
  raw.forEach((item, index) => {
    if (item === null || typeof item !== "object" || Array.isArray(item)) {
      errors[index] = {
        non_field_errors: [`Invalid data. Expected a dictionary, but got ${typeName(item)}.`],
      }
      return
    }
    const entry = item as Record<string, unknown>
    // An entry without `field` is an unhandled KeyError on the real server.
    if (!Object.hasOwn(entry, "field")) crash()
    const pk = parsePk(entry.field)
    const field = typeof pk === "number" ? context.store.customFields.get(pk) : undefined
    if (!field) {
      errors[index] = {
        field: [typeof pk === "number" ? `Invalid pk "${pk}" - object does not exist.` : pk.error],
      }
      return
    }
    const checked = checkValue(context.store, field, legacySelectValue(context, field, entry.value))
    if ("error" in checked) errors[index] = { non_field_errors: [checked.error] }
    else assignments.push({ field, value: checked.value })
  })
  if (errors.some((error) => error !== undefined)) {
    const rendered =
      context.store.generation === "2.20"
        ? raw.map((_, index) => errors[index] ?? {})
        : Object.fromEntries(errors.flatMap((error, index) => (error ? [[String(index), error]] : [])))
    fail(400, { custom_fields: rendered })
  }
  return assignments
}

/** 2.20 at API ≤6 takes a select value as the option's index (`documents.patch.custom_fields.select-index.v6.json`). */
const legacySelectValue = (context: Context, field: CustomFieldRecord, value: unknown) => {
  if (
    field.dataType !== "select" ||
    context.store.generation !== "2.20" ||
    context.version > 6 ||
    typeof value !== "number"
  )
    return value
  return field.extraData?.select_options?.[value]?.id ?? value
}

const typeName = (value: unknown) =>
  value === null
    ? "NoneType"
    : Array.isArray(value)
      ? "list"
      : typeof value === "object"
        ? "dict"
        : typeof value === "string"
          ? "str"
          : typeof value === "number"
            ? "int"
            : "bool"

/**
 * Sets one value on a document, keeping documentlinks symmetric: the targets gain (or lose) the
 * back-link in the same field and are saved, which bumps their `modified` too
 * (`documents.get.invoice.after-documentlink.json`).
 */
export const assignValue = (store: PaperlessStore, document: DocumentRecord, assignment: ValueAssignment) => {
  const { field, value } = assignment
  let instance = document.customFields.find((candidate) => candidate.field === field.id)
  const previousLinks =
    field.dataType === "documentlink" && Array.isArray(instance?.values.documentlink)
      ? (instance?.values.documentlink as Array<number>)
      : []
  if (!instance) {
    instance = { field: field.id, values: {} }
    document.customFields.push(instance)
  }
  instance.values[field.dataType] = value
  if (field.dataType !== "documentlink") return
  const links = Array.isArray(value) ? (value as Array<number>) : []
  for (const targetId of new Set([...previousLinks, ...links])) {
    const target = store.documents.get(targetId)
    if (!target || target.id === document.id) continue
    let back = target.customFields.find((candidate) => candidate.field === field.id)
    if (!back) {
      back = { field: field.id, values: { documentlink: [] } }
      target.customFields.push(back)
    }
    const current = Array.isArray(back.values.documentlink) ? (back.values.documentlink as Array<number>) : []
    const next = links.includes(targetId)
      ? current.includes(document.id)
        ? current
        : [...current, document.id]
      : current.filter((id) => id !== document.id)
    if (next !== current) {
      back.values.documentlink = next
      target.modified = store.clock.now()
    }
  }
}

/** Removing a documentlink value also removes the back-links it created. */
export const removeInstance = (store: PaperlessStore, document: DocumentRecord, fieldId: number) => {
  const field = store.customFields.get(fieldId)
  if (field?.dataType === "documentlink") assignValue(store, document, { field, value: [] })
  document.customFields = document.customFields.filter((instance) => instance.field !== fieldId)
}
