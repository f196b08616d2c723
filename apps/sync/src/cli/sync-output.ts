import { ExitCode } from "../config/errors.js"
import type { DocumentOutcome } from "../engine/events.js"
import type { SyncResult, SyncSummary } from "../engine/sync-options.js"
import { conflictFieldLines, failureLines } from "./output.js"
import type { RunReport } from "./schedule.js"

const carriedCount = (counts: Readonly<Record<DocumentOutcome, number>>) =>
  counts.uploaded + counts["linked-existing"] + counts["carried-again"]

const failedCount = (summary: SyncSummary) =>
  summary.linked.failed + summary.carried.toPapra.failed + summary.carried.toPaperless.failed

/** What a sync changed, on one line (a run's progress line in continuous mode). */
export const syncChangesLine = (summary: SyncSummary): string => {
  if (summary.refused !== undefined)
    return `refused by the delete guard (${summary.refused.side}): ${summary.refused.reason}; nothing was written`
  const { linked, carried } = summary
  return [
    `${linked.updated} updated`,
    `${linked.fileReplaced} files replaced`,
    `${carriedCount(carried.toPapra)} new to Papra`,
    `${carriedCount(carried.toPaperless)} new to Paperless`,
    `${linked.trashed.paperless} trashed in Paperless`,
    `${linked.trashed.papra} trashed in Papra`,
    `${linked.keptEdited} kept (edited where deleted)`,
    `${linked.forgotten} forgotten`,
    `${summary.conflicts.length} conflicts`,
    `${failedCount(summary)} failed`,
    `${linked.unchanged} unchanged`,
  ].join(", ")
}

/**
 * 4 when the delete guard refused; 1 when documents failed or, under `--conflict fail`, conflicts
 * wait for the user; 0 otherwise.
 */
export const syncExitCode = (summary: SyncSummary, conflictsLeft: boolean): ExitCode =>
  summary.refused !== undefined
    ? ExitCode.refused
    : failedCount(summary) > 0 ||
        summary.failures.length > 0 ||
        (conflictsLeft && summary.conflicts.length > 0)
      ? ExitCode.partial
      : ExitCode.ok

/** The full text after a single run: the changes, then what needs the user. */
export const syncSummaryText = (result: SyncResult): string => {
  const lines = [`Sync ${result.mode} finished: ${syncChangesLine(result)}.`]
  if (result.refused !== undefined)
    lines.push("Check the figures, then run again with --force-delete or a higher --max-delete.")
  if (result.conflicts.length > 0) {
    lines.push("Conflicts (left as they are on both sides; settle them or choose --conflict):")
    for (const conflict of result.conflicts)
      lines.push(
        `  - Paperless ${conflict.paperlessId} ↔ Papra ${conflict.papraId} "${conflict.title}"`,
        ...conflictFieldLines(conflict.fields),
      )
  }
  lines.push(...failureLines(result.failures))
  if (result.lossiness.length > 0)
    lines.push("What did not carry over exactly:", ...result.lossiness.map((line) => `  - ${line}`))
  if (result.notices.length > 0) lines.push("Notices:", ...result.notices.map((line) => `  - ${line}`))
  lines.push(`Report: ${result.reportPath}`)
  return lines.join("\n")
}

/** One run, as the loop and the single-run command print it. */
export const syncRunReport = (result: SyncResult, conflictsLeft: boolean): RunReport => ({
  exitCode: syncExitCode(result, conflictsLeft),
  line: `${result.finishedAt} ${syncChangesLine(result)}`,
  text: syncSummaryText(result),
  json: { type: "sync", ...result },
})
