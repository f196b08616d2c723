import { pathToFileURL } from "node:url"
import { createClient } from "@libsql/client"
import { type BridgeDirection as Direction, LEASE_DURATION, pairOf, StateStore } from "@paperbridge/sync"
import { makeDemoCorpus } from "@paperbridge/sync/demo"
import { clockAhead } from "@paperbridge/testkit"
import type * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import { describe, expect, it } from "vitest"
import {
  distinctFiles,
  type MigrationResult,
  paperlessUploads,
  papraUploads,
  prepareChild,
  requestActedOn,
  runEngine,
  type SimulatorPair,
  startPair,
  storedState,
} from "./world.js"

/**
 * One pair, one run at a time, whatever process or machine asks: a run holds the pair by a lease
 * in the state file. A second run is refused while the lease is renewed; a killed run's lease
 * lapses, `status` then shows it interrupted, and the next run takes the pair over. The lapse is
 * seen through a clock ahead of the real one, never by waiting.
 */

const corpus = makeDemoCorpus({ documents: 8, oversized: false })

const uploadRoute = (direction: Direction) =>
  direction === "paperless-to-papra"
    ? { method: "POST", path: /^\/api\/organizations\/[^/]+\/documents$/ }
    : { method: "POST", path: "/api/documents/post_document/" }

const targetOf = (pair: SimulatorPair, direction: Direction) =>
  direction === "paperless-to-papra" ? pair.papra : pair.paperless

/** The pair's runs as `status` lists them, latest first, seen at the clock's time. */
const runOutcomes = (pair: SimulatorPair, direction: Direction, clock?: Clock.Clock) =>
  Effect.flatMap(StateStore, (store) =>
    store.runs.list({ pair: pairOf(pair.target.servers, direction) }),
  ).pipe(
    Effect.map((runs) => runs.map((run) => run.outcome)),
    Effect.provide(StateStore.layer({ path: pair.target.statePath })),
    (list) => (clock === undefined ? list : Effect.withClock(list, clock)),
    Effect.runPromise,
  )

/** The run after the interrupted one finished the job: every file once, nothing left half-done. */
const expectResumedExactlyOnce = async (
  pair: SimulatorPair,
  direction: Direction,
  resumed: MigrationResult,
) => {
  expect(resumed.failures).toEqual([])
  expect((await storedState(pair.target, direction)).pending).toEqual([])
  // The upload the interrupted run made was found on the target, not sent again.
  expect(acceptedUploads(pair, direction)).toBe(expectedUploads)
}

/** Why a run was refused (it must be): the engine's message, as the CLI prints it. */
const refusal = (run: Promise<unknown>) =>
  run.then(
    () => "the run was not refused",
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  )

const acceptedUploads = (pair: SimulatorPair, direction: Direction) =>
  (direction === "paperless-to-papra" ? papraUploads(pair.papra) : paperlessUploads(pair.paperless)).filter(
    (request) => request.status === 200,
  ).length

/** Papra keeps one document per file; Paperless gets every file of the Papra corpus (already distinct). */
const expectedUploads = distinctFiles(corpus).size

/**
 * A run that stopped answering, made from one killed at a known point: SIGSTOPping a live child
 * instead would freeze it wherever it is, at times inside a state-file transaction, and nothing
 * else could then write the file at all (SQLITE_BUSY): that is SQLite's lock, not the lease.
 * Rewriting the dead run's process to a live one on this machine (a frozen process) or to another
 * machine (whose processes cannot be asked) leaves the lease as the only thing that can tell.
 */
const silentHolders = [
  { holder: "frozen on this machine", rewrite: { pid: process.pid } },
  { holder: "on another machine", rewrite: { host: "another-machine.invalid" } },
] as const

const silence = async (statePath: string, rewrite: { readonly pid?: number; readonly host?: string }) => {
  const db = createClient({ url: pathToFileURL(statePath).href })
  try {
    const updated = await db.execute({
      sql: "UPDATE runs SET pid = coalesce(?, pid), host = coalesce(?, host) WHERE outcome = 'running'",
      args: [rewrite.pid ?? null, rewrite.host ?? null],
    })
    expect(updated.rowsAffected).toBe(1)
  } finally {
    db.close()
  }
}

const cases = [
  { direction: "paperless-to-papra", generation: "3.0" },
  { direction: "papra-to-paperless", generation: "2.20" },
] as const

describe.each(cases)("the run lease, $direction, Paperless $generation", ({ direction, generation }) => {
  it("a second run while the first works is refused, naming the holder and until when", async () => {
    const pair = await startPair({ direction, generation, corpus })
    try {
      const held = requestActedOn(targetOf(pair, direction).faults, uploadRoute(direction), 2)
      const first = runEngine(pair.target, direction)
      await held.acted
      const refused = await refusal(runEngine(pair.target, direction))
      expect(refused).toMatch(
        /^run \S+ \(process \d+ on .+\) is working on .+: it holds the pair until (\S+) and renews that/,
      )
      const until = /until (\S+) and renews/.exec(refused)?.[1] ?? ""
      expect(Date.parse(until)).toBeGreaterThan(Date.now())
      held.release()
      const done = await first
      expect(done.failures).toEqual([])
      expect(acceptedUploads(pair, direction)).toBe(expectedUploads)
      expect((await storedState(pair.target, direction)).lastOutcome).toBe("ok")
    } finally {
      await pair.close()
    }
  })

  it("a run killed here is shown interrupted at once, and the next run takes over", async () => {
    const pair = await startPair({ direction, generation, corpus })
    const child = prepareChild(pair.paperless, pair.papra, pair.target, direction)
    try {
      const gate = requestActedOn(targetOf(pair, direction).faults, uploadRoute(direction), 3)
      const killed = await child.run(gate.acted)
      gate.release()
      expect(killed.killed).toBe(true)
      // Same machine, same pid namespace, process gone: its lease is not waited for.
      expect(await runOutcomes(pair, direction)).toEqual(["interrupted"])
      await expectResumedExactlyOnce(pair, direction, await runEngine(pair.target, direction))
      expect(await runOutcomes(pair, direction)).toEqual(["ok", "interrupted"])
    } finally {
      child.dispose()
      await pair.close()
    }
  })

  it.each(silentHolders)(
    "a run that stopped answering ($holder) holds the pair until its lease lapses",
    async ({ rewrite }) => {
      const pair = await startPair({ direction, generation, corpus })
      const child = prepareChild(pair.paperless, pair.papra, pair.target, direction)
      try {
        const gate = requestActedOn(targetOf(pair, direction).faults, uploadRoute(direction), 3)
        expect((await child.run(gate.acted)).killed).toBe(true)
        gate.release()
        await silence(pair.target.statePath, rewrite)
        // It looks alive but renews nothing: shown running, and a new run is refused.
        expect(await runOutcomes(pair, direction)).toEqual(["running"])
        expect(await refusal(runEngine(pair.target, direction))).toMatch(/is working on/)

        // Once the lease lapsed, `status` says interrupted and the next run takes the pair over.
        const later = clockAhead(LEASE_DURATION)
        expect(await runOutcomes(pair, direction, later)).toEqual(["interrupted"])
        await expectResumedExactlyOnce(
          pair,
          direction,
          await runEngine(pair.target, direction, { clock: later }),
        )
        expect(await runOutcomes(pair, direction, later)).toEqual(["ok", "interrupted"])
      } finally {
        child.dispose()
        await pair.close()
      }
    },
  )
})
