import * as Schema from "effect/Schema"
import { makeResource, type Resource } from "./resources.js"
import type { Transport } from "./transport.js"

export const CustomFieldId = Schema.Int.pipe(Schema.brand("PaperlessCustomFieldId"))
export type CustomFieldId = typeof CustomFieldId.Type

/** The ten types both generations accept; `multiselect` does not exist (400). */
export const CustomFieldDataType = Schema.Literal(
  "string",
  "url",
  "date",
  "boolean",
  "integer",
  "float",
  "monetary",
  "documentlink",
  "select",
  "longtext",
)
export type CustomFieldDataType = typeof CustomFieldDataType.Type

/**
 * A select option's label. Options created through API v6 with `{label}` objects were stored
 * double-wrapped and still read back that way at v9 (2.20 `custom_fields.list.v9.json`, id 12);
 * the inner label is the one the user typed.
 */
const OptionLabel = Schema.Union(
  Schema.String,
  Schema.transform(Schema.Struct({ label: Schema.String }), Schema.String, {
    strict: true,
    decode: (wrapped) => wrapped.label,
    encode: (label) => ({ label }),
  }),
)

/** The server assigns 16-character option ids; document values are these ids, not labels. */
export const SelectOption = Schema.Struct({ id: Schema.String, label: OptionLabel })
export type SelectOption = typeof SelectOption.Type

export const CustomFieldExtraData = Schema.Struct({
  select_options: Schema.optional(Schema.Array(SelectOption)),
  default_currency: Schema.optional(Schema.NullOr(Schema.String)),
})

export const CustomField = Schema.Struct({
  id: CustomFieldId,
  name: Schema.String,
  data_type: CustomFieldDataType,
  extra_data: Schema.NullOr(CustomFieldExtraData),
  /** Absent from create answers. */
  document_count: Schema.optional(Schema.Int),
})
export type CustomField = typeof CustomField.Type

/** To add an option, send the whole list back with the existing ids; a new one has no id yet. */
export const SelectOptionInput = Schema.Struct({ id: Schema.optional(Schema.String), label: Schema.String })

export const CustomFieldCreate = Schema.Struct({
  name: Schema.String,
  data_type: CustomFieldDataType,
  extra_data: Schema.optional(
    Schema.NullOr(
      Schema.Struct({
        select_options: Schema.optional(Schema.Array(SelectOptionInput)),
        default_currency: Schema.optional(Schema.NullOr(Schema.String)),
      }),
    ),
  ),
})
export type CustomFieldCreate = typeof CustomFieldCreate.Type
export const CustomFieldUpdate = Schema.partial(CustomFieldCreate)
export type CustomFieldUpdate = typeof CustomFieldUpdate.Type

export type CustomFieldQuery = {
  readonly id__in?: ReadonlyArray<number>
  readonly name__iexact?: string
  readonly name__icontains?: string
  readonly ordering?: string
}

export type CustomFields = Resource<
  CustomFieldId,
  CustomField,
  CustomFieldCreate,
  CustomFieldUpdate,
  CustomFieldQuery
>

export const makeCustomFields = (transport: Transport): CustomFields =>
  makeResource(transport, {
    path: "/api/custom_fields/",
    item: CustomField,
    create: CustomFieldCreate,
    update: CustomFieldUpdate,
  })

/**
 * A value on a document, as the server stores and returns it: string, url, date (`YYYY-MM-DD`),
 * monetary (`"EUR12.50"`), select (option id) and longtext as strings; integer and float as
 * numbers; boolean; documentlink as a list of document ids; `null` for an empty value.
 */
export const CustomFieldValue = Schema.Union(
  Schema.String,
  Schema.Number,
  Schema.Boolean,
  Schema.Array(Schema.Int),
  Schema.Null,
)
export type CustomFieldValue = typeof CustomFieldValue.Type

export const CustomFieldInstance = Schema.Struct({ field: CustomFieldId, value: CustomFieldValue })
export type CustomFieldInstance = typeof CustomFieldInstance.Type

/**
 * Pure: the list a document PATCH must carry to change some values and keep the others, because
 * PATCH `custom_fields` replaces the whole set (paperless-server-behaviour.md, "Custom fields";
 * clusterzx/paperless-ai #323). `remove` drops fields; later entries win.
 */
export const mergeCustomFields = (
  current: ReadonlyArray<CustomFieldInstance>,
  changes: ReadonlyArray<CustomFieldInstance>,
  remove: ReadonlyArray<CustomFieldId> = [],
): ReadonlyArray<CustomFieldInstance> => {
  const merged = new Map<CustomFieldId, CustomFieldValue>()
  for (const { field, value } of [...current, ...changes]) merged.set(field, value)
  for (const field of remove) merged.delete(field)
  return [...merged].map(([field, value]) => ({ field, value }))
}
