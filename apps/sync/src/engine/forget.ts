import * as Effect from "effect/Effect"
import type { Pair } from "../state/endpoints.js"
import { StateStore } from "../state/store.js"

/**
 * Drops what ties a source document to its copy on the target, so the next look carries it anew:
 * the link (its base snapshot goes with it), the settled journal entries that would point at the
 * old copy, what was learnt about its file, and its recorded failure. A half-done upload stays: it
 * is reconciled as ever, so forgetting never makes a second copy. True when there was a link.
 */
export const forgetDocument = (pair: Pair, sourceId: string) =>
  Effect.flatMap(StateStore, (store) =>
    store.transaction(
      Effect.gen(function* () {
        const unlinked = yield* store.links.unlink(pair, "document", sourceId)
        yield* store.knownFiles.forget(pair, sourceId)
        yield* store.failures.clear(pair, "document", sourceId)
        return unlinked
      }),
    ),
  )
