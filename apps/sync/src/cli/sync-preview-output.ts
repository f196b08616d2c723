import type { SyncSide } from "@paperbridge/mapping"
import * as Effect from "effect/Effect"
import { ExitCode } from "../config/errors.js"
import type { Servers } from "../engine/servers.js"
import type { SyncOptions } from "../engine/sync-options.js"
import { previewSync, type SideWrites, type SyncPreview } from "../engine/sync-preview.js"
import { CliConsole } from "./console.js"
import { CliFailure } from "./failures.js"
import { definitionsLine, type OutputMode } from "./output.js"
import type { RunReport } from "./schedule.js"
import { type RunSettings, withReadOnlyState } from "./settings.js"

const sideName: Record<SyncSide, string> = { paperless: "Paperless", papra: "Papra" }

/** "2 on Papra (title 1, tags 2)": what the documents of one side would have written. */
const writesText = (side: SyncSide, writes: SideWrites) => {
  const fields = Object.entries(writes.fields).map(([field, count]) => `${field} ${count}`)
  return `${writes.documents} on ${sideName[side]}${fields.length > 0 ? ` (${fields.join(", ")})` : ""}`
}

const value = (held: unknown) => (held === undefined ? "none" : JSON.stringify(held))

/** What one sync would do, for a person: the same figures as the report of the run it previews. */
export const syncPreviewText = (preview: SyncPreview): string => {
  const { linked, newDocuments, definitions } = preview
  const lines = [
    `Sync ${preview.mode} plan (dry run: nothing was written to either server or the state file).`,
  ]
  if (preview.refused !== undefined)
    lines.push(
      `The delete guard would refuse this sync (${preview.refused.side}): ${preview.refused.reason}.`,
      "No document would be written; check the figures, then sync with --force-delete or a higher --max-delete.",
    )
  lines.push("Definitions:")
  if (definitions.toPapra !== undefined)
    lines.push(`  to Papra: ${definitionsLine(definitions.toPapra, "to create", "to reuse")}`)
  if (definitions.toPaperless !== undefined)
    lines.push(`  to Paperless: ${definitionsLine(definitions.toPaperless, "to create", "to reuse")}`)
  lines.push(...definitions.changes.map((change) => `  - ${change}`))
  lines.push(
    "Linked documents:",
    `  ${linked.updated} to update: ${writesText("paperless", linked.updatedOn.paperless)}, ${writesText("papra", linked.updatedOn.papra)}`,
    `  ${linked.fileReplaced} files to replace`,
    `  ${linked.trashed.paperless} to trash in Paperless, ${linked.trashed.papra} to trash in Papra`,
    `  ${linked.keptEdited} to keep (edited where deleted)`,
    `  ${linked.forgotten} to forget (gone from both)`,
    `  ${linked.conflicts} conflicts, ${linked.unchanged} unchanged`,
    `New documents: ${newDocuments.toPapra} to Papra, ${newDocuments.toPaperless} to Paperless`,
  )
  if (preview.conflicts.length > 0) {
    lines.push("Conflicts (a sync leaves them as they are on both sides unless --conflict settles them):")
    for (const conflict of preview.conflicts)
      for (const field of conflict.fields)
        lines.push(
          `  - ${conflict.paperlessId} ↔ ${conflict.papraId} "${conflict.title}": ${field.field} (base ${value(field.base)}, Paperless ${value(field.paperless)}, Papra ${value(field.papra)})`,
        )
  }
  if (preview.lossiness.length > 0)
    lines.push("What would not carry over exactly:", ...preview.lossiness.map((line) => `  - ${line}`))
  return lines.join("\n")
}

/** 4 when the delete guard would refuse, as the sync itself would exit; 0 otherwise. */
export const syncPreviewReport = (preview: SyncPreview): Omit<RunReport, "line"> => ({
  exitCode: preview.refused === undefined ? ExitCode.ok : ExitCode.refused,
  text: syncPreviewText(preview),
  json: { type: "sync-plan", ...preview },
})

/** `sync --plan`: the preview against both servers and a state file it never creates or changes. */
export const runSyncPreview = (
  servers: Servers,
  settings: RunSettings,
  options: SyncOptions,
  mode: OutputMode,
) =>
  Effect.gen(function* () {
    const console = yield* CliConsole
    const report = syncPreviewReport(yield* withReadOnlyState(servers, settings, previewSync(options)))
    if (mode === "json") yield* console.out(JSON.stringify(report.json))
    else if (mode !== "quiet") yield* console.out(report.text)
    if (report.exitCode !== ExitCode.ok)
      return yield* new CliFailure({ exitCode: report.exitCode, lines: [] })
  })
