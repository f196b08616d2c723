import { PaperlessClient } from "@paperbridge/paperless"
import { PapraClient } from "@paperbridge/papra"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { StateStore } from "../state/store.js"
import { TargetLostLinks } from "./errors.js"
import { targetSide } from "./events.js"
import type { EngineOptions } from "./options.js"

/** Every active Papra document by the SHA-256 of its file: how identical files are found. */
export const papraFilesBySha256 = Effect.gen(function* () {
  const papra = yield* PapraClient
  const index = new Map<string, string>()
  yield* Stream.runForEach(papra.documents.stream(), (document) =>
    Effect.sync(() => index.set(document.originalSha256Hash, document.id)),
  )
  return index
})

// Ids alone are small: a page of a thousand keeps a 50,000-document archive at 50 requests.
const ID_PAGE_SIZE = 1000

/**
 * The ids of the documents on the target, when anything is linked there yet: a linked document
 * missing from them was deleted or trashed by hand. Costs pages, not documents (Papra's list is
 * the file index the run reads anyway). A target that shows none of several linked documents is
 * not believed (a token of another user, a restored backup): carrying everything again could
 * only duplicate, so the run stops before the documents and says why.
 */
export const presentOnTarget = (
  options: Pick<EngineOptions, "pair" | "direction">,
  papraFiles: ReadonlyMap<string, string>,
) =>
  Effect.gen(function* () {
    const store = yield* StateStore
    const linked = (yield* store.links.list(options.pair, "document")).map((link) => link.targetId)
    if (linked.length === 0) return undefined
    const target = targetSide(options.direction)
    const ids = new Set<string>(target === "papra" ? papraFiles.values() : [])
    if (target === "paperless") {
      const paperless = yield* PaperlessClient
      yield* Stream.runForEach(
        paperless.documents.streamFields(["id"], { page_size: ID_PAGE_SIZE }),
        (document) => Effect.sync(() => ids.add(String(document.id))),
      )
    }
    if (linked.length > 1 && linked.every((id) => !ids.has(id)))
      return yield* new TargetLostLinks({
        target: target === "papra" ? "Papra" : "Paperless-ngx",
        linked: linked.length,
      })
    return ids
  })
