import type { PaperlessDefinitions } from "@paperbridge/mapping"
import {
  CorrespondentId,
  CustomFieldId,
  type CustomFieldValue,
  DocumentId,
  DocumentTypeId,
  NoteId,
  type Document as PaperlessDocument,
  StoragePathId,
  type Tag,
  TagId,
  UserId,
} from "@paperbridge/paperless"
import type { ExportContents } from "./manifest.js"
import type { CustomFieldInstanceRecord, DocumentRecord, TagRecord } from "./records.js"

const slugOf = (name: string) =>
  name
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")

/** Paperless picks a tag's text colour by the background's luminance; the export keeps only the background. */
const textColorOf = (color: string) => {
  const [r, g, b] = [1, 3, 5].map((at) => Number.parseInt(color.slice(at, at + 2), 16) / 255)
  const luminance = 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0)
  return luminance > 0.53 ? "#000000" : "#ffffff"
}

const classifier = (record: {
  readonly pk: number
  readonly fields: {
    readonly name: string
    readonly match: string
    readonly matching_algorithm: number
    readonly is_insensitive: boolean
    readonly owner: number | null
  }
}) => ({
  slug: slugOf(record.fields.name),
  name: record.fields.name,
  match: record.fields.match,
  matching_algorithm: record.fields.matching_algorithm,
  is_insensitive: record.fields.is_insensitive,
  owner: record.fields.owner === null ? null : UserId.make(record.fields.owner),
})

const tagOf = (record: typeof TagRecord.Type, all: ReadonlyArray<typeof TagRecord.Type>): Tag => ({
  id: TagId.make(record.pk),
  ...classifier(record),
  color: record.fields.color,
  text_color: textColorOf(record.fields.color),
  is_inbox_tag: record.fields.is_inbox_tag,
  parent: record.fields.tn_parent === null ? null : TagId.make(record.fields.tn_parent),
  children: all.filter((child) => child.fields.tn_parent === record.pk).map((child) => tagOf(child, all)),
})

/** Pure: the export's definitions in the shape the API lists them. */
export const exportDefinitions = (contents: ExportContents): PaperlessDefinitions => ({
  tags: contents.tags.map((tag) => tagOf(tag, contents.tags)),
  correspondents: contents.correspondents.map((record) => ({
    id: CorrespondentId.make(record.pk),
    ...classifier(record),
  })),
  documentTypes: contents.documentTypes.map((record) => ({
    id: DocumentTypeId.make(record.pk),
    ...classifier(record),
  })),
  storagePaths: contents.storagePaths.map((record) => ({
    id: StoragePathId.make(record.pk),
    ...classifier(record),
    path: record.fields.path,
  })),
  customFields: contents.customFields.map((record) => ({
    id: CustomFieldId.make(record.pk),
    name: record.fields.name,
    data_type: record.fields.data_type,
    extra_data: record.fields.extra_data,
  })),
})

/** The column of the instance's own type: the value as the API gives it (select: the option id). */
const instanceValue = (fields: (typeof CustomFieldInstanceRecord.Type)["fields"]): CustomFieldValue =>
  fields.value_text ??
  fields.value_long_text ??
  fields.value_url ??
  fields.value_date ??
  fields.value_bool ??
  fields.value_int ??
  fields.value_float ??
  fields.value_monetary ??
  fields.value_select ??
  fields.value_document_ids ??
  null

/** A document and its later versions (3.0): what one Paperless document is. */
export interface ExportDocument {
  /** The root record: metadata, notes and custom fields stay on it. */
  readonly root: DocumentRecord
  /** The newest version (the root itself when there is none): its file is the one carried. */
  readonly newest: DocumentRecord
  readonly versions: ReadonlyArray<DocumentRecord>
}

/**
 * Pure: the documents as the API shows them. Later versions (3.0: `root_document` set) fold into
 * their root, the newest carried as the API path carries it; trashed documents (3.0 exports them
 * with `deleted_at`) are set apart so the run can say it skipped them.
 */
export const exportDocuments = (contents: ExportContents) => {
  const versionsOf = new Map<number, Array<DocumentRecord>>()
  for (const record of contents.documents) {
    const root = record.fields.root_document
    if (root !== null) versionsOf.set(root, [...(versionsOf.get(root) ?? []), record])
  }
  const live: Array<ExportDocument> = []
  const trashed: Array<DocumentRecord> = []
  for (const record of contents.documents) {
    if (record.fields.root_document !== null) continue
    if (record.fields.deleted_at !== null && record.fields.deleted_at !== undefined) {
      trashed.push(record)
      continue
    }
    const later = [...(versionsOf.get(record.pk) ?? [])].sort(
      (a, b) => (a.fields.version_index ?? 0) - (b.fields.version_index ?? 0),
    )
    live.push({ root: record, newest: later.at(-1) ?? record, versions: [record, ...later] })
  }
  return { live, trashed }
}

/** Pure: one export document as the API's `Document` (the newest version's file, content and name). */
export const asPaperlessDocument = (
  contents: ExportContents,
  document: ExportDocument,
): PaperlessDocument => {
  const { root, newest } = document
  const fields = root.fields
  return {
    id: DocumentId.make(root.pk),
    correspondent: fields.correspondent === null ? null : CorrespondentId.make(fields.correspondent),
    document_type: fields.document_type === null ? null : DocumentTypeId.make(fields.document_type),
    storage_path: fields.storage_path === null ? null : StoragePathId.make(fields.storage_path),
    title: fields.title,
    content: newest.fields.content,
    tags: fields.tags.map((tag) => TagId.make(tag)),
    created: fields.created,
    modified: [fields.modified, newest.fields.modified].sort().at(-1) ?? fields.modified,
    added: fields.added,
    deleted_at: null,
    archive_serial_number: fields.archive_serial_number,
    original_file_name: newest.fields.original_filename,
    archived_file_name: newest.__exported_archive_name__ ?? null,
    owner: fields.owner === null ? null : UserId.make(fields.owner),
    notes: (contents.notes.get(root.pk) ?? [])
      .filter((note) => note.fields.deleted_at === null)
      .sort((a, b) => a.pk - b.pk)
      .map((note) => ({
        id: NoteId.make(note.pk),
        note: note.fields.note,
        created: note.fields.created,
        user: note.fields.user === null ? null : UserId.make(note.fields.user),
      })),
    custom_fields: (contents.customFieldInstances.get(root.pk) ?? [])
      .filter((instance) => instance.fields.deleted_at === null)
      .sort((a, b) => a.pk - b.pk)
      .map((instance) => ({
        field: CustomFieldId.make(instance.fields.field),
        value: instanceValue(instance.fields),
      })),
    page_count: newest.fields.page_count,
    mime_type: newest.fields.mime_type,
    root_document: null,
    // As 3.0's API lists them, so `--versions` picks one the same way (only 3.0 exports have later
    // versions, and their checksums are SHA-256 as the API's are).
    ...(document.versions.length > 1
      ? {
          versions: document.versions.map((record) => ({
            id: record.pk,
            added: record.fields.added,
            version_label: record.fields.version_label,
            checksum: record.fields.checksum,
            is_root: record.fields.root_document === null,
          })),
        }
      : {}),
  }
}
