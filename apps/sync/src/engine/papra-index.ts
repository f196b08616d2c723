import { PapraClient } from "@paperbridge/papra"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"

/**
 * The run's index of active Papra documents by the SHA-256 of their file, built from one listing
 * at the start of the run and kept up to date by the run's own uploads. Papra answers 409 only for
 * an *active* twin (a trashed one is restored and its id returned, document-deduplication.mdx in
 * papra-hq/papra), so the trash never needs scanning; a 409 whose twin is missing here came after
 * the listing (a concurrent upload of the same bytes, or a person), and one more listing of the
 * organization, at most once per run, finds it.
 */
export interface PapraFileIndex {
  readonly get: (sha256: string) => string | undefined
  readonly set: (sha256: string, documentId: string) => void
  /** Lists the organization again, the first time only; later calls are free. */
  readonly refreshOnce: Effect.Effect<void, unknown, PapraClient>
}

export const papraFileIndex = (index: Map<string, string>) =>
  Effect.map(
    Effect.cached(
      Effect.flatMap(PapraClient, (papra) =>
        Stream.runForEach(papra.documents.list(), (document) =>
          Effect.sync(() => {
            if (!index.has(document.originalSha256Hash)) index.set(document.originalSha256Hash, document.id)
          }),
        ),
      ),
    ),
    (refreshOnce): PapraFileIndex => ({
      get: (sha256) => index.get(sha256),
      set: (sha256, documentId) => void index.set(sha256, documentId),
      refreshOnce,
    }),
  )
