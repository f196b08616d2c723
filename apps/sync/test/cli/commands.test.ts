import * as Fs from "node:fs/promises"
import * as Path from "node:path"
import * as Effect from "effect/Effect"
import { afterEach, describe, expect, it } from "vitest"
import { paperlessEndpoint, papraEndpoint } from "../../src/state/endpoints.js"
import { StateStore } from "../../src/state/store.js"
import { type CliWorld, exists, runPaperbridge, startCliWorld } from "./run.js"

let world: CliWorld | undefined
afterEach(async () => {
  await world?.close()
  world = undefined
})

// The small corpus: 6 generated documents and 1 byte-identical twin (Papra keeps 6).
const start = async (options?: Parameters<typeof startCliWorld>[0]) => {
  world = await startCliWorld(options)
  return world
}

describe("paperbridge plan", { timeout: 30_000 }, () => {
  it("reports counts and losses, sends no write to either server and creates no state file", async () => {
    const w = await start()
    const before = w.writes()
    const run = await runPaperbridge(["plan", ...w.serverFlags], { env: w.env })
    expect(run.exitCode).toBe(0)
    const text = run.stdout.join("\n")
    expect(text).toContain("Documents: 7 documents selected.")
    expect(text).toContain("7 to copy")
    expect(text).toContain("What will not carry over exactly:")
    expect(w.writes()).toEqual(before)
    expect(await exists(w.statePath)).toBe(false)
    expect(await exists(Path.dirname(w.statePath))).toBe(false)

    const json = await runPaperbridge(["plan", "--json", ...w.serverFlags], { env: w.env })
    expect(json.exitCode).toBe(0)
    const report = JSON.parse(json.stdout.join("\n"))
    expect(report.direction).toBe("paperless-to-papra")
    expect(report.documents).toMatchObject({ total: 7, toCopy: 7, unchanged: 0 })
    expect(w.writes()).toEqual(before)
  })
})

describe("paperbridge migrate", { timeout: 30_000 }, () => {
  it("--json prints one parseable event per line and the report path; status and verify follow", async () => {
    const w = await start()
    const run = await runPaperbridge(["migrate", "--json", ...w.serverFlags], { env: w.env })
    expect(run.stderr).toEqual([])
    expect(run.exitCode).toBe(0)
    const events = run.stdout.map((line) => JSON.parse(line) as { type: string; [key: string]: unknown })
    expect(events[0]?.type).toBe("run-started")
    expect(events.filter((event) => event.type === "document")).toHaveLength(7)
    expect(events.some((event) => event.type === "run-finished")).toBe(true)
    const report = events.at(-1)
    expect(report?.type).toBe("report")
    const reportPath = String(report?.path)
    expect(reportPath).toBe(Path.join(Path.dirname(w.statePath), "reports", `${String(report?.runId)}.json`))
    const written = JSON.parse(await Fs.readFile(reportPath, "utf8"))
    expect(written.documents.uploaded + written.documents.duplicate).toBe(7)

    const status = await runPaperbridge(["status", ...w.serverFlags])
    expect(status.exitCode).toBe(0)
    const statusOut = status.stdout.join("\n")
    expect(statusOut).toMatch(/Linked: 6 documents, \d+ tags/)
    expect(statusOut).toContain("Failed (retried by the next run): 0")
    expect(statusOut).toContain(`${String(report?.runId)} migrate ok`)

    const verify = await runPaperbridge(["verify", ...w.serverFlags], { env: w.env })
    expect(verify.exitCode).toBe(0)
    expect(verify.stdout.join("\n")).toContain(
      "Verified 6 linked documents (paperless-to-papra): both sides agree.",
    )
  })

  it("prints plain lines and the summary when not a terminal, and redraws a progress line on one", async () => {
    const w = await start()
    const plain = await runPaperbridge(["migrate", "--limit", "3", ...w.serverFlags], { env: w.env })
    expect(plain.exitCode).toBe(0)
    const text = plain.stdout.join("\n")
    expect(text).toContain("Starting paperless-to-papra")
    expect(text).toMatch(/document \d+ ".*": copied/)
    expect(text).toContain("Finished paperless-to-papra: 3 copied")
    expect(text).toMatch(/Report: .*reports\/.*\.json/)
    expect(plain.frames).toEqual([])

    const tty = await runPaperbridge(["migrate", ...w.serverFlags], { env: w.env, tty: true })
    expect(tty.exitCode).toBe(0)
    expect(tty.frames.at(-1)).toMatch(/\[#+\] 7\/7 docs .* docs\/s .*\/s {2}ETA .* failures 0/)
    expect(tty.stdout.join("\n")).toContain("3 unchanged")

    const quiet = await runPaperbridge(["migrate", "--quiet", ...w.serverFlags], { env: w.env })
    expect(quiet).toMatchObject({ exitCode: 0, stdout: [], stderr: [], frames: [] })
  })

  it("exits 1 when documents fail, names them, and status lists them with the reason", async () => {
    const w = await start({ papraMaxUploadSize: 600 })
    const run = await runPaperbridge(["migrate", ...w.serverFlags], { env: w.env })
    expect(run.exitCode).toBe(1)
    expect(run.stdout.join("\n")).toContain(
      "Failed documents (the next run retries them, but for files refused for good, as their reason says):",
    )
    expect(run.stderr.join("\n")).toContain("run the same command again to retry only those")
    const status = await runPaperbridge(["status", ...w.serverFlags])
    expect(status.stdout.join("\n")).toMatch(/document \d+: .*413 document.size_too_large.* \(1 attempt\)/)
    expect(status.stdout.join("\n")).toContain("migrate partial")
  })

  it("verify exits 1 and lists drift when a target document was changed", async () => {
    const w = await start({ documents: 2 })
    expect((await runPaperbridge(["migrate", "--quiet", ...w.serverFlags], { env: w.env })).exitCode).toBe(0)
    const listed = await fetch(`${w.papra.url}/api/organizations/${w.papra.organizationId}/documents`, {
      headers: { authorization: `Bearer ${w.papra.apiKey}` },
    }).then((response) => response.json() as Promise<{ documents: Array<{ id: string }> }>)
    const first = listed.documents[0]?.id ?? ""
    await fetch(`${w.papra.url}/api/organizations/${w.papra.organizationId}/documents/${first}`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${w.papra.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "Renamed behind paperbridge's back" }),
    })
    const verify = await runPaperbridge(["verify", ...w.serverFlags], { env: w.env })
    expect(verify.exitCode).toBe(1)
    expect(verify.stdout.join("\n")).toMatch(new RegExp(`→ ${first}: metadata differs`))
  })
})

describe("paperbridge status", { timeout: 30_000 }, () => {
  it("lists half-done journal entries that the next run will reconcile", async () => {
    const w = await start({ documents: 1 })
    expect((await runPaperbridge(["migrate", "--quiet", ...w.serverFlags], { env: w.env })).exitCode).toBe(0)
    const pair = {
      source: paperlessEndpoint(w.paperless.url),
      target: papraEndpoint(w.papra.url, w.papra.organizationId),
    }
    // What a process killed in the middle of an upload leaves behind.
    await Effect.flatMap(StateStore, (store) =>
      store.journal.begin(pair, { kind: "document", operation: "upload", sourceId: "4242", sha256: "ab" }),
    ).pipe(Effect.provide(StateStore.layer({ path: w.statePath })), Effect.scoped, Effect.runPromise)
    const status = await runPaperbridge(["status", ...w.serverFlags])
    expect(status.exitCode).toBe(0)
    expect(status.stdout.join("\n")).toContain("Pending (half-done, reconciled by the next run): 1")
    expect(status.stdout.join("\n")).toMatch(/ {2}- upload document 4242 \(since \d{4}-/)
  })
})

describe("paperbridge migrate --to paperless", { timeout: 30_000 }, () => {
  it("carries Papra's documents to Paperless-ngx and reports in that direction", async () => {
    const w = await start({ documents: 0 })
    w.papra.seed({
      tags: [{ name: "Letters" }],
      documents: [
        { name: "Letter from the bank", bytes: "Dear customer,\nyour statement.\n", tags: ["Letters"] },
        { name: "Gas bill", bytes: "Gas bill for March\n" },
      ],
    })
    const plan = await runPaperbridge(["plan", "--to", "paperless", "--json", ...w.serverFlags], {
      env: w.env,
    })
    expect(plan.exitCode).toBe(0)
    expect(JSON.parse(plan.stdout.join(""))).toMatchObject({
      direction: "papra-to-paperless",
      documents: { total: 2, toCopy: 2 },
    })
    const run = await runPaperbridge(["migrate", "--to", "paperless", ...w.serverFlags], { env: w.env })
    expect(run.exitCode).toBe(0)
    expect(run.stdout.join("\n")).toContain("Finished papra-to-paperless: 2 copied")
    const status = await runPaperbridge(["status", "--to", "paperless", ...w.serverFlags])
    expect(status.stdout.join("\n")).toMatch(/Pair: papra:.* → paperless:/)
    expect(status.stdout.join("\n")).toMatch(/Linked: 2 documents/)
  })
})

describe("paperbridge: servers that refuse or cannot be reached (exit 3)", { timeout: 30_000 }, () => {
  it("a wrong Papra key or Paperless token: exit 3, says what to check, never prints the secret", async () => {
    const w = await start({ documents: 1 })
    const badKey = "ppapi_definitely-wrong-key-0123456789"
    const papra = await runPaperbridge(["migrate", ...w.serverFlags], {
      env: { ...w.env, PAPRA_API_KEY: badKey },
    })
    expect(papra.exitCode).toBe(3)
    expect(papra.stderr.join("\n")).toContain("Check PAPRA_API_KEY")
    expect(papra.all).not.toContain(badKey)

    const badToken = "not-the-paperless-token-5f3c1a"
    const paperless = await runPaperbridge(["plan", ...w.serverFlags], {
      env: { ...w.env, PAPERLESS_TOKEN: badToken },
    })
    expect(paperless.exitCode).toBe(3)
    expect(paperless.stderr.join("\n")).toContain("Check PAPERLESS_TOKEN")
    expect(paperless.all).not.toContain(badToken)
    expect(await exists(w.statePath)).toBe(false)
  })

  it("a Papra key without documents:create: exit 3 naming the permission", async () => {
    const w = await start({ documents: 1 })
    const readOnly = w.papra.createApiKey([
      "documents:read",
      "tags:read",
      "custom-properties:read",
      "organizations:read",
    ])
    const run = await runPaperbridge(["migrate", ...w.serverFlags], {
      env: { ...w.env, PAPRA_API_KEY: readOnly },
    })
    expect(run.exitCode).toBe(3)
    expect(run.stderr.join("\n")).toContain("PAPRA_API_KEY lacks documents:create")
    // plan only reads, so the same key is enough for it.
    expect(
      (await runPaperbridge(["plan", ...w.serverFlags], { env: { ...w.env, PAPRA_API_KEY: readOnly } }))
        .exitCode,
    ).toBe(0)
  })

  it("a Paperless user without permissions: exit 3 saying which permissions are needed", async () => {
    const w = await start({ documents: 1 })
    const run = await runPaperbridge(["plan", ...w.serverFlags], {
      env: { ...w.env, PAPERLESS_TOKEN: w.paperless.limitedToken },
    })
    expect(run.exitCode).toBe(3)
    expect(run.stderr.join("\n")).toContain("the user lacks a permission (GET /api/documents/ answered 403)")
    expect(run.all).not.toContain(w.paperless.limitedToken)
  })

  it("a server that does not answer: exit 3, check PAPERLESS_URL", async () => {
    const w = await start({ documents: 1 })
    const flags = w.serverFlags.map((flag) => (flag === w.paperless.url ? "http://127.0.0.1:9" : flag))
    const run = await runPaperbridge(["plan", ...flags], { env: w.env })
    expect(run.exitCode).toBe(3)
    expect(run.stderr.join("\n")).toContain("check PAPERLESS_URL")
  })
})

describe("paperbridge forget", { timeout: 30_000 }, () => {
  it("drops the named links, says which were not linked, touches no server, and the next migrate links the copy again", async () => {
    const w = await start()
    expect((await runPaperbridge(["migrate", ...w.serverFlags], { env: w.env })).exitCode).toBe(0)
    const writes = w.writes()
    const forget = await runPaperbridge(["forget", "1", "999999", ...w.serverFlags], { env: w.env })
    expect(forget.exitCode).toBe(0)
    const text = forget.stdout.join("\n")
    expect(text).toMatch(/document 1: link to doc_\S+ dropped; the next migrate carries it anew/)
    expect(text).toContain("document 999999: not linked")
    expect(w.writes()).toEqual(writes)
    const status = await runPaperbridge(["status", ...w.serverFlags], { env: w.env })
    expect(status.stdout.join("\n")).toMatch(/Linked: 5 documents/)

    const again = await runPaperbridge(["migrate", "--json", ...w.serverFlags], { env: w.env })
    expect(again.exitCode).toBe(0)
    const outcomes = again.stdout
      .map((line) => JSON.parse(line) as { type: string; sourceId?: string; outcome?: string })
      .filter((event) => event.type === "document" && event.sourceId === "1")
    expect(outcomes.map((event) => event.outcome)).toEqual(["linked-existing"])
  })
})
