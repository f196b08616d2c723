import * as Fs from "node:fs"
import * as FsPromises from "node:fs/promises"
import * as Path from "node:path"
import type { Readable } from "node:stream"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as yauzl from "yauzl"
import { ExportArchiveDamaged, ExportFileMissing, NotAnExport } from "./errors.js"

/** The files of one export, by their path from the export root (`/`-separated, as the manifest names them). */
export interface ExportFiles {
  /** The folder or ZIP, as the user named it: what errors point at. */
  readonly location: string
  readonly names: ReadonlySet<string>
  /** The file's bytes as a Node stream, read from disk as they are consumed. */
  readonly open: (
    name: string,
    record: string,
  ) => Effect.Effect<Readable, ExportFileMissing | ExportArchiveDamaged>
}

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error))

/** A file's bytes as an Effect stream; a read that breaks off (a cut ZIP) names the file. */
export const fileBytes = (
  files: ExportFiles,
  name: string,
  record: string,
): Stream.Stream<Uint8Array, ExportFileMissing | ExportArchiveDamaged> =>
  Stream.unwrap(
    Effect.map(files.open(name, record), (readable) =>
      Stream.fromAsyncIterable(
        readable as AsyncIterable<Uint8Array>,
        (error) => new ExportArchiveDamaged({ file: `${files.location}: ${name}`, reason: reason(error) }),
      ),
    ),
  )

const folderFiles = (location: string) =>
  Effect.tryPromise({
    try: async (): Promise<ExportFiles> => {
      const entries = await FsPromises.readdir(location, { recursive: true, withFileTypes: true })
      const names = new Set(
        entries
          .filter((entry) => entry.isFile())
          .map((entry) =>
            Path.relative(location, Path.join(entry.parentPath, entry.name)).split(Path.sep).join("/"),
          ),
      )
      return {
        location,
        names,
        open: (name, record) =>
          names.has(name)
            ? Effect.sync(() => Fs.createReadStream(Path.join(location, ...name.split("/"))))
            : Effect.fail(new ExportFileMissing({ file: name, record })),
      }
    },
    catch: (error) => new NotAnExport({ path: location, reason: reason(error) }),
  })

const openZip = (location: string) =>
  Effect.async<yauzl.ZipFile, ExportArchiveDamaged>((resume) => {
    yauzl.open(location, { lazyEntries: true, autoClose: false, strictFileNames: false }, (error, zip) => {
      if (error !== null || zip === undefined)
        resume(Effect.fail(new ExportArchiveDamaged({ file: location, reason: reason(error) })))
      else resume(Effect.succeed(zip))
    })
  })

/** The central directory only: entries are read one at a time, never the whole archive. */
const zipEntries = (location: string, zip: yauzl.ZipFile) =>
  Effect.async<Map<string, yauzl.Entry>, ExportArchiveDamaged>((resume) => {
    const entries = new Map<string, yauzl.Entry>()
    zip.on("entry", (entry: yauzl.Entry) => {
      if (!entry.fileName.endsWith("/")) entries.set(entry.fileName, entry)
      zip.readEntry()
    })
    zip.once("end", () => resume(Effect.succeed(entries)))
    zip.once("error", (error: unknown) =>
      resume(Effect.fail(new ExportArchiveDamaged({ file: location, reason: reason(error) }))),
    )
    zip.readEntry()
  })

/**
 * yauzl reads the central directory and then each entry on demand from the file on disk (random
 * access through the fd), so a ZIP of many gigabytes costs no more memory than one entry's
 * inflate buffer; readers that load or stream the whole archive cannot serve a document from the
 * middle without the ones before it. Pure JS, no native build.
 */
const zipFiles = (location: string): Effect.Effect<ExportFiles, ExportArchiveDamaged, Scope.Scope> =>
  Effect.gen(function* () {
    const zip = yield* Effect.acquireRelease(openZip(location), (opened) => Effect.sync(() => opened.close()))
    const entries = yield* zipEntries(location, zip)
    return {
      location,
      names: new Set(entries.keys()),
      open: (name, record) => {
        const entry = entries.get(name)
        if (entry === undefined) return Effect.fail(new ExportFileMissing({ file: name, record }))
        return Effect.async<Readable, ExportArchiveDamaged>((resume) => {
          zip.openReadStream(entry, (error, stream) => {
            if (error !== null || stream === undefined)
              resume(
                Effect.fail(
                  new ExportArchiveDamaged({ file: `${location}: ${name}`, reason: reason(error) }),
                ),
              )
            else resume(Effect.succeed(stream))
          })
        })
      },
    } satisfies ExportFiles
  })

/**
 * A `document_exporter` output: its folder, its ZIP (`--zip`), or a folder holding only that ZIP
 * (what `--zip` leaves in the target directory).
 */
export const openExportFiles = (
  location: string,
): Effect.Effect<ExportFiles, NotAnExport | ExportArchiveDamaged, Scope.Scope> =>
  Effect.gen(function* () {
    const stat = yield* Effect.tryPromise({
      try: () => FsPromises.stat(location),
      catch: (error) => new NotAnExport({ path: location, reason: reason(error) }),
    })
    if (stat.isFile()) return yield* zipFiles(location)
    const folder = yield* folderFiles(location)
    if (folder.names.has("manifest.json")) return folder
    const zips = [...folder.names].filter(
      (name) => !name.includes("/") && name.toLowerCase().endsWith(".zip"),
    )
    const [onlyZip] = zips
    if (zips.length === 1 && onlyZip !== undefined) return yield* zipFiles(Path.join(location, onlyZip))
    return yield* new NotAnExport({
      path: location,
      reason:
        zips.length > 1
          ? `it holds several ZIPs (${zips.join(", ")}): name one`
          : "it has no manifest.json (document_exporter writes one at the top of every export)",
    })
  })
