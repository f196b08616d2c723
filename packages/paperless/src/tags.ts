import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { PaperlessError } from "./errors.js"
import { matchingFields, matchingWriteFields } from "./matching.js"
import { ownedFields, ownedWriteFields } from "./permissions.js"
import { makeResource, type Resource } from "./resources.js"
import type { Transport } from "./transport.js"

export const TagId = Schema.Int.pipe(Schema.brand("PaperlessTagId"))
export type TagId = typeof TagId.Type

const tagFields = {
  id: TagId,
  ...matchingFields,
  color: Schema.String,
  text_color: Schema.String,
  is_inbox_tag: Schema.Boolean,
  /** The hierarchy exists on both generations: `parent` plus `children` nested as full tags. */
  parent: Schema.NullOr(TagId),
  ...ownedFields,
}

export interface Tag extends Schema.Struct.Type<typeof tagFields> {
  readonly children: ReadonlyArray<Tag>
}
export interface TagEncoded extends Schema.Struct.Encoded<typeof tagFields> {
  readonly children: ReadonlyArray<TagEncoded>
}
export const Tag: Schema.Schema<Tag, TagEncoded> = Schema.Struct({
  ...tagFields,
  children: Schema.Array(Schema.suspend((): Schema.Schema<Tag, TagEncoded> => Tag)),
})

const HexColor = Schema.String.pipe(Schema.pattern(/^#[0-9a-fA-F]{6}$/))

export const TagCreate = Schema.Struct({
  name: Schema.String,
  color: Schema.optional(HexColor),
  is_inbox_tag: Schema.optional(Schema.Boolean),
  parent: Schema.optional(Schema.NullOr(TagId)),
  ...matchingWriteFields,
  ...ownedWriteFields,
})
export type TagCreate = typeof TagCreate.Type
export const TagUpdate = Schema.partial(TagCreate)
export type TagUpdate = typeof TagUpdate.Type

export type TagQuery = {
  readonly id__in?: ReadonlyArray<number>
  readonly name__iexact?: string
  readonly name__icontains?: string
  readonly is_root?: boolean
  readonly ordering?: string
  readonly full_perms?: boolean
}

export interface Tags extends Resource<TagId, Tag, TagCreate, TagUpdate, TagQuery> {
  /** The given tags plus every ancestor, the set a document PATCH must carry (see `closeOverAncestors`). */
  readonly withAncestors: (ids: Iterable<TagId>) => Effect.Effect<ReadonlyArray<TagId>, PaperlessError>
}

/**
 * Pure: the ids plus all their ancestors, given each known tag's parent. A PATCH of `tags` adds
 * ancestors and drops the descendants of any parent left out, so `tags:[child]` is not idempotent
 * (`documents.patch.tags.hierarchy.*.json`); the full closed set is stable (`…full-set.json`).
 */
export const closeOverAncestors = (
  ids: Iterable<TagId>,
  parentOf: ReadonlyMap<TagId, TagId | null>,
): ReadonlyArray<TagId> => {
  const closed = new Set<TagId>()
  for (const id of ids) {
    let current: TagId | null | undefined = id
    while (current !== null && current !== undefined && !closed.has(current)) {
      closed.add(current)
      current = parentOf.get(current)
    }
  }
  return [...closed]
}

export const makeTags = (transport: Transport): Tags => {
  const resource = makeResource<
    TagId,
    Tag,
    TagEncoded,
    TagCreate,
    typeof TagCreate.Encoded,
    TagUpdate,
    typeof TagUpdate.Encoded,
    TagQuery
  >(transport, { path: "/api/tags/", item: Tag, create: TagCreate, update: TagUpdate })
  const withAncestors = (ids: Iterable<TagId>) =>
    Effect.gen(function* () {
      const parentOf = new Map<TagId, TagId | null>()
      let missing = [...new Set(ids)]
      while (missing.length > 0) {
        const page = yield* resource.list({ id__in: missing, page_size: missing.length })
        for (const tag of page.results) parentOf.set(tag.id, tag.parent)
        const unknown = missing.filter((id) => !parentOf.has(id))
        if (unknown.length > 0) {
          // An id the server does not know stays in the set; the PATCH then reports it as invalid.
          for (const id of unknown) parentOf.set(id, null)
        }
        missing = [...new Set(page.results.map((tag) => tag.parent))].filter(
          (parent): parent is TagId => parent !== null && !parentOf.has(parent),
        )
      }
      return closeOverAncestors(ids, parentOf)
    })
  return { ...resource, withAncestors }
}
