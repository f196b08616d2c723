import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { PapraError } from "./errors.js"
import { PapraOrganizationId, PapraUserId } from "./ids.js"
import { encodeBody, route, type Transport } from "./transport.js"

export const PapraOrganization = Schema.Struct({
  id: PapraOrganizationId,
  createdAt: Schema.String,
  // Never moves on edits (papra-server-behaviour.md): compare snapshots, not this.
  updatedAt: Schema.String,
  name: Schema.String,
  customerId: Schema.NullOr(Schema.String),
  deletedAt: Schema.NullOr(Schema.String),
  deletedBy: Schema.NullOr(PapraUserId),
  scheduledPurgeAt: Schema.NullOr(Schema.String),
})
export type PapraOrganization = typeof PapraOrganization.Type

const OrganizationList = Schema.Struct({ organizations: Schema.Array(PapraOrganization) })
const OrganizationBody = Schema.Struct({ organization: PapraOrganization })

/** Organization names are 3 to 50 characters (organizations.create.invalid-name.json). */
export const PapraOrganizationInput = Schema.Struct({
  name: Schema.String.pipe(Schema.minLength(3), Schema.maxLength(50)),
})
export type PapraOrganizationInput = typeof PapraOrganizationInput.Type

export const organizationRoutes = {
  list: route("GET", "/api/organizations", OrganizationList),
  listDeleted: route("GET", "/api/organizations/deleted", OrganizationList),
  get: route("GET", "/api/organizations/:organizationId", OrganizationBody),
  create: route("POST", "/api/organizations", OrganizationBody),
  update: route("PUT", "/api/organizations/:organizationId", OrganizationBody),
  delete: route("DELETE", "/api/organizations/:organizationId"),
} as const

export interface PapraOrganizations {
  readonly list: () => Effect.Effect<ReadonlyArray<PapraOrganization>, PapraError>
  /** Soft-deleted organizations, with the date they will be purged. */
  readonly listDeleted: () => Effect.Effect<ReadonlyArray<PapraOrganization>, PapraError>
  /** An unknown or foreign id is a 403 `user.not_in_organization`, not a 404 (organizations.get.not-found.json). */
  readonly get: (id: PapraOrganizationId) => Effect.Effect<PapraOrganization, PapraError>
  readonly create: (input: PapraOrganizationInput) => Effect.Effect<PapraOrganization, PapraError>
  readonly update: (
    id: PapraOrganizationId,
    input: PapraOrganizationInput,
  ) => Effect.Effect<PapraOrganization, PapraError>
  /** Soft delete; only a session (not an API key) can restore it. */
  readonly delete: (id: PapraOrganizationId) => Effect.Effect<void, PapraError>
}

export const makeOrganizations = (transport: Transport): PapraOrganizations => {
  const r = organizationRoutes
  return {
    list: () => Effect.map(transport.call(r.list), (body) => body.organizations),
    listDeleted: () => Effect.map(transport.call(r.listDeleted), (body) => body.organizations),
    get: (id) =>
      Effect.map(transport.call(r.get, { params: { organizationId: id } }), (body) => body.organization),
    create: (input) =>
      encodeBody(r.create, PapraOrganizationInput, input).pipe(
        Effect.flatMap((json) => transport.call(r.create, { json })),
        Effect.map((body) => body.organization),
      ),
    update: (id, input) =>
      encodeBody(r.update, PapraOrganizationInput, input).pipe(
        Effect.flatMap((json) => transport.call(r.update, { params: { organizationId: id }, json })),
        Effect.map((body) => body.organization),
      ),
    delete: (id) => transport.call(r.delete, { params: { organizationId: id } }),
  }
}
