import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { type PapraError, PapraRequestError } from "./errors.js"
import {
  PapraCustomPropertyId,
  PapraDocumentId,
  PapraOrganizationId,
  PapraSelectOptionId,
  PapraUserId,
} from "./ids.js"
import { encodeBody, endpointOf, route, type Transport } from "./transport.js"

export const PapraCustomPropertyType = Schema.Literal(
  "text",
  "number",
  "date",
  "boolean",
  "select",
  "multi_select",
  "user_relation",
  "document_relation",
)
export type PapraCustomPropertyType = typeof PapraCustomPropertyType.Type

export const PapraSelectOption = Schema.Struct({
  id: PapraSelectOptionId,
  createdAt: Schema.String,
  updatedAt: Schema.String,
  propertyDefinitionId: PapraCustomPropertyId,
  name: Schema.String,
  key: Schema.String,
  displayOrder: Schema.Number,
})
export type PapraSelectOption = typeof PapraSelectOption.Type

const definitionFields = {
  id: PapraCustomPropertyId,
  createdAt: Schema.String,
  updatedAt: Schema.String,
  organizationId: PapraOrganizationId,
  name: Schema.String,
  // Derived from the name ("Open (renamed)" → "openrenamed"), and re-derived on rename.
  key: Schema.String,
  description: Schema.NullOr(Schema.String),
  type: PapraCustomPropertyType,
  config: Schema.NullOr(Schema.Unknown),
  displayOrder: Schema.Number,
}

/** A definition as create and update return it: without its options (custom-properties.create.select.json). */
export const PapraCustomPropertyDefinitionRecord = Schema.Struct(definitionFields)
export type PapraCustomPropertyDefinitionRecord = typeof PapraCustomPropertyDefinitionRecord.Type

/** A definition as get and list return it, with its select options (empty for other types). */
export const PapraCustomPropertyDefinition = Schema.Struct({
  ...definitionFields,
  options: Schema.Array(PapraSelectOption),
})
export type PapraCustomPropertyDefinition = typeof PapraCustomPropertyDefinition.Type

const SelectedOption = Schema.Struct({ optionId: PapraSelectOptionId, name: Schema.String })
const RelatedDocument = Schema.Struct({ documentId: PapraDocumentId, name: Schema.String })
const RelatedUser = Schema.Struct({ userId: PapraUserId, name: Schema.String, email: Schema.String })

/** One union member per type: relation values are always arrays, even for a single link. */
const byType = <Fields extends Schema.Struct.Fields>(
  fields: Fields,
  wrap: <S extends Schema.Schema.Any>(value: S) => S | Schema.NullOr<S>,
) => {
  const member = <T extends PapraCustomPropertyType, S extends Schema.Schema.Any>(type: T, value: S) =>
    Schema.Struct({ ...fields, type: Schema.Literal(type), value: wrap(value) })
  return [
    member("text", Schema.String),
    member("number", Schema.Number),
    // Sent as "2026-02-28", returned as "2026-02-28T00:00:00.000Z" (documents.custom-properties.list.json).
    member("date", Schema.String),
    member("boolean", Schema.Boolean),
    member("select", SelectedOption),
    member("multi_select", Schema.Array(SelectedOption)),
    member("user_relation", Schema.Array(RelatedUser)),
    member("document_relation", Schema.Array(RelatedDocument)),
  ] as const
}

/**
 * A value embedded in a document (get and list): one entry per definition of the organization,
 * `value: null` when unset, and no definition id, only `key` and `name`
 * (documents.get.with-custom-properties.json).
 */
export const PapraEmbeddedCustomProperty = Schema.Union(
  ...byType({ key: Schema.String, name: Schema.String, displayOrder: Schema.Number }, Schema.NullOr),
)
export type PapraEmbeddedCustomProperty = typeof PapraEmbeddedCustomProperty.Type

/** A value from `/documents/:id/custom-properties`: only those that are set, with the definition id. */
export const PapraCustomPropertyValue = Schema.Union(
  ...byType(
    { propertyDefinitionId: PapraCustomPropertyId, key: Schema.String, name: Schema.String },
    (value) => value,
  ),
)
export type PapraCustomPropertyValue = typeof PapraCustomPropertyValue.Type

/**
 * What may be written as a value. The server checks it against the definition's type: a string
 * for text, a date ("YYYY-MM-DD") or a select option id; a number; a boolean; an array of option,
 * user or document ids for multi_select and the relations (a single id is refused with 400
 * `custom_property_value.invalid`, documents.custom-properties.set.user_relation.single-id.json).
 * To unset a value use `clearValue`: `null` is refused (documents.custom-properties.set.null-value.json).
 */
export const PapraCustomPropertyInputValue = Schema.Union(
  Schema.String,
  Schema.Number,
  Schema.Boolean,
  Schema.Array(Schema.String),
)
export type PapraCustomPropertyInputValue = typeof PapraCustomPropertyInputValue.Type

const PropertyName = Schema.String.pipe(Schema.minLength(1))
const OptionInput = Schema.Struct({ id: Schema.optional(PapraSelectOptionId), name: Schema.String })

/** select and multi_select need at least their options (custom-properties.create.select-without-options.json). */
export const PapraCustomPropertyInput = Schema.Struct({
  name: PropertyName,
  type: PapraCustomPropertyType,
  description: Schema.optional(Schema.String),
  displayOrder: Schema.optional(Schema.Number),
  options: Schema.optional(Schema.Array(Schema.Struct({ name: Schema.String }))),
})
export type PapraCustomPropertyInput = typeof PapraCustomPropertyInput.Type

/**
 * The type cannot change (custom-properties.update.change-type.json). `options` is the full new
 * list: an option sent with its `id` is kept (and renamed), one without is added, one left out is
 * deleted (custom-properties.update.select-options-with-name.json).
 */
export const PapraCustomPropertyUpdate = Schema.Struct({
  name: Schema.optional(PropertyName),
  description: Schema.optional(Schema.String),
  displayOrder: Schema.optional(Schema.Number),
  options: Schema.optional(Schema.Array(OptionInput)),
})
export type PapraCustomPropertyUpdate = typeof PapraCustomPropertyUpdate.Type

const RecordBody = Schema.Struct({ propertyDefinition: PapraCustomPropertyDefinitionRecord })

export const customPropertyRoutes = {
  list: route(
    "GET",
    "/api/organizations/:organizationId/custom-properties",
    Schema.Struct({ propertyDefinitions: Schema.Array(PapraCustomPropertyDefinition) }),
  ),
  // get wraps its answer in `definition`, create and update in `propertyDefinition`.
  get: route(
    "GET",
    "/api/organizations/:organizationId/custom-properties/:propertyDefinitionId",
    Schema.Union(
      Schema.Struct({ definition: PapraCustomPropertyDefinition }),
      // Papra's later sources answer get with the same wrapper as create; read either.
      Schema.Struct({ propertyDefinition: PapraCustomPropertyDefinition }).pipe(
        Schema.transform(Schema.Struct({ definition: Schema.typeSchema(PapraCustomPropertyDefinition) }), {
          strict: true,
          decode: ({ propertyDefinition }) => ({ definition: propertyDefinition }),
          encode: ({ definition }) => ({ propertyDefinition: definition }),
        }),
      ),
    ),
  ),
  create: route("POST", "/api/organizations/:organizationId/custom-properties", RecordBody),
  update: route(
    "PUT",
    "/api/organizations/:organizationId/custom-properties/:propertyDefinitionId",
    RecordBody,
  ),
  delete: route("DELETE", "/api/organizations/:organizationId/custom-properties/:propertyDefinitionId"),
  listValues: route(
    "GET",
    "/api/organizations/:organizationId/documents/:documentId/custom-properties",
    Schema.Struct({ customProperties: Schema.Array(PapraCustomPropertyValue) }),
  ),
  setValue: route(
    "PUT",
    "/api/organizations/:organizationId/documents/:documentId/custom-properties/:propertyDefinitionId",
  ),
  clearValue: route(
    "DELETE",
    "/api/organizations/:organizationId/documents/:documentId/custom-properties/:propertyDefinitionId",
  ),
} as const

export interface PapraCustomProperties {
  readonly list: () => Effect.Effect<ReadonlyArray<PapraCustomPropertyDefinition>, PapraError>
  readonly get: (id: PapraCustomPropertyId) => Effect.Effect<PapraCustomPropertyDefinition, PapraError>
  /** Fails with 409 `custom_property_definition.already_exists` when the name or its key is taken. */
  readonly create: (
    input: PapraCustomPropertyInput,
  ) => Effect.Effect<PapraCustomPropertyDefinitionRecord, PapraError>
  readonly update: (
    id: PapraCustomPropertyId,
    input: PapraCustomPropertyUpdate,
  ) => Effect.Effect<PapraCustomPropertyDefinitionRecord, PapraError>
  readonly delete: (id: PapraCustomPropertyId) => Effect.Effect<void, PapraError>
  /** The values set on one document (unset ones are absent). */
  readonly listValues: (
    documentId: PapraDocumentId,
  ) => Effect.Effect<ReadonlyArray<PapraCustomPropertyValue>, PapraError>
  /** Sets (replaces) one value; safe to repeat. */
  readonly setValue: (
    documentId: PapraDocumentId,
    id: PapraCustomPropertyId,
    value: PapraCustomPropertyInputValue,
  ) => Effect.Effect<void, PapraError>
  /** Unsets one value; answers 204 whether or not it was set. */
  readonly clearValue: (
    documentId: PapraDocumentId,
    id: PapraCustomPropertyId,
  ) => Effect.Effect<void, PapraError>
}

const SetValueBody = Schema.Struct({ value: PapraCustomPropertyInputValue })

export const makeCustomProperties = (
  transport: Transport,
  organizationId: Effect.Effect<PapraOrganizationId, PapraError>,
): PapraCustomProperties => {
  const r = customPropertyRoutes
  const withOrg = <A>(f: (org: PapraOrganizationId) => Effect.Effect<A, PapraError>) =>
    Effect.flatMap(organizationId, f)

  /**
   * A PUT whose body holds nothing the server writes to the definition row (only `options`)
   * answers 500 "No values to set" (custom-properties.update.select-options.json); with `name`
   * alongside it works. So an options-only update carries the current name.
   */
  const completeUpdate = (
    org: PapraOrganizationId,
    id: PapraCustomPropertyId,
    input: PapraCustomPropertyUpdate,
  ): Effect.Effect<PapraCustomPropertyUpdate, PapraError> => {
    const touchesRow =
      input.name !== undefined || input.description !== undefined || input.displayOrder !== undefined
    if (touchesRow) return Effect.succeed(input)
    if (input.options === undefined) {
      return Effect.fail(
        new PapraRequestError({
          endpoint: endpointOf(r.update),
          field: "(body)",
          problem: "nothing to update",
        }),
      )
    }
    return transport
      .call(r.get, { params: { organizationId: org, propertyDefinitionId: id } })
      .pipe(Effect.map(({ definition }) => ({ ...input, name: definition.name })))
  }

  return {
    list: () =>
      withOrg((org) => transport.call(r.list, { params: { organizationId: org } })).pipe(
        Effect.map((body) => body.propertyDefinitions),
      ),
    get: (id) =>
      withOrg((org) =>
        transport.call(r.get, { params: { organizationId: org, propertyDefinitionId: id } }),
      ).pipe(Effect.map((body) => body.definition)),
    create: (input) =>
      withOrg((org) =>
        encodeBody(r.create, PapraCustomPropertyInput, input).pipe(
          Effect.flatMap((json) => transport.call(r.create, { params: { organizationId: org }, json })),
        ),
      ).pipe(Effect.map((body) => body.propertyDefinition)),
    update: (id, input) =>
      withOrg((org) =>
        completeUpdate(org, id, input).pipe(
          Effect.flatMap((complete) => encodeBody(r.update, PapraCustomPropertyUpdate, complete)),
          Effect.flatMap((json) =>
            transport.call(r.update, { params: { organizationId: org, propertyDefinitionId: id }, json }),
          ),
        ),
      ).pipe(Effect.map((body) => body.propertyDefinition)),
    delete: (id) =>
      withOrg((org) =>
        transport.call(r.delete, { params: { organizationId: org, propertyDefinitionId: id } }),
      ),
    listValues: (documentId) =>
      withOrg((org) => transport.call(r.listValues, { params: { organizationId: org, documentId } })).pipe(
        Effect.map((body) => body.customProperties),
      ),
    setValue: (documentId, id, value) =>
      withOrg((org) =>
        encodeBody(r.setValue, SetValueBody, { value }).pipe(
          Effect.flatMap((json) =>
            transport.call(r.setValue, {
              params: { organizationId: org, documentId, propertyDefinitionId: id },
              json,
            }),
          ),
        ),
      ),
    clearValue: (documentId, id) =>
      withOrg((org) =>
        transport.call(r.clearValue, {
          params: { organizationId: org, documentId, propertyDefinitionId: id },
        }),
      ),
  }
}
