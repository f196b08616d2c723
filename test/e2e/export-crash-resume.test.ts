import { spawn } from "node:child_process"
import * as Fs from "node:fs/promises"
import * as Path from "node:path"
import { createInterface } from "node:readline"
import { fileURLToPath } from "node:url"
import { startPaperlessSimulator, startPapraSimulator } from "@paperbridge/testkit"
import { afterEach, describe, expect, it } from "vitest"
import {
  cleanUp,
  expectedOnPaperless,
  expectedOnPapra,
  exportWithChangedFile,
  fixtureOf,
  paperlessServers,
  papraServers,
  pendingIntoPaperless,
  rawManifest,
  runExportIntoPaperless,
  runExportMigration,
  tempDirectory,
  verifyExportIntoPaperless,
  whenDone,
} from "./from-export.js"
import {
  accepted,
  paperlessUploads,
  paperlessView,
  papraUploads,
  papraView,
  requestActedOn,
} from "./world.js"

const here = Path.dirname(fileURLToPath(import.meta.url))
const childScript = Path.join(here, "child", "migrate-export.ts")
const papraUpload = /^\/api\/organizations\/[^/]+\/documents$/

/** Runs the child migration and SIGKILLs it once `killAt` resolves; answers whether it was killed. */
const runChild = (env: Record<string, string>, killAt: Promise<void>) =>
  new Promise<{ killed: boolean; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", childScript], {
      cwd: Path.resolve(here, ".."),
      env: { ...process.env, ...env },
      stdio: ["pipe", "pipe", "pipe"],
    })
    let stderr = ""
    let killed = false
    child.stderr.on("data", (chunk) => {
      stderr += String(chunk)
    })
    child.on("error", reject)
    child.on("exit", () => resolve({ killed, stderr }))
    killAt.then(() => {
      if (child.exitCode !== null || child.signalCode !== null) return
      killed = true
      child.kill("SIGKILL")
    })
    createInterface({ input: child.stdout }).once("line", () => child.stdin.end("go\n"))
  })

describe("a migration from an export SIGKILLed mid-upload and run again", () => {
  it.each([
    { version: "3.0.5", variant: "b-zip", nth: 3 },
    { version: "2.20.15", variant: "c-filename-format-split-manifest", nth: 5 },
  ] as const)(
    "$version $variant, killed at upload $nth: every document on Papra exactly once",
    async ({ version, variant, nth }) => {
      const papra = await startPapraSimulator({ extractionDelayMs: 5 })
      const directory = await tempDirectory()
      try {
        const location = fixtureOf(version, variant)
        const statePath = Path.join(directory, "state.db")
        const reportDirectory = Path.join(directory, "reports")
        // The upload is accepted and stored, its answer held: the child dies never knowing.
        const gate = requestActedOn(papra.faults, { method: "POST", path: papraUpload }, nth)
        const run = await runChild(
          {
            PB_E2E_EXPORT: location,
            PB_E2E_PAPRA_URL: papra.url,
            PB_E2E_PAPRA_API_KEY: papra.apiKey,
            PB_E2E_PAPRA_ORG_ID: papra.organizationId,
            PB_E2E_STATE_PATH: statePath,
            PB_E2E_REPORT_DIR: reportDirectory,
          },
          gate.acted,
        )
        gate.release()
        expect(run.killed, `the child was killed (${run.stderr})`).toBe(true)

        const expected = expectedOnPapra(await rawManifest(version))
        const resumed = await runExportMigration({ location, papra, statePath, reportDirectory })
        expect(resumed.documents.failed).toBe(0)
        const { count, view } = await papraView(papraServers(papra))
        expect(count).toBe(expected.size)
        expect([...view.values()].map((document) => (document as { name: string }).name).sort()).toEqual(
          [...expected.keys()].sort(),
        )
        // Each file was accepted once: the one whose answer was lost is found, not sent again.
        expect(accepted(papraUploads(papra))).toHaveLength(expected.size)

        const again = await runExportMigration({ location, papra, statePath, reportDirectory })
        expect(again.documents).toMatchObject({
          uploaded: 0,
          updated: 0,
          failed: 0,
          unchanged: expected.size,
        })
      } finally {
        await papra.close()
        await Fs.rm(directory, { recursive: true, force: true })
      }
    },
  )
})

describe("a migration from an export into Paperless-ngx SIGKILLed mid-upload and run again", () => {
  it.each([
    { version: "3.0.5", variant: "b-zip", generation: "2.20", nth: 3 },
    { version: "2.20.15", variant: "a-plain", generation: "3.0", nth: 5 },
  ] as const)(
    "$version $variant → $generation, killed at upload $nth: every document on Paperless exactly once",
    async ({ version, variant, generation, nth }) => {
      const paperless = await startPaperlessSimulator({ generation, consumeMs: 1 })
      const directory = await tempDirectory()
      try {
        const location = fixtureOf(version, variant)
        const run = {
          location,
          paperless,
          statePath: Path.join(directory, "state.db"),
          reportDirectory: Path.join(directory, "reports"),
        }
        // The post is queued for consumption, its answer (the task id) held: the child dies never knowing.
        const gate = requestActedOn(
          paperless.faults,
          { method: "POST", path: /^\/api\/documents\/post_document\/$/ },
          nth,
        )
        const child = await runChild(
          {
            PB_E2E_EXPORT: location,
            PB_E2E_PAPERLESS_URL: paperless.url,
            PB_E2E_PAPERLESS_TOKEN: paperless.token,
            PB_E2E_STATE_PATH: run.statePath,
            PB_E2E_REPORT_DIR: run.reportDirectory,
          },
          gate.acted,
        )
        gate.release()
        expect(child.killed, `the child was killed (${child.stderr})`).toBe(true)

        const expected = expectedOnPaperless(await rawManifest(version))
        const resumed = await runExportIntoPaperless(run)
        expect(resumed.documents.failed, JSON.stringify(resumed.failures)).toBe(0)
        const { count, view } = await paperlessView(paperlessServers(paperless))
        expect(count).toBe(expected.size)
        for (const document of view.values()) {
          const { title } = document as { title: string }
          expect(document, title).toEqual(expected.get(title))
        }
        // Each file was posted once: the one whose answer was lost is found, not posted again.
        expect(paperlessUploads(paperless)).toHaveLength(expected.size)
        const again = await runExportIntoPaperless(run)
        expect(again.documents).toMatchObject({
          uploaded: 0,
          updated: 0,
          failed: 0,
          unchanged: expected.size,
        })
      } finally {
        await paperless.close()
        await Fs.rm(directory, { recursive: true, force: true })
      }
    },
  )
})

describe("a file replacement into Paperless-ngx SIGKILLed at each step and run again", () => {
  afterEach(cleanUp)
  const points = [
    {
      generation: "3.0",
      after: "the new version was posted",
      route: /^\/api\/documents\/\d+\/update_version\/$/,
    },
    {
      generation: "2.20",
      after: "the new document was posted",
      route: /^\/api\/documents\/post_document\/$/,
    },
    {
      generation: "2.20",
      after: "the old copy was trashed",
      route: /^\/api\/documents\/\d+\/$/,
      method: "DELETE",
    },
  ] as const
  it.each(points)(
    "Paperless $generation, killed once $after: one live copy with the new file, nothing pending",
    async ({ generation, route, ...point }) => {
      const paperless = await startPaperlessSimulator({ generation, consumeMs: 1 })
      const directory = await tempDirectory()
      whenDone(async () => {
        await paperless.close()
        await Fs.rm(directory, { recursive: true, force: true })
      })
      const run = (location: string) => ({
        location,
        paperless,
        statePath: Path.join(directory, "state.db"),
        reportDirectory: Path.join(directory, "reports"),
      })
      await runExportIntoPaperless(run(fixtureOf("3.0.5", "a-plain")))
      const { newer, sha256 } = await exportWithChangedFile("3.0.5")
      const method = "method" in point ? point.method : "POST"
      const calls = () =>
        paperless.requests.filter((request) => request.method === method && route.test(request.path)).length
      const callsBefore = calls()
      const gate = requestActedOn(paperless.faults, { method, path: route }, 1)
      const child = await runChild(
        {
          PB_E2E_EXPORT: newer,
          PB_E2E_PAPERLESS_URL: paperless.url,
          PB_E2E_PAPERLESS_TOKEN: paperless.token,
          PB_E2E_STATE_PATH: run(newer).statePath,
          PB_E2E_REPORT_DIR: run(newer).reportDirectory,
        },
        gate.acted,
      )
      gate.release()
      expect(child.killed, `the child was killed (${child.stderr})`).toBe(true)

      const resumed = await runExportIntoPaperless(run(newer))
      expect(resumed.documents.failed, JSON.stringify(resumed.failures)).toBe(0)
      const expected = expectedOnPaperless(await rawManifest("3.0.5"))
      const { count } = await paperlessView(paperlessServers(paperless))
      expect(count).toBe(expected.size)
      const shopping = await listed(paperless, "/api/documents/", "shopping-list")
      expect(shopping, JSON.stringify(resumed.documents)).toHaveLength(1)
      if (generation === "3.0")
        expect(shopping[0]?.versions?.map((version) => version.checksum)).toContain(sha256)
      else expect(await listed(paperless, "/api/trash/", "shopping-list"), "in the trash").toHaveLength(1)
      expect(calls() - callsBefore).toBe(1)
      expect(await pendingIntoPaperless(run(newer))).toEqual([])
      expect((await verifyExportIntoPaperless(run(newer))).drift).toEqual([])
      const again = await runExportIntoPaperless(run(newer))
      expect(again.documents).toMatchObject({ uploaded: 0, updated: 0, failed: 0, "file-replaced": 0 })
    },
  )
})

/** The documents (or trashed ones) of that title. */
const listed = async (paperless: { url: string; token: string }, path: string, title: string) => {
  const response = await fetch(`${paperless.url}${path}?page_size=100`, {
    headers: { Authorization: `Token ${paperless.token}` },
  })
  const body = (await response.json()) as {
    results: Array<{ title: string; versions?: Array<{ checksum: string }> }>
  }
  return body.results.filter((document) => document.title === title)
}
