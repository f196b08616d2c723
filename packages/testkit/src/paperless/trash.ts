import type { SimResponse } from "../http-server.js"
import { renderDocument } from "./documents.js"
import { paginatedResponse } from "./pagination.js"
import { canView } from "./permissions.js"
import { bodyFields, type Context, fail, json, parsePk } from "./responses.js"

/**
 * `/api/trash/`: trashed documents (full shape, newest deletion first) and restore/empty. Every user
 * may call it; one without documents just sees an empty list (`trash.list.limited.json`).
 */

const trashedDocuments = (context: Context) =>
  [...context.store.documents.values()]
    .filter(
      (document) =>
        document.deletedAt !== null && canView(context.user, document.owner, document.permissions),
    )
    .filter(
      (_document) => context.user.isSuperuser || context.store.hasPermission(context.user, "view_document"),
    )
    .sort((a, b) => (b.deletedAt ?? 0) - (a.deletedAt ?? 0) || b.id - a.id)

export const trash = async (context: Context): Promise<SimResponse> => {
  if (context.method !== "POST") {
    return paginatedResponse(context, trashedDocuments(context), (document) =>
      renderDocument(context, document),
    )
  }
  const fields = await bodyFields(context)
  const errors: Record<string, Array<string>> = {}
  const trashed = trashedDocuments(context)
  const requested = Array.isArray(fields.documents) ? fields.documents.map(parsePk) : undefined
  if (fields.documents !== undefined && !Array.isArray(fields.documents)) {
    errors.documents = [`Expected a list of items but got type "${typeof fields.documents}".`]
  } else if (
    requested?.some((id) => typeof id !== "number" || !trashed.some((document) => document.id === id))
  ) {
    errors.documents = ["Some documents in the list have not yet been deleted."]
  }
  const action = fields.action
  if (action === undefined) errors.action = ["This field is required."]
  else if (action !== "restore" && action !== "empty")
    errors.action = [`"${String(action)}" is not a valid choice.`]
  if (Object.keys(errors).length > 0) return fail(400, errors)
  const targets =
    requested === undefined ? trashed : trashed.filter((document) => requested.includes(document.id))
  for (const document of targets) {
    if (action === "restore") {
      document.deletedAt = null
      // Restoring saves the document, which bumps `modified` (`documents.get.restored.json`).
      document.modified = context.store.clock.now()
    } else {
      context.store.documents.delete(document.id)
      context.store.shareLinks.forEach((link, id) => {
        if (link.document === document.id) context.store.shareLinks.delete(id)
      })
    }
  }
  return json(200, { result: "OK", doc_ids: targets.map((document) => document.id) })
}
