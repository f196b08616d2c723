import { PapraClient, type PapraError } from "@paperbridge/papra"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as FiberId from "effect/FiberId"
import type * as Scope from "effect/Scope"
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
  /** These bytes' document went to the trash (a replaced file's old copy). */
  readonly forget: (sha256: string) => void
  /** Lists the organization again, the first time only; later calls are free. */
  readonly refreshOnce: Effect.Effect<void, PapraError, PapraClient>
  /**
   * The right to upload these bytes in this run. Two source documents with the same file in
   * flight at once would both post it and one would get 409: the second waits for the first
   * (until its scope closes, i.e. its journal entry is settled) and gets its document id instead.
   */
  readonly claim: (sha256: string) => Effect.Effect<UploadClaim, never, Scope.Scope>
}

export type UploadClaim =
  | { readonly _tag: "Mine"; readonly settle: (documentId: string) => void }
  | { readonly _tag: "Twin"; readonly documentId: string }

export const papraFileIndex = (index: Map<string, string>) =>
  Effect.map(
    Effect.cached(
      Effect.flatMap(PapraClient, (papra) =>
        Stream.runForEach(papra.documents.stream(), (document) =>
          Effect.sync(() => {
            if (!index.has(document.originalSha256Hash)) index.set(document.originalSha256Hash, document.id)
          }),
        ),
      ),
    ),
    (refreshOnce): PapraFileIndex => {
      const inFlight = new Map<string, Deferred.Deferred<string | undefined>>()
      const claim = (sha256: string): Effect.Effect<UploadClaim, never, Scope.Scope> =>
        Effect.suspend(() => {
          const running = inFlight.get(sha256)
          if (running !== undefined)
            return Effect.flatMap(Deferred.await(running), (documentId) =>
              documentId === undefined
                ? claim(sha256)
                : Effect.succeed({ _tag: "Twin", documentId } as const),
            )
          // Made and registered in one synchronous step, so no other fiber can claim in between.
          const mine = Deferred.unsafeMake<string | undefined>(FiberId.none)
          inFlight.set(sha256, mine)
          let settled: string | undefined
          return Effect.acquireRelease(
            Effect.succeed({
              _tag: "Mine",
              settle: (documentId: string) => {
                settled = documentId
              },
            } as const),
            () =>
              Effect.suspend(() => {
                inFlight.delete(sha256)
                return Deferred.succeed(mine, settled)
              }),
          )
        })
      return {
        get: (sha256) => index.get(sha256),
        set: (sha256, documentId) => void index.set(sha256, documentId),
        forget: (sha256) => void index.delete(sha256),
        refreshOnce,
        claim,
      }
    },
  )
