import * as Schema from "effect/Schema"

/**
 * Auto-assignment rule shared by tags, correspondents, document types and storage paths:
 * 0 none, 1 any word (the default), 2 all words, 3 exact, 4 regex, 5 fuzzy, 6 automatic.
 */
export const MatchingAlgorithm = Schema.Int.pipe(Schema.between(0, 6))

export const matchingFields = {
  slug: Schema.String,
  name: Schema.String,
  match: Schema.String,
  matching_algorithm: MatchingAlgorithm,
  is_insensitive: Schema.Boolean,
  /** Absent from create answers (`tags.create.*.json`); present on get and list. */
  document_count: Schema.optional(Schema.Int),
}

export const matchingWriteFields = {
  match: Schema.optional(Schema.String),
  matching_algorithm: Schema.optional(MatchingAlgorithm),
  is_insensitive: Schema.optional(Schema.Boolean),
}
