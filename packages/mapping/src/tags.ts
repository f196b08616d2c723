import * as Schema from "effect/Schema"

/** `tags.list.json` (Paperless): only the fields the mapping reads. `parent` exists from API v2 on. */
export const PaperlessTag = Schema.Struct({
  id: Schema.Number,
  name: Schema.String,
  color: Schema.optional(Schema.String),
  is_inbox_tag: Schema.optional(Schema.Boolean),
  parent: Schema.optional(Schema.NullOr(Schema.Number)),
})
export type PaperlessTag = typeof PaperlessTag.Type

/** `tags.list.json` (Papra). Papra tags have a description; Paperless tags do not. */
export const PapraTag = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  color: Schema.optional(Schema.String),
  description: Schema.optional(Schema.NullOr(Schema.String)),
})
export type PapraTag = typeof PapraTag.Type

/** Paperless gives a new tag `#a6cee3` unless told otherwise (paperless-server-behaviour.md). */
export const PAPERLESS_DEFAULT_TAG_COLOR = "#a6cee3"

/** The names from the root down to `tag`, guarding against a cycle in what the server sent. */
export const tagPath = (
  tag: PaperlessTag,
  byId: ReadonlyMap<number, PaperlessTag>,
): ReadonlyArray<string> => {
  const names: Array<string> = []
  const seen = new Set<number>()
  let current: PaperlessTag | undefined = tag
  while (current !== undefined && !seen.has(current.id)) {
    seen.add(current.id)
    names.unshift(current.name.trim())
    current = current.parent === null || current.parent === undefined ? undefined : byId.get(current.parent)
  }
  return names
}

/** `tag` and every ancestor, because Paperless drops a child whose parent is missing from a PATCH `tags`. */
export const withAncestors = (
  ids: Iterable<number>,
  byId: ReadonlyMap<number, PaperlessTag>,
): ReadonlyArray<number> => {
  const all = new Set<number>()
  for (const id of ids) {
    let current: number | null | undefined = id
    while (current !== null && current !== undefined && !all.has(current)) {
      all.add(current)
      current = byId.get(current)?.parent
    }
  }
  return [...all].sort((a, b) => a - b)
}

/** A Papra tag name split into a path (mode `path`), or kept whole (mode `leaf`). */
export const splitTagName = (
  name: string,
  hierarchy: "path" | "leaf",
  separator: string,
): ReadonlyArray<string> => {
  if (hierarchy === "leaf") return [name.trim()]
  const segments = name.split(separator).map((segment) => segment.trim())
  return segments.some((segment) => segment === "") ? [name.trim()] : segments
}
