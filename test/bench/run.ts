import { spawn, spawnSync } from "node:child_process"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import type { BridgeDirection as Direction } from "@paperbridge/sync"
import { type BareServers, bareCopy } from "./bare-copy.js"
import { faultsFigure } from "./faults.js"
import { writeGeneratedExport } from "./generated-export.js"
import { migrateInProcess } from "./in-process.js"
import { noChangeFigures } from "./no-change.js"
import {
  engineServers,
  type SimulatorOptions,
  type SimulatorProcess,
  startSimulatorProcess,
} from "./simulator-process.js"

/**
 * Figures, not pass/fail. This machine is shared and noisy, so every speed figure is a ratio of
 * two things measured in the same run: `migrate` against a bare copy that carries the same fields
 * (bare-copy.ts), interleaved engine, bare, engine, bare… with fresh simulators (in a child
 * process) for every run, and the median of the pairs printed. Memory figures are the peak RSS of
 * the built CLI (`paperbridge migrate`, built first) in a process of its own, for Paperless →
 * Papra, Papra → Paperless and a Paperless export → Papra, each with one large file.
 *
 * `--only memory` (or BENCH_ONLY=memory) runs the memory figures alone, `--only speed` the speed
 * figures (engine against bare, both directions), `--only no-change` a no-change `migrate` and
 * `sync` over BENCH_NOCHANGE_DOCS (1000; the issue's size is 10000, some eight minutes, nearly all
 * of it the migrate that links them) linked documents (no-change.ts), `--only consumer` how busy
 * Papra → Paperless keeps Paperless's consumer: BENCH_CONSUMER_DOCS (40) documents at
 * BENCH_CONSUMER_MS (200) ms each, on one and on four simulated workers, against the ideal
 * documents × time ÷ workers, `--only faults` a migration of BENCH_FAULTS_DOCS (300) with 10% of
 * the requests faulted on both simulators against a clean one (faults.ts). The crash figure has
 * its own command, `pnpm bench:crash` (crash.ts).
 * Sizes: BENCH_DOCS (default 300 and 2000), BENCH_PAIRS (3), BENCH_MEMORY_DOCS (300, both
 * directions), BENCH_EXPORT_DOCS (300), BENCH_BIG_MIB (256: the large file); set BENCH_DOCS and
 * only the speed figures run, for that size. The issues' sizes (5000 and 10000 documents) take
 * some 20 minutes here, the defaults two.
 */
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`
const median = (values: ReadonlyArray<number>) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}

interface Measured {
  readonly seconds: number
  readonly documents: number
  readonly failures: number
  readonly requests: { readonly paperless: number; readonly papra: number }
}

interface MigrationOutcome {
  readonly documents: number
  readonly failures: number
}

const timed = async (
  simulators: SimulatorProcess,
  run: () => Promise<MigrationOutcome>,
): Promise<Measured> => {
  const started = performance.now()
  const result = await run()
  const seconds = (performance.now() - started) / 1000
  return { ...result, seconds, requests: await simulators.stop() }
}

const withDirectory = async <A>(prefix: string, use: (directory: string) => Promise<A>): Promise<A> => {
  const directory = await Fs.mkdtemp(Path.join(Os.tmpdir(), prefix))
  try {
    return await use(directory)
  } finally {
    await Fs.rm(directory, { recursive: true, force: true })
  }
}

const directionLabel = (direction: Direction) =>
  direction === "paperless-to-papra" ? "paperless → papra" : "papra → paperless"
/** The simulator that holds the documents: the direction's source. */
const seededFor = (direction: Direction) => (direction === "paperless-to-papra" ? "paperless" : "papra")

interface EngineRunOptions extends Omit<SimulatorOptions, "seeded"> {
  readonly concurrency?: number
}

/** `migrate` in `direction`, over fresh simulators whose source side holds the documents. */
const engineRun = async (direction: Direction, documents: number, options: EngineRunOptions = {}) => {
  const { concurrency = 8, ...simulatorOptions } = options
  const simulators = await startSimulatorProcess(documents, {
    ...simulatorOptions,
    seeded: seededFor(direction),
  })
  return withDirectory("paperbridge-bench-", (directory) =>
    timed(simulators, async () => {
      const servers = engineServers(simulators.servers)
      const summary = await migrateInProcess(servers, directory, direction, concurrency)
      return {
        documents: summary.documents.uploaded + summary.documents["linked-existing"],
        failures: summary.documents.failed,
      }
    }),
  )
}

const bareRun = async (direction: Direction, documents: number) => {
  const simulators = await startSimulatorProcess(documents, { seeded: seededFor(direction) })
  return timed(simulators, async () => ({
    ...(await bareCopy(direction, simulators.servers, 8)),
    failures: 0,
  }))
}

const perDocument = (measured: Measured) =>
  `Paperless ${(measured.requests.paperless / measured.documents).toFixed(1)}, Papra ${(measured.requests.papra / measured.documents).toFixed(1)}`

/** Engine against bare, A B A B…, fresh simulators each time; prints the median ratio. */
const againstBare = async (direction: Direction, documents: number, pairs: number) => {
  const ratios: Array<number> = []
  let last: { engine: Measured; bare: Measured } | undefined
  for (let pair = 0; pair < pairs; pair++) {
    const engine = await engineRun(direction, documents)
    const bare = await bareRun(direction, documents)
    ratios.push(engine.seconds / bare.seconds)
    last = { engine, bare }
  }
  if (last === undefined) return
  const label = `(${directionLabel(direction)}, ${documents} docs)`
  console.log(
    `ratio engine/bare ${label}: ${median(ratios).toFixed(2)} (median of ${pairs} pairs: ${ratios.map((ratio) => ratio.toFixed(2)).join(", ")}; ` +
      `last pair ${(last.engine.documents / last.engine.seconds).toFixed(0)} vs ${(last.bare.documents / last.bare.seconds).toFixed(0)} docs/s, engine failures ${last.engine.failures})`,
  )
  console.log(
    `requests per document ${label}: engine ${perDocument(last.engine)}; bare ${perDocument(last.bare)}`,
  )
}

/** With 20 ms per request, throughput should follow concurrency until the simulator saturates. */
const concurrencyCurve = async (documents: number) => {
  const rates: Array<string> = []
  let first: number | undefined
  for (const concurrency of [1, 2, 4, 8, 16]) {
    const measured = await engineRun("paperless-to-papra", documents, { concurrency, latencyMs: 20 })
    const rate = measured.documents / measured.seconds
    first ??= rate
    rates.push(`${concurrency}: ${(rate / first).toFixed(1)}×`)
  }
  console.log(
    `Paperless → Papra, ${documents} documents, 20 ms per request: throughput by concurrency ${rates.join(", ")}`,
  )
}

/**
 * Papra → Paperless is bound by Paperless's consumer: with a fixed consumption time per upload,
 * no copy can finish sooner than documents × time ÷ workers. How close `migrate` comes to that
 * says whether it keeps every worker busy (posting ahead, following tasks promptly) or leaves
 * them idle between its own round trips; the target is 1.1 or less.
 */
const consumerBusy = async (documents: number, consumeMs: number) => {
  for (const workers of [1, 4]) {
    const measured = await engineRun("papra-to-paperless", documents, { consumeMs, workers })
    const ideal = (documents * consumeMs) / 1000 / workers
    console.log(
      `consumer busy (${workers} worker${workers === 1 ? "" : "s"}): run/ideal ${(measured.seconds / ideal).toFixed(2)} ` +
        `(${documents} docs at ${consumeMs} ms: run ${measured.seconds.toFixed(1)} s, ideal ${ideal.toFixed(1)} s, ` +
        `${measured.documents} migrated, failures ${measured.failures}; requests per document ${perDocument(measured)})`,
    )
  }
}

const repository = Path.join(import.meta.dirname, "..", "..")

/**
 * `paperbridge migrate` from the built CLI in a process of its own, with the peak-RSS reporter
 * preloaded: run from TypeScript sources, the loader alone would add some 65 MiB to the figure.
 */
const inEngineProcess = async (servers: BareServers, directory: string, args: ReadonlyArray<string>) => {
  const peakFile = Path.join(directory, "peak-rss")
  const child = spawn(
    process.execPath,
    [
      "--import",
      Path.join(import.meta.dirname, "peak-rss.mjs"),
      Path.join(repository, "apps", "sync", "dist", "bin.js"),
      "migrate",
      "--paperless-url",
      servers.paperless.url,
      "--papra-url",
      servers.papra.url,
      "--papra-org",
      servers.papra.organizationId,
      "--concurrency",
      "8",
      ...args,
    ],
    {
      cwd: directory,
      env: {
        ...process.env,
        PAPERLESS_TOKEN: servers.paperless.token,
        PAPRA_API_KEY: servers.papra.apiKey,
        PAPERBRIDGE_BENCH_PEAK_RSS: peakFile,
      },
      stdio: ["ignore", "pipe", "inherit"],
    },
  )
  let output = ""
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8")
  })
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve))
  const finished = /: (\d+) copied, (\d+) linked to existing files, .*?, (\d+) failed/.exec(output)
  if (finished === null) throw new Error(`the engine process exited with ${code}:\n${output.slice(-2000)}`)
  return {
    documents: Number(finished[1]) + Number(finished[2]),
    failures: Number(finished[3]),
    peakRssBytes: Number(await Fs.readFile(peakFile, "utf8")),
  }
}

const memoryLine = (label: string, outcome: MigrationOutcome & { readonly peakRssBytes: number }) =>
  console.log(
    `${label}: engine peak RSS ${mib(outcome.peakRssBytes)}, ${outcome.documents} migrated, failures ${outcome.failures}`,
  )

/** A migration between the simulators, one large file among the documents of the source. */
const memory = async (direction: Direction, documents: number, bigFileBytes: number) => {
  const simulators = await startSimulatorProcess(documents, { bigFileBytes, seeded: seededFor(direction) })
  try {
    const outcome = await withDirectory("paperbridge-bench-", (directory) =>
      inEngineProcess(simulators.servers, directory, [
        "--to",
        direction === "paperless-to-papra" ? "papra" : "paperless",
      ]),
    )
    const label = direction === "paperless-to-papra" ? "Paperless → Papra" : "Papra → Paperless"
    memoryLine(`${label}, ${documents} documents + one ${mib(bigFileBytes)} file`, outcome)
  } finally {
    await simulators.stop()
  }
}

/** A migration from a generated export folder into Papra: the export is read from disk as it goes. */
const exportMemory = (documents: number, bigFileBytes: number) =>
  withDirectory("paperbridge-bench-export-", async (directory) => {
    const location = Path.join(directory, "export")
    await writeGeneratedExport(location, documents, bigFileBytes)
    const simulators = await startSimulatorProcess(0)
    try {
      const outcome = await inEngineProcess(simulators.servers, directory, [
        "--to",
        "papra",
        "--from-export",
        location,
      ])
      memoryLine(`Paperless export → Papra, ${documents} documents + one ${mib(bigFileBytes)} file`, outcome)
    } finally {
      await simulators.stop()
    }
  })

const onlyFlag = process.argv.indexOf("--only")
const only = onlyFlag >= 0 ? process.argv[onlyFlag + 1] : process.env.BENCH_ONLY
const pairs = Number(process.env.BENCH_PAIRS ?? 3)
const sizes = process.env.BENCH_DOCS === undefined ? [300, 2000] : [Number(process.env.BENCH_DOCS)]
const bigFileBytes = Number(process.env.BENCH_BIG_MIB ?? 256) * 1024 * 1024
if ((only === undefined || only === "memory") && process.env.BENCH_DOCS === undefined) {
  const build = spawnSync("pnpm", ["turbo", "run", "build", "--filter", "@paperbridge/sync..."], {
    cwd: repository,
    stdio: ["ignore", "ignore", "inherit"],
  })
  if (build.status !== 0) throw new Error("building the CLI failed")
  const memoryDocuments = Number(process.env.BENCH_MEMORY_DOCS ?? 300)
  await memory("paperless-to-papra", memoryDocuments, bigFileBytes)
  await memory("papra-to-paperless", memoryDocuments, bigFileBytes)
  await exportMemory(Number(process.env.BENCH_EXPORT_DOCS ?? 300), bigFileBytes)
}
if (only === undefined || only === "speed") {
  for (const direction of ["paperless-to-papra", "papra-to-paperless"] as const)
    for (const documents of sizes) await againstBare(direction, documents, pairs)
  if (process.env.BENCH_DOCS === undefined) await concurrencyCurve(100)
}
if (only === "consumer" || (only === undefined && process.env.BENCH_DOCS === undefined))
  await consumerBusy(
    Number(process.env.BENCH_CONSUMER_DOCS ?? 40),
    Number(process.env.BENCH_CONSUMER_MS ?? 200),
  )
if (only === "no-change" || (only === undefined && process.env.BENCH_DOCS === undefined))
  await noChangeFigures(Number(process.env.BENCH_NOCHANGE_DOCS ?? 1000))
if (only === "faults" || (only === undefined && process.env.BENCH_DOCS === undefined))
  await faultsFigure(Number(process.env.BENCH_FAULTS_DOCS ?? 300))
