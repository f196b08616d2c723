/**
 * What the engine tells the outside world while it runs. The CLI renders these as progress bars,
 * plain lines or JSON lines; library users subscribe to them. They never carry secrets.
 */
/** Between Paperless-ngx and Papra, either way: the mapping translates between the two models. */
export type BridgeDirection = "paperless-to-papra" | "papra-to-paperless"

/** A bridge, or a Paperless export carried into another Paperless-ngx (ids moved, nothing translated). */
export type Direction = BridgeDirection | "paperless-to-paperless"

export const targetSide = (direction: Direction): "paperless" | "papra" =>
  direction === "paperless-to-papra" ? "papra" : "paperless"

export const isBridge = (direction: Direction): direction is BridgeDirection =>
  direction !== "paperless-to-paperless"

export type DefinitionKind =
  | "tag"
  | "correspondent"
  | "document-type"
  | "storage-path"
  | "custom-field"
  | "select-option"

export type DocumentOutcome =
  /** The file was uploaded to the target. */
  | "uploaded"
  /** The target already held the same bytes; the documents were linked instead of duplicated. */
  | "linked-existing"
  /** Already linked; the metadata on the target was brought up to date. */
  | "updated"
  /** Already linked and up to date. */
  | "unchanged"
  /** Byte-identical to another source document already carried; the target keeps one copy. */
  | "duplicate"
  /**
   * The source's file changed after it was carried (a new Paperless 3.0 version, an archive that
   * Paperless made again): the target now has the new file with the same metadata, and the old
   * copy is in the target's trash.
   */
  | "file-replaced"
  /** The target's copy was deleted or trashed by hand (or forgotten): the document was carried anew. */
  | "carried-again"
  | "failed"

/** How a target document that was there before paperbridge differs from its source, by field. */
export interface TargetDifferences {
  /** The target's own value was replaced by the source's. */
  readonly replaced: ReadonlyArray<string>
  /** The target's own value stays: the source has nothing there. */
  readonly kept: ReadonlyArray<string>
}

/** A document linked to a file already on the target whose metadata there differed from the source. */
export interface LinkedWithDifferences extends TargetDifferences {
  readonly sourceId: string
  readonly targetId: string
  readonly title: string
}

export type SyncEvent =
  | {
      readonly type: "run-started"
      readonly runId: string
      readonly direction: Direction
      readonly dryRun: boolean
    }
  | { readonly type: "phase"; readonly phase: "definitions" | "documents" | "links" | "verify" }
  | {
      readonly type: "definition"
      readonly kind: DefinitionKind
      readonly name: string
      /** renamed, recoloured, deleted: a sync carried a change of a linked definition from the other side. */
      readonly action: "created" | "reused" | "unchanged" | "renamed" | "recoloured" | "deleted"
    }
  | {
      readonly type: "document"
      readonly sourceId: string
      readonly title: string
      readonly outcome: DocumentOutcome
      readonly targetId?: string
      readonly bytes?: number
      readonly reason?: string
      readonly targetDiffers?: TargetDifferences
    }
  /** The definitions phase is over: what it created and reused (the figures `plan` gave, less any race). */
  | { readonly type: "definitions"; readonly counts: DefinitionCounts }
  | { readonly type: "warning"; readonly message: string }
  | { readonly type: "run-finished"; readonly runId: string; readonly summary: RunSummary }

/**
 * Tags, classifiers, fields/properties and select options: what a run creates and reuses. `plan`
 * and `migrate` both take it from the same count of the definitions plan, so they agree.
 */
export interface DefinitionCounts {
  /** To create (plan) or created (run), select options of new and existing fields included. */
  readonly create: number
  readonly reuse: number
  /** `create` by kind. */
  readonly createByKind: Readonly<Partial<Record<DefinitionKind, number>>>
  readonly skipped: ReadonlyArray<{ readonly entity: string; readonly name: string; readonly reason: string }>
}

export interface RunSummary {
  readonly direction: Direction
  readonly startedAt: string
  readonly finishedAt: string
  readonly documents: Readonly<Record<DocumentOutcome, number>>
  readonly bytes: number
  readonly definitions: DefinitionCounts
  readonly failures: ReadonlyArray<{
    readonly sourceId: string
    readonly title: string
    readonly reason: string
  }>
  readonly lossiness: ReadonlyArray<string>
  /** Linked to files already on the target whose metadata there differed (see `TargetDifferences`). */
  readonly linkedWithDifferences?: ReadonlyArray<LinkedWithDifferences>
  /** Documents whose file was replaced or which were carried anew, each with what happened. */
  readonly notices?: ReadonlyArray<DocumentNotice>
}

/** A document a run had to treat specially because something changed on one side between runs. */
export interface DocumentNotice {
  readonly sourceId: string
  readonly title: string
  readonly outcome: "file-replaced" | "carried-again"
  readonly targetId?: string | undefined
  readonly detail: string
}

export const emptyOutcomeCounts = (): Record<DocumentOutcome, number> => ({
  uploaded: 0,
  "linked-existing": 0,
  updated: 0,
  unchanged: 0,
  duplicate: 0,
  "file-replaced": 0,
  "carried-again": 0,
  failed: 0,
})
