import {
  canonicalJson,
  documentSnapshot,
  type MappedPapraDocument,
  type MappingContext,
  type PapraPropertyValue,
  paperlessDocumentAsMapped,
  paperlessDocumentToPapra,
} from "@paperbridge/mapping"
import type { Document as PaperlessDocument } from "@paperbridge/paperless"
import {
  PapraApiError,
  PapraClient,
  type PapraClientShape,
  PapraCustomPropertyId,
  type PapraDocument,
  PapraDocumentId,
  type PapraEmbeddedCustomProperty,
  PapraTagId,
} from "@paperbridge/papra"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { JournalCompletion } from "../state/journal.js"
import type { Link } from "../state/links.js"
import { StateStore } from "../state/store.js"
import { type Applied, type ApplyOptions, carryDocument, type TargetDifferences } from "./carry.js"
import { ChecksumMismatch } from "./errors.js"
import { paperlessSourceSteps, spoolPaperlessFile } from "./paperless-file.js"
import type { PapraFileIndex } from "./papra-index.js"
import { beginUpload, type RunState, recordFailure } from "./run-state.js"

const DOCUMENT = "document" as const

/** Papra answered 409 "already exists" for bytes it then cannot show: an inconsistent server. */
export class PapraTwinMissing extends Data.TaggedError("PapraTwinMissing")<{ readonly sha256: string }> {
  override get message() {
    return `Papra says a file with SHA-256 ${this.sha256} already exists, but no document has it`
  }
}

/** Papra tags and properties that paperbridge manages: only these may be removed or cleared. */
const managedOnPapra = (context: MappingContext) => {
  const links = context.links
  const tags = new Set([
    ...links.tags.map((link) => link.papra),
    ...links.correspondents.map((link) => link.papra),
    ...links.documentTypes.map((link) => link.papra),
    ...links.storagePaths.map((link) => link.papra),
  ])
  const classifierProperties = [
    context.config.correspondent,
    context.config.documentType,
    context.config.storagePath,
  ]
    .filter((settings) => settings.as === "property")
    .map((settings) => settings.name.toLowerCase())
  const propertyNames = new Set([
    ...links.customFields.flatMap((link) => {
      const property = context.papraProperties.get(link.papra)
      return property === undefined ? [] : [property.name.toLowerCase()]
    }),
    ...classifierProperties,
    ...(context.config.asn.as === "property" ? [context.config.asn.name.toLowerCase()] : []),
  ])
  return { tags, propertyNames }
}

const dateOnly = (value: string | null | undefined) =>
  value === null || value === undefined ? null : value.slice(0, 10)

/** An embedded value in the shape it is written in: option, document and user ids, dates as dates. */
const embeddedAsInput = (embedded: PapraEmbeddedCustomProperty): unknown => {
  switch (embedded.type) {
    case "select":
      return embedded.value?.optionId ?? null
    case "multi_select":
      return embedded.value?.map((option) => option.optionId).sort() ?? null
    case "document_relation":
      return embedded.value?.map((related) => related.documentId).sort() ?? null
    case "user_relation":
      return embedded.value?.map((user) => user.userId).sort() ?? null
    case "date":
      return dateOnly(embedded.value)
    default:
      return embedded.value
  }
}

/** Papra reads an empty relation list back as no value (Paperless exports keep `[]`): the two are one. */
const asComparable = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.length === 0
      ? null
      : [...value].sort()
    : typeof value === "string" && /^\d{4}-\d{2}-\d{2}T/.test(value)
      ? value.slice(0, 10)
      : value

/** What differs between a Papra document and the mapping of its source: the writes that fix it. */
export interface PapraDrift {
  readonly patch: { name?: string; documentDate?: string | null; notes?: string; content?: string }
  readonly tagsToAdd: ReadonlyArray<string>
  readonly tagsToRemove: ReadonlyArray<string>
  readonly propertiesToSet: ReadonlyArray<{ readonly id: string; readonly value: PapraPropertyValue }>
  readonly propertiesToClear: ReadonlyArray<string>
}

/**
 * Pure. Only tags and properties paperbridge manages are removed or cleared (a user's own Papra
 * tags stay); content is compared only when the source had some. With `fillOnly` (a file that was
 * on Papra before paperbridge linked it) nothing is removed or cleared at all: what the source has
 * is written, what only the target has is kept.
 */
export const papraDrift = (
  current: PapraDocument,
  mapped: MappedPapraDocument,
  context: MappingContext,
  options: { readonly fillOnly?: boolean } = {},
): PapraDrift => {
  const fillOnly = options.fillOnly === true
  const patch: PapraDrift["patch"] = {}
  if (current.name !== mapped.name) patch.name = mapped.name
  if (
    dateOnly(current.documentDate) !== dateOnly(mapped.documentDate) &&
    !(fillOnly && mapped.documentDate === null)
  )
    patch.documentDate = mapped.documentDate
  if ((current.notes ?? "") !== (mapped.notes ?? "") && !(fillOnly && (mapped.notes ?? "") === ""))
    patch.notes = mapped.notes ?? ""
  if (mapped.content !== undefined && mapped.content.trim() !== "" && current.content !== mapped.content)
    patch.content = mapped.content
  const managed = managedOnPapra(context)
  const currentTags = new Set<string>(current.tags.map((tag) => tag.id))
  const wanted = new Set(mapped.tagIds)
  const byName = new Map(context.papra.properties.map((property) => [property.name, property.id]))
  const currentValues = new Map(
    current.customProperties.flatMap((embedded) => {
      const id = byName.get(embedded.name)
      return id === undefined ? [] : [[id, { embedded, value: embeddedAsInput(embedded) }] as const]
    }),
  )
  const wantedValues = new Map(mapped.properties.map((entry) => [entry.propertyDefinitionId, entry.value]))
  return {
    patch,
    tagsToAdd: [...wanted].filter((tag) => !currentTags.has(tag)),
    tagsToRemove: fillOnly ? [] : [...currentTags].filter((tag) => !wanted.has(tag) && managed.tags.has(tag)),
    propertiesToSet: [...wantedValues]
      .filter(
        ([id, value]) =>
          canonicalJson(asComparable(currentValues.get(id)?.value ?? null)) !==
          canonicalJson(asComparable(value)),
      )
      .map(([id, value]) => ({ id, value })),
    propertiesToClear: fillOnly
      ? []
      : [...currentValues]
          .filter(
            ([id, current]) =>
              current.value !== null &&
              !wantedValues.has(id) &&
              managed.propertyNames.has(current.embedded.name.toLowerCase()),
          )
          .map(([id]) => id),
  }
}

/**
 * Pure. How a Papra document that was there before paperbridge differs from its source: what a
 * fill-only write replaces, and what it keeps because the source has nothing there.
 */
export const papraTargetDifferences = (
  current: PapraDocument,
  mapped: MappedPapraDocument,
  context: MappingContext,
): TargetDifferences => {
  const drift = papraDrift(current, mapped, context, { fillOnly: true })
  const wanted = new Set(mapped.tagIds)
  const wantedNames = new Set(
    mapped.properties.flatMap((entry) => {
      const property = context.papra.properties.find(
        (candidate) => candidate.id === entry.propertyDefinitionId,
      )
      return property === undefined ? [] : [property.name]
    }),
  )
  const kept = [
    ...(mapped.documentDate === null && current.documentDate !== null && current.documentDate !== undefined
      ? ["document date"]
      : []),
    ...((mapped.notes ?? "") === "" && (current.notes ?? "") !== "" ? ["notes"] : []),
    ...(current.tags.some((tag) => !wanted.has(tag.id)) ? ["tags"] : []),
    ...(current.customProperties.some(
      (property) => property.value !== null && !wantedNames.has(property.name),
    )
      ? ["custom properties"]
      : []),
  ]
  const held = (value: string | null | undefined) => value !== null && value !== undefined && value !== ""
  const replaced = [
    ...(drift.patch.name === undefined ? [] : ["name"]),
    ...(drift.patch.documentDate !== undefined && held(current.documentDate) ? ["document date"] : []),
    ...(drift.patch.notes !== undefined && held(current.notes) ? ["notes"] : []),
    ...(drift.propertiesToSet.some(({ id }) => {
      const name = context.papra.properties.find((property) => property.id === id)?.name
      return current.customProperties.some((property) => property.name === name && property.value !== null)
    })
      ? ["custom properties"]
      : []),
  ]
  return { replaced, kept }
}

export const driftFields = (drift: PapraDrift): ReadonlyArray<string> => [
  ...Object.keys(drift.patch),
  ...(drift.tagsToAdd.length + drift.tagsToRemove.length > 0 ? ["tags"] : []),
  ...(drift.propertiesToSet.length + drift.propertiesToClear.length > 0 ? ["custom properties"] : []),
]

/**
 * Brings one Papra document's metadata to what the mapping says, writing only what differs.
 * Papra's background extraction overwrites `content` whenever it finishes
 * (documents.usecases.ts `extractAndSaveDocumentFileContent` in papra-hq/papra), so a carried
 * content is settled only once the extraction has run; until then the base is not saved and the
 * next run looks again.
 */
export const applyToPapra = (
  papra: PapraClientShape,
  context: MappingContext,
  targetId: PapraDocumentId,
  mapped: MappedPapraDocument,
  options: ApplyOptions,
) =>
  Effect.gen(function* () {
    const wantsContent = mapped.content !== undefined && mapped.content.trim() !== ""
    let extracted = true
    let current: PapraDocument
    if (options.freshUpload && wantsContent) {
      const waited = yield* papra.documents.waitForContent(targetId)
      current = waited.document
      extracted = waited.extracted
    } else {
      current = yield* papra.documents.get(targetId)
      if (options.unsettled === true && wantsContent)
        extracted = yield* papra.documents.extractionDone(targetId)
    }
    const fillOnly = options.fillOnly === true
    const drift = papraDrift(current, mapped, context, { fillOnly })
    if (Object.keys(drift.patch).length > 0) yield* papra.documents.update(targetId, drift.patch)
    // One call for every tag: the batch route skips tags already there, so a replay is harmless.
    if (drift.tagsToAdd.length + drift.tagsToRemove.length > 0)
      yield* papra.documents.batchTags({
        filter: { documentIds: [targetId] },
        ...(drift.tagsToAdd.length > 0
          ? { addTagIds: drift.tagsToAdd.map((id) => PapraTagId.make(id)) }
          : {}),
        ...(drift.tagsToRemove.length > 0
          ? { removeTagIds: drift.tagsToRemove.map((id) => PapraTagId.make(id)) }
          : {}),
      })
    for (const { id, value } of drift.propertiesToSet)
      yield* papra.customProperties.setValue(targetId, PapraCustomPropertyId.make(id), value)
    for (const id of drift.propertiesToClear)
      yield* papra.customProperties.clearValue(targetId, PapraCustomPropertyId.make(id))
    return {
      settled: extracted,
      differences: fillOnly ? papraTargetDifferences(current, mapped, context) : undefined,
    } satisfies Applied
  })

const conflictingSource = (state: RunState, targetId: string, sourceId: string) =>
  Effect.flatMap(StateStore, (store) => store.links.findSource(state.pair, DOCUMENT, targetId)).pipe(
    Effect.map((link) => Option.filter(link, (found) => found.sourceId !== sourceId)),
  )

/** Papra moves a deleted document to its trash, and answers 200 again for one already there. */
export const retireOnPapra = (papra: PapraClientShape, targetId: string) =>
  papra.documents.delete(PapraDocumentId.make(targetId)).pipe(
    Effect.catchIf(
      (error) => error instanceof PapraApiError && error.status === 404,
      () => Effect.void,
    ),
  )

/**
 * Uploads (or finds) the file on Papra, journaled so a crash at any instant is reconciled. With
 * `replacing` (the source's file changed since it was carried there), the old copy goes to
 * Papra's trash once the new one is there, and the link moves in the same transaction that
 * settles the journal: a crash in between leaves the link on a trashed copy, which the next run
 * sees as gone and carries anew, finding the new upload through the journal.
 */
const transfer = (
  state: RunState,
  document: PaperlessDocument,
  mapped: MappedPapraDocument,
  papraIndex: PapraFileIndex,
  replacing?: Link,
) =>
  Effect.gen(function* () {
    const store = yield* StateStore
    const papra = yield* PapraClient
    const sourceId = String(document.id)
    const { spooled, fileName, mimeType } = yield* spoolPaperlessFile(state, document, mapped.originalName)
    const begun = yield* beginUpload(state, sourceId, spooled)
    // After a crash (HalfDone) the file may be on Papra already because of us: that is an upload.
    const foundOutcome = begun._tag === "Started" ? "linked-existing" : "uploaded"
    let found: { readonly targetId: string; readonly outcome: "uploaded" | "linked-existing" } | undefined
    if (begun._tag === "AlreadyDone" && begun.entry.targetId !== null)
      found = { targetId: begun.entry.targetId, outcome: "uploaded" }
    // After a crash the index (active documents) shows an upload that went through; one the user
    // trashed since is restored by uploading again, under its id: no scan of the trash needed.
    const indexed = papraIndex.get(spooled.sha256)
    if (found === undefined && indexed !== undefined) found = { targetId: indexed, outcome: foundOutcome }
    const claim = found === undefined ? yield* papraIndex.claim(spooled.sha256) : undefined
    if (claim?._tag === "Twin") found = { targetId: claim.documentId, outcome: foundOutcome }
    if (found === undefined) {
      found = yield* papra.documents.upload({ path: spooled.path, fileName, mimeType }).pipe(
        Effect.flatMap((made) =>
          made.originalSha256Hash === spooled.sha256
            ? Effect.succeed({ targetId: made.id as string, outcome: "uploaded" as const })
            : new ChecksumMismatch({
                stage: "upload",
                expected: spooled.sha256,
                actual: made.originalSha256Hash,
              }),
        ),
        Effect.catchIf(
          (error) => error instanceof PapraApiError && error.code === "document.already_exists",
          () =>
            Effect.gen(function* () {
              if (papraIndex.get(spooled.sha256) === undefined) yield* papraIndex.refreshOnce
              const twin = papraIndex.get(spooled.sha256)
              if (twin === undefined) return yield* new PapraTwinMissing({ sha256: spooled.sha256 })
              return { targetId: twin, outcome: "linked-existing" as const }
            }),
        ),
      )
    }
    const { targetId, outcome } = found
    papraIndex.set(spooled.sha256, targetId)
    const twin = yield* conflictingSource(state, targetId, sourceId)
    if (replacing !== undefined && replacing.targetId !== targetId) {
      yield* retireOnPapra(papra, replacing.targetId)
      if (replacing.sha256 !== null) papraIndex.forget(replacing.sha256)
    }
    const settle = (completion: JournalCompletion) =>
      replacing === undefined
        ? store.journal.complete(begun.entry.id, completion)
        : store.transaction(
            Effect.zipRight(
              store.links.unlink(state.pair, DOCUMENT, sourceId),
              store.journal.complete(begun.entry.id, completion),
            ),
          )
    if (Option.isSome(twin)) {
      yield* settle({ targetId })
      if (claim?._tag === "Mine") claim.settle(targetId)
      return { _tag: "Duplicate", targetId, twinOf: twin.value.sourceId, bytes: spooled.size } as const
    }
    yield* settle({ targetId, link: { sha256: spooled.sha256, md5: spooled.md5 } })
    if (claim?._tag === "Mine") claim.settle(targetId)
    return { _tag: "Linked", targetId, outcome, bytes: spooled.size } as const
  }).pipe(Effect.scoped)

/** Carries one Paperless document to Papra: file once, then metadata until it matches. */
export const carryToPapra = (state: RunState, document: PaperlessDocument, papraIndex: PapraFileIndex) =>
  Effect.gen(function* () {
    const papra = yield* PapraClient
    const mapped = paperlessDocumentToPapra(document, state.context)
    const steps = paperlessSourceSteps(state, document, mapped, "Papra", (replacing) =>
      transfer(state, document, mapped.document, papraIndex, replacing),
    )
    return yield* carryDocument(state, {
      ...steps,
      snapshot: documentSnapshot(paperlessDocumentAsMapped(document, state.context)),
      apply: (targetId, options) =>
        applyToPapra(papra, state.context, PapraDocumentId.make(targetId), mapped.document, options),
      duplicateReason: (twinOf, targetId) =>
        `the same file as Paperless document ${twinOf}, already on Papra as ${targetId} (Papra keeps one copy per file)`,
    })
  }).pipe(Effect.catchAll(recordFailure(state, String(document.id), document.title)))
