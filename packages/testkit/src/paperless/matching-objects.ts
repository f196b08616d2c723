import type { SimResponse } from "../http-server.js"
import { paginatedResponse } from "./pagination.js"
import {
  actionOf,
  canChange,
  canView,
  mergePermissions,
  parseOwner,
  parseSetPermissions,
  renderPermissions,
  requirePermission,
} from "./permissions.js"
import {
  bodyFields,
  type Context,
  fail,
  failValidation,
  invalidPk,
  json,
  methodNotAllowed,
  notFound,
  parseBoolean,
  parsePk,
} from "./responses.js"
import { type MatchingKind, type MatchingObject, noPermissions } from "./store.js"
import { descendantsOf, legacyPalette, textColorOf } from "./tags.js"

/**
 * Tags, correspondents, document types and storage paths: the four "matching models" that share
 * one serializer shape and one set of quirks (case-sensitive per-owner unique names with the odd
 * `{"error": …}` create body, `document_count` missing from create responses).
 */

const modelName: Record<MatchingKind, string> = {
  tags: "Tag",
  correspondents: "Correspondent",
  document_types: "DocumentType",
  storage_paths: "StoragePath",
}

const codename: Record<MatchingKind, string> = {
  tags: "tag",
  correspondents: "correspondent",
  document_types: "documenttype",
  storage_paths: "storagepath",
}

/** Django's `slugify`: ASCII-folded, lower case, non-word characters dropped, runs of space/dash → `-`. */
export const slugify = (name: string): string =>
  name
    .normalize("NFKD")
    .replace(/[^\p{ASCII}]/gu, "")
    .toLowerCase()
    .replace(/[^\w\s-]/g, "")
    .trim()
    .replace(/[-\s]+/g, "-")
    .replace(/^[-_]+|[-_]+$/g, "")

const documentField: Record<MatchingKind, "correspondent" | "documentType" | "storagePath" | "tags"> = {
  tags: "tags",
  correspondents: "correspondent",
  document_types: "documentType",
  storage_paths: "storagePath",
}

const documentCount = (context: Context, object: MatchingObject) => {
  const field = documentField[object.kind]
  return context.store
    .liveDocuments()
    .filter((document) => canView(context.user, document.owner, document.permissions))
    .filter((document) =>
      field === "tags" ? document.tags.includes(object.id) : document[field] === object.id,
    ).length
}

export interface RenderOptions {
  readonly withCount: boolean
  readonly fullPerms: boolean
}

export const renderMatchingObject = (
  context: Context,
  object: MatchingObject,
  options: RenderOptions,
): Record<string, unknown> => {
  const access = options.fullPerms
    ? { permissions: renderPermissions(object.permissions) }
    : { user_can_change: canChange(context.user, object.owner, object.permissions) }
  const count = options.withCount ? { document_count: documentCount(context, object) } : {}
  const base = { id: object.id, slug: slugify(object.name), name: object.name }
  const matching = {
    match: object.match,
    matching_algorithm: object.matchingAlgorithm,
    is_insensitive: object.isInsensitive,
  }
  switch (object.kind) {
    case "tags": {
      if (context.store.generation === "2.20" && context.version === 1) {
        const colour = legacyPalette.indexOf(object.color) + 1
        return {
          ...base,
          colour: colour > 0 ? colour : 1,
          ...matching,
          is_inbox_tag: object.isInboxTag,
          ...count,
          owner: object.owner,
          ...access,
        }
      }
      const children = [...context.store.objects.tags.values()]
        .filter((tag) => tag.parent === object.id)
        .sort(byName)
        .map((child) => renderMatchingObject(context, child, options))
      return {
        ...base,
        color: object.color,
        text_color: textColorOf(object.color),
        ...matching,
        is_inbox_tag: object.isInboxTag,
        ...count,
        owner: object.owner,
        ...access,
        parent: object.parent,
        children,
      }
    }
    case "storage_paths":
      return { ...base, path: object.path, ...matching, ...count, owner: object.owner, ...access }
    default:
      return { ...base, ...matching, ...count, owner: object.owner, ...access }
  }
}

const byName = (a: MatchingObject, b: MatchingObject) => {
  const left = a.name.toLowerCase()
  const right = b.name.toLowerCase()
  return left < right ? -1 : left > right ? 1 : a.id - b.id
}

const orderObjects = (context: Context, objects: Array<MatchingObject>) => {
  const ordering = context.query.get("ordering") ?? "name"
  const descending = ordering.startsWith("-")
  const key = ordering.replace(/^-/, "")
  const compare =
    key === "id"
      ? (a: MatchingObject, b: MatchingObject) => a.id - b.id
      : key === "document_count"
        ? (a: MatchingObject, b: MatchingObject) => documentCount(context, a) - documentCount(context, b)
        : byName
  objects.sort(compare)
  if (descending) objects.reverse()
  return objects
}

const filterObjects = (context: Context, objects: Array<MatchingObject>) => {
  const query = context.query
  const text = (name: string) => query.get(name)?.toLowerCase()
  const icontains = text("name__icontains")
  const iexact = text("name__iexact")
  const istartswith = text("name__istartswith")
  const iendswith = text("name__iendswith")
  const ids = query.get("id__in")
  const id = query.get("id")
  const parsedIds = ids?.split(",").map((part) => Number(part.trim())) ?? []
  if (parsedIds.some((value) => !Number.isInteger(value))) fail(400, { id__in: ["Enter a number."] })
  if (id !== null && !/^\d+$/.test(id)) fail(400, { id: ["Enter a number."] })
  return objects.filter(
    (object) =>
      (icontains === undefined || object.name.toLowerCase().includes(icontains)) &&
      (iexact === undefined || object.name.toLowerCase() === iexact) &&
      (istartswith === undefined || object.name.toLowerCase().startsWith(istartswith)) &&
      (iendswith === undefined || object.name.toLowerCase().endsWith(iendswith)) &&
      (ids === null || parsedIds.includes(object.id)) &&
      (id === null || object.id === Number(id)),
  )
}

const renderOptions = (context: Context, withCount: boolean): RenderOptions => ({
  withCount,
  fullPerms: parseBoolean(context.query.get("full_perms") ?? "false") === true,
})

export const listMatchingObjects = (context: Context, kind: MatchingKind): SimResponse => {
  requirePermission(context, `view_${codename[kind]}`)
  const visible = [...context.store.objects[kind].values()].filter((object) =>
    canView(context.user, object.owner, object.permissions),
  )
  const ordered = orderObjects(context, filterObjects(context, visible))
  const options = renderOptions(context, true)
  // 3.0 adds `display_count` to tag lists (`tags.list.json`); 2.20 does not.
  const extra = kind === "tags" && context.store.generation === "3.0" ? { display_count: ordered.length } : {}
  return paginatedResponse(
    context,
    ordered,
    (object) => renderMatchingObject(context, object, options),
    extra,
  )
}

const findObject = (context: Context, kind: MatchingKind, rawId: string): MatchingObject => {
  const object = /^\d+$/.test(rawId) ? context.store.objects[kind].get(Number(rawId)) : undefined
  if (!/^\d+$/.test(rawId)) return fail(404, { detail: "Not found." })
  if (!object || !canView(context.user, object.owner, object.permissions)) return notFound(modelName[kind])
  return object
}

/** Paperless converts the legacy `{created_year}` placeholders to Jinja `{{ created_year }}` on save. */
const convertLegacyPath = (path: string) => path.replace(/(?<!\{)\{(\w+)\}(?!\})/g, "{{ $1 }}")

const validTemplate = (path: string) => {
  const stripped = path
    .replace(/\{\{\s*[\w.|" ',()-]+\s*\}\}/g, "")
    .replace(/\{%\s*(\w+)([^%]*)%\}/g, (_, tag: string, rest: string) =>
      ["if", "elif", "for"].includes(tag) && rest.trim() === "" ? "{" : "",
    )
  return !/[{}]/.test(stripped)
}

const validRegex = (pattern: string) => {
  try {
    new RegExp(pattern)
    return true
  } catch {
    return false
  }
}

interface ObjectInput {
  readonly fields: Record<string, unknown>
  readonly existing: MatchingObject | undefined
  readonly partial: boolean
}

const stringField = (
  errors: Record<string, Array<string>>,
  name: string,
  value: unknown,
  maxLength: number,
) => {
  if (value === null) {
    errors[name] = ["This field may not be null."]
    return undefined
  }
  if (typeof value !== "string" && typeof value !== "number") {
    errors[name] = ["Not a valid string."]
    return undefined
  }
  const text = String(value)
  if (text.length > maxLength) {
    errors[name] = [`Ensure this field has no more than ${maxLength} characters.`]
    return undefined
  }
  return text
}

/** Validates a create/update body and applies it to a draft; DRF's error map on failure. */
const applyObjectInput = (
  context: Context,
  kind: MatchingKind,
  draft: MatchingObject,
  input: ObjectInput,
) => {
  const { fields, partial } = input
  const errors: Record<string, Array<string>> = {}
  const has = (name: string) => Object.hasOwn(fields, name)
  if (has("name")) {
    const name = stringField(errors, "name", fields.name, 128)
    if (name !== undefined && name.trim() === "") errors.name = ["This field may not be blank."]
    else if (name !== undefined) draft.name = name.trim()
  } else if (!partial) errors.name = ["This field is required."]
  if (has("match")) {
    const match = stringField(errors, "match", fields.match, 256)
    if (match !== undefined) draft.match = match
  }
  if (has("matching_algorithm")) {
    const algorithm = parsePk(fields.matching_algorithm)
    if (typeof algorithm !== "number" || algorithm < 0 || algorithm > 6) {
      errors.matching_algorithm = [`"${String(fields.matching_algorithm)}" is not a valid choice.`]
    } else draft.matchingAlgorithm = algorithm
  }
  if (has("is_insensitive")) draft.isInsensitive = parseBoolean(fields.is_insensitive) ?? draft.isInsensitive
  if (draft.matchingAlgorithm === 4 && !validRegex(draft.match)) {
    errors.match = ["Invalid regular expression, see log for details."]
  }
  if (kind === "tags") applyTagInput(context, draft, fields, errors)
  if (kind === "storage_paths") {
    if (has("path")) {
      const path = stringField(errors, "path", fields.path, 2048)
      if (path !== undefined) {
        const converted = convertLegacyPath(path)
        if (validTemplate(converted)) draft.path = converted
        else errors.path = ["Invalid variable detected."]
      }
    } else if (!partial) errors.path = ["This field is required."]
  }
  if (has("owner")) {
    try {
      draft.owner = parseOwner(context, fields.owner)
    } catch {
      errors.owner = [invalidPk(fields.owner)]
    }
  } else if (!partial && input.existing !== undefined) {
    // PUT without `owner` clears it (`tags.put.json`).
    draft.owner = null
  }
  if (has("set_permissions")) draft.permissions = parseSetPermissions(context, fields.set_permissions)
  if (Object.keys(errors).length > 0) failValidation(errors)
}

const applyTagInput = (
  context: Context,
  draft: MatchingObject,
  fields: Record<string, unknown>,
  errors: Record<string, Array<string>>,
) => {
  if (Object.hasOwn(fields, "color")) {
    if (typeof fields.color === "string" && /^#[0-9a-fA-F]{6}$/.test(fields.color))
      draft.color = fields.color.toLowerCase()
    else errors.color = ["Invalid color."]
  }
  if (Object.hasOwn(fields, "colour")) {
    const index = parsePk(fields.colour)
    const color = typeof index === "number" ? legacyPalette[index - 1] : undefined
    if (color !== undefined) draft.color = color
  }
  if (Object.hasOwn(fields, "is_inbox_tag"))
    draft.isInboxTag = parseBoolean(fields.is_inbox_tag) ?? draft.isInboxTag
  if (Object.hasOwn(fields, "parent")) {
    if (fields.parent === null) draft.parent = null
    else {
      const parent = parsePk(fields.parent)
      if (typeof parent !== "number") errors.parent = [parent.error]
      else if (!context.store.objects.tags.has(parent)) errors.parent = [invalidPk(fields.parent)]
      else if (parent === draft.id) errors.parent = ["Cannot set itself as parent."]
      else if (descendantsOf(context.store, draft.id).includes(parent)) {
        errors.parent = ["Cannot set parent to a descendant."]
      } else draft.parent = parent
    }
  }
}

const nameClash = (context: Context, kind: MatchingKind, candidate: MatchingObject) =>
  [...context.store.objects[kind].values()].some(
    (other) => other.id !== candidate.id && other.name === candidate.name && other.owner === candidate.owner,
  )

export const blankObject = (
  kind: MatchingKind,
  id: number,
  name: string,
  owner: number | null,
): MatchingObject => ({
  id,
  kind,
  name,
  match: "",
  matchingAlgorithm: 1,
  isInsensitive: true,
  owner,
  permissions: noPermissions(),
  color: "#a6cee3",
  isInboxTag: false,
  parent: null,
  path: "",
})

export const createMatchingObject = async (context: Context, kind: MatchingKind): Promise<SimResponse> => {
  requirePermission(context, `add_${codename[kind]}`)
  const fields = await bodyFields(context)
  const draft = blankObject(kind, 0, "", context.user.id)
  applyObjectInput(context, kind, draft, { fields, existing: undefined, partial: false })
  if (nameClash(context, kind, draft))
    return fail(400, { error: "Object violates owner / name unique constraint" })
  const object = { ...draft, id: context.store.nextId(kind) }
  context.store.objects[kind].set(object.id, object)
  return json(201, renderMatchingObject(context, object, renderOptions(context, false)))
}

const updateMatchingObject = async (context: Context, kind: MatchingKind, object: MatchingObject) => {
  if (!canChange(context.user, object.owner, object.permissions))
    return fail(403, { detail: "You do not have permission to perform this action." })
  const fields = await bodyFields(context)
  const draft = { ...object, permissions: { ...object.permissions } }
  applyObjectInput(context, kind, draft, { fields, existing: object, partial: context.method === "PATCH" })
  if (nameClash(context, kind, draft)) {
    return fail(400, { non_field_errors: ["The fields name, owner must make a unique set."] })
  }
  // Renames never touch the documents' `modified` (paperless-server-behaviour.md, table).
  context.store.objects[kind].set(object.id, draft)
  return json(200, renderMatchingObject(context, draft, renderOptions(context, true)))
}

/** Deleting an object in use detaches it from documents without bumping their `modified`. */
export const deleteMatchingObject = (context: Context, kind: MatchingKind, object: MatchingObject) => {
  context.store.objects[kind].delete(object.id)
  for (const document of context.store.documents.values()) {
    if (kind === "tags") document.tags = document.tags.filter((tag) => tag !== object.id)
    else if (kind === "correspondents" && document.correspondent === object.id) document.correspondent = null
    else if (kind === "document_types" && document.documentType === object.id) document.documentType = null
    else if (kind === "storage_paths" && document.storagePath === object.id) document.storagePath = null
  }
  if (kind === "tags") {
    for (const tag of context.store.objects.tags.values()) if (tag.parent === object.id) tag.parent = null
  }
}

export const matchingObjectDetail = async (
  context: Context,
  kind: MatchingKind,
  rawId: string,
): Promise<SimResponse> => {
  requirePermission(context, `${actionOf(context.method)}_${codename[kind]}`)
  const object = findObject(context, kind, rawId)
  switch (context.method) {
    case "GET":
    case "HEAD": {
      const rendered = renderMatchingObject(context, object, renderOptions(context, true))
      if (kind !== "correspondents") return json(200, rendered)
      // The detail view of a correspondent adds the date of its newest document.
      const newest = context.store
        .liveDocuments()
        .filter((document) => document.correspondent === object.id)
        .map((document) => document.created)
        .sort()
        .at(-1)
      const { owner, ...rest } = rendered
      const access = Object.fromEntries(
        Object.entries(rest).filter(([key]) => key === "user_can_change" || key === "permissions"),
      )
      const head = Object.fromEntries(
        Object.entries(rest).filter(([key]) => key !== "user_can_change" && key !== "permissions"),
      )
      return json(200, { ...head, last_correspondence: newest ?? null, owner, ...access })
    }
    case "PATCH":
    case "PUT":
      return updateMatchingObject(context, kind, object)
    case "DELETE":
      if (!canChange(context.user, object.owner, object.permissions))
        return fail(403, { detail: "You do not have permission to perform this action." })
      deleteMatchingObject(context, kind, object)
      return { status: 204 }
    default:
      return methodNotAllowed(context.method)
  }
}

const objectTypes = ["tags", "correspondents", "document_types", "storage_paths"] as const

/** `POST /api/bulk_edit_objects/` (delete / set_permissions on many metadata objects). */
export const bulkEditObjects = async (context: Context): Promise<SimResponse> => {
  const fields = await bodyFields(context)
  const errors: Record<string, Array<string>> = {}
  if (!Object.hasOwn(fields, "objects")) errors.objects = ["This field is required."]
  else if (!Array.isArray(fields.objects))
    errors.objects = [`Expected a list of items but got type "${typeof fields.objects}".`]
  const kind = objectTypes.find((type) => type === fields.object_type)
  if (!Object.hasOwn(fields, "object_type")) errors.object_type = ["This field is required."]
  else if (kind === undefined) errors.object_type = [`"${String(fields.object_type)}" is not a valid choice.`]
  const operation = fields.operation
  if (!Object.hasOwn(fields, "operation")) errors.operation = ["This field is required."]
  else if (operation !== "delete" && operation !== "set_permissions") {
    errors.operation = [`"${String(operation)}" is not a valid choice.`]
  }
  if (Object.keys(errors).length > 0 || kind === undefined) return failValidation(errors)
  const ids = (fields.objects as Array<unknown>).map((value) => parsePk(value))
  const objects = ids.map((id) => (typeof id === "number" ? context.store.objects[kind].get(id) : undefined))
  const distinct = new Set(ids.filter((id) => typeof id === "number"))
  if (objects.some((object) => object === undefined) || distinct.size !== ids.length) {
    return fail(400, { non_field_errors: ["Some ids in objects don't exist or were specified twice."] })
  }
  for (const object of objects) {
    if (!object) continue
    if (operation === "delete") deleteMatchingObject(context, kind, object)
    else {
      const permissions = Object.hasOwn(fields, "permissions")
        ? parseSetPermissions(context, fields.permissions, "permissions")
        : noPermissions()
      object.permissions =
        fields.merge === true ? mergePermissions(object.permissions, permissions) : permissions
      if (Object.hasOwn(fields, "owner")) object.owner = parseOwner(context, fields.owner)
    }
  }
  return json(200, { result: "OK" })
}
