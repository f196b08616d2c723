import { execFile } from "node:child_process"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../..")
const bin = Path.join(root, "apps/sync/src/bin.ts")
const tsx = Path.join(root, "test/node_modules/tsx/dist/loader.mjs")

const binaryArgs = ["--conditions=source", "--import", tsx, bin]

const spawned = (file: string, args: ReadonlyArray<string>, env: NodeJS.ProcessEnv = process.env) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      file,
      args,
      { cwd: root, env, maxBuffer: 16 * 1024 * 1024, timeout: 110_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1
        resolve({ code, stdout, stderr })
      },
    )
  })

/** The real binary in a child process (sources through tsx), as `pnpm demo` runs it after a build. */
const paperbridge = (args: ReadonlyArray<string>, env?: NodeJS.ProcessEnv) =>
  spawned(process.execPath, [...binaryArgs, ...args], env)

/** The same, on a pseudo-terminal: util-linux `script` gives the child a tty as its stdout. */
const paperbridgeOnTerminal = (args: ReadonlyArray<string>, env: NodeJS.ProcessEnv) =>
  spawned("script", ["-qec", [process.execPath, ...binaryArgs, ...args].join(" "), "/dev/null"], env)

const ESC = "\u001b"
const withoutNoColor = () =>
  Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== "NO_COLOR"))

// Each start of the binary compiles its sources through tsx: seconds apiece on a busy machine.
describe("paperbridge --help, the real binary", { timeout: 180_000 }, () => {
  it("styles the help on a terminal only: plain into a pipe, and plain on a terminal under NO_COLOR", async () => {
    const piped = await paperbridge(["--help"], withoutNoColor())
    expect(piped.code).toBe(0)
    expect(piped.stdout).toContain("USAGE")
    expect(piped.stdout).not.toContain(ESC)

    const terminal = await paperbridgeOnTerminal(["--help"], withoutNoColor())
    expect(terminal.stdout).toContain("USAGE")
    expect(terminal.stdout).toContain(ESC)

    const noColor = await paperbridgeOnTerminal(["--help"], { ...withoutNoColor(), NO_COLOR: "1" })
    expect(noColor.stdout).toContain("USAGE")
    expect(noColor.stdout).not.toContain(ESC)
  })

  it("prints the version and a usage error into a pipe without escape codes", async () => {
    const version = await paperbridge(["--version"], withoutNoColor())
    expect(version.code).toBe(0)
    expect(version.stdout.trim()).toBe("0.1.0")
    const usage = await paperbridge(["frobnicate"], withoutNoColor())
    expect(usage.code).toBe(2)
    expect(usage.stdout + usage.stderr).toMatch(/Invalid subcommand/)
    expect(usage.stdout + usage.stderr).not.toContain(ESC)
  })
})

// One generation here (the README's default); apps/sync/test/cli/demo.test.ts runs 2.20 in-process.
describe("paperbridge demo, the real binary", () => {
  it("plans, migrates, verifies, then syncs edits from both sides: a merge, a conflict with both values, its settlement, a sync that writes nothing; exit 0", async () => {
    const generation = "3.0"
    const run = await paperbridge(["demo", "--documents", "12"])
    expect(run.stderr).not.toMatch(/UNEXPECTED|The demo did not go as expected/)
    expect(run.code).toBe(0)
    expect(run.stdout).toContain(`Paperless-ngx ${generation} simulator`)
    expect(run.stdout).toContain("== plan")
    expect(run.stdout).toContain("Documents: 14 documents selected.")
    expect(run.stdout).toContain("What will not carry over exactly:")
    expect(run.stdout).toMatch(
      /Finished paperless-to-papra: 12 copied, .* 1 identical twins not copied again, 0 files replaced, 0 carried again, 1 failed/,
    )
    expect(run.stdout).toContain("Verified 12 linked documents (paperless-to-papra): both sides agree.")
    expect(run.stdout).toMatch(
      /Papra refused "Scanned archive box \(oversized\)" as expected .*413 document.size_too_large/,
    )
    expect(run.stdout).toContain(
      '"Contract 0004 City Utilities (scan again)" is byte-identical to another document',
    )
    expect(run.stdout).toContain("== sync --conflict fail")
    expect(run.stdout).toContain(
      [
        '  Paperless: "Contract 0001 City Utilities (paid)", tagged Finance, Health, Tax, Work',
        '  Papra    : "Contract 0001 City Utilities (paid)", tagged Finance, Finance/Tax, Health, Work',
      ].join("\n"),
    )
    expect(run.stdout).toContain(
      [
        '  title on Paperless: "Statement 0002 City Utilities (edited on Paperless)"',
        '  title on Papra:     "Statement 0002 City Utilities (edited on Papra)"',
        '  at the last sync:   "Statement 0002 City Utilities"',
      ].join("\n"),
    )
    expect(run.stdout).toContain("went to Papra's trash, so the sync moved it to Paperless's trash too.")
    expect(run.stdout).toContain('"Parking permit 2026.pdf", uploaded to Papra, is now on Paperless too')
    expect(run.stdout).toContain(
      'Settled "Statement 0002 City Utilities" with Paperless\'s value: both sides now read "Statement 0002 City Utilities (edited on Paperless)"; no conflict is left.',
    )
    expect(run.stdout).toMatch(
      /== sync again, nothing changed\nSync two-way finished: 0 updated, .* 0 conflicts, 1 failed/,
    )
    expect(run.stdout).toContain("Nothing changed since the last sync, and this one wrote nothing")
    expect(run.stdout).not.toContain("UNEXPECTED")
  })
})
