import * as Schema from "effect/Schema"

/**
 * Correspondents, document types and storage paths: named objects a Paperless document points at
 * (`correspondents.list.json`, `document_types.list.json`, `storage_paths.list.json`). Papra has none
 * of them; they become a select property, a prefixed tag, or nothing (config).
 */
export const PaperlessClassifier = Schema.Struct({
  id: Schema.Number,
  name: Schema.String,
  /** Storage paths only: the Jinja template. */
  path: Schema.optional(Schema.String),
})
export type PaperlessClassifier = typeof PaperlessClassifier.Type

export const ClassifierKind = Schema.Literal("correspondent", "documentType", "storagePath")
export type ClassifierKind = typeof ClassifierKind.Type

export const CLASSIFIER_KINDS: ReadonlyArray<ClassifierKind> = [
  "correspondent",
  "documentType",
  "storagePath",
]

export const classifierLabel: Record<ClassifierKind, string> = {
  correspondent: "correspondent",
  documentType: "document type",
  storagePath: "storage path",
}
