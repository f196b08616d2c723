import {
  type CopyContext,
  type CopyLinks,
  documentSnapshot,
  type PaperlessDefinitions,
  paperlessDocumentToPaperlessCopy,
} from "@paperbridge/mapping"
import { PaperlessClient, type Document as PaperlessDocument } from "@paperbridge/paperless"
import * as Effect from "effect/Effect"
import type { Link } from "../state/links.js"
import { carryDocument } from "./carry.js"
import { paperlessSourceSteps, spoolPaperlessFile } from "./paperless-file.js"
import { type RunState, recordFailure } from "./run-state.js"
import {
  addVersionOnPaperless,
  applyToPaperless,
  type PaperlessScope,
  uploadToPaperless,
} from "./to-paperless.js"

/**
 * A Paperless source (an export) carried into another Paperless-ngx. Everything a carried document
 * points at is linked, so the target's tags and fields paperbridge linked are its to manage; the
 * target's own others stay.
 */
export const copyScope = (links: CopyLinks, target: PaperlessDefinitions): PaperlessScope => ({
  managedTags: new Set(links.tags.values()),
  managedFields: new Set(links.customFields.values()),
  fields: new Map(target.customFields.map((field) => [field.id, field])),
})

/**
 * The file once (or, when the source's file changed since it was carried: a new version on 3.0,
 * a new document with the old one trashed on 2.20, which has no versions).
 */
const transfer = (
  state: RunState,
  document: PaperlessDocument,
  mapped: ReturnType<typeof paperlessDocumentToPaperlessCopy>["document"],
  replacing?: Link,
) =>
  Effect.gen(function* () {
    const sourceId = String(document.id)
    const { spooled, fileName, mimeType } = yield* spoolPaperlessFile(
      state,
      document,
      mapped.originalFileName,
    )
    const server = yield* Effect.flatMap(PaperlessClient, (paperless) => paperless.server)
    if (replacing !== undefined && server.generation !== "2.20")
      return yield* addVersionOnPaperless(state, sourceId, spooled, fileName, replacing)
    return yield* uploadToPaperless(
      state,
      sourceId,
      spooled,
      { fileName, mimeType, title: mapped.title, created: mapped.created },
      replacing,
    )
  }).pipe(Effect.scoped)

/** Carries one document of a Paperless source into a Paperless-ngx target: file once, then metadata. */
export const carryCopyToPaperless = (
  state: RunState,
  document: PaperlessDocument,
  copy: CopyContext,
  scope: PaperlessScope,
) =>
  Effect.gen(function* () {
    const mapped = paperlessDocumentToPaperlessCopy(document, copy)
    const steps = paperlessSourceSteps(state, document, mapped, "Paperless", (replacing) =>
      transfer(state, document, mapped.document, replacing),
    )
    return yield* carryDocument(state, {
      ...steps,
      snapshot: documentSnapshot(mapped.document),
      apply: (targetId, options) => applyToPaperless(scope, Number(targetId), mapped.document, options),
      duplicateReason: (twinOf, targetId) =>
        `the same file as source document ${twinOf}, already on Paperless as ${targetId}`,
    })
  }).pipe(Effect.catchAll(recordFailure(state, String(document.id), document.title)))
