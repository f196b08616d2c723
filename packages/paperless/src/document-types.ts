import * as Schema from "effect/Schema"
import type { NamedQuery } from "./correspondents.js"
import { matchingFields, matchingWriteFields } from "./matching.js"
import { ownedFields, ownedWriteFields } from "./permissions.js"
import { makeResource, type Resource } from "./resources.js"
import type { Transport } from "./transport.js"

export const DocumentTypeId = Schema.Int.pipe(Schema.brand("PaperlessDocumentTypeId"))
export type DocumentTypeId = typeof DocumentTypeId.Type

export const DocumentType = Schema.Struct({ id: DocumentTypeId, ...matchingFields, ...ownedFields })
export type DocumentType = typeof DocumentType.Type

export const DocumentTypeCreate = Schema.Struct({
  name: Schema.String,
  ...matchingWriteFields,
  ...ownedWriteFields,
})
export type DocumentTypeCreate = typeof DocumentTypeCreate.Type
export const DocumentTypeUpdate = Schema.partial(DocumentTypeCreate)
export type DocumentTypeUpdate = typeof DocumentTypeUpdate.Type

export type DocumentTypes = Resource<
  DocumentTypeId,
  DocumentType,
  DocumentTypeCreate,
  DocumentTypeUpdate,
  NamedQuery
>

export const makeDocumentTypes = (transport: Transport): DocumentTypes =>
  makeResource(transport, {
    path: "/api/document_types/",
    item: DocumentType,
    create: DocumentTypeCreate,
    update: DocumentTypeUpdate,
  })
