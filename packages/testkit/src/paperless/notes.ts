import { randomBytes } from "node:crypto"
import type { SimResponse } from "../http-server.js"
import { formatMicros } from "./clock.js"
import { findDocument, renderNote } from "./documents.js"
import { paginatedResponse } from "./pagination.js"
import { canView, requirePermission } from "./permissions.js"
import { bodyFields, type Context, fail, json, methodNotAllowed, notFound, parsePk } from "./responses.js"
import type { ShareLinkRecord } from "./store.js"

/**
 * Notes and share links of a document. Notes POST and DELETE both answer 200 with the full list and
 * bump the document's `modified`; share links never bump it.
 */

const noteList = (context: Context, noteOwner: { notes: ReadonlyArray<{ id: number }> }) =>
  json(
    200,
    [...noteOwner.notes].sort((a, b) => a.id - b.id).map((note) => renderNote(context, note as never)),
  )

export const documentNotes = async (context: Context, rawId: string): Promise<SimResponse> => {
  requirePermission(context, "view_document")
  const document = findDocument(context, rawId, { plainNotFound: true })
  switch (context.method) {
    case "GET":
    case "HEAD":
      return noteList(context, document)
    case "POST": {
      const fields = await bodyFields(context)
      // No `note` at all is a 200 with an error body on the real server (`documents.notes.create.missing.json`).
      if (!Object.hasOwn(fields, "note"))
        return json(200, { error: "Error saving note, check logs for more detail." })
      const note = {
        id: context.store.nextId("notes"),
        note: String(fields.note ?? ""),
        created: context.store.clock.now(),
        user: context.user.id,
      }
      document.notes.push(note)
      document.modified = context.store.clock.now()
      context.store.recordHistory(document, "update", { "Note Added": ["None", note.id] }, null)
      return noteList(context, document)
    }
    case "DELETE": {
      const rawNote = context.query.get("id")
      if (rawNote === null) return fail(400, { id: "This field is required." })
      const note = document.notes.find((candidate) => String(candidate.id) === rawNote)
      if (!note) return notFound("Note")
      document.notes = document.notes.filter((candidate) => candidate !== note)
      document.modified = context.store.clock.now()
      context.store.recordHistory(document, "update", { "Note Deleted": [note.id, "None"] }, null)
      return noteList(context, document)
    }
    default:
      return methodNotAllowed(context.method)
  }
}

const slugAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

const renderShareLink = (link: ShareLinkRecord) => ({
  id: link.id,
  created: formatMicros(link.created),
  expiration: link.expiration,
  slug: link.slug,
  document: link.document,
  file_version: link.fileVersion,
})

export const documentShareLinks = (context: Context, rawId: string): SimResponse => {
  requirePermission(context, "view_document")
  const document = findDocument(context, rawId, { plainNotFound: true })
  return json(
    200,
    [...context.store.shareLinks.values()]
      .filter((link) => link.document === document.id)
      .map(renderShareLink),
  )
}

export const shareLinks = async (context: Context): Promise<SimResponse> => {
  requirePermission(context, context.method === "POST" ? "add_sharelink" : "view_sharelink")
  if (context.method !== "POST") {
    return paginatedResponse(context, [...context.store.shareLinks.values()], renderShareLink)
  }
  const fields = await bodyFields(context)
  const errors: Record<string, Array<string>> = {}
  const pk = parsePk(fields.document)
  const document = typeof pk === "number" ? context.store.liveDocument(pk) : undefined
  if (!Object.hasOwn(fields, "document")) errors.document = ["This field is required."]
  else if (!document || !canView(context.user, document.owner, document.permissions)) {
    errors.document = [typeof pk === "number" ? `Invalid pk "${pk}" - object does not exist.` : pk.error]
  }
  const fileVersion = fields.file_version ?? "archive"
  if (fileVersion !== "original" && fileVersion !== "archive") {
    errors.file_version = [`"${String(fileVersion)}" is not a valid choice.`]
  }
  const expiration = fields.expiration ?? null
  if (expiration !== null && (typeof expiration !== "string" || Number.isNaN(Date.parse(expiration)))) {
    errors.expiration = [
      "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].",
    ]
  }
  if (Object.keys(errors).length > 0 || !document) return fail(400, errors)
  const link: ShareLinkRecord = {
    id: context.store.nextId("share_links"),
    created: context.store.clock.now(),
    expiration: expiration as string | null,
    slug: [...randomBytes(50)].map((byte) => slugAlphabet[byte % slugAlphabet.length]).join(""),
    document: document.id,
    fileVersion: fileVersion as "original" | "archive",
    owner: context.user.id,
  }
  context.store.shareLinks.set(link.id, link)
  return json(201, renderShareLink(link))
}

export const shareLinkDetail = (context: Context, rawId: string): SimResponse => {
  requirePermission(context, `${context.method === "DELETE" ? "delete" : "view"}_sharelink`)
  const link = /^\d+$/.test(rawId) ? context.store.shareLinks.get(Number(rawId)) : undefined
  if (!link) return notFound("ShareLink")
  switch (context.method) {
    case "GET":
    case "HEAD":
      return json(200, renderShareLink(link))
    case "DELETE":
      context.store.shareLinks.delete(link.id)
      return { status: 204 }
    default:
      // Share links can only be created and deleted (`share_links.patch.json`).
      return methodNotAllowed(context.method)
  }
}
