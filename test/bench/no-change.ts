import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { defaultMappingConfig } from "@paperbridge/mapping"
import { maxPageSize } from "@paperbridge/papra"
import { defaultDeleteGuard, migrate, pairOf, StateStore, serverLayers, sync } from "@paperbridge/sync"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { engineServers, type RequestCounts, startSimulatorProcess } from "./simulator-process.js"

/**
 * A run with nothing to do must cost requests per listing page, not per document: `migrate` again
 * and `sync` over N linked documents (BENCH_NOCHANGE_DOCS), each counted per side against the
 * pages its listings take, and timed. The documents are linked by a real `migrate` first (some
 * seven minutes for 10,000 on this loaded machine), not by links written into the state store.
 */

// paperless-source.ts lists documents 100 a page; Papra's lists take at most `maxPageSize`.
const PAPERLESS_PAGE_SIZE = 100
const pagesOf = (documents: number, pageSize: number) => Math.ceil(documents / pageSize)

const CONCURRENCY = 8

const difference = (after: RequestCounts, before: RequestCounts) => {
  const side = (name: "paperless" | "papra") => {
    const endpoints: Record<string, number> = {}
    for (const [endpoint, count] of Object.entries(after.endpoints[name])) {
      const made = count - (before.endpoints[name][endpoint] ?? 0)
      if (made > 0) endpoints[endpoint] = made
    }
    return { requests: after[name] - before[name], endpoints }
  }
  return { paperless: side("paperless"), papra: side("papra") }
}

type Made = ReturnType<typeof difference>

/** The endpoints asked at least once per `documents`/10: what makes a run cost per document. */
const perDocumentEndpoints = (made: Made, documents: number) =>
  (["paperless", "papra"] as const).flatMap((side) =>
    Object.entries(made[side].endpoints)
      .filter(([, count]) => count >= Math.max(documents / 10, 10))
      .map(([endpoint, count]) => `${side === "paperless" ? "Paperless" : "Papra"} ${endpoint} ${count}`),
  )

export const noChangeFigures = async (documents: number) => {
  const simulators = await startSimulatorProcess(documents)
  const directory = await Fs.mkdtemp(Path.join(Os.tmpdir(), "paperbridge-bench-no-change-"))
  try {
    const servers = engineServers(simulators.servers)
    const pair = pairOf(servers, "paperless-to-papra")
    const layers = () =>
      Layer.mergeAll(
        serverLayers(servers, { concurrency: CONCURRENCY }),
        StateStore.layer({ path: Path.join(directory, "state.db") }),
      )
    const reportDirectory = Path.join(directory, "reports")
    const migration = () =>
      migrate({
        pair,
        direction: "paperless-to-papra",
        file: "original",
        concurrency: CONCURRENCY,
        filters: {},
        mapping: defaultMappingConfig,
        reportDirectory,
        onEvent: () => Effect.void,
      }).pipe(Effect.provide(layers()), Effect.runPromise)
    const twoWaySync = () =>
      sync({
        pair,
        mode: "two-way",
        conflict: "fail",
        guard: defaultDeleteGuard,
        resync: false,
        file: "original",
        concurrency: CONCURRENCY,
        mapping: defaultMappingConfig,
        reportDirectory,
        onEvent: () => Effect.void,
      }).pipe(Effect.provide(layers()), Effect.runPromise)
    const measured = async <A>(run: () => Promise<A>) => {
      const before = await simulators.counts()
      const started = performance.now()
      const result = await run()
      const seconds = (performance.now() - started) / 1000
      return { result, seconds, made: difference(await simulators.counts(), before) }
    }

    const setup = await migration()
    const onPapra = setup.documents.uploaded + setup.documents["linked-existing"]
    if (setup.documents.failed > 0 || onPapra === 0)
      throw new Error(`linking the documents failed: ${JSON.stringify(setup.documents)}`)
    const linked = `${onPapra} linked documents`
    const pages = {
      paperless: pagesOf(documents, PAPERLESS_PAGE_SIZE),
      papra: pagesOf(onPapra, maxPageSize),
    }
    const line = (label: string, figure: { seconds: number; made: Made }, note = "") => {
      const perDocument = perDocumentEndpoints(figure.made, onPapra)
      console.log(
        `${label}, ${linked}: requests Paperless ${figure.made.paperless.requests} (pages ${pages.paperless}), ` +
          `Papra ${figure.made.papra.requests} (pages ${pages.papra}); ${figure.seconds.toFixed(1)} s${note}` +
          (perDocument.length === 0 ? "" : ` (per document: ${perDocument.join(", ")})`),
      )
    }

    const again = await measured(migration)
    line(
      "No-change migrate re-run",
      again,
      `; ${again.result.documents.unchanged} unchanged, ${again.result.documents.updated} updated`,
    )
    const firstSync = await measured(twoWaySync)
    const syncNote = (summary: typeof firstSync.result) =>
      `; ${summary.linked.unchanged} unchanged, ${summary.linked.updated} updated, ${summary.linked.conflicts} conflicts`
    line("No-change sync (the first after migrate)", firstSync, syncNote(firstSync.result))
    const secondSync = await measured(twoWaySync)
    line("No-change sync (the next)", secondSync, syncNote(secondSync.result))
  } finally {
    await simulators.stop()
    await Fs.rm(directory, { recursive: true, force: true })
  }
}
