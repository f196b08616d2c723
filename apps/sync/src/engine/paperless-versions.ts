import type { DocumentLoss } from "@paperbridge/mapping"
import type { Document as PaperlessDocument } from "@paperbridge/paperless"
import type { EngineOptions } from "./options.js"

/** The one file of a Paperless 3.0 document that a run carries, when it has versions. */
export interface CarriedVersion {
  /** The version's own id: `?version=` on the download selects it. */
  readonly id: number
  /** SHA-256 of that version's original: what the download must hash to, and Papra's dedupe key. */
  readonly sha256: string
  /** Versions that stay behind on Paperless (Papra keeps one file per document). */
  readonly leftBehind: number
}

/**
 * Pure. 3.0 lists a document's versions (the root among them); 2.20 lists none, and then there is
 * only one file. Version rows take their ids from the documents' sequence, so the highest id is
 * the newest: `/download/` without `?version=` serves that one. `--versions root` carries the
 * first file instead.
 */
export const carriedVersion = (
  document: PaperlessDocument,
  choice: EngineOptions["versions"] = "newest",
): CarriedVersion | undefined => {
  const versions = document.versions ?? []
  if (versions.length === 0) return undefined
  const newest = versions.reduce((latest, version) => (version.id > latest.id ? version : latest))
  const chosen = choice === "root" ? (versions.find((version) => version.is_root) ?? newest) : newest
  return { id: chosen.id, sha256: chosen.checksum, leftBehind: versions.length - 1 }
}

/** Pure. What the lossiness report says about a document whose other versions are not carried. */
export const versionLoss = (
  document: PaperlessDocument,
  choice: EngineOptions["versions"] = "newest",
  target: "Papra" | "Paperless" = "Papra",
): ReadonlyArray<DocumentLoss> => {
  const carried = carriedVersion(document, choice)
  if (carried === undefined || carried.leftBehind === 0) return []
  const [where, why] =
    target === "Papra"
      ? ["on Paperless", "Papra keeps one file per document"]
      : ["in the source", "the copy starts with that one version"]
  const reason =
    choice === "root"
      ? `later versions stay behind ${where} (--versions root carries the first; ${why})`
      : `older versions stay behind ${where} (the newest is carried; ${why})`
  return [{ field: "versions", fidelity: "lost", reason }]
}
