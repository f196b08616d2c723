import type * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { PaperlessError } from "./errors.js"
import { GroupId, UserId } from "./permissions.js"
import { makeResource, type Resource } from "./resources.js"
import { jsonBody, type Transport } from "./transport.js"

export const User = Schema.Struct({
  id: UserId,
  username: Schema.String,
  email: Schema.String,
  /** The server masks it as asterisks; kept redacted all the same. */
  password: Schema.optional(Schema.Redacted(Schema.String)),
  first_name: Schema.String,
  last_name: Schema.String,
  date_joined: Schema.String,
  is_staff: Schema.Boolean,
  is_active: Schema.Boolean,
  is_superuser: Schema.Boolean,
  groups: Schema.Array(GroupId),
  user_permissions: Schema.Array(Schema.String),
  inherited_permissions: Schema.Array(Schema.String),
  is_mfa_enabled: Schema.optional(Schema.Boolean),
})
export type User = typeof User.Type

export const UserCreate = Schema.Struct({
  username: Schema.String,
  password: Schema.optional(Schema.Redacted(Schema.String)),
  email: Schema.optional(Schema.String),
  first_name: Schema.optional(Schema.String),
  last_name: Schema.optional(Schema.String),
  is_staff: Schema.optional(Schema.Boolean),
  is_active: Schema.optional(Schema.Boolean),
  is_superuser: Schema.optional(Schema.Boolean),
  groups: Schema.optional(Schema.Array(GroupId)),
  user_permissions: Schema.optional(Schema.Array(Schema.String)),
})
export type UserCreate = typeof UserCreate.Type
export const UserUpdate = Schema.partial(UserCreate)
export type UserUpdate = typeof UserUpdate.Type

export type UserQuery = {
  readonly username__icontains?: string
  readonly username__iexact?: string
  readonly id__in?: ReadonlyArray<number>
}

export type Users = Resource<UserId, User, UserCreate, UserUpdate, UserQuery>

export const makeUsers = (transport: Transport): Users =>
  makeResource(transport, { path: "/api/users/", item: User, create: UserCreate, update: UserUpdate })

export const Group = Schema.Struct({
  id: GroupId,
  name: Schema.String,
  permissions: Schema.Array(Schema.String),
})
export type Group = typeof Group.Type
export const GroupCreate = Schema.Struct({
  name: Schema.String,
  permissions: Schema.optional(Schema.Array(Schema.String)),
})
export type GroupCreate = typeof GroupCreate.Type
export const GroupUpdate = Schema.partial(GroupCreate)
export type GroupUpdate = typeof GroupUpdate.Type

export type Groups = Resource<GroupId, Group, GroupCreate, GroupUpdate, { readonly name__icontains?: string }>

export const makeGroups = (transport: Transport): Groups =>
  makeResource(transport, { path: "/api/groups/", item: Group, create: GroupCreate, update: GroupUpdate })

/** `/api/profile/`: the signed-in user. It carries the user's API token, kept redacted. */
export const Profile = Schema.Struct({
  email: Schema.String,
  password: Schema.Redacted(Schema.String),
  first_name: Schema.String,
  last_name: Schema.String,
  auth_token: Schema.Redacted(Schema.String),
  social_accounts: Schema.Array(Schema.Unknown),
  has_usable_password: Schema.Boolean,
  is_mfa_enabled: Schema.optional(Schema.Boolean),
})
export type Profile = typeof Profile.Type

export const ProfileUpdate = Schema.Struct({
  email: Schema.optional(Schema.String),
  password: Schema.optional(Schema.Redacted(Schema.String)),
  first_name: Schema.optional(Schema.String),
  last_name: Schema.optional(Schema.String),
})
export type ProfileUpdate = typeof ProfileUpdate.Type

export interface ProfileApi {
  readonly get: () => Effect.Effect<Profile, PaperlessError>
  readonly update: (patch: ProfileUpdate) => Effect.Effect<Profile, PaperlessError>
}

export const makeProfile = (transport: Transport): ProfileApi => ({
  get: () => transport.json({ method: "GET", path: "/api/profile/" }, Profile),
  update: (patch) =>
    transport.json(
      { method: "PATCH", path: "/api/profile/", body: jsonBody(ProfileUpdate, patch, "/api/profile/") },
      Profile,
    ),
})
