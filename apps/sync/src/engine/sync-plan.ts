import {
  type ConflictPolicy,
  changedFields,
  type DocumentSnapshot,
  type FieldConflict,
  mergeDocument,
  otherSide,
  type SnapshotField,
  type SyncSide,
} from "@paperbridge/mapping"

/**
 * The pure core of `sync`: given what each side holds now for every linked document, and what both
 * held after the last sync (the base), decide what to write where. No I/O: the engine reads the
 * sides, calls `planSync`, then carries out the actions, saving the base after each.
 */

/** One side of a linked document, as this run found it. */
export type SideState =
  | {
      readonly _tag: "Present"
      readonly snapshot: DocumentSnapshot
      /** SHA-256 of the file the side serves now (Paperless 3.0: its newest version). */
      readonly fileSha256: string
      /** When the side last changed it, where the side knows (for `--conflict newest`). */
      readonly changedAt?: string | undefined
    }
  /** In the side's trash: a person deleted it there. */
  | { readonly _tag: "Trashed" }
  /** Not on the side at all (deleted for good, or never readable). */
  | { readonly _tag: "Gone" }

export interface LinkedState {
  readonly paperlessId: string
  readonly papraId: string
  readonly base: DocumentSnapshot
  /** SHA-256 of the file both sides held after the last sync. */
  readonly baseFileSha256: string
  readonly paperless: SideState
  readonly papra: SideState
}

/**
 * What to do with one linked document. `L` is the caller's record of the link (the engine's carries
 * the stored link and title), handed back in each action so nothing is looked up or cast again.
 */
export type SyncAction<L extends LinkedState = LinkedState> =
  | { readonly _tag: "Unchanged"; readonly link: L }
  /** Write `snapshot` to each side in `to`, then save it as the base. */
  | {
      readonly _tag: "Write"
      readonly link: L
      readonly snapshot: DocumentSnapshot
      readonly to: ReadonlyArray<{ readonly side: SyncSide; readonly fields: ReadonlyArray<SnapshotField> }>
    }
  /**
   * The same field changed differently on both sides and the policy did not settle it, or both
   * sides took a different new file: write nothing until a later run or a hand edit settles it.
   */
  | {
      readonly _tag: "Conflict"
      readonly link: L
      readonly conflicts: ReadonlyArray<FieldConflict>
      readonly files?: { readonly paperless: string; readonly papra: string } | undefined
    }
  /**
   * The file changed on `from` (a new version): the merged metadata is written to `from` first
   * (`toFrom`: what it lacks), then the file and that metadata are carried to the other side.
   */
  | {
      readonly _tag: "ReplaceFile"
      readonly link: L
      readonly from: SyncSide
      readonly snapshot: DocumentSnapshot
      readonly toFrom: ReadonlyArray<SnapshotField>
    }
  /** Deleted on `from`, untouched on the other side: trash it there too and keep a tombstone. */
  | { readonly _tag: "Trash"; readonly link: L; readonly on: SyncSide }
  /**
   * Deleted on `deletedOn` while the other side edited it: the edit wins. Carried back to `deletedOn`
   * (restored from its trash where that side can, else carried anew), and reported.
   */
  | { readonly _tag: "KeepEdited"; readonly link: L; readonly deletedOn: SyncSide }
  /** Gone from both sides: only the tombstone remains. */
  | { readonly _tag: "Forget"; readonly link: L }

export interface DeleteGuard {
  /** At most this many documents trashed on one side in one run (`--max-delete`, default 50)… */
  readonly maxDocuments: number
  /** …and at most this share of the side's linked documents (default 0.1, rounded up: one of five may go). */
  readonly maxShare: number
  /** `--force-delete`: the user has seen the figures and wants the deletes. */
  readonly force: boolean
}

export const defaultDeleteGuard: DeleteGuard = { maxDocuments: 50, maxShare: 0.1, force: false }

export type SyncPlan<L extends LinkedState = LinkedState> =
  | { readonly _tag: "Planned"; readonly actions: ReadonlyArray<SyncAction<L>> }
  /** Nothing is written, not even the edits: a run that would delete this much is stopped whole. */
  | {
      readonly _tag: "Refused"
      readonly side: SyncSide
      readonly reason: string
      readonly deletes: number
      readonly linked: number
    }

const isGone = (state: SideState) => state._tag !== "Present"

const sideValue = (link: LinkedState, side: SyncSide) => (side === "paperless" ? link.paperless : link.papra)

/** What `side` needs written to hold `merged`; content a side did not read (null) is no difference. */
const fieldsToWrite = (
  side: SyncSide,
  state: SideState,
  merged: DocumentSnapshot,
): ReadonlyArray<SnapshotField> =>
  state._tag !== "Present"
    ? []
    : changedFields(state.snapshot, merged).filter(
        (field) =>
          (field !== "contentSha256" || state.snapshot.contentSha256 !== null) &&
          // Paperless always has a date: "no date" cannot be written there, only left alone.
          !(side === "paperless" && field === "created" && merged.created === null),
      )

/**
 * A Papra document without a date became a Paperless one with whatever date Paperless gave it:
 * while the base has no date, Paperless's is not a person's change to carry.
 */
const notHeldBy = (link: LinkedState): Partial<Record<SyncSide, ReadonlyArray<SnapshotField>>> => ({
  paperless: link.base.created === null ? ["created"] : [],
})

/** A present side that differs from the base, in metadata or in its file. */
const editedSince = (link: LinkedState, side: SyncSide) => {
  const state = sideValue(link, side)
  if (state._tag !== "Present") return false
  if (state.fileSha256 !== link.baseFileSha256) return true
  const hidden: ReadonlyArray<SnapshotField> = notHeldBy(link)[side] ?? []
  return changedFields(link.base, state.snapshot).some(
    // A side that did not read its content (a Papra list) did not change it.
    (field) =>
      (field !== "contentSha256" || state.snapshot.contentSha256 !== null) && !hidden.includes(field),
  )
}

const planLinked = <L extends LinkedState>(link: L, policy: ConflictPolicy): SyncAction<L> => {
  const { paperless, papra } = link
  if (isGone(paperless) && isGone(papra)) return { _tag: "Forget", link }
  for (const deletedOn of ["paperless", "papra"] as const) {
    if (!isGone(sideValue(link, deletedOn))) continue
    return editedSince(link, otherSide(deletedOn))
      ? { _tag: "KeepEdited", link, deletedOn }
      : { _tag: "Trash", link, on: otherSide(deletedOn) }
  }
  if (paperless._tag !== "Present" || papra._tag !== "Present") return { _tag: "Forget", link }
  const paperlessFile = paperless.fileSha256 !== link.baseFileSha256
  const papraFile = papra.fileSha256 !== link.baseFileSha256
  if (paperlessFile && papraFile && paperless.fileSha256 !== papra.fileSha256)
    return {
      _tag: "Conflict",
      link,
      conflicts: [],
      files: { paperless: paperless.fileSha256, papra: papra.fileSha256 },
    }
  const result = mergeDocument({
    base: link.base,
    paperless: paperless.snapshot,
    papra: papra.snapshot,
    policy,
    changedAt: { paperless: paperless.changedAt, papra: papra.changedAt },
    notHeldBy: notHeldBy(link),
  })
  if (result.merged === null) return { _tag: "Conflict", link, conflicts: result.unresolved }
  const merged = result.merged
  // Papra keeps one file per document and Paperless a version chain: a new file travels as a
  // file, with the merged metadata, from the side that has both.
  if (paperlessFile !== papraFile) {
    const from = paperlessFile ? "paperless" : "papra"
    return {
      _tag: "ReplaceFile",
      link,
      from,
      snapshot: merged,
      toFrom: fieldsToWrite(from, sideValue(link, from), merged),
    }
  }
  const to = (["paperless", "papra"] as const).flatMap((side) => {
    const fields = fieldsToWrite(side, sideValue(link, side), merged)
    return fields.length === 0 ? [] : [{ side, fields }]
  })
  const baseMoves = changedFields(link.base, merged).length > 0
  return to.length === 0 && !baseMoves
    ? { _tag: "Unchanged", link }
    : { _tag: "Write", link, snapshot: merged, to }
}

/**
 * One-way sync (`--direction`): the master's document is the truth. Its deletions, files and
 * edits are carried; the other side's own edits are overwritten (the engine reports them) and a
 * copy deleted there is carried back (`KeepEdited` on that side).
 */
const planOneWay = <L extends LinkedState>(link: L, master: SyncSide): SyncAction<L> => {
  const copy = otherSide(master)
  const [held, mirrored] = [sideValue(link, master), sideValue(link, copy)]
  if (isGone(held) && isGone(mirrored)) return { _tag: "Forget", link }
  if (held._tag !== "Present") return { _tag: "Trash", link, on: copy }
  if (mirrored._tag !== "Present") return { _tag: "KeepEdited", link, deletedOn: copy }
  if (held.fileSha256 !== link.baseFileSha256 && held.fileSha256 !== mirrored.fileSha256)
    return { _tag: "ReplaceFile", link, from: master, snapshot: held.snapshot, toFrom: [] }
  const fields = fieldsToWrite(copy, mirrored, held.snapshot)
  if (fields.length > 0) return { _tag: "Write", link, snapshot: held.snapshot, to: [{ side: copy, fields }] }
  return changedFields(link.base, held.snapshot).length > 0
    ? { _tag: "Write", link, snapshot: held.snapshot, to: [] }
    : { _tag: "Unchanged", link }
}

/**
 * Plans a sync over every linked document. Deletes are guarded the way users of other sync tools
 * learned to want (peers-and-traps.md: rclone's `--max-delete`, vdirsyncer's empty-side check): a
 * side that lists nothing at all, or a run that would trash more than the guard allows on one side,
 * is refused before anything is written.
 */
export const planSync = <L extends LinkedState>(
  links: ReadonlyArray<L>,
  options: {
    readonly policy: ConflictPolicy
    readonly guard: DeleteGuard
    /** One-way sync: the side that is master; two-way without it. */
    readonly master?: SyncSide | undefined
  },
): SyncPlan<L> => {
  const { master } = options
  const actions = links.map((link) =>
    master === undefined ? planLinked(link, options.policy) : planOneWay(link, master),
  )
  if (!options.guard.force && links.length > 0) {
    for (const side of ["paperless", "papra"] as const) {
      const emptied = links.every((link) => isGone(sideValue(link, otherSide(side))))
      const deletes = actions.filter((action) => action._tag === "Trash" && action.on === side).length
      if (deletes === 0) continue
      const allowed = Math.min(options.guard.maxDocuments, Math.ceil(links.length * options.guard.maxShare))
      if (emptied)
        return {
          _tag: "Refused",
          side,
          deletes,
          linked: links.length,
          reason: `${otherSide(side)} lists none of the ${links.length} linked documents; a side that emptied is taken for a wrong address or a broken server, so nothing is deleted on ${side} (--force-delete to delete anyway)`,
        }
      if (deletes > allowed)
        return {
          _tag: "Refused",
          side,
          deletes,
          linked: links.length,
          reason: `this run would trash ${deletes} of ${links.length} linked documents on ${side}, more than --max-delete allows (${allowed}); nothing was written (--force-delete to go ahead)`,
        }
    }
  }
  return { _tag: "Planned", actions }
}
