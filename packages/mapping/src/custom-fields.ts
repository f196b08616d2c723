import * as Schema from "effect/Schema"
import type { PaperlessDataType, PapraPropertyType } from "./config.js"
import {
  PaperlessDataType as PaperlessDataTypeSchema,
  PapraPropertyType as PapraPropertyTypeSchema,
} from "./config.js"
import { formatCalendarDate, papraDateValueToPaperless, parseCalendarDate } from "./dates.js"
import { cutText, LIMITS, measure } from "./names.js"

/**
 * A Paperless select option. v7+ options are `{id, label}`; a label created at v ≤ 6 on 2.20 can be
 * double-wrapped `{"label":{"label":"X"}}` (`custom_fields.list.v9.json` id 12), so it is read loosely.
 */
export const PaperlessSelectOption = Schema.Struct({ id: Schema.String, label: Schema.Unknown })
export type PaperlessSelectOption = typeof PaperlessSelectOption.Type

/** `custom_fields.list.json`: `{id, name, data_type, extra_data}`. */
export const PaperlessCustomField = Schema.Struct({
  id: Schema.Number,
  name: Schema.String,
  data_type: PaperlessDataTypeSchema,
  extra_data: Schema.optional(
    Schema.NullOr(
      Schema.Struct({
        select_options: Schema.optional(Schema.NullOr(Schema.Array(PaperlessSelectOption))),
        default_currency: Schema.optional(Schema.NullOr(Schema.String)),
      }),
    ),
  ),
})
export type PaperlessCustomField = typeof PaperlessCustomField.Type

/** Papra select option (`custom-properties.list.json`). */
export const PapraSelectOption = Schema.Struct({ id: Schema.String, name: Schema.String })
export type PapraSelectOption = typeof PapraSelectOption.Type

/**
 * A Papra property definition. `options` is present in get and list, absent from the create and
 * update responses (papra-server-behaviour.md); `key` is derived from the name.
 */
export const PapraPropertyDefinition = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  key: Schema.optional(Schema.String),
  type: PapraPropertyTypeSchema,
  options: Schema.optional(Schema.Array(PapraSelectOption)),
})
export type PapraPropertyDefinition = typeof PapraPropertyDefinition.Type

export const optionLabel = (label: unknown): string => {
  if (typeof label === "string") return label
  if (typeof label === "object" && label !== null && "label" in label) return optionLabel(label.label)
  return JSON.stringify(label) ?? ""
}

/** The Papra type a Paperless field type becomes unless the config says otherwise. */
export const defaultPapraType = (
  dataType: PaperlessDataType,
  monetary: "text" | "number",
): PapraPropertyType => {
  switch (dataType) {
    case "string":
    case "longtext":
    case "url":
      return "text"
    case "integer":
    case "float":
      return "number"
    case "monetary":
      return monetary
    case "date":
      return "date"
    case "boolean":
      return "boolean"
    case "select":
      return "select"
    case "documentlink":
      return "document_relation"
  }
}

/** Papra types a Paperless field may be sent to. */
export const compatiblePapraTypes: Record<PaperlessDataType, ReadonlyArray<PapraPropertyType>> = {
  string: ["text"],
  longtext: ["text"],
  url: ["text"],
  integer: ["number", "text"],
  float: ["number", "text"],
  monetary: ["text", "number"],
  date: ["date", "text"],
  boolean: ["boolean", "text"],
  select: ["select", "text"],
  documentlink: ["document_relation"],
}

/**
 * The Paperless type a Papra property type becomes unless the config says otherwise. Text goes to
 * `longtext` (unbounded; `string` stops at 128); Paperless has no multi-select (`multiselect` → 400)
 * and no user field, so those become one line per option or user.
 */
export const defaultPaperlessType = (type: PapraPropertyType): PaperlessDataType => {
  switch (type) {
    case "text":
      return "longtext"
    case "number":
      return "float"
    case "date":
      return "date"
    case "boolean":
      return "boolean"
    case "select":
      return "select"
    case "multi_select":
    case "user_relation":
      return "longtext"
    case "document_relation":
      return "documentlink"
  }
}

export const compatiblePaperlessTypes: Record<PapraPropertyType, ReadonlyArray<PaperlessDataType>> = {
  text: ["longtext", "string", "url", "monetary"],
  number: ["float", "integer", "monetary", "string", "longtext"],
  date: ["date", "string", "longtext"],
  boolean: ["boolean"],
  select: ["select", "string", "longtext"],
  multi_select: ["longtext", "string"],
  user_relation: ["longtext", "string"],
  document_relation: ["documentlink"],
}

/** Whether a Paperless field and a Papra property can be linked, in either direction. */
export const areCompatible = (dataType: PaperlessDataType, type: PapraPropertyType): boolean =>
  compatiblePapraTypes[dataType].includes(type) || compatiblePaperlessTypes[type].includes(dataType)

/** A value as Papra's `PUT /documents/:id/custom-properties/:propertyId` takes it (fixtures `documents.custom-properties.set.*`). */
export type PapraPropertyValue = string | number | boolean | ReadonlyArray<string>

/** A value as Paperless `custom_fields[].value` takes it (`documents.patch.custom_fields.*`). */
export type PaperlessFieldValue = string | number | boolean | ReadonlyArray<number> | null

export interface ValueLoss {
  readonly fidelity: "transformed" | "lost"
  readonly reason: string
}

export type Converted<A> =
  | { readonly _tag: "Value"; readonly value: A; readonly loss?: ValueLoss }
  | { readonly _tag: "Unset"; readonly loss?: ValueLoss }
  | { readonly _tag: "Pending"; readonly value: A; readonly missing: ReadonlyArray<string | number> }

const value = <A>(converted: A, loss?: ValueLoss): Converted<A> =>
  loss === undefined ? { _tag: "Value", value: converted } : { _tag: "Value", value: converted, loss }
const unset = <A>(loss?: ValueLoss): Converted<A> =>
  loss === undefined ? { _tag: "Unset" } : { _tag: "Unset", loss }
const lost = <A>(reason: string): Converted<A> => unset({ fidelity: "lost", reason })

/** Document ids translated through the links; ids not linked yet are held back for the engine's second pass. */
const throughDocumentLinks = <From extends string | number, To extends string | number>(
  ids: ReadonlyArray<From>,
  documentLink: (id: From) => To | undefined,
): Converted<ReadonlyArray<To>> => {
  const targets = ids.flatMap((id) => {
    const target = documentLink(id)
    return target === undefined ? [] : [target]
  })
  const missing = ids.filter((id) => documentLink(id) === undefined)
  return missing.length > 0 ? { _tag: "Pending", value: targets, missing } : value(targets)
}

/** Monetary values: `EUR12.50`, `12.50`, `-5.00`, `EUR-5.00` (paperless serialisers; a number is the legacy form). */
const MONETARY = /^([A-Z]{3})?(-?\d+(?:\.\d{1,2})?)$/
const INT32 = { min: -2_147_483_648, max: 2_147_483_647 }

export const isMonetary = (text: string): boolean => {
  const match = MONETARY.exec(text)
  // With a currency code the amount needs its decimals: "EUR1234" → 400 (paperless regex).
  return match !== null && (match[1] === undefined || match[2]?.includes(".") === true)
}

const lines = (text: string): ReadonlyArray<string> => text.split("\n").filter((line) => line.trim() !== "")

export interface ToPapraContext {
  readonly field: PaperlessCustomField
  readonly property: PapraPropertyDefinition
  /** Paperless option id → Papra option id. */
  readonly optionLink: (paperlessOptionId: string) => string | undefined
  /** Paperless document id → Papra document id. */
  readonly documentLink: (paperlessDocumentId: number) => string | undefined
}

/** One Paperless custom field value → the value to PUT on the linked Papra property. */
export const fieldValueToPapra = (raw: unknown, context: ToPapraContext): Converted<PapraPropertyValue> => {
  const { field, property } = context
  if (raw === null || raw === undefined) {
    return unset({ fidelity: "transformed", reason: "an attached but empty field becomes an unset property" })
  }
  const type = property.type
  switch (field.data_type) {
    case "string":
    case "longtext":
    case "url":
    case "monetary":
      return textToPapra(typeof raw === "number" ? String(raw) : raw, context)
    case "integer":
    case "float":
      if (typeof raw !== "number" || !Number.isFinite(raw))
        return lost(`not a number: ${JSON.stringify(raw)}`)
      if (type === "number") return value(raw)
      if (type === "text") return value(String(raw))
      break
    case "date": {
      if (typeof raw !== "string" || parseCalendarDate(raw) === undefined)
        return lost(`not a date: ${JSON.stringify(raw)}`)
      if (type === "date" || type === "text") return value(raw)
      break
    }
    case "boolean":
      if (typeof raw !== "boolean") return lost(`not a boolean: ${JSON.stringify(raw)}`)
      if (type === "boolean") return value(raw)
      if (type === "text") return value(String(raw))
      break
    case "select": {
      if (typeof raw !== "string") return lost(`not an option id: ${JSON.stringify(raw)}`)
      const option = field.extra_data?.select_options?.find((candidate) => candidate.id === raw)
      if (option === undefined) return lost(`option ${raw} no longer exists on field "${field.name}"`)
      if (type === "text") return value(optionLabel(option.label))
      if (type === "select") {
        const target =
          context.optionLink(raw) ??
          property.options?.find((candidate) => candidate.name === optionLabel(option.label))?.id
        return target === undefined
          ? lost(`option "${optionLabel(option.label)}" has no counterpart on property "${property.name}"`)
          : value(target)
      }
      break
    }
    case "documentlink": {
      if (!Array.isArray(raw) || !raw.every((id) => typeof id === "number"))
        return lost(`not a list of documents: ${JSON.stringify(raw)}`)
      if (type !== "document_relation") break
      const ids = raw as ReadonlyArray<number>
      return throughDocumentLinks(ids, context.documentLink)
    }
  }
  return lost(`a ${field.data_type} field cannot be written to a ${type} property`)
}

const textToPapra = (raw: unknown, context: ToPapraContext): Converted<PapraPropertyValue> => {
  if (typeof raw !== "string") return lost(`not text: ${JSON.stringify(raw)}`)
  const { property, field } = context
  switch (property.type) {
    case "text": {
      const cut = cutText(raw, LIMITS.papraText, "utf16", "")
      return cut === raw
        ? value(raw)
        : value(cut, {
            fidelity: "lost",
            reason: `text cut from ${raw.length} to ${LIMITS.papraText} characters`,
          })
    }
    case "number": {
      if (field.data_type === "monetary") {
        const match = MONETARY.exec(raw)
        if (raw === "") return unset()
        if (match === null) return lost(`not a monetary value: ${JSON.stringify(raw)}`)
        const amount = Number(match[2])
        const currency = match[1]
        const fallback = field.extra_data?.default_currency ?? ""
        const writtenBack = `${fallback}${amount.toFixed(2)}`
        if (writtenBack === raw) return value(amount)
        return currency !== undefined && currency !== fallback
          ? value(amount, { fidelity: "lost", reason: `currency ${currency} dropped from ${raw}` })
          : value(amount, { fidelity: "transformed", reason: `${raw} comes back as ${writtenBack}` })
      }
      const parsed = Number(raw)
      return raw.trim() !== "" && Number.isFinite(parsed)
        ? value(parsed)
        : lost(`not a number: ${JSON.stringify(raw)}`)
    }
    case "multi_select": {
      const names = lines(raw)
      const ids = names.map((name) => property.options?.find((option) => option.name === name)?.id)
      const known = ids.filter((id): id is string => id !== undefined)
      return known.length === names.length
        ? value(known)
        : value(known, { fidelity: "lost", reason: `unknown options dropped from ${JSON.stringify(raw)}` })
    }
    case "user_relation":
      return lost("user names cannot be turned back into Papra users")
    default:
      return lost(`a ${field.data_type} field cannot be written to a ${property.type} property`)
  }
}

/** A Papra property value as embedded in a document (`documents.get.with-custom-properties.json`). */
export type PapraEmbeddedValue = unknown

export interface ToPaperlessContext {
  readonly property: PapraPropertyDefinition
  readonly field: PaperlessCustomField
  /** Papra option id → Paperless option id. */
  readonly optionLink: (papraOptionId: string) => string | undefined
  /** Papra document id → Paperless document id. */
  readonly documentLink: (papraDocumentId: string) => number | undefined
}

const idsOf = (
  raw: unknown,
  key: "optionId" | "documentId" | "userId",
): ReadonlyArray<string> | undefined => {
  if (!Array.isArray(raw)) return undefined
  const ids = raw.map((entry: unknown) =>
    typeof entry === "string"
      ? entry
      : typeof entry === "object" && entry !== null && key in entry
        ? String((entry as Record<string, unknown>)[key])
        : undefined,
  )
  return ids.every((id) => id !== undefined) ? (ids as ReadonlyArray<string>) : undefined
}

/** One Papra property value (read from a document) → the Paperless custom field value. */
export const propertyValueToPaperless = (
  raw: PapraEmbeddedValue,
  context: ToPaperlessContext,
): Converted<PaperlessFieldValue> => {
  const { property, field } = context
  if (raw === null || raw === undefined) return unset()
  switch (property.type) {
    case "text":
      if (typeof raw !== "string") return lost(`not text: ${JSON.stringify(raw)}`)
      return textToPaperless(raw, field)
    case "number":
      if (typeof raw !== "number" || !Number.isFinite(raw))
        return lost(`not a number: ${JSON.stringify(raw)}`)
      return numberToPaperless(raw, field)
    case "date": {
      if (typeof raw !== "string") return lost(`not a date: ${JSON.stringify(raw)}`)
      const date = papraDateValueToPaperless(raw)
      if (date === undefined) return lost(`not a date: ${JSON.stringify(raw)}`)
      const loss: ValueLoss | undefined = date.timeDropped
        ? { fidelity: "lost", reason: `time of day dropped from ${raw}` }
        : undefined
      if (field.data_type === "date") return value(date.created, loss)
      if (field.data_type === "string" || field.data_type === "longtext") return value(date.created, loss)
      break
    }
    case "boolean":
      if (typeof raw !== "boolean") return lost(`not a boolean: ${JSON.stringify(raw)}`)
      if (field.data_type === "boolean") return value(raw)
      break
    case "select": {
      const option = selectedOption(raw)
      if (option === undefined) return lost(`not an option: ${JSON.stringify(raw)}`)
      const name = property.options?.find((candidate) => candidate.id === option.id)?.name ?? option.name
      if (field.data_type === "select") {
        const target =
          context.optionLink(option.id) ??
          field.extra_data?.select_options?.find((candidate) => optionLabel(candidate.label) === name)?.id
        return target === undefined
          ? lost(`option "${name}" has no counterpart on field "${field.name}"`)
          : value(target)
      }
      if (field.data_type === "string" || field.data_type === "longtext")
        return textToPaperless(name ?? option.id, field)
      break
    }
    case "multi_select": {
      const ids = idsOf(raw, "optionId")
      if (ids === undefined) return lost(`not a list of options: ${JSON.stringify(raw)}`)
      const names = ids.map((id) => property.options?.find((option) => option.id === id)?.name ?? id)
      return textToPaperless(names.join("\n"), field)
    }
    case "user_relation": {
      if (!Array.isArray(raw)) return lost(`not a list of users: ${JSON.stringify(raw)}`)
      const users = raw.map((user: unknown) => {
        const record = (typeof user === "object" && user !== null ? user : {}) as Record<string, unknown>
        const name = typeof record.name === "string" ? record.name : ""
        const email = typeof record.email === "string" ? ` <${record.email}>` : ""
        return `${name}${email}`.trim() || String(record.userId ?? user)
      })
      const converted = textToPaperless(users.join("\n"), field)
      return converted._tag === "Value"
        ? value(converted.value, {
            fidelity: "lost",
            reason: "users become their names as text; the user links are gone",
          })
        : converted
    }
    case "document_relation": {
      const ids = idsOf(raw, "documentId")
      if (ids === undefined) return lost(`not a list of documents: ${JSON.stringify(raw)}`)
      if (field.data_type !== "documentlink") break
      return throughDocumentLinks(ids, context.documentLink)
    }
  }
  return lost(`a ${property.type} property cannot be written to a ${field.data_type} field`)
}

const selectedOption = (
  raw: unknown,
): { readonly id: string; readonly name: string | undefined } | undefined => {
  if (typeof raw === "string") return { id: raw, name: undefined }
  if (typeof raw === "object" && raw !== null && "optionId" in raw && typeof raw.optionId === "string") {
    const name = "name" in raw && typeof raw.name === "string" ? raw.name : undefined
    return { id: raw.optionId, name }
  }
  return undefined
}

const textToPaperless = (text: string, field: PaperlessCustomField): Converted<PaperlessFieldValue> => {
  switch (field.data_type) {
    case "string": {
      const cut = cutText(text, LIMITS.paperlessString, "codepoints", "")
      return cut === text
        ? value(text)
        : value(cut, {
            fidelity: "lost",
            reason: `text cut from ${measure(text, "codepoints")} to ${LIMITS.paperlessString} characters`,
          })
    }
    case "longtext":
      return value(text)
    case "url":
      return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(text)
        ? value(text)
        : lost(`not a URL with a scheme: ${JSON.stringify(text)}`)
    case "monetary":
      return text === "" || isMonetary(text)
        ? value(text)
        : lost(`not a monetary value: ${JSON.stringify(text)}`)
    case "integer":
    case "float": {
      const parsed = Number(text)
      return text.trim() !== "" && Number.isFinite(parsed)
        ? numberToPaperless(parsed, field)
        : lost(`not a number: ${JSON.stringify(text)}`)
    }
    case "date": {
      const date = parseCalendarDate(text.slice(0, 10))
      return date === undefined
        ? lost(`not a date: ${JSON.stringify(text)}`)
        : value(formatCalendarDate(date))
    }
    default:
      return lost(`text cannot be written to a ${field.data_type} field`)
  }
}

const numberToPaperless = (amount: number, field: PaperlessCustomField): Converted<PaperlessFieldValue> => {
  switch (field.data_type) {
    case "float":
      return value(amount)
    case "integer":
      return Number.isInteger(amount) && amount >= INT32.min && amount <= INT32.max
        ? value(amount)
        : lost(`${amount} is not a 32-bit integer`)
    case "monetary": {
      const currency = field.extra_data?.default_currency ?? ""
      const text = `${currency}${amount.toFixed(2)}`
      if (!isMonetary(text) || Math.abs(amount) >= 1e10)
        return lost(`${amount} does not fit a monetary field`)
      return Math.round(amount * 100) / 100 === amount
        ? value(text)
        : value(text, { fidelity: "lost", reason: `${amount} rounded to two decimals` })
    }
    case "string":
    case "longtext":
      return value(String(amount))
    default:
      return lost(`a number cannot be written to a ${field.data_type} field`)
  }
}
