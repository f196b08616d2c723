import { createHash } from "node:crypto"
import { seededRandom } from "../faults.js"
import { notInOrganization } from "./errors.js"

/** The API-key permissions Papra knows (apps/papra-server/src/modules/api-keys/api-keys.constants.ts). */
export const PAPRA_PERMISSIONS = [
  "organizations:create",
  "organizations:read",
  "organizations:update",
  "organizations:delete",
  "documents:create",
  "documents:read",
  "documents:update",
  "documents:delete",
  "tags:create",
  "tags:read",
  "tags:update",
  "tags:delete",
  "custom-properties:create",
  "custom-properties:read",
  "custom-properties:update",
  "custom-properties:delete",
] as const
export type PapraPermission = (typeof PAPRA_PERMISSIONS)[number]

export const PAPRA_PROPERTY_TYPES = [
  "text",
  "number",
  "date",
  "boolean",
  "select",
  "multi_select",
  "user_relation",
  "document_relation",
] as const
export type PapraPropertyType = (typeof PAPRA_PROPERTY_TYPES)[number]

export interface UserRecord {
  readonly id: string
  readonly name: string
  readonly email: string
}

export interface ApiKeyRecord {
  readonly id: string
  readonly name: string
  readonly token: string
  readonly userId: string
  readonly permissions: ReadonlyArray<string>
}

export interface OrganizationRecord {
  readonly id: string
  readonly createdAt: Date
  readonly updatedAt: Date
  name: string
  deletedAt: Date | null
  deletedBy: string | null
  scheduledPurgeAt: Date | null
  readonly memberIds: Set<string>
}

export interface DocumentRecord {
  readonly id: string
  readonly createdAt: Date
  readonly updatedAt: Date
  readonly organizationId: string
  readonly createdBy: string | null
  originalName: string
  readonly originalSize: number
  readonly originalSha256Hash: string
  name: string
  readonly mimeType: string
  content: string
  documentDate: Date | null
  notes: string | null
  deletedAt: Date | null
  deletedBy: string | null
  isDeleted: boolean
  readonly bytes: Buffer
  readonly tagIds: Set<string>
}

export interface TagRecord {
  readonly id: string
  readonly createdAt: Date
  readonly updatedAt: Date
  readonly organizationId: string
  name: string
  normalizedName: string
  color: string
  description: string | null
}

export interface SelectOptionRecord {
  readonly id: string
  readonly createdAt: Date
  readonly updatedAt: Date
  readonly propertyDefinitionId: string
  name: string
  key: string
  displayOrder: number
}

export interface PropertyDefinitionRecord {
  readonly id: string
  readonly createdAt: Date
  readonly updatedAt: Date
  readonly organizationId: string
  name: string
  key: string
  description: string | null
  readonly type: PapraPropertyType
  displayOrder: number
  options: Array<SelectOptionRecord>
}

/**
 * A stored value is the rows Papra keeps for one (document, definition) pair: one scalar for
 * text/number/date/boolean, ids for select, multi_select and the two relation types.
 */
export type StoredValue = ReadonlyArray<string | number | boolean | Date>

export interface ActivityRecord {
  readonly id: string
  readonly createdAt: Date
  readonly documentId: string
  readonly event: "created" | "updated" | "deleted" | "restored" | "tagged" | "untagged"
  readonly eventData: { readonly updatedFields: ReadonlyArray<string> } | null
  readonly userId: string | null
  tagId: string | null
}

const ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
const TOKEN_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

export const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex")

/** Papra's `generatePropertyKey`: letters and digits of the name, lower-cased ("Open (renamed)" → "openrenamed"). */
export const propertyKey = (name: string) => name.replace(/[^\p{L}\p{N}]/gu, "").toLowerCase()

/** Everything the simulated server knows. Plain data: route modules read and change it directly. */
export class PapraStore {
  readonly users = new Map<string, UserRecord>()
  readonly apiKeys = new Map<string, ApiKeyRecord>()
  readonly organizations = new Map<string, OrganizationRecord>()
  readonly documents = new Map<string, DocumentRecord>()
  readonly tags = new Map<string, TagRecord>()
  readonly definitions = new Map<string, PropertyDefinitionRecord>()
  /** documentId → definitionId → rows */
  readonly values = new Map<string, Map<string, StoredValue>>()
  readonly activities: Array<ActivityRecord> = []
  /** `organizationId:sha256` → document id: the dedupe lookup, as Papra's index on the hash. */
  readonly documentsByHash = new Map<string, string>()
  private readonly random: () => number
  private lastTime = 0

  constructor(seed = 1) {
    this.random = seededRandom(seed)
  }

  private pick(alphabet: string, length: number): string {
    let out = ""
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.random() * alphabet.length)] ?? "a"
    return out
  }

  /** Papra ids: a prefix and 24 lower-case alphanumerics (`doc_…`, `tag_…`, `doc_act_…`). */
  id(prefix: string): string {
    return `${prefix}_${this.pick(ID_ALPHABET, 24)}`
  }

  apiKeyToken(): string {
    return `ppapi_${this.pick(TOKEN_ALPHABET, 64)}`
  }

  /**
   * A strictly increasing clock: lists sort by `createdAt` (then id), and a fast client creates
   * many documents within one millisecond, so equal stamps would make the order random.
   */
  now(): Date {
    this.lastTime = Math.max(Date.now(), this.lastTime + 1)
    return new Date(this.lastTime)
  }

  /** Papra's `ensureUserIsInOrganization`: unknown, foreign and soft-deleted organizations are all 403. */
  requireMembership(userId: string, organizationId: string): OrganizationRecord {
    const organization = this.organizations.get(organizationId)
    if (
      organization === undefined ||
      organization.deletedAt !== null ||
      !organization.memberIds.has(userId)
    ) {
      throw notInOrganization()
    }
    return organization
  }

  documentIn(organizationId: string, documentId: string): DocumentRecord | undefined {
    const document = this.documents.get(documentId)
    return document?.organizationId === organizationId ? document : undefined
  }

  tagIn(organizationId: string, tagId: string): TagRecord | undefined {
    const tag = this.tags.get(tagId)
    return tag?.organizationId === organizationId ? tag : undefined
  }

  definitionIn(organizationId: string, definitionId: string): PropertyDefinitionRecord | undefined {
    const definition = this.definitions.get(definitionId)
    return definition?.organizationId === organizationId ? definition : undefined
  }

  /** Definitions in Papra's order: displayOrder, then creation. */
  definitionsOf(organizationId: string): Array<PropertyDefinitionRecord> {
    return [...this.definitions.values()]
      .filter((definition) => definition.organizationId === organizationId)
      .sort((a, b) => a.displayOrder - b.displayOrder || a.createdAt.getTime() - b.createdAt.getTime())
  }

  tagsOf(organizationId: string): Array<TagRecord> {
    return [...this.tags.values()].filter((tag) => tag.organizationId === organizationId)
  }

  valuesOf(documentId: string): Map<string, StoredValue> {
    let values = this.values.get(documentId)
    if (values === undefined) {
      values = new Map()
      this.values.set(documentId, values)
    }
    return values
  }

  logActivity(
    documentId: string,
    event: ActivityRecord["event"],
    userId: string | null,
    extra: { readonly tagId?: string; readonly updatedFields?: ReadonlyArray<string> } = {},
  ): void {
    this.activities.push({
      id: this.id("doc_act"),
      createdAt: this.now(),
      documentId,
      event,
      eventData: extra.updatedFields === undefined ? null : { updatedFields: extra.updatedFields },
      userId,
      tagId: extra.tagId ?? null,
    })
  }

  createUser(name: string, email: string): UserRecord {
    const user = { id: this.id("usr"), name, email }
    this.users.set(user.id, user)
    return user
  }

  createOrganization(name: string, ownerId: string): OrganizationRecord {
    const now = this.now()
    const organization: OrganizationRecord = {
      id: this.id("org"),
      createdAt: now,
      updatedAt: now,
      name,
      deletedAt: null,
      deletedBy: null,
      scheduledPurgeAt: null,
      memberIds: new Set([ownerId]),
    }
    this.organizations.set(organization.id, organization)
    return organization
  }

  createApiKey(userId: string, permissions: ReadonlyArray<string>, name = "simulator-key"): ApiKeyRecord {
    const key = { id: this.id("ak"), name, token: this.apiKeyToken(), userId, permissions: [...permissions] }
    this.apiKeys.set(key.token, key)
    return key
  }
}
