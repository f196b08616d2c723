import {
  type DocumentSnapshot,
  documentSnapshot,
  type MappingContext,
  mergeDocument,
  paperlessDocumentAsMapped,
  paperlessDocumentToPapra,
  type SyncSide,
  snapshotAsMapped,
} from "@paperbridge/mapping"
import { DocumentId, PaperlessApiError, PaperlessClient } from "@paperbridge/paperless"
import { PapraClient, PapraDocumentId } from "@paperbridge/papra"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { Pair } from "../state/endpoints.js"
import type { Link } from "../state/links.js"
import { StateStore } from "../state/store.js"
import type { DeletedOn } from "../state/sync-records.js"
import { SyncDocumentFailed } from "./errors.js"
import { forgetDocument } from "./forget.js"
import { PaperlessSource } from "./paperless-source.js"
import type { PapraFileIndex } from "./papra-index.js"
import type { RunState } from "./run-state.js"
import type { SyncAction } from "./sync-plan.js"
import type { LinkedDocument } from "./sync-sides.js"
import { applyToPaperless, papraLinkedScope } from "./to-paperless.js"
import { applyToPapra, carryToPapra, retireOnPapra } from "./to-papra.js"

/** What carrying out the plan of one linked document needs. */
export interface LinkedRun {
  readonly pair: Pair
  /** Maps Paperless documents to Papra (and reads them as snapshots). */
  readonly toPapra: RunState
  readonly papraContext: MappingContext
  readonly papraIndex: PapraFileIndex
}

/** What became of one linked document. */
export type LinkedOutcome =
  | { readonly _tag: "Unchanged" }
  | { readonly _tag: "Updated"; readonly sides: ReadonlyArray<SyncSide> }
  | { readonly _tag: "FileReplaced" }
  | { readonly _tag: "Trashed"; readonly on: SyncSide }
  | { readonly _tag: "Forgotten" }
  /** The edit won over a delete: restored in place, or to be carried anew by this run's new-document pass. */
  | { readonly _tag: "KeptEdited"; readonly restored: boolean; readonly carryAgain?: SyncSide | undefined }

const paperlessDocument = (id: string) =>
  Effect.flatMap(PaperlessSource, (source) => source.document(Number(id))).pipe(
    Effect.flatMap(
      Option.match({
        onNone: () =>
          Effect.fail(
            new SyncDocumentFailed({
              paperlessId: id,
              reason: `Paperless document ${id} vanished during the sync; the next run sees it gone`,
            }),
          ),
        onSome: Effect.succeed,
      }),
    ),
  )

/** Writes `snapshot` to Paperless: every field the merge settled, notes exactly, custom fields whole. */
const writePaperless = (run: LinkedRun, id: string, snapshot: DocumentSnapshot) =>
  applyToPaperless(papraLinkedScope(run.papraContext), Number(id), snapshotAsMapped(snapshot, undefined), {
    freshUpload: false,
    exactNotes: true,
  })

/**
 * Brings Papra to what Paperless holds now, through the migration's own mapping, and answers that
 * as the new base: Papra now has Paperless's date even where the merge had none.
 */
const writePapra = (run: LinkedRun, paperlessId: string, papraId: string) =>
  Effect.gen(function* () {
    const papra = yield* PapraClient
    const document = yield* paperlessDocument(paperlessId)
    const mapped = paperlessDocumentToPapra(document, run.toPapra.context)
    yield* applyToPapra(papra, run.toPapra.context, PapraDocumentId.make(papraId), mapped.document, {
      freshUpload: false,
    })
    return documentSnapshot(paperlessDocumentAsMapped(document, run.toPapra.context))
  })

const saveBase = (run: LinkedRun, paperlessId: string, snapshot: DocumentSnapshot) =>
  Effect.flatMap(StateStore, (store) => store.snapshots.save(run.pair, paperlessId, snapshot))

/** Drops the link and keeps a tombstone, in one transaction: a rebuild never brings the document back. */
const bury = (run: LinkedRun, link: Link, title: string, deletedOn: typeof DeletedOn.Type) =>
  Effect.flatMap(StateStore, (store) =>
    store.transaction(
      Effect.zipRight(
        store.sync.recordTombstone(run.pair, {
          paperlessId: link.sourceId,
          papraId: link.targetId,
          sha256: link.sha256,
          md5: link.md5,
          deletedOn,
          title,
        }),
        forgetDocument(run.pair, link.sourceId),
      ),
    ),
  )

const trashOn = (run: LinkedRun, side: SyncSide, link: Link) =>
  side === "papra"
    ? Effect.flatMap(PapraClient, (papra) =>
        Effect.zipRight(
          retireOnPapra(papra, link.targetId),
          Effect.sync(() => {
            if (link.sha256 !== null) run.papraIndex.forget(link.sha256)
          }),
        ),
      )
    : Effect.flatMap(PaperlessClient, (paperless) =>
        paperless.documents.delete(DocumentId.make(Number(link.sourceId))).pipe(
          // Already in the trash or gone: the delete happened.
          Effect.catchIf(
            (error) => error instanceof PaperlessApiError && error.status === 404,
            () => Effect.void,
          ),
        ),
      )

/**
 * Carries out the plan of one linked document. Each base is saved only after the writes it
 * describes landed (a crash in between makes the next run see the same change and write it
 * again, which lands on what is already there).
 */
export const applyLinked = (run: LinkedRun, action: SyncAction<LinkedDocument>, title: string) =>
  Effect.gen(function* () {
    const { link } = action
    switch (action._tag) {
      case "Unchanged":
      case "Conflict":
        return { _tag: "Unchanged" } satisfies LinkedOutcome
      case "Write": {
        const sides = action.to.map((entry) => entry.side)
        if (sides.includes("paperless")) yield* writePaperless(run, link.paperlessId, action.snapshot)
        const written = sides.includes("papra")
          ? yield* writePapra(run, link.paperlessId, link.papraId)
          : action.snapshot
        yield* saveBase(run, link.paperlessId, written)
        return { _tag: "Updated", sides } satisfies LinkedOutcome
      }
      case "ReplaceFile": {
        if (action.from === "papra")
          // Papra keeps one file per document id, so its listing never shows another file under a
          // linked id; a planner bug must fail this document, not the run.
          return yield* new SyncDocumentFailed({
            paperlessId: link.paperlessId,
            reason: `Papra document ${link.papraId} shows a file other than the one linked; a Papra file is never replaced in place, so this document is left as is`,
          })
        if (action.toFrom.length > 0) yield* writePaperless(run, link.paperlessId, action.snapshot)
        // The migration's own step: the new file goes up under a journal entry, the old copy to
        // Papra's trash, the link moves, and the metadata follows.
        const document = yield* paperlessDocument(link.paperlessId)
        const result = yield* carryToPapra(run.toPapra, document, run.papraIndex)
        if (result.outcome === "failed")
          return yield* new SyncDocumentFailed({
            paperlessId: link.paperlessId,
            reason: result.reason ?? "carrying the new file to Papra failed",
          })
        return { _tag: "FileReplaced" } satisfies LinkedOutcome
      }
      case "Trash": {
        yield* trashOn(run, action.on, link.link)
        yield* bury(run, link.link, title, action.on === "papra" ? "paperless" : "papra")
        return { _tag: "Trashed", on: action.on } satisfies LinkedOutcome
      }
      case "Forget": {
        yield* bury(run, link.link, title, "both")
        return { _tag: "Forgotten" } satisfies LinkedOutcome
      }
      case "KeepEdited": {
        const deleted = action.deletedOn === "paperless" ? link.paperless : link.papra
        // Paperless restores from its trash with an API token, in place (same id, notes kept);
        // Papra only through a session, so there the file is carried again, which brings the
        // trashed document back under its id (papra-server-behaviour.md).
        if (action.deletedOn === "paperless" && deleted._tag === "Trashed" && link.papra._tag === "Present") {
          const paperless = yield* PaperlessClient
          yield* paperless.trash.restore([DocumentId.make(Number(link.paperlessId))])
          const merged =
            mergeDocument({
              base: link.base,
              paperless: link.base,
              papra: link.papra.snapshot,
              policy: "papra",
            }).merged ?? link.papra.snapshot
          yield* writePaperless(run, link.paperlessId, merged)
          yield* saveBase(run, link.paperlessId, merged)
          return { _tag: "KeptEdited", restored: true } satisfies LinkedOutcome
        }
        yield* forgetDocument(run.pair, link.paperlessId)
        return {
          _tag: "KeptEdited",
          restored: false,
          carryAgain: action.deletedOn === "paperless" ? "paperless" : "papra",
        } satisfies LinkedOutcome
      }
    }
  })
