import * as DateTime from "effect/DateTime"
import type {
  DefinitionCounts,
  DocumentOutcome,
  RunSummary,
  SyncEvent,
  TargetDifferences,
} from "../engine/events.js"
import type { DriftProblem, PlanReport, VerifyReport } from "../engine/reports.js"
import type { EntityKind, Pair } from "../state/endpoints.js"
import type { EntityFailure } from "../state/failures.js"
import type { JournalEntry } from "../state/journal.js"
import type { Run } from "../state/runs.js"
import type { SyncSchedule } from "../state/schedule.js"
import type { SyncConflict, Tombstone } from "../state/sync-records.js"

/**
 * Renders engine events for a person or a program: a redrawn progress line on a terminal, one
 * plain line per notable event otherwise, one JSON object per event with `--json`, and nothing but
 * errors with `--quiet`.
 */
export type OutputMode = "tty" | "plain" | "json" | "quiet"

export interface ProgressState {
  readonly startedAtMs: number
  readonly total: number | undefined
  done: number
  failed: number
  bytes: number
}

const units = ["B", "KB", "MB", "GB", "TB"] as const

export const formatBytes = (bytes: number) => {
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit += 1
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`
}

export const formatDuration = (seconds: number) => {
  if (!Number.isFinite(seconds)) return "--:--"
  const whole = Math.max(0, Math.round(seconds))
  const hours = Math.floor(whole / 3600)
  const minutes = Math.floor((whole % 3600) / 60)
  const rest = String(whole % 60).padStart(2, "0")
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}:${rest}` : `${minutes}:${rest}`
}

/** One line: bar, counts, documents/s, bytes/s, ETA and failures. */
export const progressLine = (state: ProgressState, nowMs: number, width = 24) => {
  const elapsed = Math.max(0.001, (nowMs - state.startedAtMs) / 1000)
  const rate = state.done / elapsed
  const fraction = state.total ? Math.min(1, state.done / state.total) : 0
  const filled = Math.round(fraction * width)
  const bar = state.total ? `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ` : ""
  const count = state.total ? `${state.done}/${state.total}` : `${state.done}`
  const eta = state.total && rate > 0 ? formatDuration((state.total - state.done) / rate) : "--:--"
  return `${bar}${count} docs  ${rate.toFixed(1)} docs/s  ${formatBytes(state.bytes / elapsed)}/s  ETA ${eta}  failures ${state.failed}`
}

const outcomeWords: Record<DocumentOutcome, string> = {
  uploaded: "copied",
  "linked-existing": "linked to an identical file already there",
  updated: "metadata updated",
  unchanged: "already up to date",
  duplicate: "not copied: a byte-identical twin is already there",
  "file-replaced": "file replaced",
  "carried-again": "carried again",
  failed: "FAILED",
}

/** The one rendering of the definition counts, so `plan`, progress and the summary read alike. */
export const definitionsLine = (counts: DefinitionCounts, created: string, reused: string) =>
  `${counts.create} ${created}, ${counts.reuse} ${reused}, ${counts.skipped.length} skipped`

/** "title replaced; correspondent, tags kept": what a linked file's metadata on the target did. */
export const differencesText = (differences: TargetDifferences) =>
  [
    ...(differences.replaced.length > 0
      ? [`${differences.replaced.join(", ")} replaced by the source's`]
      : []),
    ...(differences.kept.length > 0 ? [`${differences.kept.join(", ")} kept (the source has none)`] : []),
  ].join("; ")

/** The plain-text line for an event, or undefined when the event is not worth a line of its own. */
export const plainLine = (event: SyncEvent): string | undefined => {
  switch (event.type) {
    case "run-started":
      return `${event.dryRun ? "Planning" : "Starting"} ${event.direction} (run ${event.runId})`
    case "phase":
      return `-- ${event.phase}`
    case "definition":
      return event.action === "unchanged" ? undefined : `${event.kind} "${event.name}": ${event.action}`
    case "document":
      return `document ${event.sourceId} "${event.title}": ${outcomeWords[event.outcome]}${event.reason ? ` (${event.reason})` : ""}${event.targetDiffers ? `; on the target: ${differencesText(event.targetDiffers)}` : ""}`
    case "definitions":
      return `definitions: ${definitionsLine(event.counts, "created", "reused")}`
    case "warning":
      return `warning: ${event.message}`
    case "run-finished":
      return undefined
  }
}

/**
 * The documents a run could not carry. A file a server refused for good (too large, a type it cannot
 * consume) is not tried again until it changes or `--retry-refused` is given: its reason says so.
 */
export const failureLines = (
  failures: ReadonlyArray<{ readonly sourceId: string; readonly title: string; readonly reason: string }>,
) =>
  failures.length === 0
    ? []
    : [
        "Failed documents (the next run retries them, but for files refused for good, as their reason says):",
        ...failures.map((failure) => `  - ${failure.sourceId} "${failure.title}": ${failure.reason}`),
      ]

/** The human summary printed at the end of a run. */
export const summaryText = (summary: RunSummary, reportPath?: string) => {
  const counts = summary.documents
  const lines = [
    `Finished ${summary.direction}: ${counts.uploaded} copied, ${counts["linked-existing"]} linked to existing files, ${counts.updated} updated, ${counts.unchanged} unchanged, ${counts.duplicate} identical twins not copied again, ${counts["file-replaced"]} files replaced, ${counts["carried-again"]} carried again, ${counts.failed} failed (${formatBytes(summary.bytes)} transferred).`,
    `Definitions (tags, fields, properties, options): ${definitionsLine(summary.definitions, "created", "reused")}.`,
  ]
  if (summary.lossiness.length > 0)
    lines.push("What did not carry over exactly:", ...summary.lossiness.map((line) => `  - ${line}`))
  lines.push(...failureLines(summary.failures))
  const differing = summary.linkedWithDifferences ?? []
  if (differing.length > 0) {
    lines.push("Linked to files already on the target whose metadata there differed:")
    for (const entry of differing)
      lines.push(`  - ${entry.sourceId} "${entry.title}" → ${entry.targetId}: ${differencesText(entry)}`)
  }
  const notices = summary.notices ?? []
  if (notices.length > 0) {
    lines.push("Changed between runs:")
    for (const notice of notices)
      lines.push(
        `  - ${notice.sourceId} "${notice.title}": ${outcomeWords[notice.outcome]}: ${notice.detail}`,
      )
  }
  if (reportPath) lines.push(`Report: ${reportPath}`)
  return lines.join("\n")
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`

/** What `plan` found, for a person. */
export const planText = (report: PlanReport) => {
  const { definitions, documents } = report
  const lines = [
    `Plan for ${report.direction} (dry run: nothing was written to either server or the state file).`,
    `Definitions (tags, fields, properties, options): ${definitionsLine(definitions, "to create", "to reuse")}.`,
    ...definitions.skipped.map((skip) => `  - ${skip.entity} "${skip.name}": ${skip.reason}`),
    `Documents: ${plural(documents.total, "document")} selected.`,
    `  ${documents.toCopy} to copy (${documents.identicalOnTarget} of them already on the target: linked, not uploaded again)`,
    `  ${documents.toUpdate} linked with changed metadata to update`,
    `  ${documents.unchanged} linked and unchanged`,
    ...(documents.fileReplaced > 0
      ? [`  ${documents.fileReplaced} linked whose file changed on the source: the file would be replaced`]
      : []),
    ...(documents.goneFromTarget > 0
      ? [`  ${documents.goneFromTarget} linked whose copy was deleted or trashed on the target: carried anew`]
      : []),
    ...(documents.retrying > 0 ? [`  ${documents.retrying} failed before and will be retried`] : []),
  ]
  if (report.linkedWithDifferences.length > 0) {
    lines.push("Already on the target with other metadata (linked; what the source lacks is kept):")
    for (const entry of report.linkedWithDifferences)
      lines.push(`  - ${entry.sourceId} "${entry.title}" → ${entry.targetId}: ${differencesText(entry)}`)
  }
  if (report.lossiness.length > 0)
    lines.push("What will not carry over exactly:", ...report.lossiness.map((line) => `  - ${line}`))
  return lines.join("\n")
}

const driftWords: Record<DriftProblem, string> = {
  "missing-on-target": "missing on the target",
  "file-differs": "file differs",
  "metadata-differs": "metadata differs",
  "missing-on-source": "missing on the source",
}

/** What `verify` found, for a person: drift (the exit code's business), then conflicts left as is. */
export const verifyText = (report: VerifyReport) => {
  const heading = `Verified ${plural(report.checked, "linked document")} (${report.direction})`
  const held =
    report.conflicts.length === 0
      ? ""
      : `; ${plural(report.conflicts.length, "document")} in conflict, left as is`
  return [
    report.drift.length === 0
      ? `${heading}: both sides agree${held}.`
      : `${heading}: ${plural(report.drift.length, "difference")}${held}.`,
    ...report.drift.map(
      (drift) =>
        `  - ${drift.sourceId} → ${drift.targetId}${drift.direction === report.direction ? "" : ` (carried ${drift.direction})`}: ${driftWords[drift.problem]}: ${drift.detail}`,
    ),
    ...report.conflicts.flatMap((conflict) => [
      `  - Paperless ${conflict.paperlessId} ↔ Papra ${conflict.papraId} "${conflict.title}": conflict (left as is) since ${conflict.detectedAt}`,
      ...conflictFieldLines(conflict.fields),
    ]),
  ].join("\n")
}

export interface StatusView {
  readonly statePath: string
  readonly pair: Pair
  readonly links: Partial<Record<EntityKind, number>>
  readonly pending: ReadonlyArray<JournalEntry>
  readonly failures: ReadonlyArray<EntityFailure>
  readonly runs: ReadonlyArray<Run>
  /** When a continuous `paperbridge sync` last said it would run next. */
  readonly nextSync: SyncSchedule | null
  /** What the last two-way sync left for the user to settle. */
  readonly conflicts: ReadonlyArray<SyncConflict>
  readonly tombstones: { readonly count: number; readonly recent: ReadonlyArray<Tombstone> }
  /** The latest run of each direction and the latest sync, null when there was none. */
  readonly lastRuns: ReadonlyArray<{ readonly label: string; readonly run: Run | null }>
}

const kindWords: Record<EntityKind, string> = {
  document: "documents",
  tag: "tags",
  custom_field: "custom fields",
  correspondent: "correspondents",
  document_type: "document types",
  storage_path: "storage paths",
  select_option: "select options",
}

const runLine = (run: Run) => {
  const counts = Object.entries(run.counts)
    .filter(([, count]) => count > 0)
    .map(([name, count]) => `${countWords[name] ?? name} ${name === "bytes" ? formatBytes(count) : count}`)
    .join(", ")
  const held =
    run.outcome === "running" && run.leaseExpiresAt !== null
      ? ` (${run.leaseHolder ?? "a process"}, holding the pair until ${DateTime.formatIso(run.leaseExpiresAt)})`
      : ""
  return `${run.id} ${run.command} ${run.outcome}${held}, started ${DateTime.formatIso(run.startedAt)}${counts ? `: ${counts}` : ""}${run.reportPath ? ` (report ${run.reportPath})` : ""}`
}

// A sync counts the documents it trashed under the side they were trashed on (engine/sync.ts).
const countWords: Record<string, string> = { paperless: "trashed in Paperless", papra: "trashed in Papra" }

/** A field's value as stored with the conflict: files are their checksums already. */
const valueText = (value: unknown) => (value === undefined ? "(none)" : JSON.stringify(value))

export const conflictFieldLines = (
  fields: ReadonlyArray<{
    readonly field: string
    readonly base: unknown
    readonly paperless: unknown
    readonly papra: unknown
  }>,
) =>
  fields.map(
    (field) =>
      `      ${field.field}: base ${valueText(field.base)}, Paperless ${valueText(field.paperless)}, Papra ${valueText(field.papra)}`,
  )

const conflictLines = (conflicts: ReadonlyArray<SyncConflict>) => [
  `Conflicts (left as they are on both sides until settled): ${conflicts.length}`,
  ...conflicts.flatMap((conflict) => [
    `  - Paperless ${conflict.paperlessId} ↔ Papra ${conflict.papraId} "${conflict.title}" (since ${DateTime.formatIso(conflict.detectedAt)})`,
    ...conflictFieldLines(conflict.fields),
  ]),
]

const deletedWords: Record<Tombstone["deletedOn"], string> = {
  paperless: "deleted on Paperless",
  papra: "deleted on Papra",
  both: "deleted on both sides",
}

const tombstoneLines = (tombstones: StatusView["tombstones"]) => [
  `Tombstones (deleted documents a sync will not bring back): ${tombstones.count}`,
  ...tombstones.recent.map(
    (tombstone) =>
      `  - Paperless ${tombstone.paperlessId} / Papra ${tombstone.papraId}${tombstone.title === "" ? "" : ` "${tombstone.title}"`}: ${deletedWords[tombstone.deletedOn]} ${DateTime.formatIso(tombstone.recordedAt)}${tombstone.sha256 === null ? "" : `, sha256 ${tombstone.sha256.slice(0, 12)}…`}`,
  ),
  ...(tombstones.count > tombstones.recent.length
    ? [`  (${tombstones.count - tombstones.recent.length} older)`]
    : []),
]

/** What `status` shows: links per kind, half-done journal entries, failures and the latest runs. */
export const statusText = (view: StatusView) => {
  const linked = (Object.keys(kindWords) as Array<EntityKind>)
    .filter((kind) => (view.links[kind] ?? 0) > 0)
    .map((kind) => `${view.links[kind]} ${kindWords[kind]}`)
  const lines = [
    `State: ${view.statePath}`,
    `Pair: ${view.pair.source} → ${view.pair.target}`,
    `Linked: ${linked.length === 0 ? "nothing yet" : linked.join(", ")}`,
    `Pending (half-done, reconciled by the next run): ${view.pending.length}`,
    ...view.pending.map(
      (entry) =>
        `  - ${entry.operation} ${entry.kind} ${entry.sourceId} (since ${DateTime.formatIso(entry.createdAt)})`,
    ),
    `Failed (retried by the next run): ${view.failures.length}`,
    ...view.failures.map(
      (failure) =>
        `  - ${failure.kind} ${failure.sourceId}: ${failure.reason} (${plural(failure.attempts, "attempt")})`,
    ),
    ...(view.nextSync === null
      ? []
      : [`Next sync due at ${DateTime.formatIso(view.nextSync.nextDueAt)} (${view.nextSync.schedule})`]),
    ...(view.conflicts.length === 0 ? [] : conflictLines(view.conflicts)),
    ...(view.tombstones.count === 0 ? [] : tombstoneLines(view.tombstones)),
    ...view.lastRuns.map(({ label, run }) => `Last ${label}: ${run === null ? "none yet" : runLine(run)}`),
    view.runs.length === 0 ? "Runs: none yet" : "Last runs:",
    ...view.runs.map((run) => `  - ${runLine(run)}`),
  ]
  return lines.join("\n")
}
