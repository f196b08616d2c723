import { CustomFieldDataType } from "@paperbridge/paperless"
import * as Schema from "effect/Schema"

/**
 * The manifest records paperbridge reads, one Schema per model, both generations (the fixtures'
 * README in test/fixtures/paperless-export lays out 3.0.5 and 2.20.15). Django serialises each
 * object as `{model, pk, fields}`; foreign keys are bare pks, many-to-many fields lists of pks.
 * Fields one generation lacks are optional; fields paperbridge does not carry are not named (and
 * so dropped on decode).
 */
const record = <Model extends string, Fields extends Schema.Struct.Fields>(model: Model, fields: Fields) =>
  Schema.Struct({ model: Schema.Literal(model), pk: Schema.Int, fields: Schema.Struct(fields) })

const Pk = Schema.NullOr(Schema.Int)

const matching = {
  name: Schema.String,
  match: Schema.optionalWith(Schema.String, { default: () => "" }),
  matching_algorithm: Schema.optionalWith(Schema.Int, { default: () => 0 }),
  is_insensitive: Schema.optionalWith(Schema.Boolean, { default: () => true }),
  owner: Schema.optionalWith(Pk, { default: () => null }),
}

export const CorrespondentRecord = record("documents.correspondent", matching)
export const DocumentTypeRecord = record("documents.documenttype", matching)
export const StoragePathRecord = record("documents.storagepath", { ...matching, path: Schema.String })

/** Tags are django-treenode rows: the parent is `tn_parent` on both generations, not `parent`. */
export const TagRecord = record("documents.tag", {
  ...matching,
  color: Schema.String,
  is_inbox_tag: Schema.Boolean,
  tn_parent: Schema.optionalWith(Pk, { default: () => null }),
})

export const SelectOptionRecord = Schema.Struct({ id: Schema.String, label: Schema.String })

export const CustomFieldRecord = record("documents.customfield", {
  name: Schema.String,
  data_type: CustomFieldDataType,
  extra_data: Schema.NullOr(
    Schema.Struct({
      select_options: Schema.optional(Schema.Array(SelectOptionRecord)),
      default_currency: Schema.optional(Schema.NullOr(Schema.String)),
    }),
  ),
})

/**
 * One value per type-specific column; only the field's own column is set (monetary also fills the
 * derived `value_monetary_amount`). `value_select` is the option's id, as the API gives it.
 */
export const CustomFieldInstanceRecord = record("documents.customfieldinstance", {
  document: Schema.Int,
  field: Schema.Int,
  deleted_at: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null }),
  value_text: Schema.optional(Schema.NullOr(Schema.String)),
  value_bool: Schema.optional(Schema.NullOr(Schema.Boolean)),
  value_url: Schema.optional(Schema.NullOr(Schema.String)),
  value_date: Schema.optional(Schema.NullOr(Schema.String)),
  value_int: Schema.optional(Schema.NullOr(Schema.Int)),
  value_float: Schema.optional(Schema.NullOr(Schema.Number)),
  value_monetary: Schema.optional(Schema.NullOr(Schema.String)),
  value_document_ids: Schema.optional(Schema.NullOr(Schema.Array(Schema.Int))),
  value_select: Schema.optional(Schema.NullOr(Schema.String)),
  value_long_text: Schema.optional(Schema.NullOr(Schema.String)),
})

export const NoteRecord = record("documents.note", {
  note: Schema.String,
  created: Schema.String,
  document: Schema.Int,
  user: Schema.optionalWith(Pk, { default: () => null }),
  deleted_at: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null }),
})

/**
 * `checksum`/`archive_checksum` are MD5 on 2.20 and SHA-256 on 3.0. 3.0 keeps a document's later
 * versions as rows of their own (`root_document`, `version_index`) and exports trashed documents
 * (`deleted_at` set); 2.20 has neither. The `__exported_*__` keys are paths from the export root.
 */
export const DocumentRecord = Schema.Struct({
  model: Schema.Literal("documents.document"),
  pk: Schema.Int,
  fields: Schema.Struct({
    title: Schema.String,
    content: Schema.optionalWith(Schema.String, { default: () => "" }),
    correspondent: Pk,
    document_type: Pk,
    storage_path: Pk,
    owner: Schema.optionalWith(Pk, { default: () => null }),
    mime_type: Schema.String,
    checksum: Schema.String,
    archive_checksum: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null }),
    page_count: Schema.optionalWith(Schema.NullOr(Schema.Int), { default: () => null }),
    created: Schema.String,
    modified: Schema.String,
    added: Schema.String,
    original_filename: Schema.NullOr(Schema.String),
    archive_serial_number: Schema.NullOr(Schema.Int),
    deleted_at: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null }),
    root_document: Schema.optionalWith(Pk, { default: () => null }),
    version_index: Schema.optionalWith(Schema.NullOr(Schema.Int), { default: () => null }),
    version_label: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null }),
    tags: Schema.Array(Schema.Int),
  }),
  __exported_file_name__: Schema.String,
  __exported_archive_name__: Schema.optional(Schema.String),
})
export type DocumentRecord = typeof DocumentRecord.Type

export const ManifestRecord = Schema.Union(
  CorrespondentRecord,
  DocumentTypeRecord,
  StoragePathRecord,
  TagRecord,
  CustomFieldRecord,
  CustomFieldInstanceRecord,
  NoteRecord,
  DocumentRecord,
)
export type ManifestRecord = typeof ManifestRecord.Type
export type ManifestModel = ManifestRecord["model"]

/** The models paperbridge carries; every other one (users, tokens, permissions, audit log…) is skipped unread. */
export const CARRIED_MODELS: ReadonlySet<string> = new Set<ManifestModel>([
  "documents.correspondent",
  "documents.documenttype",
  "documents.storagepath",
  "documents.tag",
  "documents.customfield",
  "documents.customfieldinstance",
  "documents.note",
  "documents.document",
])

/** `metadata.json`: only `version` (plus crypto parameters under `--passphrase`). */
export const ExportMetadata = Schema.Struct({ version: Schema.String })

/** The generations whose manifests the Schemas above were checked against (real exports). */
export const KNOWN_VERSIONS = ["2.20", "3.0"] as const
export const knownGeneration = (version: string) =>
  KNOWN_VERSIONS.find((known) => version === known || version.startsWith(`${known}.`))
