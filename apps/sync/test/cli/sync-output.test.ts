import { describe, expect, it } from "vitest"
import { syncExitCode, syncRunReport } from "../../src/cli/sync-output.js"
import type { SyncResult } from "../../src/engine/sync-options.js"

const none = {
  uploaded: 0,
  "linked-existing": 0,
  updated: 0,
  unchanged: 0,
  duplicate: 0,
  "file-replaced": 0,
  "carried-again": 0,
  failed: 0,
}

const result: SyncResult = {
  mode: "two-way",
  startedAt: "2026-12-03T10:00:00.000Z",
  finishedAt: "2026-12-03T10:01:00.000Z",
  linked: {
    unchanged: 10,
    updated: 2,
    fileReplaced: 0,
    conflicts: 0,
    trashed: { paperless: 0, papra: 1 },
    keptEdited: 0,
    forgotten: 0,
    failed: 0,
  },
  carried: { toPapra: { ...none, uploaded: 3 }, toPaperless: none },
  conflicts: [],
  failures: [],
  lossiness: [],
  notices: [],
  runId: "run_1",
  reportPath: "/state/reports/run_1.json",
}

const conflict = {
  paperlessId: "12",
  papraId: "doc_1",
  title: "Invoice",
  fields: [{ field: "title" as const, base: "a", paperless: "b", papra: "c" }],
}

describe("what a single sync run answers", () => {
  it("exit 0 and a line saying what changed", () => {
    const report = syncRunReport(result, true)
    expect(report.exitCode).toBe(0)
    expect(report.line).toContain("2 updated, 0 files replaced, 3 new to Papra, 0 new to Paperless")
    expect(report.line).toContain("1 trashed in Papra")
    expect(report.json).toMatchObject({
      type: "sync",
      runId: "run_1",
      reportPath: "/state/reports/run_1.json",
    })
  })

  it("exit 4 when the delete guard refused, saying nothing was written", () => {
    const refused = { ...result, refused: { side: "papra" as const, reason: "60 of 100 would go" } }
    expect(syncExitCode(refused, true)).toBe(4)
    expect(syncRunReport(refused, true).text).toContain("nothing was written")
  })

  it("exit 1 when documents failed, or conflicts wait under --conflict fail (not under another policy)", () => {
    expect(syncExitCode({ ...result, linked: { ...result.linked, failed: 1 } }, false)).toBe(1)
    const conflicted = { ...result, conflicts: [conflict] }
    expect(syncExitCode(conflicted, true)).toBe(1)
    expect(syncExitCode(conflicted, false)).toBe(0)
    // Both values and the base, so the user can settle it without opening either server.
    expect(syncRunReport(conflicted, true).text).toContain(
      'Paperless 12 ↔ Papra doc_1 "Invoice"\n      title: base "a", Paperless "b", Papra "c"',
    )
  })
})
