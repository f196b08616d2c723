import type { SimRequest, SimResponse } from "../http-server.js"
import { baseHeaders, PapraError, renderError, routeNotFound, unauthorized } from "./errors.js"
import type { ApiKeyRecord, PapraPermission, PapraStore } from "./store.js"
import { Issues } from "./validation.js"

/**
 * Who may call a route: anyone, only a session (so an API key always gets 401, as the real
 * server's `requireAuthentication()` without `apiKeyPermissions` does), or a key holding every
 * listed permission (401, never 403, when one is missing: papra-server-behaviour.md).
 */
export type Access =
  | { readonly kind: "public" }
  | { readonly kind: "session" }
  | { readonly kind: "current-key" }
  | { readonly kind: "key"; readonly permissions: ReadonlyArray<PapraPermission> }

export interface RouteContext {
  readonly request: SimRequest
  readonly params: Readonly<Record<string, string>>
  readonly query: URLSearchParams
  readonly key: ApiKeyRecord
  /** The key's user: every API-key request acts as the user who created the key. */
  readonly userId: string
  readonly store: PapraStore
}

export interface Route {
  readonly method: string
  readonly path: string
  readonly access: Access
  readonly handle: (context: RouteContext) => SimResponse | Promise<SimResponse>
}

export const json = (body: unknown, status = 200): SimResponse => ({ status, headers: baseHeaders, body })
export const noContent = (): SimResponse => ({ status: 204, headers: baseHeaders })

/** A route; session-only routes need no handler, as every API key is turned away before it. */
export const route = (
  method: string,
  path: string,
  access: Access,
  handle: Route["handle"] = () => {
    throw unauthorized()
  },
): Route => ({ method, path, access, handle })

export const keyWith = (...permissions: ReadonlyArray<PapraPermission>): Access => ({
  kind: "key",
  permissions,
})
export const session: Access = { kind: "session" }
export const open: Access = { kind: "public" }

const paramFormats: Record<string, RegExp> = {
  organizationId: /^org_[a-z0-9]{24}$/,
  documentId: /^doc_[a-z0-9]{24}$/,
  tagId: /^tag_[a-z0-9]{24}$/,
  propertyDefinitionId: /^cpd_[a-z0-9]{24}$/,
}

const match = (pattern: string, path: string): Record<string, string> | undefined => {
  const want = pattern.split("/")
  const have = path.split("/")
  if (want.length !== have.length) return undefined
  const params: Record<string, string> = {}
  for (let index = 0; index < want.length; index++) {
    const expected = want[index] ?? ""
    const actual = have[index] ?? ""
    if (expected.startsWith(":")) {
      if (actual === "") return undefined
      try {
        params[expected.slice(1)] = decodeURIComponent(actual)
      } catch {
        return undefined
      }
    } else if (expected !== actual) {
      return undefined
    }
  }
  return params
}

const validateParams = (params: Readonly<Record<string, string>>) => {
  const issues = new Issues()
  for (const [name, value] of Object.entries(params)) {
    const format = paramFormats[name]
    if (format !== undefined && !format.test(value)) {
      issues.add(name, `Invalid format: Expected ${format} but received "${value}"`)
    }
  }
  if (!issues.ok) throw issues.failure("params")
}

const API_KEY_TOKEN = /^ppapi_[A-Za-z0-9]{64}$/

/**
 * Papra's api-key middleware runs before routing: a malformed Authorization header is a 401 on
 * any path, a well-formed unknown key simply authenticates nobody.
 */
const authenticate = (store: PapraStore, header: string | undefined): ApiKeyRecord | undefined => {
  if (header === undefined) return undefined
  const parts = header.split(" ")
  if (parts.length !== 2 || parts[0] !== "Bearer") throw unauthorized()
  const token = parts[1] ?? ""
  return API_KEY_TOKEN.test(token) ? store.apiKeys.get(token) : undefined
}

const authorize = (access: Access, key: ApiKeyRecord | undefined): ApiKeyRecord | undefined => {
  switch (access.kind) {
    case "public":
      return key
    case "session":
      throw unauthorized()
    case "current-key":
      if (key === undefined) throw unauthorized()
      return key
    case "key":
      if (
        key === undefined ||
        !access.permissions.every((permission) => key.permissions.includes(permission))
      ) {
        throw unauthorized()
      }
      return key
  }
}

const PUBLIC_USER: ApiKeyRecord = { id: "", name: "", token: "", userId: "", permissions: [] }

/** Routes are tried in the real server's registration order; the first match answers. */
export const dispatch = async (
  store: PapraStore,
  routes: ReadonlyArray<Route>,
  request: SimRequest,
): Promise<SimResponse> => {
  try {
    const header = request.headers.authorization
    const key = authenticate(store, Array.isArray(header) ? header[0] : header)
    const method = request.method === "HEAD" ? "GET" : request.method
    for (const candidate of routes) {
      if (candidate.method !== method) continue
      const params = match(candidate.path, request.url.pathname)
      if (params === undefined) continue
      const caller = authorize(candidate.access, key) ?? PUBLIC_USER
      validateParams(params)
      return await candidate.handle({
        request,
        params,
        query: request.url.searchParams,
        key: caller,
        userId: caller.userId,
        store,
      })
    }
    throw routeNotFound()
  } catch (cause) {
    if (cause instanceof PapraError) return renderError(cause)
    // Anything else is what Papra's onError turns into its generic 500.
    return renderError(new PapraError(500, "internal.error", "An error occurred"))
  }
}
