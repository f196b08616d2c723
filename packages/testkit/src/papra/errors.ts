import type { FaultResponder, SimResponse } from "../http-server.js"

/** One entry of `error.details` in a Papra validation error (valibot's dot path, null at the root). */
export interface ValidationIssue {
  readonly path: string | null
  readonly message: string
}

/**
 * An answer in Papra's error shape `{error:{message,code,details?}}`. Route handlers throw it; the
 * router renders it, exactly as Papra's `onError` middleware renders its `CustomError`s.
 */
export class PapraError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: ReadonlyArray<ValidationIssue>,
  ) {
    super(message)
  }
}

const factory = (status: number, code: string, message: string) => () => new PapraError(status, code, message)

// Messages and codes as the real server sends them (fixtures in test/fixtures/papra/).
export const unauthorized = factory(401, "auth.unauthorized", "Unauthorized")
export const notApiKeyAuth = factory(
  401,
  "api_keys.authentication_not_api_key",
  "Authentication must be done using an API key to access this resource",
)
export const routeNotFound = factory(404, "api.not-found", "API route not found")
export const internalError = factory(500, "internal.error", "An error occurred")
export const timedOut = factory(504, "api.timeout", "The request timed out")
export const malformedJson = factory(400, "server.invalid_request.malformed_json", "Invalid request body")
export const notInOrganization = factory(
  403,
  "user.not_in_organization",
  "You are not part of this organization.",
)
export const maxOrganizationCount = factory(
  403,
  "user.max_organization_count_reached",
  "You have reached the maximum number of organizations.",
)
export const documentNotFound = factory(404, "document.not_found", "Document not found.")
export const documentAlreadyExists = factory(409, "document.already_exists", "Document already exists.")
export const documentTooLarge = factory(413, "document.size_too_large", "Document size too large.")
export const invalidFileFieldname = factory(400, "document.invalid_file_fieldname", "Invalid file fieldname")
export const multipartParseError = factory(400, "document.parse_error", "Error parsing multipart form")
export const batchDocumentsNotInOrganization = factory(
  400,
  "documents.batch.documents_not_from_organization",
  "Some documents do not exist or do not belong to the organization.",
)
export const tagNotFound = factory(404, "tags.not_found", "Tag not found")
export const tagAlreadyExists = factory(409, "tags.already_exists", "Tag already exists")
export const documentAlreadyHasTag = factory(409, "documents.already_has_tag", "Document already has tag")
export const tagLimitReached = factory(
  403,
  "tags.organization_limit_reached",
  "The maximum number of tags for this organization has been reached.",
)
export const propertyNotFound = factory(
  404,
  "custom_property_definition.not_found",
  "Custom property definition not found.",
)
export const propertyAlreadyExists = factory(
  409,
  "custom_property_definition.already_exists",
  "A custom property definition with this name or key already exists in this organization.",
)
export const propertyInvalidUpdate = factory(
  400,
  "custom_property_definition.invalid_update",
  "The provided update data is invalid for this property type.",
)
export const propertyLimitReached = factory(
  403,
  "custom_property_definition.organization_limit_reached",
  "The maximum number of custom properties for this organization has been reached.",
)
export const propertyValueInvalid = factory(
  400,
  "custom_property_value.invalid",
  "The provided value is invalid for this property type.",
)
export const propertyUserNotFound = factory(
  400,
  "custom_property_value.user_not_found",
  "One or more provided user IDs are not members of this organization.",
)
export const propertyRelatedDocumentNotFound = factory(
  400,
  "custom_property_value.related_document_not_found",
  "One or more provided document IDs do not belong to this organization.",
)
export const selectOptionNotFound = factory(
  400,
  "custom_property_select_option.not_found",
  "The provided value is not a valid option for this select property.",
)
export const selectOptionUnknownId = factory(
  400,
  "custom_property_select_option.unknown_id",
  "One or more provided select option IDs do not belong to this property definition.",
)

export const invalidRequest = (
  target: "body" | "query" | "params",
  details: ReadonlyArray<ValidationIssue>,
): PapraError => {
  const what = { body: "request body", query: "query parameters", params: "URL parameters" }[target]
  return new PapraError(400, `server.invalid_request.${target}`, `Invalid ${what}`, details)
}

export const baseHeaders = { "x-content-type-options": "nosniff" }

export const renderError = (error: PapraError): SimResponse => ({
  status: error.status,
  headers: { ...baseHeaders, "cache-control": "no-store" },
  body: {
    error: {
      message: error.message,
      code: error.code,
      ...(error.details === undefined ? {} : { details: error.details }),
    },
  },
})

const faultErrors: Record<number, () => PapraError> = {
  401: unauthorized,
  404: routeNotFound,
  // Papra's own rate limiter answers this shape (apps/papra-server/src/modules/app/rate-limit).
  429: factory(429, "server.too_many_requests", "Too many requests"),
  500: internalError,
  504: timedOut,
}

/** Injected statuses rendered as Papra would send them, so clients parse them like real ones. */
export const papraFaultResponse: FaultResponder = (status) =>
  renderError(faultErrors[status]?.() ?? new PapraError(status, "internal.error", "An error occurred"))
