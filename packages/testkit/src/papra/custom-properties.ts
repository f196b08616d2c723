import {
  documentNotFound,
  internalError,
  propertyAlreadyExists,
  propertyInvalidUpdate,
  propertyLimitReached,
  propertyNotFound,
  propertyRelatedDocumentNotFound,
  propertyUserNotFound,
  propertyValueInvalid,
  selectOptionNotFound,
  selectOptionUnknownId,
} from "./errors.js"
import { json, keyWith, noContent, type Route, type RouteContext, route } from "./router.js"
import {
  PAPRA_PROPERTY_TYPES,
  type PapraPropertyType,
  type PapraStore,
  type PropertyDefinitionRecord,
  propertyKey,
  type SelectOptionRecord,
  type StoredValue,
} from "./store.js"
import {
  Issues,
  isRecord,
  jsonBody,
  missingKey,
  objectAtRoot,
  picklistField,
  received,
  stringField,
} from "./validation.js"

// apps/papra-server/src/modules/custom-properties/custom-properties.config.ts default.
const MAX_PROPERTIES_PER_ORGANIZATION = 100
const OPTION_ID = /^cpso_[a-z0-9]{24}$/
const hasOptions = (type: PapraPropertyType) => type === "select" || type === "multi_select"

export const formatDefinition = (definition: PropertyDefinitionRecord) => ({
  id: definition.id,
  createdAt: definition.createdAt.toISOString(),
  updatedAt: definition.updatedAt.toISOString(),
  organizationId: definition.organizationId,
  name: definition.name,
  key: definition.key,
  description: definition.description,
  type: definition.type,
  config: null,
  displayOrder: definition.displayOrder,
})

const formatOption = (option: SelectOptionRecord) => ({
  id: option.id,
  createdAt: option.createdAt.toISOString(),
  updatedAt: option.updatedAt.toISOString(),
  propertyDefinitionId: option.propertyDefinitionId,
  name: option.name,
  key: option.key,
  displayOrder: option.displayOrder,
})

// Create and update answers carry no options; get and list do (papra-server-behaviour.md).
const formatDefinitionWithOptions = (definition: PropertyDefinitionRecord) => ({
  ...formatDefinition(definition),
  options: [...definition.options].sort((a, b) => a.displayOrder - b.displayOrder).map(formatOption),
})

/** A stored value in its API shape: relation values are arrays, dates ISO timestamps. */
export const renderValue = (
  store: PapraStore,
  definition: PropertyDefinitionRecord,
  rows: StoredValue,
): unknown => {
  const option = (id: unknown) => definition.options.find((candidate) => candidate.id === id)
  switch (definition.type) {
    case "date":
      return rows[0] instanceof Date ? rows[0].toISOString() : null
    case "select": {
      const selected = option(rows[0])
      return selected === undefined ? null : { optionId: selected.id, name: selected.name }
    }
    case "multi_select":
      return rows.flatMap((id) => {
        const selected = option(id)
        return selected === undefined ? [] : [{ optionId: selected.id, name: selected.name }]
      })
    case "user_relation":
      return rows.flatMap((id) => {
        const user = store.users.get(String(id))
        return user === undefined ? [] : [{ userId: user.id, name: user.name, email: user.email }]
      })
    case "document_relation":
      return rows.flatMap((id) => {
        const document = store.documents.get(String(id))
        return document === undefined ? [] : [{ documentId: document.id, name: document.name }]
      })
    default:
      return rows[0] ?? null
  }
}

/** The array embedded in a document: every definition of the organization, null when unset. */
export const embeddedProperties = (store: PapraStore, organizationId: string, documentId: string) => {
  const values = store.values.get(documentId)
  return store.definitionsOf(organizationId).map((definition) => {
    const rows = values?.get(definition.id) ?? []
    return {
      key: definition.key,
      name: definition.name,
      type: definition.type,
      displayOrder: definition.displayOrder,
      value: rows.length === 0 ? null : renderValue(store, definition, rows),
    }
  })
}

const syncOptions = (
  store: PapraStore,
  definition: PropertyDefinitionRecord,
  options: ReadonlyArray<{ readonly id?: string; readonly name: string }>,
) => {
  const known = new Set(definition.options.map((option) => option.id))
  if (options.some((option) => option.id !== undefined && !known.has(option.id)))
    throw selectOptionUnknownId()
  const kept = new Set(options.flatMap((option) => (option.id === undefined ? [] : [option.id])))
  const now = store.now()
  const next = options.map((option, displayOrder): SelectOptionRecord => {
    const existing = definition.options.find((candidate) => candidate.id === option.id)
    return {
      id: existing?.id ?? store.id("cpso"),
      createdAt: existing?.createdAt ?? now,
      updatedAt: existing?.updatedAt ?? now,
      propertyDefinitionId: definition.id,
      name: option.name,
      key: propertyKey(option.name),
      displayOrder,
    }
  })
  // Dropped options take their document values with them (foreign keys cascade).
  for (const values of store.values.values()) {
    const rows = values.get(definition.id)
    if (rows !== undefined)
      values.set(
        definition.id,
        rows.filter((id) => typeof id !== "string" || kept.has(id)),
      )
  }
  definition.options = next
}

export interface DefinitionInput {
  readonly name: string
  readonly type: PapraPropertyType
  readonly description?: string | null
  readonly displayOrder?: number
  readonly options?: ReadonlyArray<string>
}

/** Creates a definition the way POST /custom-properties does; shared with seeding. */
export const createDefinition = (
  store: PapraStore,
  organizationId: string,
  input: DefinitionInput,
): PropertyDefinitionRecord => {
  const existing = store.definitionsOf(organizationId)
  if (existing.length >= MAX_PROPERTIES_PER_ORGANIZATION) throw propertyLimitReached()
  const key = propertyKey(input.name)
  if (existing.some((definition) => definition.key === key || definition.name === input.name)) {
    throw propertyAlreadyExists()
  }
  const now = store.now()
  const definition: PropertyDefinitionRecord = {
    id: store.id("cpd"),
    createdAt: now,
    updatedAt: now,
    organizationId,
    name: input.name,
    key,
    description: input.description ?? null,
    type: input.type,
    displayOrder: input.displayOrder ?? 0,
    options: [],
  }
  store.definitions.set(definition.id, definition)
  if (hasOptions(input.type))
    syncOptions(
      store,
      definition,
      (input.options ?? []).map((name) => ({ name })),
    )
  return definition
}

const displayOrderField = (issues: Issues, value: unknown): number | undefined => {
  if (typeof value !== "number") {
    return void issues.add("displayOrder", `Invalid type: Expected number but received ${received(value)}`)
  }
  if (!Number.isInteger(value)) return void issues.add("displayOrder", `Invalid integer: Received ${value}`)
  if (value < 0) return void issues.add("displayOrder", `Invalid value: Expected >=0 but received ${value}`)
  return value
}

const optionField = (issues: Issues, path: string, item: unknown, allowIds: boolean) => {
  if (!isRecord(item))
    return void issues.add(path, `Invalid type: Expected Object but received ${received(item)}`)
  if (!("name" in item)) return void missingKey(issues, `${path}.name`)
  const name = stringField(issues, `${path}.name`, item.name, { trim: true, min: 1, max: 255 })
  const id = allowIds && typeof item.id === "string" && OPTION_ID.test(item.id) ? item.id : undefined
  if (allowIds && item.id !== undefined && id === undefined) {
    issues.add(`${path}.id`, `Invalid format: Expected ${OPTION_ID} but received ${received(item.id)}`)
  }
  if (name === undefined) return undefined
  return id === undefined ? { name } : { id, name }
}

const optionsField = (issues: Issues, value: unknown, allowIds: boolean) => {
  if (!Array.isArray(value)) {
    return void issues.add("options", `Invalid type: Expected Array but received ${received(value)}`)
  }
  const options: Array<{ id?: string; name: string }> = []
  for (const [index, item] of value.entries()) {
    const option = optionField(issues, `options.${index}`, item, allowIds)
    if (option !== undefined) options.push(option)
  }
  if (value.length === 0) issues.add("options", "At least one option must be provided")
  return options
}

const createBody = (body: unknown): DefinitionInput => {
  const issues = new Issues()
  const input = objectAtRoot(issues, body)
  if (input === undefined) throw issues.failure("body")
  const type = picklistField(issues, "type", input.type, PAPRA_PROPERTY_TYPES)
  if (type === undefined) throw issues.failure("body")
  const name =
    "name" in input ? stringField(issues, "name", input.name, { trim: true, min: 1, max: 255 }) : undefined
  if (!("name" in input)) missingKey(issues, "name")
  const description =
    input.description === undefined
      ? undefined
      : stringField(issues, "description", input.description, { trim: true, max: 1000 })
  const displayOrder =
    input.displayOrder === undefined ? undefined : displayOrderField(issues, input.displayOrder)
  let options: Array<{ name: string }> | undefined
  if (hasOptions(type)) {
    if ("options" in input) options = optionsField(issues, input.options, false)
    else missingKey(issues, "options")
  }
  if (!issues.ok || name === undefined) throw issues.failure("body")
  return {
    name,
    type,
    ...(description === undefined ? {} : { description }),
    ...(displayOrder === undefined ? {} : { displayOrder }),
    ...(options === undefined ? {} : { options: options.map((option) => option.name) }),
  }
}

const definitionFor = ({ store, userId, params }: RouteContext) => {
  const organizationId = params.organizationId ?? ""
  store.requireMembership(userId, organizationId)
  const definition = store.definitionIn(organizationId, params.propertyDefinitionId ?? "")
  return { organizationId, definition }
}

const updateDefinition = (context: RouteContext) => {
  let raw: unknown
  try {
    raw = JSON.parse(context.request.body.toString("utf8"))
  } catch {
    // The route reads the body itself (`context.req.json()`), so bad JSON is Papra's generic 500.
    throw internalError()
  }
  const { organizationId, definition } = definitionFor(context)
  if (definition === undefined) throw propertyNotFound()
  // The update schema drops unknown keys and reports any problem as one generic 400.
  const issues = new Issues()
  if (!isRecord(raw)) throw propertyInvalidUpdate()
  const name =
    raw.name === undefined
      ? undefined
      : stringField(issues, "name", raw.name, { trim: true, min: 1, max: 255 })
  const description =
    raw.description === undefined || raw.description === null
      ? raw.description
      : stringField(issues, "description", raw.description, { trim: true, max: 1000 })
  const displayOrder =
    raw.displayOrder === undefined ? undefined : displayOrderField(issues, raw.displayOrder)
  const options =
    hasOptions(definition.type) && raw.options !== undefined
      ? optionsField(issues, raw.options, true)
      : undefined
  if (!issues.ok) throw propertyInvalidUpdate()
  // Only options (or only ignored keys such as `type`) leaves drizzle with "No values to set": a
  // 500 on the real server (custom-properties.update.select-options.json, .change-type.json).
  if (name === undefined && description === undefined && displayOrder === undefined) throw internalError()
  if (name !== undefined) {
    const key = propertyKey(name)
    const clash = context.store
      .definitionsOf(organizationId)
      .some((other) => other.id !== definition.id && (other.key === key || other.name === name))
    if (clash) throw propertyAlreadyExists()
    definition.name = name
    definition.key = key
  }
  if (description !== undefined) definition.description = description
  if (displayOrder !== undefined) definition.displayOrder = displayOrder
  if (options !== undefined) syncOptions(context.store, definition, options)
  return json({ propertyDefinition: formatDefinition(definition) })
}

const anyArrayOfStrings = (value: unknown): value is Array<string> =>
  Array.isArray(value) && value.every((item) => typeof item === "string")

/** Papra's per-type value schemas and their extra checks; the rows to store on success. */
export const parseValue = (
  store: PapraStore,
  definition: PropertyDefinitionRecord,
  value: unknown,
): StoredValue => {
  const optionExists = (id: string) => definition.options.some((option) => option.id === id)
  switch (definition.type) {
    case "text":
      if (typeof value !== "string" || value.length > 10_000) throw propertyValueInvalid()
      return [value]
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value)) throw propertyValueInvalid()
      return [value]
    case "boolean":
      if (typeof value !== "boolean") throw propertyValueInvalid()
      return [value]
    case "date": {
      const date = typeof value === "string" || typeof value === "number" ? new Date(value) : undefined
      if (date === undefined || Number.isNaN(date.getTime())) throw propertyValueInvalid()
      return [date]
    }
    case "select":
      if (typeof value !== "string" || !OPTION_ID.test(value)) throw propertyValueInvalid()
      if (!optionExists(value)) throw selectOptionNotFound()
      return [value]
    case "multi_select":
      if (!anyArrayOfStrings(value) || !value.every((id) => OPTION_ID.test(id))) throw propertyValueInvalid()
      if (!value.every(optionExists)) throw selectOptionNotFound()
      return [...value]
    case "user_relation": {
      if (!anyArrayOfStrings(value)) throw propertyValueInvalid()
      const members = store.organizations.get(definition.organizationId)?.memberIds ?? new Set()
      if (!value.every((id) => members.has(id))) throw propertyUserNotFound()
      return [...value]
    }
    case "document_relation":
      if (!anyArrayOfStrings(value)) throw propertyValueInvalid()
      if (!value.every((id) => store.documentIn(definition.organizationId, id) !== undefined)) {
        throw propertyRelatedDocumentNotFound()
      }
      return [...value]
  }
}

const documentValueTarget = (context: RouteContext) => {
  const organizationId = context.params.organizationId ?? ""
  context.store.requireMembership(context.userId, organizationId)
  const document = context.store.documentIn(organizationId, context.params.documentId ?? "")
  if (document === undefined) throw documentNotFound()
  const definition = context.store.definitionIn(organizationId, context.params.propertyDefinitionId ?? "")
  return { document, definition }
}

const valueBody = (body: unknown): unknown => {
  const issues = new Issues()
  const input = objectAtRoot(issues, body)
  if (input !== undefined) {
    if (!("value" in input)) missingKey(issues, "value")
    for (const key of Object.keys(input)) {
      if (key !== "value") issues.add(key, `Invalid key: Expected never but received "${key}"`)
    }
  }
  if (!issues.ok || input === undefined) throw issues.failure("body")
  return input.value
}

const base = "/api/organizations/:organizationId/custom-properties"
const perDocument = "/api/organizations/:organizationId/documents/:documentId/custom-properties"

export const customPropertyRoutes: ReadonlyArray<Route> = [
  route("POST", base, keyWith("custom-properties:create"), ({ store, userId, params, request }) => {
    const input = createBody(jsonBody(request.headers["content-type"], request.body))
    const organizationId = params.organizationId ?? ""
    store.requireMembership(userId, organizationId)
    return json({ propertyDefinition: formatDefinition(createDefinition(store, organizationId, input)) })
  }),
  route("GET", base, keyWith("custom-properties:read"), ({ store, userId, params }) => {
    const organizationId = params.organizationId ?? ""
    store.requireMembership(userId, organizationId)
    return json({ propertyDefinitions: store.definitionsOf(organizationId).map(formatDefinitionWithOptions) })
  }),
  route("GET", `${base}/:propertyDefinitionId`, keyWith("custom-properties:read"), (context) => {
    const { definition } = definitionFor(context)
    if (definition === undefined) throw propertyNotFound()
    // `definition`, not `propertyDefinition` as create and update say (custom-properties.get.json).
    return json({ definition: formatDefinitionWithOptions(definition) })
  }),
  route("PUT", `${base}/:propertyDefinitionId`, keyWith("custom-properties:update"), updateDefinition),
  route("DELETE", `${base}/:propertyDefinitionId`, keyWith("custom-properties:delete"), (context) => {
    const { definition } = definitionFor(context)
    if (definition === undefined) throw propertyNotFound()
    context.store.definitions.delete(definition.id)
    for (const values of context.store.values.values()) values.delete(definition.id)
    return noContent()
  }),
  route(
    "PUT",
    `${perDocument}/:propertyDefinitionId`,
    keyWith("documents:update", "custom-properties:read"),
    (context) => {
      const value = valueBody(jsonBody(context.request.headers["content-type"], context.request.body))
      const { document, definition } = documentValueTarget(context)
      if (definition === undefined) throw propertyNotFound()
      // Value changes leave no activity entry (papra-server-behaviour.md).
      context.store.valuesOf(document.id).set(definition.id, parseValue(context.store, definition, value))
      return noContent()
    },
  ),
  route(
    "DELETE",
    `${perDocument}/:propertyDefinitionId`,
    keyWith("documents:update", "custom-properties:read"),
    (context) => {
      const { document, definition } = documentValueTarget(context)
      if (definition === undefined) throw propertyNotFound()
      context.store.valuesOf(document.id).delete(definition.id)
      return noContent()
    },
  ),
  route(
    "GET",
    perDocument,
    keyWith("documents:read", "custom-properties:read"),
    ({ store, userId, params }) => {
      const organizationId = params.organizationId ?? ""
      store.requireMembership(userId, organizationId)
      const document = store.documentIn(organizationId, params.documentId ?? "")
      if (document === undefined) throw documentNotFound()
      const values = store.values.get(document.id) ?? new Map<string, StoredValue>()
      // Only the values that are set, with their definition id, in the database's id order
      // (documents.custom-properties.list.json).
      const customProperties = [...values.entries()]
        .filter(([, rows]) => rows.length > 0)
        .flatMap(([definitionId, rows]) => {
          const definition = store.definitions.get(definitionId)
          return definition === undefined ? [] : [{ definition, rows }]
        })
        .sort((a, b) => (a.definition.id < b.definition.id ? -1 : 1))
        .map(({ definition, rows }) => ({
          propertyDefinitionId: definition.id,
          key: definition.key,
          name: definition.name,
          type: definition.type,
          value: renderValue(store, definition, rows),
        }))
      return json({ customProperties })
    },
  ),
]
