import type { DocumentLoss } from "@paperbridge/mapping"
import type { Document as PaperlessDocument } from "@paperbridge/paperless"
import * as Effect from "effect/Effect"
import type { Link } from "../state/links.js"
import { spool } from "../transfer/spool.js"
import type { ChangeHint, Transferred } from "./carry.js"
import { ChecksumMismatch } from "./errors.js"
import { carriedFileChanged, paperlessFileFingerprint, withKnownFile } from "./known-files.js"
import { PaperlessSource } from "./paperless-source.js"
import { carriedVersion, versionLoss } from "./paperless-versions.js"
import type { RunState } from "./run-state.js"

/**
 * The file a run carries of a Paperless source document (original or archive; on 3.0 the chosen
 * version), spooled to the run's temp directory, with the name and type it is uploaded under.
 */
export const spoolPaperlessFile = (state: RunState, document: PaperlessDocument, originalName: string) =>
  Effect.gen(function* () {
    const source = yield* PaperlessSource
    const version = carriedVersion(document, state.options.versions)
    const file = yield* source.download(
      document,
      state.options.file,
      version === undefined || version.leftBehind === 0 ? undefined : version.id,
    )
    const spooled = yield* spool(file.stream, state.tempDirectory, `paperless-${document.id}`)
    // 3.0 lists each version's SHA-256: a damaged download is caught before anything is sent.
    if (state.options.file === "original" && version !== undefined && version.sha256 !== spooled.sha256)
      return yield* new ChecksumMismatch({
        stage: "download",
        expected: version.sha256,
        actual: spooled.sha256,
      })
    const archived = state.options.file === "archive" && file.contentType === "application/pdf"
    return {
      spooled,
      fileName: archived ? originalName.replace(/\.[^.]*$/, ".pdf") : originalName,
      mimeType: archived
        ? "application/pdf"
        : (document.mime_type ?? file.contentType ?? "application/octet-stream"),
    }
  })

/**
 * The parts of a Paperless source document's step that do not depend on the target: its mapping
 * with the versions that stay behind, and its file move (first carry, or a replacement of the
 * carried file) wrapped with what earlier runs learnt about the file.
 */
export const paperlessSourceSteps = <M extends { readonly losses: ReadonlyArray<DocumentLoss> }, E, R>(
  state: RunState,
  document: PaperlessDocument,
  mapped: M,
  target: "Papra" | "Paperless",
  transfer: (replacing?: Link) => Effect.Effect<Transferred, E, R>,
) => {
  const sourceId = String(document.id)
  const moveFile = (replacing?: Link) =>
    withKnownFile(state, sourceId, paperlessFileFingerprint(state, document), transfer(replacing))
  return {
    sourceId,
    title: document.title,
    mapping: {
      ...mapped,
      losses: [...mapped.losses, ...versionLoss(document, state.options.versions, target)],
    },
    transfer: moveFile(),
    replace: moveFile,
    fileChanged: (link: Link, hint: ChangeHint) => carriedFileChanged(state.options, document, link, hint),
    targetName: target,
  }
}
