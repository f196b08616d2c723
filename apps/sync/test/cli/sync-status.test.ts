import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Effect from "effect/Effect"
import { describe, expect, it } from "vitest"
import { paperlessEndpoint, papraEndpoint } from "../../src/state/endpoints.js"
import { StateStore } from "../../src/state/store.js"
import { runPaperbridge } from "./run.js"

const servers = [
  "--paperless-url",
  "http://paperless.test",
  "--papra-url",
  "http://papra.test",
  "--papra-org",
  "org_abcdefghijklmnopqrstuvwx",
]

describe("paperbridge status after a continuous sync scheduled its next run", () => {
  it("shows when the next sync is due and on which schedule, as text and in --json", async () => {
    const directory = await Fs.mkdtemp(Path.join(Os.tmpdir(), "paperbridge-sync-status-"))
    const statePath = Path.join(directory, "state.db")
    const pair = {
      source: paperlessEndpoint("http://paperless.test"),
      target: papraEndpoint("http://papra.test", "org_abcdefghijklmnopqrstuvwx"),
    }
    const record = (due: string) =>
      Effect.flatMap(StateStore, (store) => store.schedule.record(pair, "every 15m", new Date(due))).pipe(
        Effect.provide(StateStore.layer({ path: statePath })),
        Effect.runPromise,
      )
    await record("2026-12-03T10:00:00.000Z")
    // Each tick replaces the one before.
    await record("2026-12-03T10:15:00.000Z")
    const text = await runPaperbridge(["status", ...servers, "--state", statePath])
    const json = await runPaperbridge(["status", ...servers, "--state", statePath, "--json"])
    await Fs.rm(directory, { recursive: true, force: true })
    expect(text.stderr).toEqual([])
    expect(text.exitCode).toBe(0)
    expect(text.stdout.join("\n")).toContain("Next sync due at 2026-12-03T10:15:00.000Z (every 15m)")
    const view = JSON.parse(json.stdout.join("\n")) as { nextSync: Record<string, unknown> }
    expect(view.nextSync).toMatchObject({ schedule: "every 15m", nextDueAt: "2026-12-03T10:15:00.000Z" })
  })
})
