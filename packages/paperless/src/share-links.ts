import type * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { PaperlessError } from "./errors.js"
import { makeResource, type Resource } from "./resources.js"
import type { Transport } from "./transport.js"

export const ShareLinkId = Schema.Int.pipe(Schema.brand("PaperlessShareLinkId"))
export type ShareLinkId = typeof ShareLinkId.Type

export const ShareLink = Schema.Struct({
  id: ShareLinkId,
  created: Schema.String,
  expiration: Schema.NullOr(Schema.String),
  /** 50 characters; `GET /share/<slug>` serves the file without authentication. */
  slug: Schema.String,
  document: Schema.Int,
  file_version: Schema.Literal("original", "archive"),
  owner: Schema.optional(Schema.NullOr(Schema.Int)),
})
export type ShareLink = typeof ShareLink.Type

export const ShareLinkCreate = Schema.Struct({
  document: Schema.Int,
  expiration: Schema.optional(Schema.NullOr(Schema.String)),
  file_version: Schema.optional(Schema.Literal("original", "archive")),
})
export type ShareLinkCreate = typeof ShareLinkCreate.Type

/** Share links cannot be changed: PATCH answers 405 (`share_links.patch.json`). */
const ShareLinkUpdate = Schema.Struct({})

export type ShareLinkQuery = { readonly document?: number; readonly ordering?: string }

export interface ShareLinks
  extends Omit<Resource<ShareLinkId, ShareLink, ShareLinkCreate, never, ShareLinkQuery>, "update"> {
  /** `GET /api/documents/:id/share_links/`: a bare array. */
  readonly forDocument: (document: number) => Effect.Effect<ReadonlyArray<ShareLink>, PaperlessError>
}

export const makeShareLinks = (transport: Transport): ShareLinks => {
  const { update: _unchangeable, ...resource } = makeResource<
    ShareLinkId,
    ShareLink,
    typeof ShareLink.Encoded,
    ShareLinkCreate,
    typeof ShareLinkCreate.Encoded,
    typeof ShareLinkUpdate.Type,
    typeof ShareLinkUpdate.Encoded,
    ShareLinkQuery
  >(transport, {
    path: "/api/share_links/",
    item: ShareLink,
    create: ShareLinkCreate,
    update: ShareLinkUpdate,
  })
  return {
    ...resource,
    forDocument: (document) =>
      transport.json(
        { method: "GET", path: `/api/documents/${document}/share_links/` },
        Schema.Array(ShareLink),
      ),
  }
}
