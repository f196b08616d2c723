import { createHash } from "node:crypto"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"

/** A file copied from one server to local disk, on its way to the other. */
export interface SpooledFile {
  readonly path: string
  readonly size: number
  /** Papra identifies files by SHA-256, Paperless 3.0 too; Paperless 2.20 by MD5. */
  readonly sha256: string
  readonly md5: string
}

export class SpoolError extends Data.TaggedError("SpoolError")<{
  readonly operation: string
  readonly path: string
  readonly cause: unknown
}> {
  override get message() {
    return `could not ${this.operation} ${this.path}: ${String(this.cause)}`
  }
}

const attempt = <A>(operation: string, path: string, run: () => Promise<A>) =>
  Effect.tryPromise({ try: run, catch: (cause) => new SpoolError({ operation, path, cause }) })

/** A private temporary directory for one run, removed with everything in it when the scope closes. */
export const scopedTempDirectory = (prefix = "paperbridge-") =>
  Effect.acquireRelease(
    attempt("create a temporary directory in", Os.tmpdir(), () => Fs.mkdtemp(Path.join(Os.tmpdir(), prefix))),
    (directory) => Effect.promise(() => Fs.rm(directory, { recursive: true, force: true })),
  )

/**
 * Writes a byte stream to a new file in `directory`, hashing it on the way, so a document is never
 * held whole in memory. The file is deleted when the scope closes.
 */
export const spool = <E, R>(
  bytes: Stream.Stream<Uint8Array, E, R>,
  directory: string,
  name: string,
): Effect.Effect<SpooledFile, E | SpoolError, R | Scope.Scope> =>
  Effect.gen(function* () {
    const path = Path.join(
      directory,
      `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${name}`,
    )
    yield* Effect.addFinalizer(() => Effect.promise(() => Fs.rm(path, { force: true })))
    const sha256 = createHash("sha256")
    const md5 = createHash("md5")
    let size = 0
    // Closed once written (uploads read the file by path), so `discardSpooled` can delete it early.
    yield* Effect.acquireUseRelease(
      attempt("create", path, () => Fs.open(path, "wx")),
      (handle) =>
        Stream.runForEach(bytes, (chunk) => {
          sha256.update(chunk)
          md5.update(chunk)
          size += chunk.byteLength
          return attempt("write", path, () => handle.write(chunk))
        }),
      (file) => Effect.promise(() => file.close()),
    )
    // No fsync: the file is read back by this process and deleted when the scope closes, so it
    // never has to survive a crash (the journal, not the spool, is what resumes a run).
    return { path, size, sha256: sha256.digest("hex"), md5: md5.digest("hex") }
  })

/**
 * Deletes a spooled file before its scope closes, once nothing will read it again: an upload
 * waiting in Paperless's queue keeps no file on disk. A failure here is left to the scope's own
 * deletion.
 */
export const discardSpooled = (file: SpooledFile) =>
  Effect.ignore(Effect.tryPromise(() => Fs.rm(file.path, { force: true })))
