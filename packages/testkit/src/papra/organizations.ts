import { maxOrganizationCount } from "./errors.js"
import { json, keyWith, noContent, type Route, route, session } from "./router.js"
import type { OrganizationRecord, PapraStore } from "./store.js"
import { Issues, jsonBody, missingKey, objectAtRoot, rejectUnknownKeys, stringField } from "./validation.js"

// apps/papra-server/src/modules/organizations/organizations.config.ts defaults.
const MAX_ORGANIZATIONS_PER_USER = 10
const PURGE_DELAY_DAYS = 30

export const formatOrganization = (organization: OrganizationRecord) => ({
  id: organization.id,
  createdAt: organization.createdAt.toISOString(),
  updatedAt: organization.updatedAt.toISOString(),
  name: organization.name,
  customerId: null,
  deletedAt: organization.deletedAt?.toISOString() ?? null,
  deletedBy: organization.deletedBy,
  scheduledPurgeAt: organization.scheduledPurgeAt?.toISOString() ?? null,
})

const nameBody = (body: unknown): string => {
  const issues = new Issues()
  const input = objectAtRoot(issues, body)
  let name: string | undefined
  if (input !== undefined) {
    if ("name" in input) name = stringField(issues, "name", input.name, { trim: true, min: 3, max: 50 })
    else missingKey(issues, "name")
    rejectUnknownKeys(issues, input, ["name"])
  }
  if (!issues.ok || name === undefined) throw issues.failure("body")
  return name
}

const userOrganizations = (store: PapraStore, userId: string, deleted: boolean) =>
  [...store.organizations.values()].filter(
    (organization) => organization.memberIds.has(userId) && (organization.deletedAt !== null) === deleted,
  )

export const organizationRoutes: ReadonlyArray<Route> = [
  route("GET", "/api/organizations", keyWith("organizations:read"), ({ store, userId }) =>
    json({ organizations: userOrganizations(store, userId, false).map(formatOrganization) }),
  ),
  route("GET", "/api/organizations/deleted", keyWith("organizations:read"), ({ store, userId }) =>
    json({ organizations: userOrganizations(store, userId, true).map(formatOrganization) }),
  ),
  route("POST", "/api/organizations", keyWith("organizations:create"), ({ store, userId, request }) => {
    const name = nameBody(jsonBody(request.headers["content-type"], request.body))
    if (userOrganizations(store, userId, false).length >= MAX_ORGANIZATIONS_PER_USER)
      throw maxOrganizationCount()
    return json({ organization: formatOrganization(store.createOrganization(name, userId)) })
  }),
  route(
    "GET",
    "/api/organizations/:organizationId",
    keyWith("organizations:read"),
    ({ store, userId, params }) =>
      json({
        organization: formatOrganization(store.requireMembership(userId, params.organizationId ?? "")),
      }),
  ),
  route(
    "PUT",
    "/api/organizations/:organizationId",
    keyWith("organizations:update"),
    ({ store, userId, params, request }) => {
      const name = nameBody(jsonBody(request.headers["content-type"], request.body))
      const organization = store.requireMembership(userId, params.organizationId ?? "")
      // updatedAt is never touched by the real server (papra-server-behaviour.md).
      organization.name = name
      return json({ organization: formatOrganization(organization) })
    },
  ),
  route(
    "DELETE",
    "/api/organizations/:organizationId",
    keyWith("organizations:delete"),
    ({ store, userId, params }) => {
      const organization = store.requireMembership(userId, params.organizationId ?? "")
      const now = store.now()
      organization.deletedAt = now
      organization.deletedBy = userId
      organization.scheduledPurgeAt = new Date(now.getTime() + PURGE_DELAY_DAYS * 24 * 3600 * 1000)
      return noContent()
    },
  ),
  ...[
    ["GET", "/members"],
    ["GET", "/members/me"],
    ["DELETE", "/members/:memberId"],
    ["PATCH", "/members/:memberId"],
    ["POST", "/members/invitations"],
    ["GET", "/members/invitations"],
    ["POST", "/restore"],
    ["GET", "/intake-emails"],
    ["POST", "/intake-emails"],
    ["PUT", "/intake-emails/:intakeEmailId"],
    ["DELETE", "/intake-emails/:intakeEmailId"],
    ["GET", "/subscription"],
    ["GET", "/usage"],
    ["POST", "/checkout-session"],
    ["GET", "/customer-portal"],
  ].map(([method, path]) => route(method ?? "GET", `/api/organizations/:organizationId${path}`, session)),
]
