import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { CorrespondentId } from "./correspondents.js"
import type { CustomFieldId, CustomFieldValue } from "./custom-fields.js"
import type { DocumentTypeId } from "./document-types.js"
import type { DocumentId } from "./documents.js"
import type { PaperlessError } from "./errors.js"
import type { ObjectPermissions, UserId } from "./permissions.js"
import type { StoragePathId } from "./storage-paths.js"
import type { TagId } from "./tags.js"
import { jsonBody, type Query, type Transport } from "./transport.js"

export interface EditPdfOperation {
  readonly page: number
  readonly rotate?: number
  /** Output document index, for splitting. */
  readonly doc?: number
}

/**
 * Every `bulk_edit` method of 3.0 and 2.20 (`remove_password` is 3.0 only: a 400 on 2.20).
 * Tag and metadata changes bump `modified` only later, when the worker runs.
 */
export type BulkEditOperation =
  | {
      readonly method: "set_correspondent"
      readonly parameters: { readonly correspondent: CorrespondentId | null }
    }
  | {
      readonly method: "set_document_type"
      readonly parameters: { readonly document_type: DocumentTypeId | null }
    }
  | {
      readonly method: "set_storage_path"
      readonly parameters: { readonly storage_path: StoragePathId | null }
    }
  /** Also adds the tag's ancestors. */
  | { readonly method: "add_tag"; readonly parameters: { readonly tag: TagId } }
  /** Also removes the tag's descendants. */
  | { readonly method: "remove_tag"; readonly parameters: { readonly tag: TagId } }
  | {
      readonly method: "modify_tags"
      readonly parameters: {
        readonly add_tags: ReadonlyArray<TagId>
        readonly remove_tags: ReadonlyArray<TagId>
      }
    }
  | {
      readonly method: "modify_custom_fields"
      readonly parameters: {
        readonly add_custom_fields: Readonly<Record<string, CustomFieldValue>> | ReadonlyArray<CustomFieldId>
        readonly remove_custom_fields: ReadonlyArray<CustomFieldId>
      }
    }
  | { readonly method: "delete"; readonly parameters?: Record<string, never> }
  | { readonly method: "reprocess"; readonly parameters?: Record<string, never> }
  | {
      readonly method: "set_permissions"
      readonly parameters: {
        readonly set_permissions?: ObjectPermissions
        readonly owner?: UserId | null
        readonly merge?: boolean
      }
    }
  | { readonly method: "rotate"; readonly parameters: { readonly degrees: 90 | 180 | 270 } }
  | {
      readonly method: "merge"
      readonly parameters: { readonly metadata_document_id?: DocumentId; readonly delete_originals?: boolean }
    }
  | {
      readonly method: "split"
      readonly parameters: { readonly pages: string; readonly delete_originals?: boolean }
    }
  | { readonly method: "delete_pages"; readonly parameters: { readonly pages: ReadonlyArray<number> } }
  | {
      readonly method: "edit_pdf"
      readonly parameters: {
        readonly operations: ReadonlyArray<EditPdfOperation>
        readonly delete_original?: boolean
        readonly update_document?: boolean
      }
    }
  | { readonly method: "remove_password"; readonly parameters: { readonly password: string } }

/** Which documents: explicit ids, or (3.0 only; 2.20 answers 400) everything a filter matches. */
export type BulkSelection = ReadonlyArray<DocumentId> | { readonly all: true; readonly filters: Query }

const BulkEditBody = Schema.Struct({
  documents: Schema.optional(Schema.Array(Schema.Int)),
  all: Schema.optional(Schema.Boolean),
  filters: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  method: Schema.String,
  parameters: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
})

export const ResultOk = Schema.Struct({ result: Schema.String })

export const BulkObjectType = Schema.Literal("tags", "correspondents", "document_types", "storage_paths")

const BulkObjectsBody = Schema.Struct({
  objects: Schema.Array(Schema.Int),
  object_type: BulkObjectType,
  operation: Schema.Literal("delete", "set_permissions"),
  permissions: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  owner: Schema.optional(Schema.NullOr(Schema.Int)),
  merge: Schema.optional(Schema.Boolean),
})
export type BulkObjectsRequest = typeof BulkObjectsBody.Type

export interface BulkEdit {
  readonly edit: (
    selection: BulkSelection,
    operation: BulkEditOperation,
  ) => Effect.Effect<void, PaperlessError>
  /** Delete, set permissions on many tags/correspondents/document types/storage paths. */
  readonly editObjects: (request: BulkObjectsRequest) => Effect.Effect<void, PaperlessError>
  /**
   * Document operations that API 10 moved to their own endpoints (`/api/documents/delete/`,
   * `/reprocess/`, `/rotate/`, `/merge/`, `/edit_pdf/`); 2.20 has only `bulk_edit` for them (a POST
   * to those paths is a 405 there: `documents.rotate.endpoint-not-found.json`).
   */
  readonly deleteDocuments: (ids: ReadonlyArray<DocumentId>) => Effect.Effect<void, PaperlessError>
  readonly reprocess: (ids: ReadonlyArray<DocumentId>) => Effect.Effect<void, PaperlessError>
  readonly rotate: (
    ids: ReadonlyArray<DocumentId>,
    degrees: 90 | 180 | 270,
  ) => Effect.Effect<void, PaperlessError>
  readonly merge: (
    ids: ReadonlyArray<DocumentId>,
    options?: { readonly metadata_document_id?: DocumentId; readonly delete_originals?: boolean },
  ) => Effect.Effect<void, PaperlessError>
  readonly editPdf: (
    id: DocumentId,
    operations: ReadonlyArray<EditPdfOperation>,
    options?: { readonly delete_original?: boolean; readonly update_document?: boolean },
  ) => Effect.Effect<void, PaperlessError>
}

export const makeBulkEdit = (transport: Transport): BulkEdit => {
  const post = (path: string, body: Record<string, unknown>) =>
    Effect.asVoid(
      transport.json(
        {
          method: "POST",
          path,
          body: jsonBody(Schema.Record({ key: Schema.String, value: Schema.Unknown }), body, path),
        },
        ResultOk,
      ),
    )
  const edit = (selection: BulkSelection, operation: BulkEditOperation) => {
    const path = "/api/documents/bulk_edit/"
    const target = Array.isArray(selection)
      ? { documents: selection as ReadonlyArray<number> }
      : { all: true, filters: (selection as { readonly filters: Query }).filters }
    return Effect.asVoid(
      transport.json(
        {
          method: "POST",
          path,
          body: jsonBody(
            BulkEditBody,
            { ...target, method: operation.method, parameters: operation.parameters ?? {} },
            path,
          ),
        },
        ResultOk,
      ),
    )
  }
  const dedicated = (
    endpoint: string,
    body: Record<string, unknown>,
    legacy: BulkEditOperation,
    ids: ReadonlyArray<DocumentId>,
  ) =>
    Effect.flatMap(transport.server, (server) =>
      server.apiVersion >= 10 ? post(`/api/documents/${endpoint}/`, body) : edit(ids, legacy),
    )
  return {
    edit,
    editObjects: (request) =>
      Effect.asVoid(
        transport.json(
          {
            method: "POST",
            path: "/api/bulk_edit_objects/",
            body: jsonBody(BulkObjectsBody, request, "/api/bulk_edit_objects/"),
          },
          ResultOk,
        ),
      ),
    deleteDocuments: (ids) => dedicated("delete", { documents: ids }, { method: "delete" }, ids),
    reprocess: (ids) => dedicated("reprocess", { documents: ids }, { method: "reprocess" }, ids),
    rotate: (ids, degrees) =>
      dedicated("rotate", { documents: ids, degrees }, { method: "rotate", parameters: { degrees } }, ids),
    merge: (ids, options = {}) =>
      dedicated("merge", { documents: ids, ...options }, { method: "merge", parameters: options }, ids),
    editPdf: (id, operations, options = {}) =>
      dedicated(
        "edit_pdf",
        { documents: [id], operations, ...options },
        { method: "edit_pdf", parameters: { operations, ...options } },
        [id],
      ),
  }
}
