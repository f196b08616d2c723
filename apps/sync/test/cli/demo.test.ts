import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { describe, expect, it } from "vitest"
import { exists, runPaperbridge } from "./run.js"

describe("paperbridge demo", { timeout: 60_000 }, () => {
  it("--paperless 2.20: exit 0 with only the expected refusal, the merge, the conflict and its settlement, a last sync writing nothing; --state keeps the state file and reports", async () => {
    const directory = await Fs.mkdtemp(Path.join(Os.tmpdir(), "paperbridge-demo-test-"))
    try {
      const run = await runPaperbridge([
        "demo",
        "--paperless",
        "2.20",
        "--documents",
        "8",
        "--state",
        directory,
      ])
      expect(run.exitCode).toBe(0)
      const text = run.stdout.join("\n")
      expect(text).toContain("Paperless-ngx 2.20 simulator")
      expect(text).toMatch(
        /Finished paperless-to-papra: 8 copied, .* 1 identical twins not copied again, 0 files replaced, 0 carried again, 1 failed/,
      )
      expect(text).toContain("Verified 8 linked documents (paperless-to-papra): both sides agree.")
      expect(text).toContain('Papra refused "Scanned archive box (oversized)" as expected')
      expect(text).toMatch(/Merged "[^"]+": Paperless's new title and both new tags are on both sides\./)
      expect(text).toMatch(
        /title on Paperless: "([^"]+) \(edited on Paperless\)"\n {2}title on Papra: {5}"\1 \(edited on Papra\)"/,
      )
      expect(text).toMatch(
        /Settled "([^"]+)" with Paperless's value: both sides now read "\1 \(edited on Paperless\)"/,
      )
      expect(text).toContain("Nothing changed since the last sync, and this one wrote nothing")
      expect(text).not.toContain("UNEXPECTED")
      expect(text).toContain(
        "Exit code 0: the sync merged both sides' edits, left the conflict until --conflict settled it, and wrote nothing once nothing had changed; the only failures are the refusals Papra is expected to make.",
      )
      expect(await exists(Path.join(directory, "state.db"))).toBe(true)
      // The migration's report and each sync's.
      const report = /Report: (.*\.json)/.exec(text)?.[1] ?? ""
      expect(Path.dirname(report)).toBe(Path.join(directory, "reports"))
      expect(await exists(report)).toBe(true)
    } finally {
      await Fs.rm(directory, { recursive: true, force: true })
    }
  })
})
