import { parseCreated, parseDateTimeMicros } from "./clock.js"
import { readValue } from "./custom-fields.js"
import { type Context, fail, parseBoolean } from "./responses.js"
import type { CustomFieldRecord, DocumentRecord, PaperlessStore } from "./store.js"

/**
 * The document list filters of `documents/filters.py` that clients use, with DRF's 400 messages for
 * unparsable values (`{"correspondent__id":["Enter a number."]}`, `{"modified__gt":["Enter a valid date/time."]}`).
 * Unknown parameters are ignored, as on the real server.
 */

type Predicate = (document: DocumentRecord) => boolean

const numberParam = (context: Context, name: string): number | undefined => {
  const raw = context.query.get(name)
  if (raw === null || raw === "") return undefined
  return /^-?\d+$/.test(raw.trim()) ? Number(raw) : fail(400, { [name]: ["Enter a number."] })
}

const numberListParam = (context: Context, name: string): Array<number> | undefined => {
  const raw = context.query.get(name)
  if (raw === null || raw === "") return undefined
  const parts = raw.split(",").map((part) => part.trim())
  return parts.every((part) => /^-?\d+$/.test(part))
    ? parts.map(Number)
    : fail(400, { [name]: ["Enter a number."] })
}

const booleanParam = (context: Context, name: string): boolean | undefined => {
  const raw = context.query.get(name)
  if (raw === null || raw === "") return undefined
  return parseBoolean(raw)
}

const textFilters: Record<string, (document: DocumentRecord) => string> = {
  title: (document) => document.title,
  content: (document) => document.content,
  original_filename: (document) => document.originalFileName,
}

const relationFilters: Record<string, (document: DocumentRecord) => number | null> = {
  correspondent: (document) => document.correspondent,
  document_type: (document) => document.documentType,
  storage_path: (document) => document.storagePath,
  owner: (document) => document.owner,
}

const compare = (op: string, left: number | string, right: number | string) => {
  switch (op) {
    case "gt":
      return left > right
    case "gte":
      return left >= right
    case "lt":
      return left < right
    case "lte":
      return left <= right
    default:
      return left === right
  }
}

const dateTimeFilters = (context: Context, predicates: Array<Predicate>) => {
  for (const field of ["modified", "added"] as const) {
    for (const op of ["gt", "gte", "lt", "lte"]) {
      const name = `${field}__${op}`
      const raw = context.query.get(name)
      if (raw !== null && raw !== "") {
        const bound = parseDateTimeMicros(raw)
        if (bound === undefined) fail(400, { [name]: ["Enter a valid date/time."] })
        else predicates.push((document) => compare(op, document[field], bound))
      }
      const dateName = `${field}__date__${op}`
      const rawDate = context.query.get(dateName)
      if (rawDate !== null && rawDate !== "") {
        const day = parseCreated(rawDate)
        if (day === undefined) fail(400, { [dateName]: ["Enter a valid date."] })
        else
          predicates.push((document) =>
            compare(op, new Date(document[field] / 1000).toISOString().slice(0, 10), day),
          )
      }
    }
  }
  for (const name of ["created", "created__date"]) {
    for (const op of ["gt", "gte", "lt", "lte"]) {
      const param = `${name}__${op}`
      const raw = context.query.get(param)
      if (raw === null || raw === "") continue
      const day = parseCreated(raw)
      if (day === undefined) fail(400, { [param]: ["Enter a valid date."] })
      else predicates.push((document) => compare(op, document.created, day))
    }
  }
}

const relationPredicates = (context: Context, predicates: Array<Predicate>) => {
  for (const [name, read] of Object.entries(relationFilters)) {
    const id = numberParam(context, `${name}__id`)
    if (id !== undefined) predicates.push((document) => read(document) === id)
    const ids = numberListParam(context, `${name}__id__in`)
    if (ids !== undefined) predicates.push((document) => ids.includes(read(document) ?? -1))
    const none = numberListParam(context, `${name}__id__none`)
    if (none !== undefined) predicates.push((document) => !none.includes(read(document) ?? -1))
    const isNull = booleanParam(context, `${name}__isnull`)
    if (isNull !== undefined) predicates.push((document) => (read(document) === null) === isNull)
  }
}

const tagPredicates = (context: Context, predicates: Array<Predicate>) => {
  const all = numberListParam(context, "tags__id__all")
  if (all !== undefined) predicates.push((document) => all.every((tag) => document.tags.includes(tag)))
  const any = numberListParam(context, "tags__id__in")
  if (any !== undefined) predicates.push((document) => any.some((tag) => document.tags.includes(tag)))
  const none = numberListParam(context, "tags__id__none")
  if (none !== undefined) predicates.push((document) => !none.some((tag) => document.tags.includes(tag)))
  const one = numberParam(context, "tags__id")
  if (one !== undefined) predicates.push((document) => document.tags.includes(one))
  const tagged = booleanParam(context, "is_tagged")
  if (tagged !== undefined) predicates.push((document) => document.tags.length > 0 === tagged)
  const inInbox = booleanParam(context, "is_in_inbox")
  if (inInbox !== undefined) {
    const inbox = [...context.store.objects.tags.values()]
      .filter((tag) => tag.isInboxTag)
      .map((tag) => tag.id)
    predicates.push((document) => document.tags.some((tag) => inbox.includes(tag)) === inInbox)
  }
}

const scalarPredicates = (context: Context, predicates: Array<Predicate>) => {
  const id = numberParam(context, "id")
  if (id !== undefined) predicates.push((document) => document.id === id)
  const ids = numberListParam(context, "id__in")
  if (ids !== undefined) predicates.push((document) => ids.includes(document.id))
  for (const [name, read] of Object.entries(textFilters)) {
    for (const lookup of ["icontains", "istartswith", "iendswith", "iexact"]) {
      const value = context.query.get(`${name}__${lookup}`)?.toLowerCase()
      if (value === undefined) continue
      predicates.push((document) => {
        const text = read(document).toLowerCase()
        if (lookup === "icontains") return text.includes(value)
        if (lookup === "istartswith") return text.startsWith(value)
        if (lookup === "iendswith") return text.endsWith(value)
        return text === value
      })
    }
  }
  const titleContent = context.query.get("title_content")?.toLowerCase()
  if (titleContent !== undefined) {
    predicates.push(
      (document) =>
        document.title.toLowerCase().includes(titleContent) ||
        document.content.toLowerCase().includes(titleContent),
    )
  }
  const checksum = context.query.get("checksum__iexact") ?? context.query.get("checksum")
  if (checksum !== null) {
    const wanted = checksum.toLowerCase()
    predicates.push((document) => context.store.checksumOf(document.original) === wanted)
  }
  const asn = numberParam(context, "archive_serial_number")
  if (asn !== undefined) predicates.push((document) => document.asn === asn)
  for (const op of ["gt", "gte", "lt", "lte"]) {
    const bound = numberParam(context, `archive_serial_number__${op}`)
    if (bound !== undefined)
      predicates.push((document) => document.asn !== null && compare(op, document.asn, bound))
  }
  const asnNull = booleanParam(context, "archive_serial_number__isnull")
  if (asnNull !== undefined) predicates.push((document) => (document.asn === null) === asnNull)
  const hasCustomFields = booleanParam(context, "has_custom_fields")
  if (hasCustomFields !== undefined)
    predicates.push((document) => document.customFields.length > 0 === hasCustomFields)
  const mime = context.query.get("mime_type")
  if (mime !== null) predicates.push((document) => document.original.mimeType === mime)
}

export const documentPredicates = (context: Context): Array<Predicate> => {
  const predicates: Array<Predicate> = []
  scalarPredicates(context, predicates)
  relationPredicates(context, predicates)
  tagPredicates(context, predicates)
  dateTimeFilters(context, predicates)
  const customFieldQuery = context.query.get("custom_field_query")
  if (customFieldQuery !== null) predicates.push(parseCustomFieldQuery(context.store, customFieldQuery))
  return predicates
}

// ---- custom_field_query -------------------------------------------------------------------------

const operatorsByType: Record<string, ReadonlyArray<string>> = {
  string: ["exact", "in", "isnull", "exists", "icontains", "istartswith", "iendswith"],
  url: ["exact", "in", "isnull", "exists", "icontains", "istartswith", "iendswith"],
  longtext: ["exact", "in", "isnull", "exists", "icontains", "istartswith", "iendswith"],
  date: ["exact", "in", "isnull", "exists", "gt", "gte", "lt", "lte", "range"],
  integer: ["exact", "in", "isnull", "exists", "gt", "gte", "lt", "lte", "range"],
  float: ["exact", "in", "isnull", "exists", "gt", "gte", "lt", "lte", "range"],
  monetary: ["exact", "in", "isnull", "exists", "icontains", "gt", "gte", "lt", "lte", "range"],
  boolean: ["exact", "isnull", "exists"],
  select: ["exact", "in", "isnull", "exists"],
  documentlink: ["contains", "isnull", "exists"],
}

type ErrorTree = Array<string> | { [key: string]: ErrorTree }

class QueryError {
  constructor(readonly tree: ErrorTree) {}
}

const at = (index: number, tree: ErrorTree): ErrorTree => ({ [String(index)]: tree })

const monetaryAmount = (value: unknown) => Number(String(value).replace(/^[A-Z]{3}/, ""))

const atomPredicate = (
  store: PaperlessStore,
  field: CustomFieldRecord,
  op: string,
  operand: unknown,
): Predicate => {
  const storedValue = (document: DocumentRecord) => {
    const instance = document.customFields.find((candidate) => candidate.field === field.id)
    return instance === undefined ? undefined : readValue(store.customFields.get(field.id), instance.values)
  }
  const comparable = (value: unknown) =>
    field.dataType === "monetary" ? monetaryAmount(value) : (value as number | string)
  return (document) => {
    const value = storedValue(document)
    switch (op) {
      case "exists":
        return (value !== undefined) === (operand === true || operand === "true")
      case "isnull":
        return (value === null) === (operand === true || operand === "true")
      case "exact":
        return value !== undefined && value !== null && value === operand
      case "in":
        return Array.isArray(operand) && operand.includes(value)
      case "icontains":
      case "istartswith":
      case "iendswith": {
        if (typeof value !== "string") return false
        const text = value.toLowerCase()
        const needle = String(operand).toLowerCase()
        return op === "icontains"
          ? text.includes(needle)
          : op === "istartswith"
            ? text.startsWith(needle)
            : text.endsWith(needle)
      }
      case "contains":
        return Array.isArray(value) && Array.isArray(operand) && operand.every((id) => value.includes(id))
      case "range":
        return (
          value !== undefined &&
          value !== null &&
          Array.isArray(operand) &&
          comparable(value) >= comparable(operand[0]) &&
          comparable(value) <= comparable(operand[1])
        )
      default:
        return (
          value !== undefined &&
          value !== null &&
          compare(op, comparable(value), comparable(operand as number))
        )
    }
  }
}

const buildQuery = (store: PaperlessStore, expression: unknown, depth: number): Predicate => {
  if (depth > 10) throw new QueryError(["Maximum nesting depth exceeded."])
  if (!Array.isArray(expression)) throw new QueryError(["Invalid custom field query expression"])
  const [head, second, third] = expression as Array<unknown>
  if (typeof head === "string" && ["AND", "OR"].includes(head.toUpperCase()) && expression.length === 2) {
    if (!Array.isArray(second) || second.length === 0)
      throw new QueryError(at(1, ["Invalid custom field query expression"]))
    const parts = second.map((inner, index) => {
      try {
        return buildQuery(store, inner, depth + 1)
      } catch (error) {
        throw error instanceof QueryError ? new QueryError(at(1, at(index, error.tree))) : error
      }
    })
    return head.toUpperCase() === "AND"
      ? (document) => parts.every((part) => part(document))
      : (document) => parts.some((part) => part(document))
  }
  if (typeof head === "string" && head.toUpperCase() === "NOT" && expression.length === 2) {
    const inner = buildQuery(store, second, depth + 1)
    return (document) => !inner(document)
  }
  if (expression.length !== 3) throw new QueryError(["Invalid custom field query expression"])
  const field =
    typeof head === "number"
      ? store.customFields.get(head)
      : [...store.customFields.values()].find((candidate) => candidate.name === head)
  if (!field)
    throw new QueryError(
      at(0, [`${typeof head === "number" ? head : `'${String(head)}'`} is not a valid custom field.`]),
    )
  const op = String(second)
  if (!(operatorsByType[field.dataType] ?? []).includes(op)) {
    throw new QueryError(at(1, [`${field.dataType} does not support query expr '${op}'.`]))
  }
  return atomPredicate(store, field, op, third)
}

const parseCustomFieldQuery = (store: PaperlessStore, raw: string): Predicate => {
  let expression: unknown
  try {
    expression = JSON.parse(raw)
  } catch {
    return fail(400, { custom_field_query: ["Value must be valid JSON."] })
  }
  try {
    return buildQuery(store, expression, 0)
  } catch (error) {
    if (error instanceof QueryError) return fail(400, { custom_field_query: error.tree })
    throw error
  }
}

// ---- ordering -----------------------------------------------------------------------------------

type SortKey = (document: DocumentRecord) => number | string

const sortKeys = (store: PaperlessStore): Record<string, SortKey> => {
  const nameOf = (kind: "correspondents" | "document_types" | "storage_paths", id: number | null) =>
    (store.objects[kind].get(id ?? -1)?.name ?? "").toLowerCase()
  return {
    id: (document) => document.id,
    title: (document) => document.title,
    created: (document) => document.created,
    modified: (document) => document.modified,
    added: (document) => document.added,
    archive_serial_number: (document) => document.asn ?? -1,
    page_count: (document) => document.pageCount ?? -1,
    num_notes: (document) => document.notes.length,
    mime_type: (document) => document.original.mimeType,
    owner: (document) => document.owner ?? -1,
    correspondent__name: (document) => nameOf("correspondents", document.correspondent),
    document_type__name: (document) => nameOf("document_types", document.documentType),
    storage_path__name: (document) => nameOf("storage_paths", document.storagePath),
  }
}

/** `ordering=a,-b`; unknown fields are silently ignored (`documents.list.ordering-unknown-field.json`). */
export const orderDocuments = (context: Context, documents: Array<DocumentRecord>, fallback: string) => {
  const keys = sortKeys(context.store)
  const requested = (context.query.get("ordering") ?? "")
    .split(",")
    .map((part) => part.trim())
    .filter((part) => keys[part.replace(/^-/, "")] !== undefined)
  const ordering = [...(requested.length > 0 ? requested : fallback.split(",")), "-id"]
  return documents.sort((a, b) => {
    for (const part of ordering) {
      const key = keys[part.replace(/^-/, "")]
      if (!key) continue
      const left = key(a)
      const right = key(b)
      if (left === right) continue
      const order = left < right ? -1 : 1
      return part.startsWith("-") ? -order : order
    }
    return 0
  })
}
