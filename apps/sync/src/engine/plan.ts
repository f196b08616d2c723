import {
  canonicalJson,
  copyContext,
  copyLinks,
  copyLossinessLines,
  documentSnapshot,
  lossinessReport,
  mappingContext,
  paperlessDocumentAsMapped,
  paperlessDocumentToPaperlessCopy,
  paperlessDocumentToPapra,
  papraDocumentToPaperless,
  planPaperlessCopy,
} from "@paperbridge/mapping"
import { PaperlessClient } from "@paperbridge/paperless"
import { PapraClient, PapraDocumentId } from "@paperbridge/papra"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import type * as Stream from "effect/Stream"
import type { Pair } from "../state/endpoints.js"
import { snapshotHash } from "../state/snapshots.js"
import { StateStore } from "../state/store.js"
import { hasDifferences } from "./carry.js"
import { countCopyDefinitions, loadCopyDefinitions } from "./copy-definitions.js"
import { copyScope } from "./copy-to-paperless.js"
import { countDefinitions, loadContext, planDefinitions } from "./definitions.js"
import type { LinkedWithDifferences, TargetDifferences } from "./events.js"
import { type BridgeDirection, isBridge } from "./events.js"
import { carriedFileChanged } from "./known-files.js"
import type { EngineOptions } from "./options.js"
import { PaperlessSource } from "./paperless-source.js"
import { carriedVersion } from "./paperless-versions.js"
import type { PlanReport } from "./reports.js"
import { forEachNeedingWork, paperlessSource, papraSource } from "./source-documents.js"
import { papraFilesBySha256, presentOnTarget } from "./target-presence.js"
import { paperlessTargetDifferences, papraLinkedScope } from "./to-paperless.js"
import { papraTargetDifferences } from "./to-papra.js"

type PlanOptions = Omit<EngineOptions, "onEvent" | "rate">

/** What a run would do with one document. */
type Fate = "copy" | "copy-identical" | "update" | "unchanged" | "replace" | "gone"

type Tally = { -readonly [K in keyof PlanReport["documents"]]: number }

/** Whether the base equals `snapshot`, and when the base was saved (the hint a file check takes). */
const againstBase = (pair: Pair, sourceId: string, snapshot: unknown) =>
  Effect.flatMap(StateStore, (store) => store.snapshots.get(pair, sourceId)).pipe(
    Effect.map((base) => {
      const unchanged = Option.isSome(base) && base.value.hash === snapshotHash(canonicalJson(snapshot))
      return {
        unchanged,
        hint: {
          metadataMoved: !unchanged,
          baseSavedAt: Option.getOrUndefined(Option.map(base, (found) => found.updatedAt)),
        },
      }
    }),
  )

/**
 * Definitions and lossiness of a bridge run, and the context its documents are mapped with: what
 * `plan` and `sync --plan` say a run would create, without creating it.
 */
export const planBridge = (options: PlanOptions, direction: BridgeDirection) =>
  Effect.gen(function* () {
    const context = yield* loadContext(options.pair, direction, options.mapping)
    return {
      context,
      definitions: countDefinitions(yield* planDefinitions(context, direction)),
      lossiness: Either.match(lossinessReport(context, direction), {
        onLeft: (error) => [`mapping config: ${error.message}`],
        onRight: (report) => report.lines,
      }),
      copy: undefined,
    }
  })

/** Definitions and lossiness of a copy into Paperless, and what its documents are mapped with, as planned. */
const planCopy = (options: PlanOptions) =>
  Effect.gen(function* () {
    const { source, target, stored } = yield* loadCopyDefinitions(options.pair)
    const plan = planPaperlessCopy(source, target, stored)
    const links = copyLinks(source, target, stored)
    return {
      context: mappingContext({ paperless: target, config: options.mapping }),
      definitions: countCopyDefinitions(plan),
      lossiness: copyLossinessLines(plan),
      copy: { context: copyContext(source, links), scope: copyScope(links, target) },
    }
  })

/**
 * A dry run: reads both servers and the state store and says what `migrate` would do. It sends
 * no write to either server. (It reads the state store; a caller without a state file gives it a
 * throwaway one, so nothing appears in the user's directory either.)
 */
export const planMigration = (options: PlanOptions) =>
  Effect.gen(function* () {
    const store = yield* StateStore
    const direction = options.direction
    const planned = isBridge(direction) ? yield* planBridge(options, direction) : yield* planCopy(options)
    const { context, definitions, lossiness } = planned
    const failedBefore = new Set(
      (yield* store.failures.list(options.pair))
        .filter((failure) => failure.kind === "document")
        .map((failure) => failure.sourceId),
    )
    const tally: Tally = {
      total: 0,
      toCopy: 0,
      identicalOnTarget: 0,
      toUpdate: 0,
      unchanged: 0,
      fileReplaced: 0,
      goneFromTarget: 0,
      retrying: 0,
    }
    const linkedWithDifferences: Array<LinkedWithDifferences> = []
    const noteDifferences = (
      sourceId: string,
      targetId: string,
      title: string,
      differences: TargetDifferences,
    ) =>
      Effect.sync(() => {
        if (hasDifferences(differences))
          linkedWithDifferences.push({ sourceId, targetId, title, ...differences })
      })
    /** Tallies one document; answers whether it needs work (what `--limit` counts). */
    const count = (sourceId: string, fate: Fate) =>
      Effect.sync(() => {
        tally.total += 1
        if (failedBefore.has(sourceId)) tally.retrying += 1
        if (fate === "copy" || fate === "copy-identical") {
          tally.toCopy += 1
          if (fate === "copy-identical") tally.identicalOnTarget += 1
        } else if (fate === "unchanged") tally.unchanged += 1
        else if (fate === "update") tally.toUpdate += 1
        else if (fate === "replace") tally.fileReplaced += 1
        else tally.goneFromTarget += 1
        return fate !== "unchanged"
      })
    // `--limit` as `migrate` applies it: the next N documents that need work, looked at one by one.
    const forEach = <A, SE, E, R>(
      documents: Stream.Stream<A, SE>,
      step: (document: A) => Effect.Effect<boolean, E, R>,
    ) =>
      forEachNeedingWork(
        documents,
        { limit: options.filters.limit, concurrency: 1 },
        step,
        (needed) => needed,
      )

    let notCarried: ReadonlyArray<string> = []
    if (planned.copy !== undefined) {
      const copy = planned.copy
      const paperless = yield* PaperlessClient
      const source = yield* PaperlessSource
      const present = yield* presentOnTarget(options, new Map())
      const server = yield* paperless.server
      const documents = yield* paperlessSource(options.filters)
      notCarried = documents.notCarried
      yield* forEach(documents.documents, (document) =>
        Effect.gen(function* () {
          const sourceId = String(document.id)
          const link = yield* store.links.findTarget(options.pair, "document", sourceId)
          const mapped = paperlessDocumentToPaperlessCopy(document, copy.context).document
          if (Option.isSome(link)) {
            if (present?.has(link.value.targetId) === false) return yield* count(sourceId, "gone")
            const { unchanged, hint } = yield* againstBase(options.pair, sourceId, documentSnapshot(mapped))
            if (yield* carriedFileChanged(options, document, link.value, hint))
              return yield* count(sourceId, "replace")
            return yield* count(sourceId, unchanged ? "unchanged" : "update")
          }
          // The source's checksum finds a twin without a download when it is the kind the target keys by.
          const checksum = yield* source.fileChecksum(document, "original")
          const comparable =
            checksum !== undefined && (checksum.length === 32) === (server.generation === "2.20")
          const twin = comparable ? yield* paperless.documents.findByChecksum(checksum) : Option.none()
          if (Option.isSome(twin))
            yield* noteDifferences(
              sourceId,
              String(twin.value.id),
              document.title,
              paperlessTargetDifferences(twin.value, mapped, copy.scope),
            )
          return yield* count(sourceId, Option.isSome(twin) ? "copy-identical" : "copy")
        }),
      )
    } else if (options.direction === "paperless-to-papra") {
      const papra = yield* PapraClient
      const onPapra = yield* papraFilesBySha256
      const present = yield* presentOnTarget(options, onPapra)
      const source = yield* paperlessSource(options.filters)
      notCarried = source.notCarried
      yield* forEach(source.documents, (document) =>
        Effect.gen(function* () {
          const sourceId = String(document.id)
          const link = yield* store.links.findTarget(options.pair, "document", sourceId)
          const snapshot = documentSnapshot(paperlessDocumentAsMapped(document, context))
          // 3.0 lists the SHA-256 of every version's original: Papra's dedupe key, without a download.
          const version = carriedVersion(document, options.versions)
          const sha256 = options.file === "original" ? version?.sha256 : undefined
          const twin = sha256 === undefined ? undefined : onPapra.get(sha256)
          if (Option.isSome(link)) {
            if (present?.has(link.value.targetId) === false) return yield* count(sourceId, "gone")
            const { unchanged, hint } = yield* againstBase(options.pair, sourceId, snapshot)
            if (yield* carriedFileChanged(options, document, link.value, hint))
              return yield* count(sourceId, "replace")
            return yield* count(sourceId, unchanged ? "unchanged" : "update")
          }
          if (twin !== undefined) {
            const current = yield* papra.documents.get(PapraDocumentId.make(twin))
            const mapped = paperlessDocumentToPapra(document, context).document
            yield* noteDifferences(
              sourceId,
              twin,
              document.title,
              papraTargetDifferences(current, mapped, context),
            )
          }
          return yield* count(sourceId, twin === undefined ? "copy" : "copy-identical")
        }),
      )
    } else {
      const papra = yield* PapraClient
      const paperless = yield* PaperlessClient
      const server = yield* paperless.server
      const present = yield* presentOnTarget(options, new Map())
      const source = yield* papraSource(options.filters)
      yield* forEach(source.documents, (listed) =>
        Effect.gen(function* () {
          const link = yield* store.links.findTarget(options.pair, "document", listed.id)
          if (Option.isNone(link)) {
            // Paperless 3.0 keys files by SHA-256 like Papra; 2.20 by MD5, which Papra does not give.
            const twin =
              server.generation === "3.0"
                ? yield* paperless.documents.findByChecksum(listed.originalSha256Hash)
                : Option.none()
            if (Option.isSome(twin)) {
              const document = yield* papra.documents.get(PapraDocumentId.make(listed.id))
              const mapped = papraDocumentToPaperless(document, context).document
              const differences = paperlessTargetDifferences(twin.value, mapped, papraLinkedScope(context))
              yield* noteDifferences(listed.id, String(twin.value.id), listed.name, differences)
            }
            return yield* count(listed.id, Option.isSome(twin) ? "copy-identical" : "copy")
          }
          if (present?.has(link.value.targetId) === false) return yield* count(listed.id, "gone")
          const document = yield* papra.documents.get(PapraDocumentId.make(listed.id))
          const snapshot = documentSnapshot(papraDocumentToPaperless(document, context).document)
          const { unchanged } = yield* againstBase(options.pair, listed.id, snapshot)
          return yield* count(listed.id, unchanged ? "unchanged" : "update")
        }),
      )
    }
    return {
      direction,
      definitions,
      documents: tally,
      linkedWithDifferences,
      lossiness: [...lossiness, ...notCarried],
    } satisfies PlanReport
  })
