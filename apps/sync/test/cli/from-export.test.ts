import * as Fs from "node:fs/promises"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { afterEach, describe, expect, it } from "vitest"
import { type CliWorld, exists, runPaperbridge, startCliWorld } from "./run.js"

const fixtures = Path.resolve(
  Path.dirname(fileURLToPath(import.meta.url)),
  "../../../../test/fixtures/paperless-export",
)
const zip = Path.join(fixtures, "paperless-3.0.5", "b-zip", "export-2026-12-02.zip")

let world: CliWorld | undefined
afterEach(async () => {
  await world?.close()
  world = undefined
})

/** Papra's flags and key only: an export run needs no Paperless server and no Paperless secret. */
const papraOnly = (w: CliWorld) => ({
  flags: ["--papra-url", w.papra.url, "--papra-org", w.papra.organizationId, "--state", w.statePath],
  env: { PAPRA_API_KEY: w.papra.apiKey },
})

describe("paperbridge --from-export", { timeout: 60_000 }, () => {
  it("plan, migrate, status and verify from a ZIP export, with no Paperless server or token", async () => {
    const w = await startCliWorld({ documents: 1 })
    world = w
    const { flags, env } = papraOnly(w)
    const paperlessBefore = w.paperless.requests.length

    const plan = await runPaperbridge(["plan", "--from-export", zip, "--json", ...flags], { env })
    expect(plan.stderr).toEqual([])
    expect(plan.exitCode).toBe(0)
    const planned = JSON.parse(plan.stdout.join("\n"))
    expect(planned.documents).toMatchObject({ total: 9, toCopy: 9 })
    expect(planned.lossiness).toContain('document 10 "Trashed document" is in the trash: not carried')
    expect(await exists(w.statePath)).toBe(false)

    const migrate = await runPaperbridge(["migrate", "--from-export", zip, "--quiet", ...flags], { env })
    expect(migrate.all).toBe("")
    expect(migrate.exitCode).toBe(0)
    const reports = await Fs.readdir(Path.join(Path.dirname(w.statePath), "reports"))
    const report = JSON.parse(
      await Fs.readFile(Path.join(Path.dirname(w.statePath), "reports", reports[0] ?? ""), "utf8"),
    )
    expect(report.documents).toMatchObject({ uploaded: 9, failed: 0 })
    expect(report.lossiness).toContain('document 10 "Trashed document" is in the trash: not carried')

    const status = await runPaperbridge(["status", "--from-export", zip, "--json", ...flags], { env })
    expect(status.exitCode).toBe(0)
    const view = JSON.parse(status.stdout.join("\n"))
    expect(view.pair.source).toMatch(/^paperless:export:[0-9a-f]{16}$/)
    expect(view.links.document).toBe(9)

    const verify = await runPaperbridge(["verify", "--from-export", zip, "--json", ...flags], { env })
    expect(verify.exitCode).toBe(0)
    expect(JSON.parse(verify.stdout.join("\n"))).toMatchObject({ checked: 9, drift: [] })
    expect(w.paperless.requests.length).toBe(paperlessBefore)
    // The manifest holds the admin's password hash: no output of any command shows it.
    for (const output of [plan, migrate, status, verify]) expect(output.all).not.toMatch(/pbkdf2|password/)
    expect((await Fs.readFile(w.statePath)).toString("latin1")).not.toContain("pbkdf2")
  })

  it("init --from-export checks the export and Papra and writes a config that migrate reads", async () => {
    const w = await startCliWorld({ documents: 1 })
    world = w
    const configPath = Path.join(w.directory, "paperbridge.json")
    const env = { PAPRA_API_KEY: w.papra.apiKey }
    const init = await runPaperbridge(
      ["init", "--config", configPath, "--from-export", zip, "--papra-url", w.papra.url],
      { env },
    )
    expect(init.stderr).toEqual([])
    expect(init.exitCode).toBe(0)
    expect(init.stdout.join("\n")).toContain(
      `Paperless-ngx 3.0.5 export at ${zip}: 9 documents (and 1 in the trash, not carried).`,
    )
    const config = JSON.parse(await Fs.readFile(configPath, "utf8"))
    expect(config.paperless).toBeUndefined()
    expect(Path.resolve(w.directory, config.export)).toBe(zip)
    expect(JSON.stringify(config)).not.toContain(w.papra.apiKey)

    const migrate = await runPaperbridge(["migrate", "--config", configPath, "--quiet"], { env })
    expect(migrate.all).toBe("")
    expect(migrate.exitCode).toBe(0)
    const status = await runPaperbridge(["status", "--config", configPath, "--json"], { env })
    expect(JSON.parse(status.stdout.join("\n")).links.document).toBe(9)
  })

  it("--to paperless: plan, migrate, status and verify into a Paperless-ngx, with no Papra server or key", async () => {
    const w = await startCliWorld({ documents: 1 })
    world = w
    const flags = ["--to", "paperless", "--paperless-url", w.paperless.url, "--state", w.statePath]
    const env = { PAPERLESS_TOKEN: w.paperless.token, PAPRA_API_KEY: "" }
    const papraBefore = w.papra.requests.length

    const plan = await runPaperbridge(["plan", "--from-export", zip, "--json", ...flags], { env })
    expect(plan.stderr).toEqual([])
    expect(plan.exitCode).toBe(0)
    const planned = JSON.parse(plan.stdout.join("\n"))
    expect(planned).toMatchObject({ direction: "paperless-to-paperless", documents: { total: 9, toCopy: 9 } })

    const migrate = await runPaperbridge(["migrate", "--from-export", zip, "--quiet", ...flags], { env })
    expect(migrate.all).toBe("")
    expect(migrate.exitCode).toBe(0)
    const status = await runPaperbridge(["status", "--from-export", zip, "--json", ...flags], { env })
    expect(status.exitCode).toBe(0)
    const view = JSON.parse(status.stdout.join("\n"))
    expect(view.pair.target).toBe(`paperless:${w.paperless.url}`)
    expect(view.links.document).toBe(9)
    const verify = await runPaperbridge(["verify", "--from-export", zip, "--json", ...flags], { env })
    expect(verify.exitCode).toBe(0)
    expect(JSON.parse(verify.stdout.join("\n"))).toMatchObject({ checked: 9, drift: [] })
    expect(w.papra.requests.length).toBe(papraBefore)
    for (const output of [plan, migrate, status, verify]) {
      expect(output.all).not.toMatch(/pbkdf2|password/)
      expect(output.all).not.toContain(w.paperless.token)
    }
  })

  it("init --from-export --to paperless writes a config without Papra that migrate reads", async () => {
    const w = await startCliWorld({ documents: 1 })
    world = w
    const configPath = Path.join(w.directory, "paperbridge.json")
    const env = { PAPERLESS_TOKEN: w.paperless.token }
    const init = await runPaperbridge(
      [
        "init",
        "--config",
        configPath,
        "--from-export",
        zip,
        "--to",
        "paperless",
        "--paperless-url",
        w.paperless.url,
      ],
      { env },
    )
    expect(init.stderr).toEqual([])
    expect(init.exitCode).toBe(0)
    const config = JSON.parse(await Fs.readFile(configPath, "utf8"))
    expect(config).toMatchObject({ direction: "paperless-to-paperless", paperless: { url: w.paperless.url } })
    expect(config.papra).toBeUndefined()
    expect(JSON.stringify(config)).not.toContain(w.paperless.token)
    const migrate = await runPaperbridge(["migrate", "--config", configPath, "--quiet"], { env })
    expect(migrate.all).toBe("")
    expect(migrate.exitCode).toBe(0)
    const status = await runPaperbridge(["status", "--config", configPath, "--json"], { env })
    expect(JSON.parse(status.stdout.join("\n")).links.document).toBe(9)
  })

  it("an export that is not there: exit 2 naming the path", async () => {
    const w = await startCliWorld({ documents: 1 })
    world = w
    const { flags, env } = papraOnly(w)
    const missing = Path.join(w.directory, "no-such-export")
    const run = await runPaperbridge(["migrate", "--from-export", missing, ...flags], { env })
    expect(run.exitCode).toBe(2)
    expect(run.stderr.join("\n")).toContain(`${missing} is not a Paperless-ngx export`)
  })
})
