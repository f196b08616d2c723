import * as Path from "node:path"
import { describe, expect, it } from "vitest"
import { runPaperbridge } from "./cli/run.js"

describe("paperbridge CLI: usage", () => {
  it("answers 2 for an unknown command or a bad flag value", async () => {
    expect((await runPaperbridge(["frobnicate"])).exitCode).toBe(2)
    expect((await runPaperbridge(["plan", "--to", "nowhere"])).exitCode).toBe(2)
    const bare = await runPaperbridge([])
    expect(bare.exitCode).toBe(2)
    expect(bare.stderr.join("\n")).toContain(
      "Usage: paperbridge init|plan|migrate|sync|status|verify|forget|demo",
    )
  })

  it("answers 2 and points at init when there is no configuration", async () => {
    const run = await runPaperbridge(["plan", "--config", Path.join("/nonexistent", "paperbridge.json")])
    expect(run.exitCode).toBe(2)
    expect(run.stderr.join("\n")).toContain("run `paperbridge init` to create it")
  })

  it("answers 2 naming the flag when a flag's value does not fit the config", async () => {
    const run = await runPaperbridge(
      ["plan", "--paperless-url", "http://127.0.0.1:9", "--papra-url", "not a url", "--papra-org", "org_x"],
      { env: { PAPERLESS_TOKEN: "t", PAPRA_API_KEY: "k" } },
    )
    expect(run.exitCode).toBe(2)
    expect(run.stderr.join("\n")).toContain("--papra-url: expected a URL like https://papra.example.org")
  })

  it("answers 2 for a setting out of range, naming the flag", async () => {
    const run = await runPaperbridge(
      [
        "plan",
        "--concurrency",
        "99",
        "--paperless-url",
        "http://127.0.0.1:9",
        "--papra-url",
        "http://127.0.0.1:9",
      ],
      { env: { PAPERLESS_TOKEN: "t", PAPRA_API_KEY: "k" } },
    )
    expect(run.exitCode).toBe(2)
    expect(run.stderr.join("\n")).toContain("--concurrency: expected a whole number from 1 to 32")
  })

  it("answers 2 naming the missing secret", async () => {
    const run = await runPaperbridge([
      "status",
      "--paperless-url",
      "http://127.0.0.1:9",
      "--papra-url",
      "http://127.0.0.1:9",
      "--papra-org",
      "org_abcdefghijklmnopqrstuvwx",
      "--state",
      "/nonexistent/state.db",
    ])
    // status needs no secret and no state file: it says there is nothing yet.
    expect(run.exitCode).toBe(0)
    expect(run.stdout.join("\n")).toContain("nothing has been migrated")
    const plan = await runPaperbridge([
      "plan",
      "--paperless-url",
      "http://127.0.0.1:9",
      "--papra-url",
      "http://127.0.0.1:9",
      "--papra-org",
      "org_abcdefghijklmnopqrstuvwx",
    ])
    expect(plan.exitCode).toBe(2)
    expect(plan.stderr.join("\n")).toContain("PAPRA_API_KEY is not set")
  })
})
