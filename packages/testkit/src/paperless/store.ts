import { createHash, randomBytes } from "node:crypto"
import { Clock, type Micros } from "./clock.js"

/**
 * The simulator's whole state, in memory. Plain records and maps: the route modules read and write
 * them directly, as the real server's views do with the ORM.
 */
export type Generation = "3.0" | "2.20"

export interface ObjectPermissions {
  viewUsers: Array<number>
  viewGroups: Array<number>
  changeUsers: Array<number>
  changeGroups: Array<number>
}

export const noPermissions = (): ObjectPermissions => ({
  viewUsers: [],
  viewGroups: [],
  changeUsers: [],
  changeGroups: [],
})

export interface UserRecord {
  readonly id: number
  username: string
  password: string
  token: string
  email: string
  firstName: string
  lastName: string
  isSuperuser: boolean
  isStaff: boolean
  isActive: boolean
  /** Django codenames such as `view_document`; a superuser has every permission implicitly. */
  permissions: Set<string>
  groups: Array<number>
  dateJoined: Micros
}

export interface GroupRecord {
  readonly id: number
  name: string
  permissions: Array<string>
}

export type MatchingKind = "tags" | "correspondents" | "document_types" | "storage_paths"

export interface MatchingObject {
  readonly id: number
  readonly kind: MatchingKind
  name: string
  match: string
  matchingAlgorithm: number
  isInsensitive: boolean
  owner: number | null
  permissions: ObjectPermissions
  /** tags only */
  color: string
  isInboxTag: boolean
  parent: number | null
  /** storage paths only */
  path: string
}

export const customFieldTypes = [
  "string",
  "url",
  "date",
  "boolean",
  "integer",
  "float",
  "monetary",
  "documentlink",
  "select",
  "longtext",
] as const
export type CustomFieldType = (typeof customFieldTypes)[number]

export interface SelectOption {
  label: unknown
  id: string
}

export interface CustomFieldRecord {
  readonly id: number
  name: string
  dataType: CustomFieldType
  /** `select_options` (select) and `default_currency` (monetary); null when the type has none. */
  extraData: { select_options?: Array<SelectOption>; default_currency?: string | null } | null
  created: Micros
}

/**
 * A value is kept per data type, as the real server keeps one column per type: after a
 * `data_type` change the old value reads as null and comes back when the type is switched back
 * (`documents.get.after-field-type-{changed,restored}.json`).
 */
export interface CustomFieldInstance {
  readonly field: number
  values: Partial<Record<CustomFieldType, unknown>>
}

export interface StoredFile {
  readonly bytes: Buffer
  readonly mimeType: string
  readonly sha256: string
  readonly md5: string
}

export const storedFile = (bytes: Buffer, mimeType: string): StoredFile => ({
  bytes,
  mimeType,
  sha256: createHash("sha256").update(bytes).digest("hex"),
  md5: createHash("md5").update(bytes).digest("hex"),
})

export interface NoteRecord {
  readonly id: number
  readonly note: string
  readonly created: Micros
  readonly user: number
}

export interface HistoryEntry {
  readonly id: number
  readonly timestamp: Micros
  readonly action: "create" | "update"
  readonly changes: unknown
  readonly actor: number | null
}

/** A 3.0 document version: a hidden document row with its own id from the same sequence. */
export interface VersionRecord {
  readonly id: number
  readonly added: Micros
  label: string | null
  readonly file: StoredFile
  readonly archive: StoredFile | null
  readonly content: string
}

export interface DocumentRecord {
  readonly id: number
  title: string
  content: string
  correspondent: number | null
  documentType: number | null
  storagePath: number | null
  tags: Array<number>
  /** `YYYY-MM-DD` */
  created: string
  modified: Micros
  readonly added: Micros
  deletedAt: Micros | null
  asn: number | null
  originalFileName: string
  archivedFileName: string | null
  owner: number | null
  permissions: ObjectPermissions
  notes: Array<NoteRecord>
  customFields: Array<CustomFieldInstance>
  pageCount: number | null
  original: StoredFile
  archive: StoredFile | null
  /** Newer versions (3.0), oldest first; the root version is the document itself. */
  versions: Array<VersionRecord>
  rootLabel: string | null
  history: Array<HistoryEntry>
}

export type TaskStatus = "PENDING" | "STARTED" | "SUCCESS" | "FAILURE"
export type TaskName = "consume_file" | "bulk_update" | "reprocess_document" | "check_sanity"

export interface TaskRecord {
  readonly id: number
  readonly taskId: string
  readonly taskName: TaskName
  readonly triggerSource: "api_upload" | "web_ui" | "system" | "manual"
  readonly fileName: string | null
  readonly mimeType: string | null
  readonly overrides: Record<string, unknown> | null
  status: TaskStatus
  readonly dateCreated: Micros
  dateStarted: Micros | null
  dateDone: Micros | null
  result: string | null
  /** The document the task created (success) or collided with (2.20 duplicate). */
  relatedDocument: number | null
  errorMessage: string | null
  acknowledged: boolean
  readonly owner: number | null
}

export interface ShareLinkRecord {
  readonly id: number
  readonly created: Micros
  readonly expiration: string | null
  readonly slug: string
  readonly document: number
  readonly fileVersion: "original" | "archive"
  readonly owner: number | null
}

export interface SavedViewRecord {
  readonly id: number
  name: string
  showOnDashboard: boolean
  showInSidebar: boolean
  sortField: string | null
  sortReverse: boolean
  filterRules: Array<{ rule_type: number; value: string | null }>
  pageSize: number | null
  displayMode: string | null
  displayFields: Array<string> | null
  owner: number | null
}

const tokenOf = () => randomBytes(20).toString("hex")

export class PaperlessStore {
  readonly clock = new Clock()
  readonly users = new Map<number, UserRecord>()
  readonly groups = new Map<number, GroupRecord>()
  readonly objects = {
    tags: new Map<number, MatchingObject>(),
    correspondents: new Map<number, MatchingObject>(),
    document_types: new Map<number, MatchingObject>(),
    storage_paths: new Map<number, MatchingObject>(),
  } satisfies Record<MatchingKind, Map<number, MatchingObject>>
  readonly customFields = new Map<number, CustomFieldRecord>()
  readonly documents = new Map<number, DocumentRecord>()
  readonly tasks: Array<TaskRecord> = []
  readonly shareLinks = new Map<number, ShareLinkRecord>()
  readonly savedViews = new Map<number, SavedViewRecord>()
  readonly uiSettings = new Map<number, Record<string, unknown>>()
  /** Mail accounts/rules and workflows, kept as the client sent them (see automation.ts). */
  readonly automation = new Map<string, Map<number, Record<string, unknown> & { readonly id: number }>>()
  /** Every `/api/token/` call on 3.0, for its 5/min throttle. */
  readonly tokenRequests: Array<Micros> = []
  private readonly sequences = new Map<string, number>()

  constructor(readonly generation: Generation) {}

  /** Next id of a table. Documents and their hidden versions share the `documents` sequence. */
  nextId(table: string): number {
    const next = (this.sequences.get(table) ?? 0) + 1
    this.sequences.set(table, next)
    return next
  }

  /** Makes sure later ids do not collide with an explicitly chosen one (seeding). */
  reserveId(table: string, id: number): void {
    if ((this.sequences.get(table) ?? 0) < id) this.sequences.set(table, id)
  }

  addUser(input: {
    username: string
    password: string
    isSuperuser?: boolean
    permissions?: ReadonlyArray<string>
    email?: string
    id?: number
    token?: string
  }): UserRecord {
    const id = input.id ?? this.nextId("users")
    this.reserveId("users", id)
    const user: UserRecord = {
      id,
      username: input.username,
      password: input.password,
      token: input.token ?? tokenOf(),
      email: input.email ?? "",
      firstName: "",
      lastName: "",
      isSuperuser: input.isSuperuser ?? false,
      isStaff: input.isSuperuser ?? false,
      isActive: true,
      permissions: new Set(input.permissions ?? []),
      groups: [],
      dateJoined: this.clock.now(),
    }
    this.users.set(id, user)
    return user
  }

  userByToken(token: string): UserRecord | undefined {
    for (const user of this.users.values()) if (user.token === token && user.isActive) return user
    return undefined
  }

  userByName(username: string): UserRecord | undefined {
    for (const user of this.users.values()) if (user.username === username) return user
    return undefined
  }

  hasPermission(user: UserRecord, codename: string): boolean {
    if (user.isSuperuser) return true
    if (user.permissions.has(codename)) return true
    return user.groups.some((groupId) => this.groups.get(groupId)?.permissions.includes(codename) ?? false)
  }

  /** Live (not trashed) documents. */
  liveDocuments(): Array<DocumentRecord> {
    return [...this.documents.values()].filter((document) => document.deletedAt === null)
  }

  liveDocument(id: number): DocumentRecord | undefined {
    const document = this.documents.get(id)
    return document && document.deletedAt === null ? document : undefined
  }

  /** The checksum the generation reports and filters on: MD5 on 2.20, SHA-256 on 3.0. */
  checksumOf(file: StoredFile): string {
    return this.generation === "2.20" ? file.md5 : file.sha256
  }

  /** The bytes `/download/` serves by default: newest version, archive before original. */
  currentFile(document: DocumentRecord): { original: StoredFile; archive: StoredFile | null } {
    const newest = document.versions.at(-1)
    return newest
      ? { original: newest.file, archive: newest.archive }
      : { original: document.original, archive: document.archive }
  }

  private checksumIndex:
    | { size: number; revision: number; byChecksum: Map<string, Array<DocumentRecord>> }
    | undefined
  /** Bumped whenever a document's original bytes change (2.20 rewrites files in place). */
  fileRevision = 0

  /** Documents (trashed included) by the SHA-256 of their original, for `duplicate_documents`. */
  documentsWithChecksum(sha256: string): ReadonlyArray<DocumentRecord> {
    const index = this.checksumIndex
    // Creation advances the id sequence, purging shrinks the map, rewrites bump fileRevision.
    const revision = this.fileRevision * 1_000_000_000 + (this.sequences.get("documents") ?? 0)
    if (index === undefined || index.size !== this.documents.size || index.revision !== revision) {
      const byChecksum = new Map<string, Array<DocumentRecord>>()
      for (const document of this.documents.values()) {
        byChecksum.set(document.original.sha256, [
          ...(byChecksum.get(document.original.sha256) ?? []),
          document,
        ])
      }
      this.checksumIndex = { size: this.documents.size, revision, byChecksum }
    }
    return this.checksumIndex?.byChecksum.get(sha256) ?? []
  }

  recordHistory(
    document: DocumentRecord,
    action: "create" | "update",
    changes: unknown,
    actor: number | null,
  ) {
    document.history.push({ id: this.nextId("history"), timestamp: this.clock.now(), action, changes, actor })
  }
}
