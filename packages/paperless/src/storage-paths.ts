import type * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { NamedQuery } from "./correspondents.js"
import type { PaperlessError } from "./errors.js"
import { matchingFields, matchingWriteFields } from "./matching.js"
import { ownedFields, ownedWriteFields } from "./permissions.js"
import { makeResource, type Resource } from "./resources.js"
import { jsonBody, type Transport } from "./transport.js"

export const StoragePathId = Schema.Int.pipe(Schema.brand("PaperlessStoragePathId"))
export type StoragePathId = typeof StoragePathId.Type

export const StoragePath = Schema.Struct({
  id: StoragePathId,
  ...matchingFields,
  /** A Jinja template; the legacy `{created_year}` form is converted on save. */
  path: Schema.String,
  ...ownedFields,
})
export type StoragePath = typeof StoragePath.Type

export const StoragePathCreate = Schema.Struct({
  name: Schema.String,
  path: Schema.String,
  ...matchingWriteFields,
  ...ownedWriteFields,
})
export type StoragePathCreate = typeof StoragePathCreate.Type
export const StoragePathUpdate = Schema.partial(StoragePathCreate)
export type StoragePathUpdate = typeof StoragePathUpdate.Type

const StoragePathTest = Schema.Struct({ document: Schema.Int, path: Schema.String })

export interface StoragePaths
  extends Resource<StoragePathId, StoragePath, StoragePathCreate, StoragePathUpdate, NamedQuery> {
  /** Renders a template for one document: `POST /api/storage_paths/test/` answers a bare string. */
  readonly test: (document: number, path: string) => Effect.Effect<string, PaperlessError>
}

export const makeStoragePaths = (transport: Transport): StoragePaths => ({
  ...makeResource(transport, {
    path: "/api/storage_paths/",
    item: StoragePath,
    create: StoragePathCreate,
    update: StoragePathUpdate,
  }),
  test: (document, path) =>
    transport.json(
      {
        method: "POST",
        path: "/api/storage_paths/test/",
        body: jsonBody(StoragePathTest, { document, path }, "/api/storage_paths/test/"),
      },
      Schema.String,
    ),
})
