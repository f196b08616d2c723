import * as Fs from "node:fs/promises"
import * as Path from "node:path"
import { afterEach, describe, expect, it } from "vitest"
import { type CliWorld, exists, runPaperbridge, startCliWorld } from "./run.js"

let world: CliWorld | undefined
afterEach(async () => {
  await world?.close()
  world = undefined
})

const initFlags = (w: CliWorld, configPath: string) => [
  "init",
  "--config",
  configPath,
  "--paperless-url",
  w.paperless.url,
  "--papra-url",
  w.papra.url,
]

describe("paperbridge init", { timeout: 30_000 }, () => {
  it("checks both servers, picks the key's only organization and writes a config without secrets", async () => {
    world = await startCliWorld({ documents: 1 })
    const w = world
    const configPath = Path.join(w.directory, "paperbridge.json")
    const run = await runPaperbridge(initFlags(w, configPath), { env: w.env })
    expect(run.stderr).toEqual([])
    expect(run.exitCode).toBe(0)
    expect(run.stdout.join("\n")).toContain("Paperless-ngx 3.0")
    expect(run.stdout.join("\n")).toContain("No secret was written")
    const text = await Fs.readFile(configPath, "utf8")
    expect(JSON.parse(text)).toMatchObject({
      $schema: "./paperbridge.schema.json",
      paperless: { url: w.paperless.url, auth: "token" },
      papra: { url: w.papra.url, organizationId: w.papra.organizationId },
      direction: "paperless-to-papra",
    })
    expect(text).not.toContain(w.env.PAPRA_API_KEY)
    expect(text).not.toContain(w.env.PAPERLESS_TOKEN)
    expect(await exists(Path.join(w.directory, "paperbridge.schema.json"))).toBe(true)
    expect(run.all).not.toContain(w.env.PAPRA_API_KEY)

    // The written file is what the other commands read.
    const plan = await runPaperbridge(["plan", "--config", configPath], { env: w.env })
    expect(plan.exitCode).toBe(0)
    expect(plan.stdout.join("\n")).toContain("Documents: 1 document selected.")

    const again = await runPaperbridge(initFlags(w, configPath), { env: w.env })
    expect(again.exitCode).toBe(2)
    expect(again.stderr.join("\n")).toContain("already exists; pass --force")
  })

  it("writes secrets to a separate owner-only file with --secrets-file, which later commands read", async () => {
    world = await startCliWorld({ documents: 1 })
    const w = world
    const configPath = Path.join(w.directory, "paperbridge.json")
    const run = await runPaperbridge([...initFlags(w, configPath), "--secrets-file", "secrets.json"], {
      env: w.env,
    })
    expect(run.exitCode).toBe(0)
    const config = await Fs.readFile(configPath, "utf8")
    expect(config).not.toContain(w.env.PAPRA_API_KEY)
    expect(JSON.parse(config).secretsFile).toBe("secrets.json")
    const secretsPath = Path.join(w.directory, "secrets.json")
    expect(JSON.parse(await Fs.readFile(secretsPath, "utf8"))).toEqual({
      PAPERLESS_TOKEN: w.env.PAPERLESS_TOKEN,
      PAPRA_API_KEY: w.env.PAPRA_API_KEY,
    })
    expect((await Fs.stat(secretsPath)).mode & 0o777).toBe(0o600)
    expect((await runPaperbridge(["plan", "--config", configPath])).exitCode).toBe(0)

    const inline = await runPaperbridge([...initFlags(w, configPath), "--force", "--write-secrets"], {
      env: w.env,
    })
    expect(inline.exitCode).toBe(0)
    expect(JSON.parse(await Fs.readFile(configPath, "utf8")).secrets.PAPRA_API_KEY).toBe(w.env.PAPRA_API_KEY)
  })

  it("without a terminal, a missing answer is a usage error naming the flag; an unknown organization is exit 3", async () => {
    world = await startCliWorld({ documents: 1 })
    const w = world
    const configPath = Path.join(w.directory, "paperbridge.json")
    const missing = await runPaperbridge(
      ["init", "--config", configPath, "--paperless-url", w.paperless.url],
      {
        env: w.env,
      },
    )
    expect(missing.exitCode).toBe(2)
    expect(missing.stderr.join("\n")).toContain("--papra-url is required")

    const noKey = await runPaperbridge(initFlags(w, configPath), {
      env: { PAPERLESS_TOKEN: w.env.PAPERLESS_TOKEN ?? "" },
    })
    expect(noKey.exitCode).toBe(2)
    expect(noKey.stderr.join("\n")).toContain("PAPRA_API_KEY is required")

    const wrongOrg = await runPaperbridge(
      [...initFlags(w, configPath), "--papra-org", "org_zzzzzzzzzzzzzzzzzzzzzzzz"],
      {
        env: w.env,
      },
    )
    expect(wrongOrg.exitCode).toBe(3)
    expect(wrongOrg.stderr.join("\n")).toContain(`It can see: ${w.papra.organizationId}`)
    expect(await exists(configPath)).toBe(false)
  })

  it("with several organizations and no terminal, asks for --papra-org and lists them", async () => {
    world = await startCliWorld({ documents: 1 })
    const w = world
    await fetch(`${w.papra.url}/api/organizations`, {
      method: "POST",
      headers: { authorization: `Bearer ${w.papra.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "Second org" }),
    })
    const run = await runPaperbridge(initFlags(w, Path.join(w.directory, "paperbridge.json")), { env: w.env })
    expect(run.exitCode).toBe(2)
    expect(run.stderr.join("\n")).toMatch(
      /--papra-org \(one of org_\w+ \(Primary Org\), org_\w+ \(Second org\)\)/,
    )
  })
})

describe("paperbridge init on a terminal", { timeout: 30_000 }, () => {
  it("asks for what no flag or variable gives, hides the secrets, and lets the user pick the organization", async () => {
    world = await startCliWorld({ documents: 1 })
    const w = world
    const second = await fetch(`${w.papra.url}/api/organizations`, {
      method: "POST",
      headers: { authorization: `Bearer ${w.papra.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "Second org" }),
    }).then((response) => response.json() as Promise<{ organization: { id: string } }>)
    const configPath = Path.join(w.directory, "paperbridge.json")
    const run = await runPaperbridge(["init", "--config", configPath], {
      keys: [
        { text: w.paperless.url },
        { key: "return" },
        { text: w.env.PAPERLESS_TOKEN ?? "" },
        { key: "return" },
        { text: w.papra.url },
        { key: "return" },
        { text: w.env.PAPRA_API_KEY ?? "" },
        { key: "return" },
        { key: "down" },
        { key: "return" },
      ],
    })
    expect(run.stderr).toEqual([])
    expect(run.exitCode).toBe(0)
    expect(run.prompts.join("\n")).toContain("Papra organization")
    expect(run.all).not.toContain(w.env.PAPRA_API_KEY)
    expect(run.all).not.toContain(w.env.PAPERLESS_TOKEN)
    const config = JSON.parse(await Fs.readFile(configPath, "utf8"))
    expect(config.papra.organizationId).toBe(second.organization.id)
    expect(config.secrets).toBeUndefined()
  })
})
