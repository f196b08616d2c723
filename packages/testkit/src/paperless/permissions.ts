import { type Context, fail, forbidden, invalidPk, parsePk } from "./responses.js"
import type { ObjectPermissions, UserRecord } from "./store.js"

/**
 * Model permissions (403 JSON for a user without e.g. `view_document`, `auth.limited.*.json`) and
 * object permissions: a non-superuser sees what it owns, what is unowned and what was shared with
 * it; anything else is a 404, not a 403 (`documents.get.reader-not-visible.json`).
 */
export const requirePermission = (context: Context, codename: string): void => {
  if (!context.store.hasPermission(context.user, codename)) forbidden()
}

/** `view`, `add`, `change`, `delete` for the method, as DRF's DjangoModelPermissions maps them. */
export const actionOf = (method: string) => {
  switch (method) {
    case "POST":
      return "add"
    case "PUT":
    case "PATCH":
      return "change"
    case "DELETE":
      return "delete"
    default:
      return "view"
  }
}

const sharesWith = (user: UserRecord, users: ReadonlyArray<number>, groups: ReadonlyArray<number>) =>
  users.includes(user.id) || groups.some((group) => user.groups.includes(group))

export const canView = (user: UserRecord, owner: number | null, permissions: ObjectPermissions) =>
  user.isSuperuser ||
  owner === null ||
  owner === user.id ||
  sharesWith(user, permissions.viewUsers, permissions.viewGroups) ||
  sharesWith(user, permissions.changeUsers, permissions.changeGroups)

export const canChange = (user: UserRecord, owner: number | null, permissions: ObjectPermissions) =>
  user.isSuperuser ||
  owner === null ||
  owner === user.id ||
  sharesWith(user, permissions.changeUsers, permissions.changeGroups)

export const renderPermissions = (permissions: ObjectPermissions) => ({
  view: { users: permissions.viewUsers, groups: permissions.viewGroups },
  change: { users: permissions.changeUsers, groups: permissions.changeGroups },
})

const idList = (
  context: Context,
  value: unknown,
  table: "users" | "groups",
  field: string,
): Array<number> => {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value)) return fail(400, { [field]: ["Expected a list of items."] })
  return value.map((item) => {
    const pk = parsePk(item)
    const exists =
      typeof pk === "number" && (table === "users" ? context.store.users : context.store.groups).has(pk)
    return exists && typeof pk === "number" ? pk : fail(400, { [field]: [invalidPk(item)] })
  })
}

/** Parses `set_permissions: {view:{users,groups}, change:{users,groups}}`. */
export const parseSetPermissions = (
  context: Context,
  value: unknown,
  field = "set_permissions",
): ObjectPermissions => {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return fail(400, { [field]: ["Invalid data. Expected a dictionary."] })
  }
  const record = value as Record<string, Record<string, unknown> | undefined>
  return {
    viewUsers: idList(context, record.view?.users, "users", field),
    viewGroups: idList(context, record.view?.groups, "groups", field),
    changeUsers: idList(context, record.change?.users, "users", field),
    changeGroups: idList(context, record.change?.groups, "groups", field),
  }
}

export const mergePermissions = (base: ObjectPermissions, extra: ObjectPermissions): ObjectPermissions => {
  const union = (a: Array<number>, b: Array<number>) => [...new Set([...a, ...b])]
  return {
    viewUsers: union(base.viewUsers, extra.viewUsers),
    viewGroups: union(base.viewGroups, extra.viewGroups),
    changeUsers: union(base.changeUsers, extra.changeUsers),
    changeGroups: union(base.changeGroups, extra.changeGroups),
  }
}

/** An `owner` field: a user id or null. */
export const parseOwner = (context: Context, value: unknown): number | null => {
  if (value === null) return null
  const pk = parsePk(value)
  if (typeof pk !== "number") return fail(400, { owner: [pk.error] })
  return context.store.users.has(pk) ? pk : fail(400, { owner: [invalidPk(value)] })
}
