import * as Schema from "effect/Schema"
import { matchingFields, matchingWriteFields } from "./matching.js"
import { ownedFields, ownedWriteFields } from "./permissions.js"
import { makeResource, type Resource } from "./resources.js"
import type { Transport } from "./transport.js"

export const CorrespondentId = Schema.Int.pipe(Schema.brand("PaperlessCorrespondentId"))
export type CorrespondentId = typeof CorrespondentId.Type

export const Correspondent = Schema.Struct({
  id: CorrespondentId,
  ...matchingFields,
  /** Only on GET detail (`correspondents.get.json`). */
  last_correspondence: Schema.optional(Schema.NullOr(Schema.String)),
  ...ownedFields,
})
export type Correspondent = typeof Correspondent.Type

export const CorrespondentCreate = Schema.Struct({
  name: Schema.String,
  ...matchingWriteFields,
  ...ownedWriteFields,
})
export type CorrespondentCreate = typeof CorrespondentCreate.Type
export const CorrespondentUpdate = Schema.partial(CorrespondentCreate)
export type CorrespondentUpdate = typeof CorrespondentUpdate.Type

/** Name filters shared by the matching objects. */
export type NamedQuery = {
  readonly id__in?: ReadonlyArray<number>
  readonly name__iexact?: string
  readonly name__icontains?: string
  readonly ordering?: string
  readonly full_perms?: boolean
}

export type Correspondents = Resource<
  CorrespondentId,
  Correspondent,
  CorrespondentCreate,
  CorrespondentUpdate,
  NamedQuery
>

export const makeCorrespondents = (transport: Transport): Correspondents =>
  makeResource(transport, {
    path: "/api/correspondents/",
    item: Correspondent,
    create: CorrespondentCreate,
    update: CorrespondentUpdate,
  })
