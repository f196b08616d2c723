import { createHash } from "node:crypto"
import * as Fs from "node:fs/promises"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { scopedTempDirectory, spool } from "../../src/transfer/spool.js"

const exists = (path: string) =>
  Fs.stat(path).then(
    () => true,
    () => false,
  )

describe("spooling a download to disk", () => {
  it.effect("writes every chunk, hashes it, and cleans up with the scope", () =>
    Effect.gen(function* () {
      const scope = yield* Scope.make()
      const pieces = Array.from({ length: 50 }, (_, index) => new TextEncoder().encode(`piece ${index};`))
      const expected = Buffer.concat(pieces)
      const directory = yield* scopedTempDirectory().pipe(Scope.extend(scope))
      const file = yield* spool(Stream.fromChunk(Chunk.fromIterable(pieces)), directory, "doc.txt").pipe(
        Scope.extend(scope),
      )
      expect(file.size).toBe(expected.length)
      expect(file.sha256).toBe(createHash("sha256").update(expected).digest("hex"))
      expect(file.md5).toBe(createHash("md5").update(expected).digest("hex"))
      expect(yield* Effect.promise(() => Fs.readFile(file.path))).toEqual(expected)
      yield* Scope.close(scope, Exit.void)
      expect(yield* Effect.promise(() => exists(file.path))).toBe(false)
      expect(yield* Effect.promise(() => exists(directory))).toBe(false)
    }),
  )

  it.effect("removes a partial file when the download fails midway", () =>
    Effect.gen(function* () {
      const scope = yield* Scope.make()
      const directory = yield* scopedTempDirectory().pipe(Scope.extend(scope))
      const failing = Stream.concat(
        Stream.make(new Uint8Array([1, 2, 3])),
        Stream.fail("connection reset" as const),
      )
      const result = yield* spool(failing, directory, "broken.pdf").pipe(Effect.scoped, Effect.either)
      expect(result._tag).toBe("Left")
      expect(yield* Effect.promise(() => Fs.readdir(directory))).toEqual([])
      yield* Scope.close(scope, Exit.void)
    }),
  )
})
