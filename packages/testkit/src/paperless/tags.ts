import type { PaperlessStore } from "./store.js"

/**
 * Tag hierarchy semantics. The real server treats a document's tag list as a tree selection:
 * adding a tag adds its ancestors, and removing a tag removes its descendants, even when those are
 * requested again (`documents.patch.tags.hierarchy.*.json`, `documents.get.after-bulk-*-tag.json`).
 */

export const ancestorsOf = (store: PaperlessStore, tagId: number): Array<number> => {
  const ancestors: Array<number> = []
  let parent = store.objects.tags.get(tagId)?.parent ?? null
  while (parent !== null && !ancestors.includes(parent) && parent !== tagId) {
    ancestors.push(parent)
    parent = store.objects.tags.get(parent)?.parent ?? null
  }
  return ancestors
}

export const descendantsOf = (store: PaperlessStore, tagId: number): Array<number> => {
  const found: Array<number> = []
  const queue = [tagId]
  while (queue.length > 0) {
    const current = queue.shift()
    for (const tag of store.objects.tags.values()) {
      if (tag.parent === current && !found.includes(tag.id) && tag.id !== tagId) {
        found.push(tag.id)
        queue.push(tag.id)
      }
    }
  }
  return found
}

/**
 * The tags a document ends with after a PATCH/PUT of `tags`:
 * requested + their ancestors, minus every previously present tag that was not requested, minus
 * the descendants of those. So `[child]` on a document that had the parent drops both.
 */
export const resolveTagUpdate = (
  store: PaperlessStore,
  previous: ReadonlyArray<number>,
  requested: ReadonlyArray<number>,
): Array<number> => {
  const wanted = new Set<number>()
  for (const tag of requested) {
    wanted.add(tag)
    for (const ancestor of ancestorsOf(store, tag)) wanted.add(ancestor)
  }
  const removed = previous.filter((tag) => !requested.includes(tag))
  for (const tag of removed) {
    wanted.delete(tag)
    for (const descendant of descendantsOf(store, tag)) wanted.delete(descendant)
  }
  return [...wanted]
}

/**
 * A document's tags come back in the Tag model's ordering, by name with SQLite's binary collation
 * (`[2 Finance, 1 Inbox, 3 Invoices, 7 Steuer…]` in `documents.patch.tags.hierarchy.full-set.json`).
 */
export const sortTagIds = (store: PaperlessStore, ids: Iterable<number>): Array<number> =>
  [...new Set(ids)].sort((a, b) => {
    const nameA = store.objects.tags.get(a)?.name ?? ""
    const nameB = store.objects.tags.get(b)?.name ?? ""
    return nameA < nameB ? -1 : nameA > nameB ? 1 : a - b
  })

/** bulk_edit `add_tag`: the tag and its ancestors. */
export const withAncestors = (store: PaperlessStore, tagId: number) => [tagId, ...ancestorsOf(store, tagId)]

/** bulk_edit `remove_tag`: the tag and its descendants. */
export const withDescendants = (store: PaperlessStore, tagId: number) => [
  tagId,
  ...descendantsOf(store, tagId),
]

/** Paperless picks black or white text by the colour's luminance. */
export const textColorOf = (color: string): string => {
  const hex = /^#([0-9a-f]{6})$/i.exec(color)?.[1] ?? "a6cee3"
  const channel = (offset: number) => Number.parseInt(hex.slice(offset, offset + 2), 16) / 255
  const luminance = Math.sqrt(0.299 * channel(0) ** 2 + 0.587 * channel(2) ** 2 + 0.114 * channel(4) ** 2)
  return luminance > 0.53 ? "#000000" : "#ffffff"
}

/** 2.20's API v1 `colour` palette (`tags.create.v1-colour.json`: 3 → `#b2df8a`). */
export const legacyPalette = [
  "#a6cee3",
  "#1f78b4",
  "#b2df8a",
  "#33a02c",
  "#fb9a99",
  "#e31a1c",
  "#fdbf6f",
  "#ff7f00",
  "#cab2d6",
  "#6a3d9a",
  "#b15928",
  "#000000",
  "#cccccc",
]
