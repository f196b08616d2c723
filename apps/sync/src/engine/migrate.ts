import * as Fs from "node:fs/promises"
import * as Path from "node:path"
import {
  type CopyContext,
  copyContext,
  documentSnapshot,
  lossinessReport,
  mappingContext,
  paperlessDocumentAsMapped,
  paperlessDocumentToPaperlessCopy,
  paperlessDocumentToPapra,
} from "@paperbridge/mapping"
import type { Document as PaperlessDocument } from "@paperbridge/paperless"
import { PapraClient, PapraDocumentId } from "@paperbridge/papra"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as RateLimiter from "effect/RateLimiter"
import * as Ref from "effect/Ref"
import type * as Scope from "effect/Scope"
import type * as Stream from "effect/Stream"
import { StateStore } from "../state/store.js"
import { scopedTempDirectory } from "../transfer/spool.js"
import { loadCopyLinks, prepareCopyDefinitions } from "./copy-definitions.js"
import { carryCopyToPaperless, copyScope } from "./copy-to-paperless.js"
import { prepareDefinitions } from "./definitions.js"
import { type DefinitionCounts, isBridge, type RunSummary, targetSide } from "./events.js"
import type { EngineOptions } from "./options.js"
import { PaperlessSource } from "./paperless-source.js"
import { papraFileIndex } from "./papra-index.js"
import { withRun } from "./run-lifecycle.js"
import { type DocumentResult, makeRunState, type RunState, record } from "./run-state.js"
import { forEachNeedingWork, paperlessSource, papraSource } from "./source-documents.js"
import { loadLinks } from "./stored-links.js"
import { papraFilesBySha256, presentOnTarget } from "./target-presence.js"
import { TaskWatch, taskWatchLayer } from "./task-watch.js"
import { applyToPaperless, carryToPaperless, type PaperlessScope, relinkOnPaperless } from "./to-paperless.js"
import { applyToPapra, carryToPapra } from "./to-papra.js"

/** `--rate`: at most this many documents started per second; unbounded without it. */
const rateLimiter = (rate: number | undefined): Effect.Effect<RateLimiter.RateLimiter, never, Scope.Scope> =>
  rate === undefined
    ? Effect.succeed(<A, E, R>(effect: Effect.Effect<A, E, R>) => effect)
    : RateLimiter.make({ limit: Math.max(1, Math.round(rate)), interval: "1 second" })

/**
 * Runs the per-document step over the source stream with the run's concurrency and rate bound;
 * `--limit` counts only the documents that needed work (an unchanged one is not work).
 */
export const forEachDocument = <A, ReadError, CarryError, R>(
  state: RunState,
  documents: Stream.Stream<A, ReadError, R>,
  carry: (document: A) => Effect.Effect<DocumentResult, CarryError, R | StateStore>,
  ahead = 0,
) =>
  Effect.gen(function* () {
    const limit = yield* rateLimiter(state.options.rate)
    const store = yield* StateStore
    // A document is visited once a run, so only a failure recorded before the run can need clearing:
    // one read here instead of a write for every document.
    const failedBefore = new Set(
      (yield* store.failures.list(state.pair))
        .filter((failure) => failure.kind === "document")
        .map((failure) => failure.sourceId),
    )
    yield* forEachNeedingWork(
      documents,
      { limit: state.options.filters.limit, concurrency: state.options.concurrency + ahead },
      (document: A) =>
        limit(Effect.void).pipe(
          Effect.zipRight(carry(document)),
          Effect.tap((result) =>
            result.outcome === "failed" || !failedBefore.has(result.sourceId)
              ? Effect.void
              : store.failures.clear(state.pair, "document", result.sourceId),
          ),
          Effect.tap((result) => record(state, result)),
        ),
      (result) => result.outcome !== "unchanged",
    )
  })

/**
 * How many documents beyond `--concurrency` may be in flight into Paperless, each waiting for its
 * consumption with no slot held. Paperless consumes one document at a time per worker whatever
 * paperbridge does, so what keeps it busy is a queue that never runs dry, not more slots: 32
 * covers a few workers through a slow stretch of downloads. It is fixed, not a multiple of
 * `--concurrency`, because a waiting document costs a fiber and its mapped metadata (its spooled
 * file is deleted once posted), and it bounds what a crash leaves to follow: at most
 * `concurrency + 32` posted tasks.
 */
const PAPERLESS_AHEAD = 32

/**
 * `forEachDocument` into Paperless: a document holds one of the `--concurrency` slots while it
 * downloads, posts and writes metadata, and lends it out while its task waits in the queue (one
 * watcher for the run's tasks, `task-watch.ts`), so the next file is posted meanwhile.
 */
export const forEachDocumentIntoPaperless = <A, ReadError, CarryError, R>(
  state: RunState,
  documents: Stream.Stream<A, ReadError, R>,
  carry: (document: A) => Effect.Effect<DocumentResult, CarryError, R | StateStore | TaskWatch>,
) =>
  Effect.flatMap(TaskWatch, (watch) =>
    forEachDocument(state, documents, (document: A) => watch.slot(carry(document)), PAPERLESS_AHEAD),
  ).pipe(Effect.provide(taskWatchLayer(state.options.concurrency)))

/**
 * The relations pass: links between documents (Paperless document links ↔ Papra document
 * relations) can only be written once both ends are on the target.
 */
export const writeRelations = (state: RunState) =>
  Effect.gen(function* () {
    const pending = yield* Ref.get(state.pendingRelations)
    const direction = state.options.direction
    if (pending.size === 0 || !isBridge(direction)) return
    yield* state.options.onEvent({ type: "phase", phase: "links" })
    const store = yield* StateStore
    const links = yield* loadLinks(state.pair, direction)
    const context = mappingContext({ ...state.context, links })
    // Papra's relations are each document's own writes: they go at the run's concurrency. A
    // Paperless document link is written on both ends (the server mirrors it): two documents
    // linking each other at once would each PATCH a list read before the other's landed, and one
    // link would be lost, so into Paperless they go one at a time.
    const relink = (sourceId: string) =>
      Effect.gen(function* () {
        const link = yield* store.links.findTarget(state.pair, "document", sourceId)
        if (Option.isNone(link)) return
        if (state.options.direction === "paperless-to-papra") {
          const papra = yield* PapraClient
          const found = yield* Effect.flatMap(PaperlessSource, (source) => source.document(Number(sourceId)))
          if (Option.isNone(found)) return
          const document = found.value
          const mapped = paperlessDocumentToPapra(document, context)
          yield* applyToPapra(papra, context, PapraDocumentId.make(link.value.targetId), mapped.document, {
            freshUpload: false,
          })
          if (mapped.pendingRelations.length > 0) {
            yield* state.options.onEvent({
              type: "warning",
              message: `document ${sourceId}: links to documents that were not carried (${mapped.pendingRelations.flatMap((relation) => relation.missing).join(", ")})`,
            })
          }
          yield* store.snapshots.save(
            state.pair,
            sourceId,
            documentSnapshot(paperlessDocumentAsMapped(document, context)),
          )
        } else {
          yield* relinkOnPaperless(state, context, sourceId, link.value.targetId)
        }
      })
    yield* Effect.forEach(pending, relink, {
      concurrency: direction === "paperless-to-papra" ? state.options.concurrency : 1,
      discard: true,
    })
  })

/** The relations pass of a copy: the document links of each waiting document, now that their ends are linked. */
const writeCopyRelations = (state: RunState, copy: CopyRun) =>
  Effect.gen(function* () {
    const pending = yield* Ref.get(state.pendingRelations)
    if (pending.size === 0) return
    yield* state.options.onEvent({ type: "phase", phase: "links" })
    const store = yield* StateStore
    const source = yield* PaperlessSource
    const documents = (yield* loadCopyLinks(state.pair)).documents
    const context = copyContext(copy.context.source, { ...copy.context.links, documents })
    for (const sourceId of pending) {
      const targetId = documents.get(Number(sourceId))
      const found = yield* source.document(Number(sourceId))
      if (targetId === undefined || Option.isNone(found)) continue
      const mapped = paperlessDocumentToPaperlessCopy(found.value, context)
      yield* applyToPaperless(copy.scope, targetId, mapped.document, { freshUpload: false })
      if (mapped.pendingRelations.length > 0)
        yield* state.options.onEvent({
          type: "warning",
          message: `document ${sourceId}: links to documents that were not carried (${mapped.pendingRelations.flatMap((relation) => relation.missing).join(", ")})`,
        })
      yield* store.snapshots.save(state.pair, sourceId, documentSnapshot(mapped.document))
    }
  })

/** What a copy's documents are mapped with: the source's definitions with their links, and what they may touch. */
interface CopyRun {
  readonly context: CopyContext
  readonly scope: PaperlessScope
}

/**
 * Phase one, by direction: definitions made and linked on the target; the context documents are
 * mapped with (for a copy, the target's definitions stand in as the Paperless side), the counts,
 * and the run-wide lossiness lines.
 */
export const definitionsPhase = (options: EngineOptions) =>
  Effect.gen(function* () {
    if (!isBridge(options.direction)) {
      const prepared = yield* prepareCopyDefinitions(options.pair, options.onEvent)
      return {
        context: mappingContext({ paperless: prepared.target, config: options.mapping }),
        counts: prepared.counts,
        lossiness: prepared.lossiness,
        copy: {
          context: prepared.context,
          scope: copyScope(prepared.context.links, prepared.target),
        } as CopyRun,
      }
    }
    const definitions = yield* prepareDefinitions(
      options.pair,
      options.direction,
      options.mapping,
      options.onEvent,
    )
    const lossiness = Either.match(lossinessReport(definitions.planned, options.direction), {
      onLeft: () => [] as ReadonlyArray<string>,
      onRight: (report) => report.lines,
    })
    return { context: definitions.context, counts: definitions.counts, lossiness, copy: undefined }
  })

const unfiltered = (filters: EngineOptions["filters"]) =>
  filters.query === undefined &&
  (filters.tags === undefined || filters.tags.length === 0) &&
  filters.since === undefined &&
  filters.limit === undefined

/**
 * After a run that saw every source document: failures and half-done uploads of documents that
 * are no longer on the source are settled, so `status` does not report them forever.
 */
const forgetVanishedSources = (state: RunState) =>
  Effect.gen(function* () {
    const store = yield* StateStore
    const seen = state.seen
    for (const entry of yield* store.journal.halfDone(state.pair)) {
      if (entry.operation !== "upload" || seen.has(entry.sourceId)) continue
      yield* store.journal.fail(entry.id, "the source document is gone")
    }
    for (const failure of yield* store.failures.list(state.pair)) {
      if (failure.kind === "document" && !seen.has(failure.sourceId))
        yield* store.failures.clear(state.pair, "document", failure.sourceId)
    }
  })

const summarize = (
  state: RunState,
  startedAt: DateTime.Utc,
  lossiness: ReadonlyArray<string>,
  definitions: DefinitionCounts,
) =>
  Effect.gen(function* () {
    const losses = yield* Ref.get(state.losses)
    const perDocument = [...losses].map(
      ([line, count]) => `${count} document${count === 1 ? "" : "s"}: ${line}`,
    )
    return {
      direction: state.options.direction,
      startedAt: DateTime.formatIso(startedAt),
      finishedAt: DateTime.formatIso(yield* DateTime.now),
      documents: yield* Ref.get(state.counts),
      bytes: yield* Ref.get(state.bytes),
      definitions,
      failures: yield* Ref.get(state.failures),
      lossiness: [...lossiness, ...perDocument],
      linkedWithDifferences: yield* Ref.get(state.linkedWithDifferences),
      notices: yield* Ref.get(state.notices),
    } satisfies RunSummary
  })

export const writeReport = (directory: string, runId: string, summary: RunSummary) =>
  Effect.tryPromise(async () => {
    await Fs.mkdir(directory, { recursive: true })
    const path = Path.join(directory, `${runId}.json`)
    await Fs.writeFile(path, `${JSON.stringify({ runId, ...summary }, null, 2)}\n`)
    return path
  })

/** What a finished migration answers: its summary, its id and where its report was written. */
export type MigrationResult = RunSummary & { readonly reportPath: string; readonly runId: string }

/**
 * A one-shot migration in the configured direction: definitions, then documents (streamed, with
 * bounded concurrency), then document relations. Safe to interrupt at any instant and run again.
 */
export const migrate = (options: EngineOptions & { readonly reportDirectory: string }) =>
  Effect.gen(function* () {
    const store = yield* StateStore
    const startedAt = yield* DateTime.now
    return yield* withRun(
      options.pair,
      "migrate",
      (run) =>
        Effect.gen(function* () {
          yield* options.onEvent({
            type: "run-started",
            runId: run.id,
            direction: options.direction,
            dryRun: false,
          })
          yield* options.onEvent({ type: "phase", phase: "definitions" })
          yield* store.checkpoints.save(options.pair, { runId: run.id, phase: "definitions" })
          const definitions = yield* definitionsPhase(options)
          yield* options.onEvent({ type: "definitions", counts: definitions.counts })
          const lossiness = definitions.lossiness
          const tempDirectory = yield* scopedTempDirectory()
          const papraFiles = targetSide(options.direction) === "papra" ? yield* papraFilesBySha256 : new Map()
          const state = yield* makeRunState({
            runId: run.id,
            pair: options.pair,
            options,
            context: definitions.context,
            tempDirectory,
            presentOnTarget: yield* presentOnTarget(options, papraFiles),
          })
          yield* options.onEvent({ type: "phase", phase: "documents" })
          yield* store.checkpoints.save(options.pair, { runId: run.id, phase: "documents" })
          let notCarried: ReadonlyArray<string> = []
          const copy = definitions.copy
          if (options.direction !== "papra-to-paperless") {
            const index = copy === undefined ? yield* papraFileIndex(papraFiles) : undefined
            const source = yield* paperlessSource(options.filters)
            for (const line of source.notCarried) yield* options.onEvent({ type: "warning", message: line })
            notCarried = source.notCarried
            if (index !== undefined)
              yield* forEachDocument(state, source.documents, (document: PaperlessDocument) =>
                carryToPapra(state, document, index),
              )
            else if (copy !== undefined)
              yield* forEachDocumentIntoPaperless(state, source.documents, (document: PaperlessDocument) =>
                carryCopyToPaperless(state, document, copy.context, copy.scope),
              )
          } else {
            const source = yield* papraSource(options.filters)
            yield* forEachDocumentIntoPaperless(state, source.documents, (document) =>
              carryToPaperless(state, document),
            )
          }
          if (unfiltered(options.filters)) yield* forgetVanishedSources(state)
          yield* store.checkpoints.save(options.pair, { runId: run.id, phase: "relations" })
          yield* copy === undefined ? writeRelations(state) : writeCopyRelations(state, copy)
          const summary = yield* summarize(
            state,
            startedAt,
            [...lossiness, ...notCarried],
            definitions.counts,
          )
          const reportPath = yield* writeReport(options.reportDirectory, run.id, summary)
          return { summary, reportPath }
        }),
      (run, { summary, reportPath }) =>
        Effect.gen(function* () {
          yield* store.runs.finish(run.id, {
            outcome: summary.documents.failed > 0 ? "partial" : "ok",
            counts: { ...summary.documents, bytes: summary.bytes },
            reportPath,
          })
          yield* store.checkpoints.save(options.pair, { runId: run.id, phase: "done" })
          yield* options.onEvent({ type: "run-finished", runId: run.id, summary })
          return { ...summary, reportPath, runId: run.id } satisfies MigrationResult as MigrationResult
        }),
    )
  })
