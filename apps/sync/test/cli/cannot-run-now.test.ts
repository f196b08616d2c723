import * as Effect from "effect/Effect"
import { afterEach, describe, expect, it } from "vitest"
import { paperlessEndpoint, papraEndpoint } from "../../src/state/endpoints.js"
import { StateStore } from "../../src/state/store.js"
import { type CliWorld, runPaperbridge, startCliWorld } from "./run.js"

/**
 * The exit codes of a run that cannot go on: 2 while another run holds the pair (it says which,
 * and until when; `status` shows it), 3 when a server stops answering mid-run (it names the server).
 */

let world: CliWorld | undefined
afterEach(async () => {
  await world?.close()
  world = undefined
})

const pairOf = (w: CliWorld) => ({
  source: paperlessEndpoint(w.paperless.url),
  target: papraEndpoint(w.papra.url, w.papra.organizationId),
})

describe("paperbridge migrate when it cannot run now", { timeout: 60_000 }, () => {
  it("another run holds the pair: exit 2 naming it and until when; status shows who holds it", async () => {
    const w = await startCliWorld({ documents: 1 })
    world = w
    // Another process (here, on this machine) started a run of the same pair and is working on it.
    const holder = await Effect.flatMap(StateStore, (store) => store.runs.start(pairOf(w), "migrate")).pipe(
      Effect.provide(StateStore.layer({ path: w.statePath })),
      Effect.scoped,
      Effect.runPromise,
    )
    const run = await runPaperbridge(["migrate", ...w.serverFlags], { env: w.env })
    expect(run.exitCode).toBe(2)
    expect(run.stderr.join("\n")).toContain(`run ${holder.id} (process ${process.pid} on `)
    expect(run.stderr.join("\n")).toMatch(/holds the pair until \d{4}-\d\d-\d\dT/)
    expect(w.writes()).toEqual({ paperless: 0, papra: 0 })
    const status = await runPaperbridge(["status", ...w.serverFlags])
    expect(status.stdout.join("\n")).toMatch(
      new RegExp(`${holder.id} migrate running \\(process ${process.pid} on .+, holding the pair until `),
    )
  })

  it("Papra stops answering during the documents: exit 3 naming Papra, no document recorded failed", async () => {
    const w = await startCliWorld({ documents: 6 })
    world = w
    let arrived = () => {}
    const uploadArrived = new Promise<void>((resolve) => {
      arrived = resolve
    })
    let release = () => {}
    const released = new Promise<void>((resolve) => {
      release = resolve
    })
    // The first upload is stored, then Papra dies before answering it.
    w.papra.faults.add({
      method: "POST",
      path: /^\/api\/organizations\/[^/]+\/documents$/,
      times: 1,
      fault: {
        kind: "hold",
        until: () => {
          arrived()
          return released
        },
      },
    })
    const running = runPaperbridge(["migrate", "--concurrency", "1", ...w.serverFlags], { env: w.env })
    await uploadArrived
    await w.papra.stop()
    release()
    const run = await running
    expect(run.exitCode).toBe(3)
    expect(run.stderr.join("\n")).toContain("Papra stopped answering during the run")
    expect(run.stderr.join("\n")).toContain("check PAPRA_URL")
    const failures = await Effect.flatMap(StateStore, (store) => store.failures.list(pairOf(w))).pipe(
      Effect.provide(StateStore.layer({ path: w.statePath })),
      Effect.scoped,
      Effect.runPromise,
    )
    expect(failures).toEqual([])
  })
})
