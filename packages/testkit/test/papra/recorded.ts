import * as Fs from "node:fs"
import * as Path from "node:path"
import { makePdf } from "../../src/pdf.js"

/** One exchange recorded from the real Papra server (test/fixtures/papra/<name>.json). */
export interface RecordedExchange {
  readonly request: {
    readonly method: string
    readonly path: string
    readonly query?: Readonly<Record<string, string | number>>
    readonly body?: unknown
    readonly contentType?: string
    readonly auth?: string
  }
  readonly status: number
  readonly responseHeaders: Readonly<Record<string, string>>
  readonly response: unknown
}

const here = Path.dirname(new URL(import.meta.url).pathname)

// Vendored in the repository's test/fixtures (refreshed by `pnpm fixtures:refresh`).
export const fixturesDir = (): string => Path.resolve(here, "../../../../test/fixtures/papra")

export const loadExchange = (name: string): RecordedExchange =>
  JSON.parse(Fs.readFileSync(Path.join(fixturesDir(), `${name}.json`), "utf8")) as RecordedExchange

export const allFixtureNames = (): ReadonlyArray<string> =>
  (
    JSON.parse(Fs.readFileSync(Path.join(fixturesDir(), "_index.json"), "utf8")) as {
      exchanges: ReadonlyArray<{ file: string }>
    }
  ).exchanges.map((exchange) => exchange.file.replace(/\.json$/, ""))

/** The bytes behind the recorded uploads (the fixtures keep only name, size and type). */
export const NOTES_TXT =
  "Papra fixture text note\nThe quick brown fox mentions the keyword marmalade.\nSecond line about receipts.\n"

export const INVOICE_PDF = makePdf([
  "Papra fixture invoice",
  "Invoice number 4242",
  "Total due: 123.45 EUR",
  "Customer: Zebulon Quartz",
])

export const uploadBytes = (fileName: string, size: number): Uint8Array => {
  switch (fileName) {
    case "notes.txt":
    case "notes-copy.txt":
    case "notes-reuploaded.txt":
      return Buffer.from(NOTES_TXT)
    case "invoice-4242.pdf":
      return INVOICE_PDF
    case "résumé ü €.txt":
      return Buffer.from("Unicode filename test: café\n")
    case "data.json":
      return Buffer.from('{"hello": "world"}')
    case "blob.bin":
      return Uint8Array.from({ length: 256 }, (_, index) => index)
    default:
      return Buffer.alloc(size, "x")
  }
}
