import {
  canonicalJson,
  documentSnapshot,
  type MappedPaperlessDocument,
  type MappingContext,
  papraDocumentToPaperless,
} from "@paperbridge/mapping"
import {
  CorrespondentId,
  CustomFieldId,
  DocumentId,
  DocumentTypeId,
  type DocumentUpdate,
  PaperlessClient,
  type Document as PaperlessDocument,
  type PaperlessTaskFailed,
  StoragePathId,
  TagId,
  type Task,
  type TaskUuid,
} from "@paperbridge/paperless"
import { PapraClient, PapraDocumentId, type PapraDocumentListItem } from "@paperbridge/papra"
import * as Data from "effect/Data"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import type { JournalCompletion } from "../state/journal.js"
import type { Link } from "../state/links.js"
import { StateStore } from "../state/store.js"
import { discardSpooled, type SpooledFile, spool } from "../transfer/spool.js"
import { type Applied, type ApplyOptions, carryDocument, type TargetDifferences } from "./carry.js"
import { ChecksumMismatch } from "./errors.js"
import { PermanentRefusal, withKnownFile } from "./known-files.js"
import { beginUpload, type RunState, recordFailure } from "./run-state.js"
import { TaskWatch } from "./task-watch.js"

const DOCUMENT = "document" as const

export class ConsumptionRefused extends Data.TaggedError("ConsumptionRefused")<{ readonly reason: string }> {
  override get message() {
    return this.reason
  }
}

const sameList = (a: ReadonlyArray<unknown>, b: ReadonlyArray<unknown>) =>
  canonicalJson(a) === canonicalJson(b)

const sortedNumbers = (values: Iterable<number>) => [...new Set(values)].sort((a, b) => a - b)

/** What a write may clear on a Paperless target: the tags and fields paperbridge manages there, and the target's fields. */
export interface PaperlessScope {
  readonly managedTags: ReadonlySet<number>
  readonly managedFields: ReadonlySet<number>
  readonly fields: ReadonlyMap<number, { readonly data_type: string }>
}

/** The scope of a Papra → Paperless run: the linked tags and fields. */
export const papraLinkedScope = (context: MappingContext): PaperlessScope => ({
  managedTags: new Set(context.links.tags.map((link) => link.paperless)),
  managedFields: new Set(context.links.customFields.map((link) => link.paperless)),
  fields: context.paperlessFields,
})

/**
 * The PATCH that brings a Paperless document to the mapped metadata. After a fresh upload the
 * document takes exactly the mapped tags and fields (Paperless adds inbox tags and auto-matches on
 * consumption); later, a user's own tags and fields that paperbridge does not manage are kept,
 * and the full sets are sent because Paperless replaces them whole. With `fillOnly` (a file that
 * was on Paperless before paperbridge linked it) nothing the target holds is cleared: the source's
 * values are written where it has some, every other tag, field, classifier and ASN stays.
 */
export const paperlessPatch = (
  current: PaperlessDocument,
  mapped: MappedPaperlessDocument,
  scope: PaperlessScope,
  options: Pick<ApplyOptions, "freshUpload" | "fillOnly">,
): DocumentUpdate => {
  const fillOnly = options.fillOnly === true
  const managedTags = scope.managedTags
  const mappedFieldIds = new Set(mapped.customFields.map((entry) => entry.field))
  const managedFields = fillOnly ? mappedFieldIds : scope.managedFields
  const keptTags = options.freshUpload ? [] : current.tags.filter((tag) => fillOnly || !managedTags.has(tag))
  const tags = sortedNumbers([...keptTags, ...mapped.tags])
  const keptFields = options.freshUpload
    ? []
    : (current.custom_fields ?? []).filter((entry) => !managedFields.has(entry.field))
  // Paperless document links are symmetric: a link another document made to this one shows up
  // here too. Dropping it would delete it on that other document as well, so links only grow.
  const currentLinks = new Map(
    (current.custom_fields ?? []).flatMap((entry) =>
      scope.fields.get(entry.field)?.data_type === "documentlink" && Array.isArray(entry.value)
        ? [[entry.field as number, entry.value as ReadonlyArray<number>] as const]
        : [],
    ),
  )
  const withBackLinks = (field: number, value: MappedPaperlessDocument["customFields"][number]["value"]) => {
    const existing = currentLinks.get(field)
    return existing === undefined || !Array.isArray(value) ? value : sortedNumbers([...existing, ...value])
  }
  const mappedFields = mapped.customFields.map((entry) => ({
    field: entry.field,
    value: withBackLinks(entry.field, entry.value),
  }))
  const backLinksOnly = [...currentLinks]
    .filter(([field]) => ![...mappedFields, ...keptFields].some((entry) => entry.field === field))
    .map(([field, value]) => ({ field, value: sortedNumbers(value) }))
  const fields = [
    ...keptFields.map((entry) => ({ field: entry.field, value: entry.value })),
    ...mappedFields,
    ...backLinksOnly,
  ].sort((a, b) => a.field - b.field)
  const patch: { -readonly [K in keyof DocumentUpdate]: DocumentUpdate[K] } = {}
  if (current.title !== mapped.title) patch.title = mapped.title
  if (mapped.created !== null && current.created.slice(0, 10) !== mapped.created)
    patch.created = mapped.created
  if (mapped.content !== undefined && mapped.content.trim() !== "" && current.content !== mapped.content)
    patch.content = mapped.content
  // Fill-only: a null from the source means "nothing to say", not "clear it".
  const differs = <A>(held: A | null, wanted: A | null) => held !== wanted && !(fillOnly && wanted === null)
  if (differs(current.correspondent, mapped.correspondent))
    patch.correspondent = mapped.correspondent === null ? null : CorrespondentId.make(mapped.correspondent)
  if (differs(current.document_type, mapped.documentType))
    patch.document_type = mapped.documentType === null ? null : DocumentTypeId.make(mapped.documentType)
  if (differs(current.storage_path ?? null, mapped.storagePath))
    patch.storage_path = mapped.storagePath === null ? null : StoragePathId.make(mapped.storagePath)
  if (!sameList(sortedNumbers(current.tags), tags)) patch.tags = tags.map((tag) => TagId.make(tag))
  if (differs(current.archive_serial_number ?? null, mapped.archiveSerialNumber))
    patch.archive_serial_number = mapped.archiveSerialNumber
  const currentFields = [...(current.custom_fields ?? [])]
    .map((entry) => ({
      field: entry.field,
      value: Array.isArray(entry.value) ? sortedNumbers(entry.value as ReadonlyArray<number>) : entry.value,
    }))
    .sort((a, b) => a.field - b.field)
  if (!sameList(currentFields, fields))
    patch.custom_fields = fields.map((entry) => ({
      field: CustomFieldId.make(entry.field),
      value: entry.value,
    }))
  return patch
}

/**
 * Pure. How a Paperless document that was there before paperbridge differs from its source: what
 * a fill-only write replaces, and what it keeps because the source has nothing there.
 */
export const paperlessTargetDifferences = (
  current: PaperlessDocument,
  mapped: MappedPaperlessDocument,
  scope: PaperlessScope,
): TargetDifferences => {
  const patch = paperlessPatch(current, mapped, scope, { freshUpload: false, fillOnly: true })
  const classifiers = [
    ["correspondent", current.correspondent, mapped.correspondent],
    ["document type", current.document_type, mapped.documentType],
    ["storage path", current.storage_path ?? null, mapped.storagePath],
    ["archive serial number", current.archive_serial_number ?? null, mapped.archiveSerialNumber],
  ] as const
  const mappedTags = new Set(mapped.tags)
  const mappedFields = new Set(mapped.customFields.map((entry) => entry.field))
  const kept = [
    ...classifiers.filter(([, held, wanted]) => held !== null && wanted === null).map(([field]) => field),
    ...(current.tags.some((tag) => !mappedTags.has(tag)) ? ["tags"] : []),
    ...((current.custom_fields ?? []).some((entry) => !mappedFields.has(entry.field))
      ? ["custom fields"]
      : []),
  ]
  const replaced = [
    ...(patch.title === undefined ? [] : ["title"]),
    ...(patch.created === undefined ? [] : ["created"]),
    ...classifiers
      .filter(([, held, wanted]) => held !== null && wanted !== null && held !== wanted)
      .map(([field]) => field),
    ...((current.custom_fields ?? []).some(
      (entry) => mappedFields.has(entry.field) && entry.value !== null,
    ) && patch.custom_fields !== undefined
      ? ["custom fields"]
      : []),
  ]
  return { replaced, kept }
}

/** Writes the mapped metadata and adds the notes Paperless does not have yet (by text). */
export const applyToPaperless = (
  scope: PaperlessScope,
  targetId: number,
  mapped: MappedPaperlessDocument,
  options: ApplyOptions,
) =>
  Effect.gen(function* () {
    const paperless = yield* PaperlessClient
    const id = DocumentId.make(targetId)
    const current = yield* paperless.documents.get(id)
    const patch = paperlessPatch(current, mapped, scope, options)
    // Every PATCH bumps `modified`, even an empty one: send nothing when nothing differs.
    if (Object.keys(patch).length > 0) yield* paperless.documents.update(id, patch)
    const existing = new Set((current.notes ?? []).map((note) => note.note))
    if (options.exactNotes === true) {
      const wanted = new Map<string, number>()
      for (const note of mapped.notes) wanted.set(note, (wanted.get(note) ?? 0) + 1)
      for (const note of current.notes ?? []) {
        const left = wanted.get(note.note) ?? 0
        if (left > 0) wanted.set(note.note, left - 1)
        else yield* paperless.notes.delete(targetId, note.id)
      }
    }
    for (const note of mapped.notes) {
      if (existing.has(note)) continue
      yield* paperless.notes.add(targetId, note)
      existing.add(note)
    }
    return {
      settled: true,
      differences: options.fillOnly === true ? paperlessTargetDifferences(current, mapped, scope) : undefined,
    } satisfies Applied
  })

/** A Paperless document whose original has the same bytes (the checksum kind depends on the server). */
const findOnPaperless = (sha256: string, md5: string) =>
  Effect.gen(function* () {
    const paperless = yield* PaperlessClient
    const server = yield* paperless.server
    return yield* paperless.documents.findByChecksum(server.generation === "2.20" ? md5 : sha256)
  })

/** How long a crash's upload may sit in Paperless's queue before this run gives up on it. */
const QUEUED_UPLOAD_WAIT = "5 minutes"

export class UploadStillQueued extends Data.TaggedError("UploadStillQueued")<{
  readonly fileName: string
  readonly since: string
}> {
  override get message() {
    return `an upload of "${this.fileName}" posted at ${this.since} is still queued on Paperless after ${QUEUED_UPLOAD_WAIT} (is its worker running?); the next run looks for it again`
  }
}

/**
 * A crash between posting a file and saving its task id leaves the file possibly still in
 * Paperless's queue, where no checksum lookup can see it; 3.0 would then accept a second copy, and
 * 2.20 would accept the post and refuse it only at consumption. So wait until no consumption of a
 * file of that name, queued since the journal entry was written, is pending (2.20 has no
 * `/api/tasks/active/`: its task list by status, whose rows carry the file name). Older tasks of
 * the same name are not ours: a 2.20 whose worker died leaves them PENDING for ever.
 */
const awaitQueuedUpload = (fileName: string, since: DateTime.Utc) =>
  Effect.gen(function* () {
    const paperless = yield* PaperlessClient
    // Server and host clocks differ a little; a task from well before the entry is not ours.
    const earliest = DateTime.toEpochMillis(since) - 60_000
    const ours = (task: Task) =>
      task.name === "consume_file" &&
      task.fileName === fileName &&
      (task.dateCreated === null || Date.parse(task.dateCreated) >= earliest)
    // `repeat` answers the schedule's output, not the last look: keep that one here.
    let stillQueued = true
    const queued = paperless.tasks.active().pipe(
      Effect.map((tasks) => tasks.some(ours)),
      Effect.tap((waiting) =>
        Effect.sync(() => {
          stillQueued = waiting
        }),
      ),
    )
    yield* Effect.repeat(queued, {
      while: (waiting) => waiting,
      schedule: Schedule.exponential("500 millis", 1.5).pipe(
        Schedule.union(Schedule.spaced("10 seconds")),
        Schedule.upTo(QUEUED_UPLOAD_WAIT),
      ),
    })
    if (stillQueued) return yield* new UploadStillQueued({ fileName, since: DateTime.formatIso(since) })
  })

const TRASHED_TWIN =
  "Paperless refuses it as a duplicate of a document in its trash: restore that document or empty the trash, then run again"

/** What a consumption that ended in failure tells the user; a twin in the trash comes with what to do. */
const refusal = (error: PaperlessTaskFailed, twinInTrash: boolean) =>
  new ConsumptionRefused({
    reason: twinInTrash
      ? TRASHED_TWIN
      : `Paperless could not consume it (${error.reason}): ${error.serverMessage}`,
  })

/**
 * Follows one consumption to its end. A duplicate of a live document links to it; any other
 * failure is final for this task: the journal forgets it, so the next run posts the file again
 * (after the user emptied the trash, say) instead of following the same failed task for ever.
 */
const settleTask = (entryId: number, taskId: TaskUuid) =>
  Effect.gen(function* () {
    const paperless = yield* PaperlessClient
    const store = yield* StateStore
    const failed = (error: PaperlessTaskFailed) =>
      Effect.gen(function* () {
        let twinInTrash = error.reason === "duplicate" && error.existingInTrash === true
        if (error.reason === "duplicate" && !twinInTrash && error.existingDocumentId !== undefined) {
          // 3.0's v9 text names a trashed twin without saying so: a twin that is not there is in the trash.
          const twin = yield* paperless.documents.get(DocumentId.make(error.existingDocumentId)).pipe(
            Effect.map(() => true),
            Effect.catchIf(
              (cause) => cause._tag === "PaperlessApiError" && cause.status === 404,
              () => Effect.succeed(false),
            ),
          )
          if (twin) return { documentId: error.existingDocumentId, outcome: "linked-existing" as const }
          twinInTrash = true
        }
        const refused =
          error.reason === "unsupported-type"
            ? new PermanentRefusal({ reason: `Paperless cannot consume this type: ${error.serverMessage}` })
            : refusal(error, twinInTrash)
        yield* store.journal.abandonTask(entryId, refused.reason)
        return yield* refused
      })
    const watch = yield* TaskWatch
    return yield* watch.awaitTask(taskId, "30 minutes").pipe(
      Effect.map((documentId) => ({ documentId: documentId as number, outcome: "uploaded" as const })),
      Effect.catchTag("PaperlessTaskFailed", failed),
    )
  })

/** What a new Paperless document is posted with. */
export interface PaperlessPost {
  readonly fileName: string
  readonly mimeType: string
  readonly title: string
  readonly created: string | null
}

/** Paperless 3.0 keys originals by SHA-256, 2.20 by MD5: the one this server compares. */
const serverChecksum = (spooled: SpooledFile) =>
  Effect.map(
    Effect.flatMap(PaperlessClient, (paperless) => paperless.server),
    (server) => (server.generation === "2.20" ? spooled.md5 : spooled.sha256),
  )

/**
 * The stored original must be the bytes sent: a mismatch fails the document before it is linked.
 * On 3.0 a document found by checksum may hold later versions, and `/metadata/` then speaks of the
 * newest (seen on 3.0.5): the bytes sent count as stored when any of its versions has them.
 */
const checkStored = (documentId: number, spooled: SpooledFile) =>
  Effect.gen(function* () {
    const paperless = yield* PaperlessClient
    const id = DocumentId.make(documentId)
    const stored = (yield* paperless.documents.metadata(id)).original_checksum
    const sent = yield* serverChecksum(spooled)
    if (stored === sent) return
    const versions = (yield* paperless.documents.get(id)).versions ?? []
    if (versions.some((version) => version.checksum === sent)) return
    return yield* new ChecksumMismatch({ stage: "upload", expected: sent, actual: stored })
  })

/**
 * Settles an upload's journal entry with its link. When it replaces a carried copy, the link moves
 * in the same transaction: a crash before leaves the old link, which the next run replaces again,
 * finding this upload through the journal.
 */
const settleUpload = (
  state: RunState,
  entryId: number,
  sourceId: string,
  completion: JournalCompletion,
  replacing: boolean,
) =>
  Effect.flatMap(StateStore, (store) =>
    replacing
      ? store.transaction(
          Effect.zipRight(
            store.links.unlink(state.pair, DOCUMENT, sourceId),
            store.journal.complete(entryId, completion),
          ),
        )
      : store.journal.complete(entryId, completion),
  )

/**
 * Posts a spooled file to Paperless (or finds it there), journaled so a crash at any instant is
 * reconciled: a posted file is followed through its task, never posted twice. With `replacing`
 * (2.20: the source's file changed since it was carried, and 2.20 has no versions), the old copy
 * goes to Paperless's trash once the new document is there.
 */
export const uploadToPaperless = (
  state: RunState,
  sourceId: string,
  spooled: SpooledFile,
  post: PaperlessPost,
  replacing?: Link,
) =>
  Effect.gen(function* () {
    const paperless = yield* PaperlessClient
    const store = yield* StateStore
    const begun = yield* beginUpload(state, sourceId, spooled)
    let settled: { readonly documentId: number; readonly outcome: "uploaded" | "linked-existing" } | undefined
    if (begun._tag === "AlreadyDone" && begun.entry.targetId !== null)
      settled = { documentId: Number(begun.entry.targetId), outcome: "uploaded" }
    if (settled === undefined && begun._tag === "HalfDone" && begun.entry.taskId !== null) {
      // The upload was posted before the crash: follow its task instead of posting again.
      yield* discardSpooled(spooled)
      settled = yield* settleTask(begun.entry.id, begun.entry.taskId as TaskUuid)
    }
    if (settled === undefined && begun._tag === "HalfDone")
      yield* awaitQueuedUpload(post.fileName, begun.entry.updatedAt)
    if (settled === undefined) {
      const found = yield* findOnPaperless(spooled.sha256, spooled.md5)
      if (Option.isSome(found))
        settled = {
          documentId: found.value.id,
          outcome: begun._tag === "HalfDone" ? "uploaded" : "linked-existing",
        }
    }
    if (settled === undefined) {
      const taskId = yield* paperless.upload.postFromPath(spooled.path, {
        filename: post.fileName,
        mimeType: post.mimeType,
        title: post.title,
        ...(post.created === null ? {} : { created: post.created }),
      })
      yield* store.journal.recordTask(begun.entry.id, taskId)
      // Paperless has its own copy now, and only the checksums are wanted from here on: the file
      // does not wait on disk through the queue.
      yield* discardSpooled(spooled)
      settled = yield* settleTask(begun.entry.id, taskId)
    }
    const targetId = String(settled.documentId)
    yield* checkStored(settled.documentId, spooled)
    if (replacing !== undefined && replacing.targetId !== targetId)
      yield* retireOnPaperless(replacing.targetId)
    const twin = yield* store.links.findSource(state.pair, DOCUMENT, targetId)
    if (Option.isSome(twin) && twin.value.sourceId !== sourceId) {
      yield* settleUpload(state, begun.entry.id, sourceId, { targetId }, replacing !== undefined)
      return { _tag: "Duplicate", targetId, twinOf: twin.value.sourceId, bytes: spooled.size } as const
    }
    yield* settleUpload(
      state,
      begun.entry.id,
      sourceId,
      { targetId, link: { sha256: spooled.sha256, md5: spooled.md5 } },
      replacing !== undefined,
    )
    return { _tag: "Linked", targetId, outcome: settled.outcome, bytes: spooled.size } as const
  })

/** Moves a carried copy to Paperless's trash (a document already gone there is fine). */
const retireOnPaperless = (targetId: string) =>
  Effect.flatMap(PaperlessClient, (paperless) =>
    paperless.documents.delete(DocumentId.make(Number(targetId))),
  ).pipe(
    Effect.catchIf(
      (error) => error._tag === "PaperlessApiError" && error.status === 404,
      () => Effect.void,
    ),
  )

/**
 * Paperless 3.0: the source's new file becomes a new version of the carried document, which keeps
 * its id, notes and history. Journaled like an upload: after a crash the version is found on the
 * document (by SHA-256) or its task followed, never posted twice.
 */
export const addVersionOnPaperless = (
  state: RunState,
  sourceId: string,
  spooled: SpooledFile,
  fileName: string,
  link: Link,
) =>
  Effect.gen(function* () {
    const paperless = yield* PaperlessClient
    const store = yield* StateStore
    const id = DocumentId.make(Number(link.targetId))
    const hasVersion = Effect.map(paperless.documents.get(id), (document) =>
      (document.versions ?? []).some((version) => version.checksum === spooled.sha256),
    )
    const begun = yield* beginUpload(state, sourceId, spooled)
    let done = begun._tag === "AlreadyDone"
    if (!done && begun._tag === "HalfDone" && begun.entry.taskId !== null)
      yield* settleTask(begun.entry.id, begun.entry.taskId as TaskUuid)
    else if (!done && begun._tag === "HalfDone") yield* awaitQueuedUpload(fileName, begun.entry.updatedAt)
    done = done || (yield* hasVersion)
    if (!done) {
      const taskId = yield* paperless.upload.postVersionFromPath(Number(link.targetId), spooled.path, {
        filename: fileName,
      })
      yield* store.journal.recordTask(begun.entry.id, taskId)
      yield* discardSpooled(spooled)
      yield* settleTask(begun.entry.id, taskId)
      if (!(yield* hasVersion))
        return yield* new ChecksumMismatch({
          stage: "upload",
          expected: spooled.sha256,
          actual: "no version with it",
        })
    }
    yield* settleUpload(
      state,
      begun.entry.id,
      sourceId,
      { targetId: link.targetId, link: { sha256: spooled.sha256, md5: spooled.md5 } },
      true,
    )
    // The document was there before this file: its metadata is updated, not taken over whole.
    return {
      _tag: "Linked",
      targetId: link.targetId,
      outcome: "linked-existing",
      bytes: spooled.size,
    } as const
  })

const transfer = (state: RunState, document: PapraDocumentListItem, mapped: MappedPaperlessDocument) =>
  Effect.gen(function* () {
    const papra = yield* PapraClient
    const file = yield* papra.documents.download(PapraDocumentId.make(document.id))
    const spooled = yield* spool(file.stream, state.tempDirectory, "papra-file")
    if (spooled.sha256 !== document.originalSha256Hash)
      return yield* new ChecksumMismatch({
        stage: "download",
        expected: document.originalSha256Hash,
        actual: spooled.sha256,
      })
    return yield* uploadToPaperless(state, document.id as string, spooled, {
      fileName: mapped.originalFileName || document.originalName,
      mimeType: document.mimeType,
      title: mapped.title,
      created: mapped.created,
    })
  }).pipe(Effect.scoped)

const mapFromPapra = (context: MappingContext, sourceId: string) =>
  Effect.gen(function* () {
    const papra = yield* PapraClient
    const full = yield* papra.documents.get(PapraDocumentId.make(sourceId))
    const mapping = papraDocumentToPaperless(full, context)
    return { mapping, snapshot: documentSnapshot(mapping.document) }
  })

/** Carries one Papra document to Paperless: file once (through the consumer), then metadata. */
export const carryToPaperless = (state: RunState, document: PapraDocumentListItem) =>
  Effect.gen(function* () {
    const sourceId = document.id as string
    const { mapping, snapshot } = yield* mapFromPapra(state.context, sourceId)
    return yield* carryDocument(state, {
      sourceId,
      title: document.name,
      mapping,
      snapshot,
      transfer: withKnownFile(
        state,
        sourceId,
        Effect.succeed(document.originalSha256Hash),
        transfer(state, document, mapping.document),
      ),
      apply: (targetId, options) =>
        applyToPaperless(papraLinkedScope(state.context), Number(targetId), mapping.document, options),
      duplicateReason: (twinOf, targetId) =>
        `the same file as Papra document ${twinOf}, already on Paperless as ${targetId}`,
      targetName: "Paperless",
    })
  }).pipe(Effect.catchAll(recordFailure(state, document.id, document.name)))

/** The relations pass for one document, once every document it links to is on Paperless. */
export const relinkOnPaperless = (
  state: RunState,
  context: MappingContext,
  sourceId: string,
  targetId: string,
) =>
  Effect.gen(function* () {
    const store = yield* StateStore
    const { mapping, snapshot } = yield* mapFromPapra(context, sourceId)
    yield* applyToPaperless(papraLinkedScope(context), Number(targetId), mapping.document, {
      freshUpload: false,
    })
    if (mapping.pendingRelations.length > 0)
      yield* state.options.onEvent({
        type: "warning",
        message: `document ${sourceId}: links to documents that were not carried (${mapping.pendingRelations.flatMap((relation) => relation.missing).join(", ")})`,
      })
    yield* store.snapshots.save(state.pair, sourceId, snapshot)
  })
