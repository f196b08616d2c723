import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { PapraError } from "./errors.js"
import { PapraOrganizationId, PapraTagId } from "./ids.js"
import { encodeBody, route, type Transport } from "./transport.js"

export const PapraTag = Schema.Struct({
  id: PapraTagId,
  createdAt: Schema.String,
  updatedAt: Schema.String,
  organizationId: PapraOrganizationId,
  name: Schema.String,
  // Names are unique case-insensitively through this (tags.create.duplicate-name.json).
  normalizedName: Schema.String,
  // Always upper case on the way back: "#ff0000" is stored as "#FF0000" (tags.create.json).
  color: Schema.String,
  description: Schema.NullOr(Schema.String),
})
export type PapraTag = typeof PapraTag.Type

/** The list adds how many documents carry the tag (tags.list.with-documents.json). */
export const PapraTagWithCount = Schema.extend(PapraTag, Schema.Struct({ documentsCount: Schema.Number }))
export type PapraTagWithCount = typeof PapraTagWithCount.Type

const TagName = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(64))
// The server refuses anything but "#" and six hex digits (tags.create.invalid-color.json).
const TagColor = Schema.String.pipe(Schema.pattern(/^#[0-9a-fA-F]{6}$/))

// JSON only: the documented form-data body is refused with 400 (tags.create.form-data.json).
export const PapraTagInput = Schema.Struct({
  name: TagName,
  color: TagColor,
  description: Schema.optional(Schema.String),
})
export type PapraTagInput = typeof PapraTagInput.Type

export const PapraTagUpdate = Schema.Struct({
  name: Schema.optional(TagName),
  color: Schema.optional(TagColor),
  description: Schema.optional(Schema.String),
})
export type PapraTagUpdate = typeof PapraTagUpdate.Type

const TagBody = Schema.Struct({ tag: PapraTag })

export const tagRoutes = {
  list: route(
    "GET",
    "/api/organizations/:organizationId/tags",
    Schema.Struct({ tags: Schema.Array(PapraTagWithCount) }),
  ),
  create: route("POST", "/api/organizations/:organizationId/tags", TagBody),
  update: route("PUT", "/api/organizations/:organizationId/tags/:tagId", TagBody),
  delete: route("DELETE", "/api/organizations/:organizationId/tags/:tagId"),
} as const

export interface PapraTags {
  readonly list: () => Effect.Effect<ReadonlyArray<PapraTagWithCount>, PapraError>
  /** A name equal to an existing one in any letter case fails with 409 `tags.already_exists`. */
  readonly create: (input: PapraTagInput) => Effect.Effect<PapraTag, PapraError>
  readonly update: (id: PapraTagId, input: PapraTagUpdate) => Effect.Effect<PapraTag, PapraError>
  readonly delete: (id: PapraTagId) => Effect.Effect<void, PapraError>
}

export const makeTags = (
  transport: Transport,
  organizationId: Effect.Effect<PapraOrganizationId, PapraError>,
): PapraTags => {
  const r = tagRoutes
  return {
    list: () =>
      organizationId.pipe(
        Effect.flatMap((org) => transport.call(r.list, { params: { organizationId: org } })),
        Effect.map((body) => body.tags),
      ),
    create: (input) =>
      Effect.all([organizationId, encodeBody(r.create, PapraTagInput, input)]).pipe(
        Effect.flatMap(([org, json]) => transport.call(r.create, { params: { organizationId: org }, json })),
        Effect.map((body) => body.tag),
      ),
    update: (id, input) =>
      Effect.all([organizationId, encodeBody(r.update, PapraTagUpdate, input)]).pipe(
        Effect.flatMap(([org, json]) =>
          transport.call(r.update, { params: { organizationId: org, tagId: id }, json }),
        ),
        Effect.map((body) => body.tag),
      ),
    delete: (id) =>
      Effect.flatMap(organizationId, (org) =>
        transport.call(r.delete, { params: { organizationId: org, tagId: id } }),
      ),
  }
}
