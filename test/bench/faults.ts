import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { isDeepStrictEqual } from "node:util"
import { papraView } from "../e2e/world.js"
import { migrateInProcess } from "./in-process.js"
import { engineServers, startSimulatorProcess } from "./simulator-process.js"

/**
 * A migration (Paperless → Papra) while both simulators answer 10% of requests with a fault (5xx,
 * 429 with Retry-After, a reset, a slow body; simulators.ts), against the same migration with
 * none. Clients retry what is safe to repeat; an upload that failed waits, half-done in the
 * journal, for the next run, so the faulted migration runs again, as a user would, until it
 * reports no failure. Its result must then be the clean run's, field by field.
 *
 * `pnpm bench:faults`; FAULTS_DOCS (300), FAULTS_RATE (0.1), FAULTS_SEED (1).
 */

const CONCURRENCY = 8
const MAX_RUNS = 10

/** Runs `migrate` until it fails nothing (at most MAX_RUNS times), fresh state, one simulator process. */
const migration = async (documents: number, faultRate: number, seed: number) => {
  const simulators = await startSimulatorProcess(documents, { faultRate, seed })
  const directory = await Fs.mkdtemp(Path.join(Os.tmpdir(), "paperbridge-bench-faults-"))
  try {
    const servers = engineServers(simulators.servers)
    const run = () => migrateInProcess(servers, directory, "paperless-to-papra", CONCURRENCY)
    // A run that fails as a whole (a definition's create cut off: not safe to repeat blindly)
    // counts as failing every document; the next run reconciles it from the journal.
    const failedPerRun: Array<number | "run failed"> = []
    for (let attempt = 1; attempt <= MAX_RUNS; attempt++) {
      const failed = await run().then(
        (summary) => summary.documents.failed,
        () => "run failed" as const,
      )
      failedPerRun.push(failed)
      if (failed === 0) break
    }
    const { faulted } = await simulators.counts()
    // The view is read through the same faults: the readers retry them like the engine.
    return { failedPerRun, faulted, carried: await papraView(servers) }
  } finally {
    await simulators.stop()
    await Fs.rm(directory, { recursive: true, force: true })
  }
}

export interface FaultsOutcome {
  readonly documents: number
  readonly faultRate: number
  readonly equal: boolean
  /** Documents on Papra after each, and the first that differ (for a "no"). */
  readonly counts: { readonly clean: number; readonly faulted: number }
  readonly different: ReadonlyArray<{ readonly clean: unknown; readonly faulted: unknown }>
  /** Requests answered with a fault the client had to retry (5xx, 429, reset). */
  readonly retries: number
  /** Documents failed by each run of the faulted migration; the last must be 0. */
  readonly failedPerRun: ReadonlyArray<number | "run failed">
}

export const faultsOutcome = async (
  documents: number,
  options: { readonly faultRate?: number; readonly seed?: number } = {},
): Promise<FaultsOutcome> => {
  const faultRate = options.faultRate ?? 0.1
  const seed = options.seed ?? 1
  const clean = await migration(documents, 0, seed)
  const faulted = await migration(documents, faultRate, seed)
  const keys = new Set([...clean.carried.view.keys(), ...faulted.carried.view.keys()])
  const different = [...keys].filter(
    (key) => !isDeepStrictEqual(clean.carried.view.get(key), faulted.carried.view.get(key)),
  )
  return {
    documents,
    faultRate,
    equal: clean.carried.count === faulted.carried.count && different.length === 0,
    counts: { clean: clean.carried.count, faulted: faulted.carried.count },
    different: different
      .slice(0, 2)
      .map((key) => ({ clean: clean.carried.view.get(key), faulted: faulted.carried.view.get(key) })),
    retries: faulted.faulted,
    failedPerRun: faulted.failedPerRun,
  }
}

const finalFailed = (outcome: FaultsOutcome) => outcome.failedPerRun.at(-1) ?? 0

export const faultsLine = (outcome: FaultsOutcome) =>
  `faults (${Math.round(outcome.faultRate * 100)}% 5xx/429/reset/slow on both sides, ${outcome.documents} docs): ` +
  `result equals clean run: ${outcome.equal ? "yes" : "no"}, retries ${outcome.retries}, ` +
  `failed ${finalFailed(outcome)} (runs ${outcome.failedPerRun.length}, failed per run ${outcome.failedPerRun.join(", ")})`

/** The figure for run.ts: prints its line. */
export const faultsFigure = async (documents: number) =>
  console.log(faultsLine(await faultsOutcome(documents)))

if (import.meta.url === `file://${process.argv[1]}`) {
  const outcome = await faultsOutcome(Number(process.env.FAULTS_DOCS ?? 300), {
    faultRate: Number(process.env.FAULTS_RATE ?? 0.1),
    seed: Number(process.env.FAULTS_SEED ?? 1),
  })
  console.log(faultsLine(outcome))
  if (!outcome.equal) console.log(JSON.stringify({ counts: outcome.counts, different: outcome.different }))
  if (!outcome.equal || finalFailed(outcome) !== 0) process.exitCode = 1
}
