import { spawn } from "node:child_process"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { pathToFileURL } from "node:url"
import { isDeepStrictEqual } from "node:util"
import { makeDemoCorpus } from "@paperbridge/sync/demo"
import { seededRandom } from "@paperbridge/testkit"
import { distinctFiles, papraView } from "../e2e/world.js"
import type { BareServers } from "./bare-copy.js"
import { engineServers, type SimulatorProcess, startSimulatorProcess } from "./simulator-process.js"

/**
 * Exactly once under SIGKILL, as a figure: `paperbridge migrate` (Paperless → Papra) in a process
 * of its own, killed at `kills` seeded random request counts over one migration of `documents`,
 * run again after each kill and once more to the end. One simulator process holds both servers'
 * state through the whole series. Each kill lands once a server has acted on the chosen request
 * and before it answers (simulators.ts's gate), whatever the machine's load. Then the target must
 * carry every distinct source file exactly once, each with the metadata of an uninterrupted run.
 *
 * `pnpm bench:crash`; CRASH_DOCS (1000), CRASH_KILLS (50), CRASH_SEED (1).
 */

const repository = Path.join(import.meta.dirname, "..", "..")

/** How the engine is started: the built CLI (the figure) or its sources under tsx (the CI test). */
export type EngineCommand = "built" | "source"

const engineArgs = (command: EngineCommand) =>
  command === "built"
    ? [Path.join(repository, "apps", "sync", "dist", "bin.js")]
    : // Resolved here: the engine runs in a temporary directory, where no `tsx` is to be found.
      [
        "--conditions=source",
        "--import",
        pathToFileURL(Path.join(repository, "node_modules", "tsx", "dist", "loader.mjs")).href,
        Path.join(repository, "apps", "sync", "src", "bin.ts"),
      ]

interface EngineRun {
  readonly killed: boolean
  readonly exitCode: number | null
  readonly output: string
}

/** One `paperbridge migrate` into Papra; SIGKILLed when `killAt` resolves first. */
const migrateProcess = (
  command: EngineCommand,
  servers: BareServers,
  directory: string,
  killAt: Promise<void> | undefined,
) =>
  new Promise<EngineRun>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        ...engineArgs(command),
        "migrate",
        "--to",
        "papra",
        "--paperless-url",
        servers.paperless.url,
        "--papra-url",
        servers.papra.url,
        "--papra-org",
        servers.papra.organizationId,
        "--state",
        Path.join(directory, "state.db"),
        "--concurrency",
        "8",
      ],
      {
        cwd: directory,
        env: {
          ...process.env,
          PAPERLESS_TOKEN: servers.paperless.token,
          PAPRA_API_KEY: servers.papra.apiKey,
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    )
    let output = ""
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString("utf8")).slice(-4000)
    }
    child.stdout.on("data", keep)
    child.stderr.on("data", keep)
    let killed = false
    killAt?.then(() => {
      if (child.exitCode !== null || child.signalCode !== null) return
      killed = true
      child.kill("SIGKILL")
    })
    child.on("error", reject)
    child.on("exit", (exitCode) => resolve({ killed, exitCode, output }))
  })

const finishedFailures = (run: EngineRun) => {
  const finished = /, (\d+) failed \(/.exec(run.output)
  if (run.exitCode !== 0 || finished === null)
    throw new Error(`the migration exited with ${run.exitCode}:\n${run.output}`)
  return Number(finished[1])
}

const totalRequests = async (simulators: SimulatorProcess) => {
  const counts = await simulators.counts()
  return counts.paperless + counts.papra
}

const withDirectory = async <A>(use: (directory: string) => Promise<A>): Promise<A> => {
  const directory = await Fs.mkdtemp(Path.join(Os.tmpdir(), "paperbridge-bench-crash-"))
  try {
    return await use(directory)
  } finally {
    await Fs.rm(directory, { recursive: true, force: true })
  }
}

/** An uninterrupted migration: the requests it takes and what the target then carries. */
const referenceRun = (documents: number, seed: number, command: EngineCommand) =>
  withDirectory(async (directory) => {
    const simulators = await startSimulatorProcess(documents, { seed })
    try {
      const failed = finishedFailures(await migrateProcess(command, simulators.servers, directory, undefined))
      if (failed > 0) throw new Error(`the uninterrupted migration failed ${failed} documents`)
      return {
        requests: await totalRequests(simulators),
        carried: await papraView(engineServers(simulators.servers)),
      }
    } finally {
      await simulators.stop()
    }
  })

/**
 * Request counts between kills: `kills` seeded points over the requests of an uninterrupted run,
 * as gaps (each run after a kill is killed at its gap, counted from its own start).
 */
const killGaps = (kills: number, requests: number, seed: number) => {
  const random = seededRandom(seed)
  const points = Array.from({ length: kills }, () => 1 + Math.floor(random() * requests)).sort(
    (a, b) => a - b,
  )
  return points.map((point, index) => Math.max(1, point - (points[index - 1] ?? 0)))
}

export interface CrashOutcome {
  readonly documents: number
  /** Kills asked for, and those that landed (a run may finish before its request count). */
  readonly kills: number
  readonly killed: number
  readonly lost: number
  readonly duplicated: number
  /** Documents whose metadata differs from the uninterrupted run's. */
  readonly different: ReadonlyArray<string>
  /** Documents the final run reported failed. */
  readonly failed: number
  /** The first differing documents, both ways. */
  readonly details: ReadonlyArray<{ readonly reference: unknown; readonly crashed: unknown }>
}

export const crashOutcome = async (options: {
  readonly documents: number
  readonly kills: number
  readonly seed: number
  readonly command?: EngineCommand
}): Promise<CrashOutcome> => {
  const command = options.command ?? "built"
  const reference = await referenceRun(options.documents, options.seed, command)
  const expected = distinctFiles(makeDemoCorpus({ documents: options.documents, oversized: false }))
  return withDirectory(async (directory) => {
    const simulators = await startSimulatorProcess(options.documents, { seed: options.seed })
    try {
      let killed = 0
      for (const gap of killGaps(options.kills, reference.requests, options.seed)) {
        const run = await migrateProcess(command, simulators.servers, directory, simulators.killAt(gap))
        simulators.release()
        if (run.killed) killed += 1
        else finishedFailures(run)
      }
      const failed = finishedFailures(await migrateProcess(command, simulators.servers, directory, undefined))
      const carried = await papraView(engineServers(simulators.servers))
      const keys = [...carried.view.keys()]
      const different = [...reference.carried.view.entries()]
        .filter(([key, metadata]) => !isDeepStrictEqual(carried.view.get(key), metadata))
        .map(([key]) => key)
      return {
        documents: options.documents,
        kills: options.kills,
        killed,
        failed,
        lost: [...expected].filter((key) => !carried.view.has(key)).length,
        // More documents than distinct files, or a file the source never had.
        duplicated: carried.count - carried.view.size + keys.filter((key) => !expected.has(key)).length,
        different,
        details: different
          .slice(0, 3)
          .map((key) => ({ reference: reference.carried.view.get(key), crashed: carried.view.get(key) })),
      }
    } finally {
      await simulators.stop()
    }
  })
}

export const crashLine = (outcome: CrashOutcome) =>
  `Paperless → Papra, ${outcome.documents} documents: kills survived: ${outcome.killed}/${outcome.kills}, ` +
  `lost ${outcome.lost}, duplicated ${outcome.duplicated}, ` +
  (outcome.different.length === 0 && outcome.failed === 0
    ? "metadata equal"
    : `metadata differs on ${outcome.different.length} documents, ${outcome.failed} failed`)

if (import.meta.url === `file://${process.argv[1]}`) {
  const outcome = await crashOutcome({
    documents: Number(process.env.CRASH_DOCS ?? 1000),
    kills: Number(process.env.CRASH_KILLS ?? 50),
    seed: Number(process.env.CRASH_SEED ?? 1),
  })
  console.log(crashLine(outcome))
  for (const key of outcome.different.slice(0, 3)) console.log(`  differs: ${key}`)
  if (process.env.CRASH_DEBUG !== undefined) console.log(JSON.stringify(outcome.details, null, 1))
  if (outcome.lost + outcome.duplicated + outcome.different.length + outcome.failed > 0) process.exitCode = 1
}
