import type { SyncSummary } from "../engine/sync-options.js"
import type { BothCopies, DemoEdits } from "./edits.js"

/**
 * What the demo's syncs did, told as a user needs to see it, and checked against what the edits
 * should have led to: each `problems` line is something that did not happen as it should.
 */
export interface Told {
  readonly lines: ReadonlyArray<string>
  readonly problems: ReadonlyArray<string>
}

const shown = (value: unknown) => (typeof value === "string" ? `"${value}"` : JSON.stringify(value))

const copyLine = (side: string, copy: BothCopies["paperless"]) =>
  `  ${side}: "${copy.title}", tagged ${copy.tags.join(", ")}`

const carriedCount = (counts: SyncSummary["carried"]["toPaperless"]) =>
  counts.uploaded + counts["linked-existing"] + counts["carried-again"]

/** The edits as the demo made them, before the first sync. */
export const editLines = (edits: DemoEdits): ReadonlyArray<string> => [
  `"${edits.merged.title}": renamed "${edits.merged.renamed}" and tagged ${edits.merged.paperlessTag} on Paperless, tagged ${edits.merged.papraTag} on Papra (different fields, or both added to one set: a clean merge).`,
  `"${edits.conflicted.title}": renamed "${edits.conflicted.paperless}" on Paperless and "${edits.conflicted.papra}" on Papra (the same field changed differently: a conflict).`,
  `"${edits.trashed.title}": moved to Papra's trash.`,
  `"${edits.added.fileName}": a new scan uploaded to Papra only.`,
]

/** The first sync, under `--conflict fail`: the merge, the conflict left with both values, the trash, the new scan. */
export const firstSyncStory = (
  result: SyncSummary,
  edits: DemoEdits,
  merged: BothCopies,
  added: ReadonlyArray<{ readonly id: number; readonly title: string }>,
): Told => {
  const lines: Array<string> = []
  const problems: Array<string> = []
  const { renamed, paperlessTag, papraTag } = edits.merged
  const mergedOn = (copy: BothCopies["paperless"]) =>
    copy.title === renamed && copy.tags.includes(paperlessTag) && copy.tags.includes(papraTag)
  if (mergedOn(merged.paperless) && mergedOn(merged.papra))
    lines.push(
      `Merged "${edits.merged.title}": Paperless's new title and both new tags are on both sides.`,
      copyLine("Paperless", merged.paperless),
      copyLine("Papra    ", merged.papra),
    )
  else
    problems.push(
      `"${edits.merged.title}" was not merged: expected "${renamed}" tagged ${paperlessTag} and ${papraTag} on both sides`,
      copyLine("Paperless", merged.paperless),
      copyLine("Papra    ", merged.papra),
    )

  const conflict = result.conflicts.find(
    (entry) => entry.paperlessId === String(edits.conflicted.paperlessId),
  )
  const title = conflict?.fields.find((field) => field.field === "title")
  if (
    result.conflicts.length === 1 &&
    title !== undefined &&
    title.paperless === edits.conflicted.paperless &&
    title.papra === edits.conflicted.papra
  )
    lines.push(
      `Conflict left on "${edits.conflicted.title}" (--conflict fail writes neither side and reports it):`,
      `  title on Paperless: ${shown(title.paperless)}`,
      `  title on Papra:     ${shown(title.papra)}`,
      `  at the last sync:   ${shown(title.base)}`,
    )
  else
    problems.push(
      `expected one conflict, on the title of "${edits.conflicted.title}" (${shown(edits.conflicted.paperless)} on Paperless, ${shown(edits.conflicted.papra)} on Papra); the sync reported ${result.conflicts.length}`,
    )

  if (result.linked.trashed.paperless === 1 && result.linked.trashed.papra === 0)
    lines.push(
      `"${edits.trashed.title}" went to Papra's trash, so the sync moved it to Paperless's trash too.`,
    )
  else
    problems.push(
      `expected one document trashed on Paperless and none on Papra; the sync trashed ${result.linked.trashed.paperless} and ${result.linked.trashed.papra}`,
    )

  const [carried] = added
  if (carriedCount(result.carried.toPaperless) === 1 && added.length === 1 && carried !== undefined)
    lines.push(
      `"${edits.added.fileName}", uploaded to Papra, is now on Paperless too: document ${carried.id} "${carried.title}".`,
    )
  else
    problems.push(
      `expected "${edits.added.fileName}" carried to Paperless once; ${carriedCount(result.carried.toPaperless)} carried, ${added.length} found there`,
    )
  return { lines, problems }
}

/** The second sync, under `--conflict paperless`: the conflict settled with Paperless's value. */
export const settledStory = (result: SyncSummary, edits: DemoEdits, settled: BothCopies): Told => {
  const wanted = edits.conflicted.paperless
  return result.conflicts.length === 0 && settled.paperless.title === wanted && settled.papra.title === wanted
    ? {
        lines: [
          `Settled "${edits.conflicted.title}" with Paperless's value: both sides now read "${wanted}"; no conflict is left.`,
        ],
        problems: [],
      }
    : {
        lines: [],
        problems: [
          `expected "${edits.conflicted.title}" settled as "${wanted}" on both sides; Paperless has "${settled.paperless.title}", Papra "${settled.papra.title}", ${result.conflicts.length} conflicts left`,
        ],
      }
}

/**
 * The third sync, with nothing changed since the second: it must send no write to either server.
 * A file Papra refused for good still counts as failed in every run, but a sync neither downloads
 * nor sends it again while it is unchanged (`known-files.ts`), so writes are what "nothing to do"
 * is judged by, not the failed count.
 */
export const quietStory = (
  result: SyncSummary,
  writes: ReadonlyArray<{ readonly method: string; readonly path: string }>,
  refusedBefore: number,
): Told => {
  const changed =
    result.linked.updated +
    result.linked.fileReplaced +
    result.linked.trashed.paperless +
    result.linked.trashed.papra +
    carriedCount(result.carried.toPapra) +
    carriedCount(result.carried.toPaperless)
  if (writes.length === 0 && changed === 0 && result.conflicts.length === 0)
    return {
      lines: [
        "Nothing changed since the last sync, and this one wrote nothing: not one request that changes anything went to either server.",
        ...(refusedBefore > 0
          ? [
              `The ${refusedBefore} failed ${refusedBefore === 1 ? "is the file" : "are the files"} Papra refused in the migration: a sync does not download or send ${refusedBefore === 1 ? "it" : "them"} again while unchanged.`,
            ]
          : []),
      ],
      problems: [],
    }
  return {
    lines: [],
    problems: [
      `expected a sync with nothing to do; it changed ${changed} documents, left ${result.conflicts.length} conflicts and sent ${writes.length} writes`,
      ...writes.slice(0, 5).map((write) => `  ${write.method} ${write.path}`),
    ],
  }
}
