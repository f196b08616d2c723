import { execFile } from "node:child_process"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../..")
const bin = Path.join(root, "apps/sync/src/bin.ts")
const tsx = Path.join(root, "test/node_modules/tsx/dist/loader.mjs")

/** The real binary in a child process (sources through tsx), as `pnpm demo` runs it after a build. */
const paperbridge = (args: ReadonlyArray<string>) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ["--conditions=source", "--import", tsx, bin, ...args],
      { cwd: root, maxBuffer: 16 * 1024 * 1024, timeout: 110_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1
        resolve({ code, stdout, stderr })
      },
    )
  })

// One generation here (the README's default); apps/sync/test/cli/demo.test.ts runs 2.20 in-process.
describe("paperbridge demo, the real binary", () => {
  it("plans, migrates and verifies; Papra refuses only the oversized file and keeps the twin once; exit 0", async () => {
    const generation = "3.0"
    const run = await paperbridge(["demo", "--documents", "12"])
    expect(run.stderr).not.toMatch(/UNEXPECTED|The demo did not go as expected/)
    expect(run.code).toBe(0)
    expect(run.stdout).toContain(`Paperless-ngx ${generation} simulator`)
    expect(run.stdout).toContain("== plan")
    expect(run.stdout).toContain("Documents: 14 documents selected.")
    expect(run.stdout).toContain("What will not carry over exactly:")
    expect(run.stdout).toMatch(
      /Finished paperless-to-papra: 12 copied, .* 1 identical twins not copied again, 1 failed/,
    )
    expect(run.stdout).toContain("Verified 12 linked documents (paperless-to-papra): both sides agree.")
    expect(run.stdout).toMatch(
      /Papra refused "Scanned archive box \(oversized\)" as expected .*413 document.size_too_large/,
    )
    expect(run.stdout).toContain(
      '"Contract 0004 City Utilities (scan again)" is byte-identical to another document',
    )
  })
})
