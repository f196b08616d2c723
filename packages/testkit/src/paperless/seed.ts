import { createDocument, sniffMimeType } from "./consumption.js"
import { assignValue, checkValue, newOptionId } from "./custom-fields.js"
import { blankObject } from "./matching-objects.js"
import type { CustomFieldType, MatchingKind, PaperlessStore } from "./store.js"

/**
 * Seeding: pre-loads a corpus straight into the store, without HTTP and without the consumer's
 * delay, as if every document had already been consumed. Objects are referred to by name (or id)
 * so a corpus reads naturally:
 *
 * ```ts
 * const sim = await startPaperlessSimulator({ generation: "2.20" })
 * const ids = sim.seed({
 *   tags: [{ name: "Inbox", isInboxTag: true }, { name: "Finance" }, { name: "Invoices", parent: "Finance" }],
 *   correspondents: [{ name: "ACME Corp" }],
 *   customFields: [{ name: "Status", dataType: "select", selectOptions: ["Open", "Paid"] }],
 *   documents: [{
 *     fileName: "invoice.pdf", bytes: makePdf(["Invoice 4711"]), title: "ACME invoice",
 *     created: "2024-03-12", correspondent: "ACME Corp", tags: ["Invoices"], asn: 1001,
 *     customFields: { Status: "Paid" }, notes: ["paid by bank transfer"],
 *   }],
 * })
 * ids.documents[0] // the new document id; ids.tags.Finance, ids.customFields.Status …
 * ```
 * Select values are given by label; seeded documents get the inbox tags and matching rules of uploads only
 * with `inbox: true`. A document with `trashed: true` lands directly in the trash.
 */

export type SeedRef = string | number

export interface SeedMatchingObject {
  readonly name: string
  readonly match?: string
  readonly matchingAlgorithm?: number
  readonly owner?: number | null
  /** tags */
  readonly color?: string
  readonly isInboxTag?: boolean
  readonly parent?: SeedRef
  /** storage paths */
  readonly path?: string
}

export interface SeedCustomField {
  readonly name: string
  readonly dataType: CustomFieldType
  /** Labels (ids are generated) or `{label, id}` to pin the option ids. */
  readonly selectOptions?: ReadonlyArray<string | { readonly label: string; readonly id: string }>
  readonly defaultCurrency?: string
}

export interface SeedDocument {
  readonly fileName: string
  readonly bytes: Buffer | string
  /** Sniffed from the bytes when absent, as the consumer does. */
  readonly mimeType?: string
  /** Extracted from the bytes (PDF text layer, text files) when absent. */
  readonly content?: string
  readonly title?: string
  readonly created?: string
  readonly correspondent?: SeedRef
  readonly documentType?: SeedRef
  readonly storagePath?: SeedRef
  readonly tags?: ReadonlyArray<SeedRef>
  readonly asn?: number
  readonly owner?: number | null
  /** Field name or id → value (select: option label or id). */
  readonly customFields?: Readonly<Record<string, unknown>>
  readonly notes?: ReadonlyArray<string>
  readonly inbox?: boolean
  readonly trashed?: boolean
}

export interface SeedUser {
  readonly username: string
  readonly password: string
  readonly superuser?: boolean
  /** Django codenames, e.g. `view_document`. */
  readonly permissions?: ReadonlyArray<string>
}

export interface PaperlessCorpus {
  readonly users?: ReadonlyArray<SeedUser>
  readonly tags?: ReadonlyArray<SeedMatchingObject>
  readonly correspondents?: ReadonlyArray<SeedMatchingObject>
  readonly documentTypes?: ReadonlyArray<SeedMatchingObject>
  readonly storagePaths?: ReadonlyArray<SeedMatchingObject>
  readonly customFields?: ReadonlyArray<SeedCustomField>
  readonly documents?: ReadonlyArray<SeedDocument>
}

export interface SeededIds {
  readonly users: Record<string, { readonly id: number; readonly token: string }>
  readonly tags: Record<string, number>
  readonly correspondents: Record<string, number>
  readonly documentTypes: Record<string, number>
  readonly storagePaths: Record<string, number>
  readonly customFields: Record<string, number>
  readonly documents: Array<number>
}

const resolve = (store: PaperlessStore, kind: MatchingKind, ref: SeedRef): number => {
  if (typeof ref === "number") return ref
  const found = [...store.objects[kind].values()].find((object) => object.name === ref)
  if (!found) throw new Error(`seed: unknown ${kind} "${ref}"`)
  return found.id
}

const seedObjects = (
  store: PaperlessStore,
  kind: MatchingKind,
  items: ReadonlyArray<SeedMatchingObject>,
  owner: number,
) => {
  const ids: Record<string, number> = {}
  for (const item of items) {
    const object = blankObject(
      kind,
      store.nextId(kind),
      item.name,
      item.owner === undefined ? owner : item.owner,
    )
    if (item.match !== undefined) object.match = item.match
    if (item.matchingAlgorithm !== undefined) object.matchingAlgorithm = item.matchingAlgorithm
    if (item.color !== undefined) object.color = item.color
    if (item.isInboxTag !== undefined) object.isInboxTag = item.isInboxTag
    if (item.path !== undefined) object.path = item.path
    store.objects[kind].set(object.id, object)
    if (item.parent !== undefined) object.parent = resolve(store, kind, item.parent)
    ids[item.name] = object.id
  }
  return ids
}

const seedValue = (store: PaperlessStore, fieldRef: string, value: unknown) => {
  const field = /^\d+$/.test(fieldRef)
    ? store.customFields.get(Number(fieldRef))
    : [...store.customFields.values()].find((candidate) => candidate.name === fieldRef)
  if (!field) throw new Error(`seed: unknown custom field "${fieldRef}"`)
  const option = field.extraData?.select_options?.find((candidate) => candidate.label === value)
  const checked = checkValue(store, field, option ? option.id : value)
  if ("error" in checked) throw new Error(`seed: ${field.name}: ${checked.error}`)
  return { field, value: checked.value }
}

export const seedCorpus = (store: PaperlessStore, corpus: PaperlessCorpus, owner: number): SeededIds => {
  const users: Record<string, { id: number; token: string }> = {}
  for (const user of corpus.users ?? []) {
    const record = store.addUser({
      username: user.username,
      password: user.password,
      isSuperuser: user.superuser ?? false,
      permissions: user.permissions ?? [],
    })
    users[user.username] = { id: record.id, token: record.token }
  }
  const ids = {
    users,
    tags: seedObjects(store, "tags", corpus.tags ?? [], owner),
    correspondents: seedObjects(store, "correspondents", corpus.correspondents ?? [], owner),
    documentTypes: seedObjects(store, "document_types", corpus.documentTypes ?? [], owner),
    storagePaths: seedObjects(store, "storage_paths", corpus.storagePaths ?? [], owner),
    customFields: {} as Record<string, number>,
    documents: [] as Array<number>,
  }
  for (const field of corpus.customFields ?? []) {
    const id = store.nextId("custom_fields")
    const extraData =
      field.dataType === "select"
        ? {
            select_options: (field.selectOptions ?? []).map((option) =>
              typeof option === "string"
                ? { label: option, id: newOptionId() }
                : { label: option.label, id: option.id },
            ),
          }
        : field.dataType === "monetary" && field.defaultCurrency !== undefined
          ? { default_currency: field.defaultCurrency }
          : null
    store.customFields.set(id, {
      id,
      name: field.name,
      dataType: field.dataType,
      extraData,
      created: store.clock.now(),
    })
    ids.customFields[field.name] = id
  }
  for (const seed of corpus.documents ?? []) ids.documents.push(seedDocument(store, seed, owner))
  return ids
}

const seedDocument = (store: PaperlessStore, seed: SeedDocument, owner: number) => {
  const bytes = typeof seed.bytes === "string" ? Buffer.from(seed.bytes, "utf8") : seed.bytes
  const mimeType = seed.mimeType ?? sniffMimeType(bytes)
  const document = createDocument(store, {
    fileName: seed.fileName,
    bytes,
    mimeType,
    owner: seed.owner === undefined ? owner : seed.owner,
    automatic: seed.inbox ?? false,
    ...(seed.content === undefined ? {} : { content: seed.content }),
    overrides: {
      ...(seed.title === undefined ? {} : { title: seed.title }),
      ...(seed.created === undefined ? {} : { created: seed.created }),
      ...(seed.correspondent === undefined
        ? {}
        : { correspondent: resolve(store, "correspondents", seed.correspondent) }),
      ...(seed.documentType === undefined
        ? {}
        : { documentType: resolve(store, "document_types", seed.documentType) }),
      ...(seed.storagePath === undefined
        ? {}
        : { storagePath: resolve(store, "storage_paths", seed.storagePath) }),
      tags: (seed.tags ?? []).map((tag) => resolve(store, "tags", tag)),
      ...(seed.asn === undefined ? {} : { asn: seed.asn }),
    },
  })
  for (const [field, value] of Object.entries(seed.customFields ?? {}))
    assignValue(store, document, seedValue(store, field, value))
  for (const note of seed.notes ?? []) {
    document.notes.push({
      id: store.nextId("notes"),
      note,
      created: store.clock.now(),
      user: document.owner ?? owner,
    })
  }
  if (seed.trashed) document.deletedAt = store.clock.now()
  return document.id
}
