import {
  documentAlreadyHasTag,
  documentNotFound,
  internalError,
  tagAlreadyExists,
  tagLimitReached,
  tagNotFound,
} from "./errors.js"
import { json, keyWith, noContent, type Route, type RouteContext, route } from "./router.js"
import type { PapraStore, TagRecord } from "./store.js"
import { Issues, jsonBody, missingKey, objectAtRoot, rejectUnknownKeys, stringField } from "./validation.js"

// apps/papra-server/src/modules/tags/tags.config.ts default.
const MAX_TAGS_PER_ORGANIZATION = 200
const TAG_COLOR = /^#[0-9A-F]{6}$/

export const formatTag = (tag: TagRecord) => ({
  id: tag.id,
  createdAt: tag.createdAt.toISOString(),
  updatedAt: tag.updatedAt.toISOString(),
  organizationId: tag.organizationId,
  name: tag.name,
  normalizedName: tag.normalizedName,
  color: tag.color,
  description: tag.description,
})

interface TagFields {
  name?: string
  color?: string
  description?: string
}

const colorField = (issues: Issues, value: unknown): string | undefined => {
  if (typeof value !== "string") return stringField(issues, "color", value)
  const color = value.toUpperCase()
  if (TAG_COLOR.test(color)) return color
  issues.add("color", "Invalid Color format, must be a hex color code like #000000")
  return undefined
}

/** The create (all required but description) and update (all optional) bodies, JSON only. */
const tagBody = (body: unknown, required: boolean): TagFields => {
  const issues = new Issues()
  const input = objectAtRoot(issues, body)
  const fields: TagFields = {}
  if (input !== undefined) {
    if ("name" in input) {
      const name = stringField(issues, "name", input.name, { trim: true, min: 1, max: 64 })
      if (name !== undefined) fields.name = name
    } else if (required) missingKey(issues, "name")
    if ("color" in input) {
      const color = colorField(issues, input.color)
      if (color !== undefined) fields.color = color
    } else if (required) missingKey(issues, "color")
    if ("description" in input) {
      const description = stringField(issues, "description", input.description, { trim: true, max: 256 })
      if (description !== undefined) fields.description = description
    }
    rejectUnknownKeys(issues, input, ["name", "color", "description"])
  }
  if (!issues.ok) throw issues.failure("body")
  return fields
}

const ensureUniqueName = (store: PapraStore, organizationId: string, name: string, self?: string) => {
  const normalized = name.toLowerCase()
  const clash = store
    .tagsOf(organizationId)
    .some((tag) => tag.normalizedName === normalized && tag.id !== self)
  if (clash) throw tagAlreadyExists()
}

/** Creates a tag the way POST /tags does; shared with seeding. */
export const createTag = (
  store: PapraStore,
  organizationId: string,
  fields: { readonly name: string; readonly color: string; readonly description?: string | null },
): TagRecord => {
  if (store.tagsOf(organizationId).length >= MAX_TAGS_PER_ORGANIZATION) throw tagLimitReached()
  ensureUniqueName(store, organizationId, fields.name)
  const now = store.now()
  const tag: TagRecord = {
    id: store.id("tag"),
    createdAt: now,
    updatedAt: now,
    organizationId,
    name: fields.name,
    normalizedName: fields.name.toLowerCase(),
    color: fields.color.toUpperCase(),
    description: fields.description ?? null,
  }
  store.tags.set(tag.id, tag)
  return tag
}

const documentAndTag = ({ store, userId, params }: RouteContext) => {
  const organizationId = params.organizationId ?? ""
  store.requireMembership(userId, organizationId)
  const document = store.documentIn(organizationId, params.documentId ?? "")
  if (document === undefined) throw documentNotFound()
  return { document, organizationId }
}

const tagIdBody = (body: unknown): string => {
  const issues = new Issues()
  const input = objectAtRoot(issues, body)
  let tagId: string | undefined
  if (input !== undefined) {
    if (!("tagId" in input)) missingKey(issues, "tagId")
    else if (typeof input.tagId !== "string") stringField(issues, "tagId", input.tagId)
    else if (!/^tag_[a-z0-9]{24}$/.test(input.tagId)) {
      issues.add("tagId", `Invalid format: Expected /^tag_[a-z0-9]{24}$/ but received "${input.tagId}"`)
    } else tagId = input.tagId
    rejectUnknownKeys(issues, input, ["tagId"])
  }
  if (!issues.ok || tagId === undefined) throw issues.failure("body")
  return tagId
}

export const tagRoutes: ReadonlyArray<Route> = [
  route(
    "POST",
    "/api/organizations/:organizationId/tags",
    keyWith("tags:create"),
    ({ store, userId, params, request }) => {
      const fields = tagBody(jsonBody(request.headers["content-type"], request.body), true)
      const organizationId = params.organizationId ?? ""
      store.requireMembership(userId, organizationId)
      const tag = createTag(store, organizationId, {
        name: fields.name ?? "",
        color: fields.color ?? "",
        ...(fields.description === undefined ? {} : { description: fields.description }),
      })
      return json({ tag: formatTag(tag) })
    },
  ),
  route(
    "GET",
    "/api/organizations/:organizationId/tags",
    keyWith("tags:read"),
    ({ store, userId, params }) => {
      const organizationId = params.organizationId ?? ""
      store.requireMembership(userId, organizationId)
      const tags = store
        .tagsOf(organizationId)
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
        .map((tag) => ({
          ...formatTag(tag),
          // Counts only documents outside the trash (tags.repository.ts getOrganizationTags).
          documentsCount: [...store.documents.values()].filter(
            (doc) => !doc.isDeleted && doc.tagIds.has(tag.id),
          ).length,
        }))
      return json({ tags })
    },
  ),
  route(
    "PUT",
    "/api/organizations/:organizationId/tags/:tagId",
    keyWith("tags:update"),
    ({ store, userId, params, request }) => {
      const fields = tagBody(jsonBody(request.headers["content-type"], request.body), false)
      const organizationId = params.organizationId ?? ""
      store.requireMembership(userId, organizationId)
      // An update with nothing to set fails inside drizzle ("No values to set") as a 500.
      if (Object.keys(fields).length === 0) throw internalError()
      const tag = store.tagIn(organizationId, params.tagId ?? "")
      if (tag === undefined) throw tagNotFound()
      if (fields.name !== undefined) ensureUniqueName(store, organizationId, fields.name, tag.id)
      if (fields.name !== undefined) {
        tag.name = fields.name
        tag.normalizedName = fields.name.toLowerCase()
      }
      if (fields.color !== undefined) tag.color = fields.color
      if (fields.description !== undefined) tag.description = fields.description
      return json({ tag: formatTag(tag) })
    },
  ),
  route(
    "DELETE",
    "/api/organizations/:organizationId/tags/:tagId",
    keyWith("tags:delete"),
    ({ store, userId, params }) => {
      const organizationId = params.organizationId ?? ""
      store.requireMembership(userId, organizationId)
      const tag = store.tagIn(organizationId, params.tagId ?? "")
      if (tag === undefined) throw tagNotFound()
      store.tags.delete(tag.id)
      for (const document of store.documents.values()) document.tagIds.delete(tag.id)
      // Activity rows keep their event but lose the tag (documents.activity.after-tags.json).
      for (const activity of store.activities) if (activity.tagId === tag.id) activity.tagId = null
      return noContent()
    },
  ),
  route(
    "POST",
    "/api/organizations/:organizationId/documents/:documentId/tags",
    keyWith("documents:update", "tags:read"),
    (context) => {
      const tagId = tagIdBody(jsonBody(context.request.headers["content-type"], context.request.body))
      const { document, organizationId } = documentAndTag(context)
      if (context.store.tagIn(organizationId, tagId) === undefined) throw tagNotFound()
      if (document.tagIds.has(tagId)) throw documentAlreadyHasTag()
      document.tagIds.add(tagId)
      context.store.logActivity(document.id, "tagged", context.userId, { tagId })
      return noContent()
    },
  ),
  route(
    "DELETE",
    "/api/organizations/:organizationId/documents/:documentId/tags/:tagId",
    keyWith("documents:update", "tags:read"),
    (context) => {
      const { document, organizationId } = documentAndTag(context)
      const tagId = context.params.tagId ?? ""
      if (context.store.tagIn(organizationId, tagId) === undefined) throw tagNotFound()
      document.tagIds.delete(tagId)
      // Logged even when the tag was not attached (documents.tags.remove.not-attached.json).
      context.store.logActivity(document.id, "untagged", context.userId, { tagId })
      return noContent()
    },
  ),
]
