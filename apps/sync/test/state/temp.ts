import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Effect from "effect/Effect"

/** A fresh directory for one test, removed when its scope closes. */
export const tempDirectory = Effect.acquireRelease(
  Effect.promise(() => Fs.mkdtemp(Path.join(Os.tmpdir(), "paperbridge-state-"))),
  (directory) => Effect.promise(() => Fs.rm(directory, { recursive: true, force: true })),
)
