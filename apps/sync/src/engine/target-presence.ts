import { PaperlessClient } from "@paperbridge/paperless"
import { PapraClient } from "@paperbridge/papra"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { StateStore } from "../state/store.js"
import type { EngineOptions } from "./options.js"

/** Every active Papra document by the SHA-256 of its file: how identical files are found. */
export const papraFilesBySha256 = Effect.gen(function* () {
  const papra = yield* PapraClient
  const index = new Map<string, string>()
  yield* Stream.runForEach(papra.documents.list(), (document) =>
    Effect.sync(() => index.set(document.originalSha256Hash, document.id)),
  )
  return index
})

/**
 * The ids of the documents on the target, when anything is linked there yet: a linked document
 * missing from them was deleted or trashed by hand. Costs pages, not documents (Papra's list is
 * the file index the run reads anyway).
 */
export const presentOnTarget = (
  options: Pick<EngineOptions, "pair" | "direction">,
  papraFiles: ReadonlyMap<string, string>,
) =>
  Effect.gen(function* () {
    const store = yield* StateStore
    if (((yield* store.links.count(options.pair)).document ?? 0) === 0) return undefined
    if (options.direction === "paperless-to-papra") return new Set(papraFiles.values())
    const paperless = yield* PaperlessClient
    const ids = new Set<string>()
    yield* Stream.runForEach(paperless.documents.streamFields(["id"]), (document) =>
      Effect.sync(() => ids.add(String(document.id))),
    )
    return ids
  })
