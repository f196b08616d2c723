import { PaperlessApiError, type Document as PaperlessDocument } from "@paperbridge/paperless"
import { PapraApiError } from "@paperbridge/papra"
import * as Data from "effect/Data"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { Link } from "../state/links.js"
import { StateStore } from "../state/store.js"
import type { ChangeHint, Transferred } from "./carry.js"
import type { EngineOptions } from "./options.js"
import { PaperlessSource } from "./paperless-source.js"
import { carriedVersion } from "./paperless-versions.js"
import type { RunState } from "./run-state.js"

/** A file the target refused for good in an earlier run, unchanged since: not downloaded again. */
export class RefusedBefore extends Data.TaggedError("RefusedBefore")<{ readonly reason: string }> {
  override get message() {
    return `${this.reason} (refused before for this same file, so not downloaded again; run with --retry-refused once the target's limit changed)`
  }
}

/** The target will refuse this file again for as long as it is unchanged (and the server's limits are). */
export class PermanentRefusal extends Data.TaggedError("PermanentRefusal")<{ readonly reason: string }> {
  override get message() {
    return this.reason
  }
}

/**
 * Papra answers 413 `document.size_too_large` over its upload limit (documents.errors.ts in
 * papra-hq/papra; it accepts every file type). Paperless refuses a type it has no parser for with
 * 400 `{"document":["File type … not supported"]}` at post_document.
 */
const refusalReason = (error: unknown): string | undefined => {
  if (error instanceof PermanentRefusal) return error.reason
  if (error instanceof PapraApiError && error.status === 413) return error.message
  if (
    error instanceof PaperlessApiError &&
    error.status === 400 &&
    error.messages.some((entry) => entry.field.startsWith("document") && /not supported/i.test(entry.message))
  )
    return error.message
  return undefined
}

/**
 * Wraps a document's `transfer` with what earlier runs learnt about its file, keyed by the
 * source's checksum (`fingerprint`, read without downloading): a byte-identical twin of a carried
 * document is answered from the state store, and a file the target refused for good is not
 * downloaded again until it changes or the user passes `--retry-refused`.
 */
export const withKnownFile = <E, R, E2, R2>(
  state: RunState,
  sourceId: string,
  fingerprint: Effect.Effect<string | undefined, E2, R2>,
  transfer: Effect.Effect<Transferred, E, R>,
) =>
  Effect.gen(function* () {
    const store = yield* StateStore
    const known = yield* store.knownFiles.get(state.pair, sourceId)
    let current: string | undefined
    if (Option.isSome(known)) {
      current = yield* fingerprint
      const file = known.value
      if (current !== undefined && current === file.fingerprint) {
        if (file.outcome === "refused" && state.options.retryRefused !== true)
          return yield* new RefusedBefore({ reason: file.detail })
        if (file.outcome === "duplicate") {
          const twin = yield* store.links.findTarget(state.pair, "document", file.detail)
          if (Option.isSome(twin) && twin.value.targetId === file.targetId)
            return { _tag: "Duplicate", targetId: file.targetId, twinOf: file.detail, bytes: 0 } as const
        }
      }
      yield* store.knownFiles.forget(state.pair, sourceId)
    }
    const remember = (outcome: "duplicate" | "refused", detail: string, targetId?: string) =>
      Effect.gen(function* () {
        const print = current ?? (yield* fingerprint)
        if (print !== undefined)
          yield* store.knownFiles.remember(state.pair, {
            sourceId,
            fingerprint: print,
            outcome,
            detail,
            targetId,
          })
      })
    const moved = yield* transfer.pipe(
      Effect.tapError((error) => {
        const reason = refusalReason(error)
        return reason === undefined ? Effect.void : Effect.ignore(remember("refused", reason))
      }),
    )
    if (moved._tag === "Duplicate") yield* remember("duplicate", moved.twinOf, moved.targetId)
    return moved
  })

/** The Paperless checksum(s) of the file a run would read, without reading it (see `PaperlessSource`). */
export const paperlessFileFingerprint = (state: RunState, document: PaperlessDocument) =>
  Effect.flatMap(PaperlessSource, (source) => source.fingerprint(document, state.options.file))

// Paperless's clock and this machine's differ a little: a `modified` this close to the base counts as later.
const CLOCK_SLACK_MS = 5 * 60_000

/**
 * Whether a linked Paperless document's file differs from the bytes carried (kept on its link).
 * 3.0 lists each version's SHA-256 on the document, so a new version shows at no cost. Otherwise
 * (2.20, or the archive file) the checksums are in `/metadata/`, asked for only when something
 * says the document changed since its base: its metadata, or its `modified` (2.20 rewrites a
 * rotated file in place and bumps it; re-processing writes the content again).
 */
export const carriedFileChanged = (
  options: Pick<EngineOptions, "file" | "versions">,
  document: PaperlessDocument,
  link: Link,
  hint: ChangeHint,
) =>
  Effect.gen(function* () {
    const version = carriedVersion(document, options.versions)
    if (options.file === "original" && version !== undefined)
      return link.sha256 !== null && link.sha256 !== version.sha256
    const modifiedSinceBase =
      hint.baseSavedAt === undefined ||
      Date.parse(document.modified) >= DateTime.toEpochMillis(hint.baseSavedAt) - CLOCK_SLACK_MS
    if (!hint.metadataMoved && !modifiedSinceBase) return false
    const source = yield* PaperlessSource
    const checksum = yield* source.fileChecksum(document, options.file)
    if (checksum === undefined) return false
    // 2.20 keeps MD5s, 3.0 SHA-256s.
    const held = checksum.length === 64 ? link.sha256 : link.md5
    return held !== null && held.toLowerCase() !== checksum.toLowerCase()
  })
