import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { describe, expect, it } from "vitest"
import { runPaperbridge } from "./run.js"

// Every one of these is refused before any server is asked anything: no servers run here.
const servers = [
  "--paperless-url",
  "http://paperless.invalid",
  "--papra-url",
  "http://papra.invalid",
  "--papra-org",
  "org_1",
]

describe("paperbridge sync: flag mistakes are usage errors (exit 2) that say what is wrong", () => {
  it("--every that is not a duration, or too short", async () => {
    const garbage = await runPaperbridge(["sync", ...servers, "--every", "soon"])
    expect(garbage.exitCode).toBe(2)
    expect(garbage.stderr.join("\n")).toContain(
      '--every "soon": expected a duration like 30s, 15m, 1h or 1h30m',
    )
    const short = await runPaperbridge(["sync", ...servers, "--every", "5s"])
    expect(short.exitCode).toBe(2)
    expect(short.stderr.join("\n")).toContain("at least 10s")
  })

  it("--every and --cron together", async () => {
    const run = await runPaperbridge(["sync", ...servers, "--every", "15m", "--cron", "*/15 * * * *"])
    expect(run.exitCode).toBe(2)
    expect(run.stderr.join("\n")).toContain("--every and --cron cannot be used together")
  })

  it("a cron expression that does not parse", async () => {
    const run = await runPaperbridge(["sync", ...servers, "--cron", "* * *"])
    expect(run.exitCode).toBe(2)
    expect(run.stderr.join("\n")).toContain('--cron "* * *"')
  })

  it("--conflict with a policy that does not exist", async () => {
    const run = await runPaperbridge(["sync", ...servers, "--conflict", "mine"])
    expect(run.exitCode).toBe(2)
    expect(run.all).toMatch(/newest.*paperless.*papra.*fail/s)
  })

  it("--from-export: sync needs both servers", async () => {
    const run = await runPaperbridge(["sync", ...servers, "--from-export", "/tmp/export.zip"])
    expect(run.exitCode).toBe(2)
    expect(run.stderr.join("\n")).toContain("sync needs both servers")
  })
})

describe("paperbridge sync: the sync section of paperbridge.json", () => {
  it("a bad value is a config error naming the field (exit 2)", async () => {
    const directory = await Fs.mkdtemp(Path.join(Os.tmpdir(), "paperbridge-sync-config-"))
    const config = Path.join(directory, "paperbridge.json")
    await Fs.writeFile(
      config,
      JSON.stringify({
        paperless: { url: "http://paperless.invalid" },
        papra: { url: "http://papra.invalid", organizationId: "org_1" },
        sync: { conflict: "mine", maxDelete: -1 },
      }),
    )
    const run = await runPaperbridge(["sync", "--config", config])
    await Fs.rm(directory, { recursive: true, force: true })
    expect(run.exitCode).toBe(2)
    expect(run.stderr.join("\n")).toContain(
      'sync.conflict: expected "newest", "paperless", "papra" or "fail"',
    )
    expect(run.stderr.join("\n")).toContain("sync.maxDelete: expected a whole number of documents, 0 or more")
  })
})
