import * as Fs from "node:fs"
import * as Path from "node:path"

/** One exchange recorded from the real Papra server (see shared/notes/papra-server-behaviour.md). */
export interface RecordedExchange {
  readonly file: string
  readonly request: {
    readonly method: string
    readonly path: string
    readonly pathTemplate: string
    readonly query?: Readonly<Record<string, string | number>>
    readonly body?: unknown
    readonly auth?: string
  }
  readonly status: number
  readonly responseHeaders: Readonly<Record<string, string>>
  readonly response: unknown
  readonly note?: string
}

const here = Path.dirname(new URL(import.meta.url).pathname)

// Vendored in the repository's test/fixtures (refreshed by `pnpm fixtures:refresh`).
export const fixturesDir = (): string => Path.resolve(here, "../../../test/fixtures/papra")

let cache: ReadonlyArray<RecordedExchange> | undefined

export const loadExchanges = (): ReadonlyArray<RecordedExchange> => {
  cache ??= readExchanges()
  return cache
}

const readExchanges = (): ReadonlyArray<RecordedExchange> => {
  const dir = fixturesDir()
  const index = JSON.parse(Fs.readFileSync(Path.join(dir, "_index.json"), "utf8")) as {
    exchanges: ReadonlyArray<{ file: string }>
  }
  return index.exchanges.map(({ file }) => ({
    file,
    ...(JSON.parse(Fs.readFileSync(Path.join(dir, file), "utf8")) as Omit<RecordedExchange, "file">),
  }))
}

export const loadExchange = (file: string): RecordedExchange => {
  const found = loadExchanges().find((exchange) => exchange.file === file)
  if (found === undefined) throw new Error(`no fixture ${file}`)
  return found
}
