import { spawn } from "node:child_process"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { createInterface } from "node:readline"
import { defaultMappingConfig } from "@paperbridge/mapping"
import { PaperlessAuth } from "@paperbridge/paperless"
import { migrate, pairOf, type Servers, StateStore, serverLayers } from "@paperbridge/sync"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"

/**
 * Figures, not pass/fail: a Paperless → Papra migration between the simulators (running in a
 * child process), its throughput, and how much memory the engine itself needs, with and without
 * one large file (files are streamed through a temp file, never held whole).
 */
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`

const startSimulators = async (documents: number, bigFileBytes: number) => {
  const child = spawn(
    process.execPath,
    [
      "--conditions=source",
      "--import",
      "tsx",
      Path.join(import.meta.dirname, "simulators.ts"),
      String(documents),
      String(bigFileBytes),
    ],
    { stdio: ["pipe", "pipe", "inherit"] },
  )
  const [line] = await createInterface({ input: child.stdout })
    [Symbol.asyncIterator]()
    .next()
    .then((next) => [next.value as string])
  const where = JSON.parse(line ?? "{}") as Record<string, string>
  const servers: Servers = {
    paperless: { url: where.paperlessUrl ?? "", auth: PaperlessAuth.token(where.paperlessToken ?? "") },
    papra: {
      url: where.papraUrl ?? "",
      apiKey: Redacted.make(where.papraApiKey ?? ""),
      organizationId: where.papraOrganizationId ?? "",
    },
  }
  return {
    servers,
    stop: () => new Promise<void>((resolve) => child.on("exit", () => resolve()).stdin?.end()),
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

const migration = async (label: string, documents: number, bigFileBytes = 0) => {
  const simulators = await startSimulators(documents, bigFileBytes)
  const directory = await Fs.mkdtemp(Path.join(Os.tmpdir(), "paperbridge-bench-"))
  const baseline = process.memoryUsage().rss
  const stopSampling = sampleMemory()
  const started = performance.now()
  const summary = await migrate({
    pair: pairOf(simulators.servers, "paperless-to-papra"),
    direction: "paperless-to-papra",
    file: "original",
    concurrency: 8,
    filters: {},
    mapping: defaultMappingConfig,
    reportDirectory: Path.join(directory, "reports"),
    onEvent: () => Effect.void,
  }).pipe(
    Effect.provide(
      Layer.mergeAll(
        serverLayers(simulators.servers),
        StateStore.layer({ path: Path.join(directory, "state.db") }),
      ),
    ),
    Effect.runPromise,
  )
  const seconds = (performance.now() - started) / 1000
  const peak = stopSampling()
  const carried = summary.documents.uploaded + summary.documents["linked-existing"]
  console.log(
    `${label}: ${carried} documents, ${mib(summary.bytes)} in ${seconds.toFixed(1)} s = ` +
      `${(carried / seconds).toFixed(1)} docs/s, ${mib(summary.bytes / seconds)}/s; ` +
      `engine peak RSS ${mib(peak)} (+${mib(peak - baseline)} during the run), failures ${summary.documents.failed}`,
  )
  await simulators.stop()
  await Fs.rm(directory, { recursive: true, force: true })
}

if (process.env.BENCH_SKIP_SMALL === undefined)
  await migration("throughput, 300 small documents", Number(process.env.BENCH_DOCS ?? 300))
if (process.env.BENCH_DOCS === undefined) {
  await migration("one 64 MiB file among 10 documents", 10, 64 * 1024 * 1024)
  await migration("one 256 MiB file among 10 documents", 10, 256 * 1024 * 1024)
}
