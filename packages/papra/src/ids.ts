import * as Schema from "effect/Schema"

// Papra ids are a prefix and 24 lower-case alphanumerics; the server answers 400 for any other
// shape (organizations.get.invalid-id.json), so a malformed id is caught before it is sent.
const prefixedId = <const Prefix extends string>(prefix: Prefix) =>
  Schema.String.pipe(Schema.pattern(new RegExp(`^${prefix}_[a-z0-9]{24}$`)))

export const PapraOrganizationId = prefixedId("org").pipe(Schema.brand("PapraOrganizationId"))
export type PapraOrganizationId = typeof PapraOrganizationId.Type

export const PapraDocumentId = prefixedId("doc").pipe(Schema.brand("PapraDocumentId"))
export type PapraDocumentId = typeof PapraDocumentId.Type

export const PapraTagId = prefixedId("tag").pipe(Schema.brand("PapraTagId"))
export type PapraTagId = typeof PapraTagId.Type

export const PapraCustomPropertyId = prefixedId("cpd").pipe(Schema.brand("PapraCustomPropertyId"))
export type PapraCustomPropertyId = typeof PapraCustomPropertyId.Type

export const PapraSelectOptionId = prefixedId("cpso").pipe(Schema.brand("PapraSelectOptionId"))
export type PapraSelectOptionId = typeof PapraSelectOptionId.Type

export const PapraUserId = prefixedId("usr").pipe(Schema.brand("PapraUserId"))
export type PapraUserId = typeof PapraUserId.Type

export const PapraApiKeyId = prefixedId("ak").pipe(Schema.brand("PapraApiKeyId"))
export type PapraApiKeyId = typeof PapraApiKeyId.Type

export const PapraActivityId = prefixedId("doc_act").pipe(Schema.brand("PapraActivityId"))
export type PapraActivityId = typeof PapraActivityId.Type
