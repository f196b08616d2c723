import type { SimResponse } from "../http-server.js"
import { formatMicros } from "./clock.js"
import { paginatedResponse } from "./pagination.js"
import { actionOf, requirePermission } from "./permissions.js"
import {
  bodyFields,
  type Context,
  fail,
  json,
  methodNotAllowed,
  notFound,
  parseBoolean,
} from "./responses.js"
import type { UserRecord } from "./store.js"

/** `/api/token/`, users, groups, profile and ui_settings. Passwords always come back masked. */

const maskedPassword = "*".repeat(89)

/**
 * `POST /api/token/` returns the user's existing token. 3.0 throttles it at 5 per minute
 * (`token.obtain.throttled.json`: 429 with `Retry-After: 59`); 2.20 does not.
 */
export const obtainToken = async (context: Context): Promise<SimResponse> => {
  const store = context.store
  if (store.generation === "3.0" && context.options.throttleToken) {
    const now = store.clock.now()
    const windowStart = now - 60_000_000
    while ((store.tokenRequests[0] ?? now) < windowStart) store.tokenRequests.shift()
    if (store.tokenRequests.length >= 5) {
      const wait = Math.max(1, Math.ceil(((store.tokenRequests[0] ?? now) - windowStart) / 1_000_000))
      return json(
        429,
        { detail: `Request was throttled. Expected available in ${wait} seconds.` },
        { "retry-after": String(wait) },
      )
    }
    store.tokenRequests.push(now)
  }
  const fields = await bodyFields(context)
  const errors: Record<string, Array<string>> = {}
  if (typeof fields.username !== "string" || fields.username === "")
    errors.username = ["This field is required."]
  if (typeof fields.password !== "string" || fields.password === "")
    errors.password = ["This field is required."]
  if (Object.keys(errors).length > 0) return fail(400, errors)
  const user = store.userByName(String(fields.username))
  if (!user?.isActive || user.password !== fields.password) {
    return fail(400, { non_field_errors: ["Unable to log in with provided credentials."] })
  }
  return json(200, { token: user.token })
}

const allPermissions = [
  "view_document",
  "add_document",
  "change_document",
  "delete_document",
  "view_tag",
  "add_tag",
  "change_tag",
  "delete_tag",
  "view_correspondent",
  "add_correspondent",
  "change_correspondent",
  "delete_correspondent",
  "view_documenttype",
  "add_documenttype",
  "change_documenttype",
  "delete_documenttype",
  "view_storagepath",
  "add_storagepath",
  "change_storagepath",
  "delete_storagepath",
  "view_customfield",
  "add_customfield",
  "change_customfield",
  "delete_customfield",
  "view_savedview",
  "add_savedview",
  "change_savedview",
  "delete_savedview",
  "view_sharelink",
  "add_sharelink",
  "delete_sharelink",
  "view_paperlesstask",
  "change_paperlesstask",
  "view_uisettings",
  "change_uisettings",
  "view_note",
  "add_note",
  "delete_note",
  "view_user",
  "add_user",
  "change_user",
  "view_group",
  "add_group",
  "change_group",
]

const renderUser = (context: Context, user: UserRecord) => ({
  id: user.id,
  username: user.username,
  email: user.email,
  password: maskedPassword,
  first_name: user.firstName,
  last_name: user.lastName,
  date_joined: formatMicros(user.dateJoined),
  is_staff: user.isStaff,
  is_active: user.isActive,
  is_superuser: user.isSuperuser,
  groups: user.groups,
  user_permissions: [...user.permissions],
  inherited_permissions: user.isSuperuser
    ? allPermissions.map((name) => `documents.${name}`)
    : user.groups
        .flatMap((id) => context.store.groups.get(id)?.permissions ?? [])
        .map((name) => `documents.${name}`),
  is_mfa_enabled: false,
})

const passwordErrors = (password: string, username: string) => {
  const errors: Array<string> = []
  if (password.length < 8) errors.push("This password is too short. It must contain at least 8 characters.")
  if (
    ["password", "12345678", "123456", "qwerty", "admin", "secret", "x", "pw"].includes(
      password.toLowerCase(),
    )
  ) {
    errors.push("This password is too common.")
  }
  if (username !== "" && password.toLowerCase() === username.toLowerCase())
    errors.push("The password is too similar to the username.")
  if (/^\d+$/.test(password)) errors.push("This password is entirely numeric.")
  return errors
}

const applyUserInput = async (context: Context, existing: UserRecord | undefined) => {
  const fields = await bodyFields(context)
  const errors: Record<string, Array<string>> = {}
  const username = typeof fields.username === "string" ? fields.username : existing?.username
  if (!username) errors.username = ["This field is required."]
  else if (
    [...context.store.users.values()].some((user) => user.username === username && user.id !== existing?.id)
  ) {
    errors.username = ["A user with that username already exists."]
  }
  if (typeof fields.password === "string" && fields.password !== maskedPassword) {
    const problems = passwordErrors(fields.password, username ?? "")
    if (problems.length > 0) errors.password = problems
  }
  if (Object.keys(errors).length > 0) return fail(400, errors)
  return fields
}

export const users = async (context: Context): Promise<SimResponse> => {
  requirePermission(context, `${actionOf(context.method)}_user`)
  if (context.method !== "POST") {
    const all = [...context.store.users.values()]
      .filter((user) => user.username !== "AnonymousUser")
      .sort((a, b) => a.id - b.id)
    return paginatedResponse(context, all, (user) => renderUser(context, user))
  }
  const fields = await applyUserInput(context, undefined)
  const user = context.store.addUser({
    username: String(fields.username),
    password: typeof fields.password === "string" ? fields.password : "",
    isSuperuser: fields.is_superuser === true,
    permissions: Array.isArray(fields.user_permissions) ? fields.user_permissions.map(String) : [],
    email: typeof fields.email === "string" ? fields.email : "",
  })
  user.firstName = typeof fields.first_name === "string" ? fields.first_name : ""
  user.lastName = typeof fields.last_name === "string" ? fields.last_name : ""
  if (Array.isArray(fields.groups))
    user.groups = fields.groups.map(Number).filter((id) => context.store.groups.has(id))
  return json(201, renderUser(context, user))
}

export const userDetail = async (context: Context, rawId: string): Promise<SimResponse> => {
  requirePermission(context, `${actionOf(context.method)}_user`)
  const user = /^\d+$/.test(rawId) ? context.store.users.get(Number(rawId)) : undefined
  if (!user) return notFound("User")
  switch (context.method) {
    case "GET":
    case "HEAD":
      return json(200, renderUser(context, user))
    case "PATCH":
    case "PUT": {
      const fields = await applyUserInput(context, user)
      if (typeof fields.username === "string") user.username = fields.username
      if (typeof fields.password === "string" && fields.password !== maskedPassword)
        user.password = fields.password
      if (typeof fields.email === "string") user.email = fields.email
      if (typeof fields.first_name === "string") user.firstName = fields.first_name
      if (typeof fields.last_name === "string") user.lastName = fields.last_name
      if (Array.isArray(fields.user_permissions))
        user.permissions = new Set(fields.user_permissions.map(String))
      if (fields.is_active !== undefined) user.isActive = parseBoolean(fields.is_active) ?? user.isActive
      return json(200, renderUser(context, user))
    }
    case "DELETE":
      context.store.users.delete(user.id)
      return { status: 204 }
    default:
      return methodNotAllowed(context.method)
  }
}

export const groups = async (context: Context, rawId?: string): Promise<SimResponse> => {
  requirePermission(context, `${actionOf(context.method)}_group`)
  const render = (group: { id: number; name: string; permissions: Array<string> }) => ({
    id: group.id,
    name: group.name,
    permissions: [...group.permissions].sort(),
  })
  if (rawId !== undefined) {
    const group = /^\d+$/.test(rawId) ? context.store.groups.get(Number(rawId)) : undefined
    if (!group) return notFound("Group")
    if (context.method === "DELETE") {
      context.store.groups.delete(group.id)
      return { status: 204 }
    }
    if (context.method === "PATCH" || context.method === "PUT") {
      const fields = await bodyFields(context)
      if (typeof fields.name === "string") group.name = fields.name
      if (Array.isArray(fields.permissions)) group.permissions = fields.permissions.map(String)
    }
    return json(200, render(group))
  }
  if (context.method !== "POST") {
    return paginatedResponse(
      context,
      [...context.store.groups.values()].sort((a, b) => a.name.localeCompare(b.name)),
      render,
    )
  }
  const fields = await bodyFields(context)
  if (typeof fields.name !== "string" || fields.name === "")
    return fail(400, { name: ["This field is required."] })
  if ([...context.store.groups.values()].some((group) => group.name === fields.name)) {
    return fail(400, { name: ["group with this name already exists."] })
  }
  const group = {
    id: context.store.nextId("groups"),
    name: fields.name,
    permissions: Array.isArray(fields.permissions) ? fields.permissions.map(String) : [],
  }
  context.store.groups.set(group.id, group)
  return json(201, render(group))
}

const renderProfile = (user: UserRecord) => ({
  email: user.email,
  password: maskedPassword,
  first_name: user.firstName,
  last_name: user.lastName,
  auth_token: user.token,
  social_accounts: [],
  has_usable_password: true,
  is_mfa_enabled: false,
})

/** Every authenticated user may read and edit its own profile (`profile.get.limited.json`). */
export const profile = async (context: Context): Promise<SimResponse> => {
  if (context.method === "PATCH" || context.method === "PUT") {
    const fields = await bodyFields(context)
    if (typeof fields.email === "string") context.user.email = fields.email
    if (typeof fields.first_name === "string") context.user.firstName = fields.first_name
    if (typeof fields.last_name === "string") context.user.lastName = fields.last_name
    if (typeof fields.password === "string" && fields.password !== maskedPassword)
      context.user.password = fields.password
  }
  return json(200, renderProfile(context.user))
}

export const uiSettings = async (context: Context): Promise<SimResponse> => {
  requirePermission(context, context.method === "POST" ? "change_uisettings" : "view_uisettings")
  if (context.method === "POST") {
    const fields = await bodyFields(context)
    const settings =
      fields.settings !== null && typeof fields.settings === "object"
        ? (fields.settings as Record<string, unknown>)
        : {}
    context.store.uiSettings.set(context.user.id, settings)
    return json(200, { success: true })
  }
  const version = context.store.generation === "3.0" ? "3.0.5" : "2.20.15"
  return json(200, {
    user: {
      id: context.user.id,
      username: context.user.username,
      is_staff: context.user.isStaff,
      is_superuser: context.user.isSuperuser,
      groups: context.user.groups,
      // Names appear only once set (`ui_settings.get.v3.json` after a profile PATCH).
      ...(context.user.firstName === "" ? {} : { first_name: context.user.firstName }),
      ...(context.user.lastName === "" ? {} : { last_name: context.user.lastName }),
    },
    settings: {
      ...context.store.uiSettings.get(context.user.id),
      update_checking: { backend_setting: false },
      trash_delay: 30,
      version,
      app_title: null,
      app_logo: null,
      auditlog_enabled: true,
      email_enabled: false,
      ...(context.store.generation === "3.0" ? { ai_enabled: false } : {}),
    },
    permissions: context.user.isSuperuser ? allPermissions : [...context.user.permissions],
  })
}
