import { spawn } from "node:child_process"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { createInterface } from "node:readline"
import { defaultMappingConfig } from "@paperbridge/mapping"
import { PaperlessAuth } from "@paperbridge/paperless"
import {
  exportLayers,
  migrate,
  noPaperlessServer,
  PaperlessSource,
  pairOf,
  papraEndpoint,
  type Servers,
  StateStore,
  serverLayers,
} from "@paperbridge/sync"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { type BareServers, bareCopy } from "./bare-copy.js"
import { writeGeneratedExport } from "./generated-export.js"

/**
 * Figures, not pass/fail. This machine is shared and noisy, so every speed figure is a ratio of
 * two things measured in the same run: `migrate` against a bare copy that carries the same fields
 * (bare-copy.ts), interleaved engine, bare, engine, bare… with fresh simulators (in a child
 * process) for every run, and the median of the pairs printed. Sizes: BENCH_DOCS (default 300 and
 * 2000), BENCH_PAIRS (3), BENCH_MEMORY_DOCS (5000), BENCH_EXPORT_DOCS (10000: a generated export
 * folder with one BENCH_EXPORT_BIG_MIB (256) MiB file; set with BENCH_DOCS, it runs before that size).
 */
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`
const median = (values: ReadonlyArray<number>) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}

interface Simulators {
  readonly servers: Servers
  readonly bare: BareServers
  /** Stops them; answers how many requests each server answered. */
  readonly stop: () => Promise<{ readonly paperless: number; readonly papra: number }>
}

const startSimulators = async (documents: number, bigFileBytes = 0, latencyMs = 0): Promise<Simulators> => {
  const child = spawn(
    process.execPath,
    [
      "--conditions=source",
      "--import",
      "tsx",
      Path.join(import.meta.dirname, "simulators.ts"),
      String(documents),
      String(bigFileBytes),
      String(latencyMs),
    ],
    { stdio: ["pipe", "pipe", "inherit"] },
  )
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]()
  const where = JSON.parse(((await lines.next()).value as string | undefined) ?? "{}") as Record<
    string,
    string
  >
  const at = (key: string) => where[key] ?? ""
  return {
    servers: {
      paperless: { url: at("paperlessUrl"), auth: PaperlessAuth.token(at("paperlessToken")) },
      papra: {
        url: at("papraUrl"),
        apiKey: Redacted.make(at("papraApiKey")),
        organizationId: at("papraOrganizationId"),
      },
    },
    bare: {
      paperless: { url: at("paperlessUrl"), token: at("paperlessToken") },
      papra: { url: at("papraUrl"), apiKey: at("papraApiKey"), organizationId: at("papraOrganizationId") },
    },
    stop: async () => {
      child.stdin?.end()
      const counts = JSON.parse(((await lines.next()).value as string | undefined) ?? "{}")
      await new Promise<void>((resolve) =>
        child.exitCode === null ? child.on("exit", () => resolve()) : resolve(),
      )
      return counts
    },
  }
}

const sampleMemory = () => {
  let peak = process.memoryUsage().rss
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss)
  }, 10)
  return () => {
    clearInterval(timer)
    return peak
  }
}

interface Measured {
  readonly seconds: number
  readonly documents: number
  readonly failures: number
  readonly requests: { readonly paperless: number; readonly papra: number }
  readonly peakRss: number
}

const timed = async (
  simulators: Simulators,
  run: () => Promise<{ readonly documents: number; readonly failures: number }>,
): Promise<Measured> => {
  const stopSampling = sampleMemory()
  const started = performance.now()
  const result = await run()
  const seconds = (performance.now() - started) / 1000
  const peak = stopSampling()
  return { ...result, seconds, requests: await simulators.stop(), peakRss: peak }
}

const engineRun = async (
  documents: number,
  options: { concurrency?: number; bigFileBytes?: number; latencyMs?: number } = {},
) => {
  const simulators = await startSimulators(documents, options.bigFileBytes, options.latencyMs)
  const directory = await Fs.mkdtemp(Path.join(Os.tmpdir(), "paperbridge-bench-"))
  try {
    return await timed(simulators, async () => {
      const summary = await migrate({
        pair: pairOf(simulators.servers, "paperless-to-papra"),
        direction: "paperless-to-papra",
        file: "original",
        concurrency: options.concurrency ?? 8,
        filters: {},
        mapping: defaultMappingConfig,
        reportDirectory: Path.join(directory, "reports"),
        onEvent: () => Effect.void,
      }).pipe(
        Effect.provide(
          Layer.mergeAll(
            serverLayers(simulators.servers, { concurrency: options.concurrency ?? 8 }),
            StateStore.layer({ path: Path.join(directory, "state.db") }),
          ),
        ),
        Effect.runPromise,
      )
      return {
        documents: summary.documents.uploaded + summary.documents["linked-existing"],
        failures: summary.documents.failed,
      }
    })
  } finally {
    await Fs.rm(directory, { recursive: true, force: true })
  }
}

const bareRun = async (documents: number) => {
  const simulators = await startSimulators(documents)
  return timed(simulators, async () => ({ ...(await bareCopy(simulators.bare, 8)), failures: 0 }))
}

const perDocument = (measured: Measured) =>
  `Paperless ${(measured.requests.paperless / measured.documents).toFixed(1)}, Papra ${(measured.requests.papra / measured.documents).toFixed(1)}`

/** Engine against bare, A B A B…, fresh simulators each time; prints the median ratio. */
const againstBare = async (documents: number, pairs: number) => {
  const ratios: Array<number> = []
  let last: { engine: Measured; bare: Measured } | undefined
  for (let pair = 0; pair < pairs; pair++) {
    const engine = await engineRun(documents)
    const bare = await bareRun(documents)
    ratios.push(engine.seconds / bare.seconds)
    last = { engine, bare }
  }
  if (last === undefined) return
  const label = `Paperless → Papra, ${documents} documents`
  console.log(
    `${label}: ratio engine/bare: ${median(ratios).toFixed(2)} (median of ${pairs} pairs: ${ratios.map((ratio) => ratio.toFixed(2)).join(", ")}; ` +
      `last pair ${(last.engine.documents / last.engine.seconds).toFixed(0)} vs ${(last.bare.documents / last.bare.seconds).toFixed(0)} docs/s, engine failures ${last.engine.failures})`,
  )
  console.log(
    `${label}: requests per document: engine ${perDocument(last.engine)}; bare ${perDocument(last.bare)}`,
  )
}

/** With 20 ms per request, throughput should follow concurrency until the simulator saturates. */
const concurrencyCurve = async (documents: number) => {
  const rates: Array<string> = []
  let first: number | undefined
  for (const concurrency of [1, 2, 4, 8, 16]) {
    const measured = await engineRun(documents, { concurrency, latencyMs: 20 })
    const rate = measured.documents / measured.seconds
    first ??= rate
    rates.push(`${concurrency}: ${(rate / first).toFixed(1)}×`)
  }
  console.log(
    `Paperless → Papra, ${documents} documents, 20 ms per request: throughput by concurrency ${rates.join(", ")}`,
  )
}

const memory = async (documents: number, bigFileBytes: number) => {
  const measured = await engineRun(documents, { bigFileBytes })
  console.log(
    `Paperless → Papra, ${documents} documents + one ${mib(bigFileBytes)} file: engine peak RSS ${mib(measured.peakRss)}, failures ${measured.failures}`,
  )
}

/** A migration from a generated export folder into Papra: the export is read from disk as it goes. */
const exportMemory = async (documents: number, bigFileBytes: number) => {
  const directory = await Fs.mkdtemp(Path.join(Os.tmpdir(), "paperbridge-bench-export-"))
  const location = Path.join(directory, "export")
  await writeGeneratedExport(location, documents, bigFileBytes)
  const simulators = await startSimulators(0)
  try {
    const measured = await timed(simulators, async () => {
      const summary = await Effect.gen(function* () {
        const source = yield* PaperlessSource
        return yield* migrate({
          pair: {
            source: source.endpoint,
            target: papraEndpoint(simulators.servers.papra.url, simulators.servers.papra.organizationId),
          },
          direction: "paperless-to-papra",
          file: "original",
          concurrency: 8,
          filters: {},
          mapping: defaultMappingConfig,
          reportDirectory: Path.join(directory, "reports"),
          onEvent: () => Effect.void,
        })
      }).pipe(
        Effect.provide(
          Layer.mergeAll(
            exportLayers(
              location,
              { ...simulators.servers, paperless: noPaperlessServer },
              { concurrency: 8 },
            ),
            StateStore.layer({ path: Path.join(directory, "state.db") }),
          ),
        ),
        Effect.runPromise,
      )
      return { documents: summary.documents.uploaded, failures: summary.documents.failed }
    })
    console.log(
      `Paperless export → Papra, ${documents} documents + one ${mib(bigFileBytes)} file: engine peak RSS ${mib(measured.peakRss)}, ${measured.documents} uploaded, failures ${measured.failures}`,
    )
  } finally {
    await Fs.rm(directory, { recursive: true, force: true })
  }
}

const pairs = Number(process.env.BENCH_PAIRS ?? 3)
const sizes = process.env.BENCH_DOCS === undefined ? [300, 2000] : [Number(process.env.BENCH_DOCS)]
// Memory first, while this process holds nothing from earlier runs.
if (process.env.BENCH_DOCS === undefined)
  await memory(Number(process.env.BENCH_MEMORY_DOCS ?? 5000), 256 * 1024 * 1024)
if (process.env.BENCH_DOCS === undefined || process.env.BENCH_EXPORT_DOCS !== undefined)
  await exportMemory(
    Number(process.env.BENCH_EXPORT_DOCS ?? 10_000),
    Number(process.env.BENCH_EXPORT_BIG_MIB ?? 256) * 1024 * 1024,
  )
for (const documents of sizes) await againstBare(documents, pairs)
if (process.env.BENCH_DOCS === undefined) await concurrencyCurve(100)
