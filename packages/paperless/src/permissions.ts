import * as Schema from "effect/Schema"

export const UserId = Schema.Int.pipe(Schema.brand("PaperlessUserId"))
export type UserId = typeof UserId.Type
export const GroupId = Schema.Int.pipe(Schema.brand("PaperlessGroupId"))
export type GroupId = typeof GroupId.Type

const Grantees = Schema.Struct({ users: Schema.Array(UserId), groups: Schema.Array(GroupId) })

/** What `?full_perms=true` adds to an object, and the shape `set_permissions` takes on writes. */
export const ObjectPermissions = Schema.Struct({ view: Grantees, change: Grantees })
export type ObjectPermissions = typeof ObjectPermissions.Type

/** Fields every owned object (documents, tags, correspondents, …) answers with. */
export const ownedFields = {
  owner: Schema.NullOr(UserId),
  user_can_change: Schema.optional(Schema.Boolean),
  /** Present only with `?full_perms=true` (`documents.get.full_perms.json`). */
  permissions: Schema.optional(ObjectPermissions),
}

/** Fields every owned object accepts on create and update. */
export const ownedWriteFields = {
  owner: Schema.optional(Schema.NullOr(UserId)),
  set_permissions: Schema.optional(ObjectPermissions),
}
