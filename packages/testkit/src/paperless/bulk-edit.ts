import type { SimResponse } from "../http-server.js"
import { makePdf } from "../pdf.js"
import { createDocument, newTask, scheduleTask } from "./consumption.js"
import { assignValue, checkValue, removeInstance, type ValueAssignment } from "./custom-fields.js"
import { documentPredicates } from "./document-query.js"
import { visibleDocuments } from "./documents.js"
import { canChange, mergePermissions, parseOwner, parseSetPermissions } from "./permissions.js"
import { bodyFields, type Context, fail, forbiddenText, json, parsePk, pythonTypeName } from "./responses.js"
import { type DocumentRecord, storedFile, type TaskRecord } from "./store.js"
import { withAncestors, withDescendants } from "./tags.js"

/**
 * `POST /api/documents/bulk_edit/` and 3.0's dedicated v10 endpoints. Metadata methods change the
 * rows at once but bump `modified` only when the worker runs the bulk_update task
 * (paperless-server-behaviour.md, "What changes `modified`").
 */

const methods3 = [
  "set_correspondent",
  "set_document_type",
  "set_storage_path",
  "add_tag",
  "remove_tag",
  "modify_tags",
  "modify_custom_fields",
  "delete",
  "reprocess",
  "set_permissions",
  "rotate",
  "merge",
  "split",
  "delete_pages",
  "edit_pdf",
  "remove_password",
] as const
type Method = (typeof methods3)[number]

const invalid = (message: string): never => fail(400, { non_field_errors: [message] })

/** Queues the bulk_update task that saves the documents later (3.0 lists it; 2.20 never does). */
const scheduleBulkUpdate = (context: Context, documents: ReadonlyArray<DocumentRecord>) => {
  const task: TaskRecord | undefined =
    context.store.generation === "3.0"
      ? newTask(context.store, {
          taskName: "bulk_update",
          triggerSource: "system",
          fileName: null,
          mimeType: null,
          overrides: null,
          owner: null,
        })
      : undefined
  scheduleTask(context, task, context.options.bulkUpdateMs, () => {
    for (const document of documents) document.modified = context.store.clock.now()
    return { done: true }
  })
}

const objectParam = (
  context: Context,
  parameters: Record<string, unknown>,
  key: string,
  kind: "correspondents" | "document_types" | "storage_paths",
  label: string,
): number | null => {
  if (!Object.hasOwn(parameters, key)) return invalid(`${key.replace("_", " ")} not specified`)
  const value = parameters[key]
  if (value === null) return null
  const pk = parsePk(value)
  if (typeof pk !== "number" || !context.store.objects[kind].has(pk))
    return invalid(`${label} does not exist`)
  return pk
}

const tagParam = (context: Context, parameters: Record<string, unknown>) => {
  if (!Object.hasOwn(parameters, "tag")) return invalid("tag not specified")
  const pk = parsePk(parameters.tag)
  if (typeof pk !== "number" || !context.store.objects.tags.has(pk)) return invalid("Tag does not exist")
  return pk
}

const tagListParam = (context: Context, parameters: Record<string, unknown>, key: string) => {
  const value = parameters[key]
  if (!Array.isArray(value)) return invalid(`${key} must be a list`)
  const ids = value.map(parsePk)
  if (ids.some((id) => typeof id !== "number" || !context.store.objects.tags.has(id))) {
    return invalid(`Some tags in ${key} don't exist or were specified twice.`)
  }
  return ids as Array<number>
}

const customFieldParams = (context: Context, parameters: Record<string, unknown>) => {
  const add = parameters.add_custom_fields ?? []
  const remove = parameters.remove_custom_fields ?? []
  const assignments: Array<ValueAssignment> = []
  const entries: Array<[string, unknown]> = Array.isArray(add)
    ? add.map((id) => [String(id), null])
    : add !== null && typeof add === "object"
      ? Object.entries(add as Record<string, unknown>)
      : invalid("add_custom_fields must be a list of integers or a dict")
  const errors: Record<string, unknown> = {}
  for (const [id, value] of entries) {
    const field = /^\d+$/.test(id) ? context.store.customFields.get(Number(id)) : undefined
    if (!field) return invalid("Some custom fields in add_custom_fields don't exist or were specified twice.")
    const checked = checkValue(context.store, field, value)
    if ("error" in checked) errors[id] = { non_field_errors: [checked.error] }
    else assignments.push({ field, value: checked.value })
  }
  if (Object.keys(errors).length > 0) fail(400, { add_custom_fields: errors })
  if (!Array.isArray(remove)) return invalid("remove_custom_fields must be a list")
  const removeIds = remove.map(parsePk)
  if (removeIds.some((id) => typeof id !== "number" || !context.store.customFields.has(id))) {
    return invalid("Some custom fields in remove_custom_fields don't exist or were specified twice.")
  }
  return { assignments, removeIds: removeIds as Array<number> }
}

const pagesParam = (raw: unknown): Array<Array<number>> | undefined => {
  if (Array.isArray(raw) && raw.every((page) => typeof page === "number")) return [raw as Array<number>]
  if (typeof raw !== "string" || !/^\s*\d+(-\d+)?(\s*,\s*\d+(-\d+)?)*\s*$/.test(raw)) return undefined
  return raw.split(",").map((part) => {
    const [from, to] = part.trim().split("-").map(Number)
    const start = from ?? 1
    const end = to ?? start
    return Array.from({ length: Math.max(1, end - start + 1) }, (_, index) => start + index)
  })
}

/** A new document from an edit (merge/split/edit_pdf), consumed through a normal consume task. */
const queueDerivedDocument = (
  context: Context,
  fileName: string,
  lines: ReadonlyArray<string>,
  base: DocumentRecord | undefined,
) => {
  const task = newTask(context.store, {
    taskName: "consume_file",
    triggerSource: "manual",
    fileName,
    mimeType: "application/pdf",
    overrides: { filename: fileName, skip_asn_if_exists: false },
    owner: context.user.id,
  })
  scheduleTask(context, task, context.options.consumeMs, () => {
    const bytes = makePdf([...lines, `${fileName} ${task.taskId}`])
    const overrides = base
      ? {
          title: base.title,
          tags: base.tags,
          ...(base.correspondent === null ? {} : { correspondent: base.correspondent }),
        }
      : {}
    const document = createDocument(context.store, {
      fileName,
      bytes,
      mimeType: "application/pdf",
      overrides,
      owner: context.user.id,
    })
    return { document: document.id }
  })
}

/** Rotating or deleting pages: a new version on 3.0, the file rewritten in place on 2.20. */
const rewriteFile = (context: Context, document: DocumentRecord, operation: string) => {
  const lines = [...document.content.split("\n"), `${operation} ${context.store.clock.now()}`]
  const bytes = makePdf(lines)
  if (context.store.generation === "3.0") {
    document.versions.push({
      id: context.store.nextId("documents"),
      added: context.store.clock.now(),
      label: null,
      file: storedFile(bytes, "application/pdf"),
      archive: null,
      content: document.content,
    })
  } else {
    document.original = storedFile(bytes, "application/pdf")
    context.store.fileRevision += 1
    if (document.archive) document.archive = storedFile(makePdf([...lines, "archive"]), "application/pdf")
  }
  document.modified = context.store.clock.now()
}

const runMethod = (
  context: Context,
  method: Method,
  documents: Array<DocumentRecord>,
  parameters: Record<string, unknown>,
) => {
  const store = context.store
  switch (method) {
    case "set_correspondent": {
      const id = objectParam(context, parameters, "correspondent", "correspondents", "Correspondent")
      for (const document of documents) document.correspondent = id
      return scheduleBulkUpdate(context, documents)
    }
    case "set_document_type": {
      const id = objectParam(context, parameters, "document_type", "document_types", "Document type")
      for (const document of documents) document.documentType = id
      return scheduleBulkUpdate(context, documents)
    }
    case "set_storage_path": {
      const id = objectParam(context, parameters, "storage_path", "storage_paths", "Storage path")
      for (const document of documents) document.storagePath = id
      return scheduleBulkUpdate(context, documents)
    }
    case "add_tag": {
      const tags = withAncestors(store, tagParam(context, parameters))
      for (const document of documents) document.tags = [...new Set([...document.tags, ...tags])]
      return scheduleBulkUpdate(context, documents)
    }
    case "remove_tag": {
      const tags = withDescendants(store, tagParam(context, parameters))
      for (const document of documents) document.tags = document.tags.filter((tag) => !tags.includes(tag))
      return scheduleBulkUpdate(context, documents)
    }
    case "modify_tags": {
      const add = tagListParam(context, parameters, "add_tags")
      const remove = tagListParam(context, parameters, "remove_tags")
      for (const document of documents) {
        document.tags = [...new Set([...document.tags.filter((tag) => !remove.includes(tag)), ...add])]
      }
      return scheduleBulkUpdate(context, documents)
    }
    case "modify_custom_fields": {
      const { assignments, removeIds } = customFieldParams(context, parameters)
      for (const document of documents) {
        for (const assignment of assignments) {
          const existing = document.customFields.some((instance) => instance.field === assignment.field.id)
          // The list form only attaches fields; it keeps a value that is already there.
          if (!existing || Array.isArray(parameters.add_custom_fields) === false)
            assignValue(store, document, assignment)
        }
        for (const id of removeIds) removeInstance(store, document, id)
        // 3.0 also saves each document at once; 2.20 only through the async task.
        if (store.generation === "3.0") document.modified = store.clock.now()
      }
      return scheduleBulkUpdate(context, documents)
    }
    case "set_permissions": {
      const permissions = Object.hasOwn(parameters, "set_permissions")
        ? parseSetPermissions(context, parameters.set_permissions)
        : undefined
      const owner = Object.hasOwn(parameters, "owner") ? parseOwner(context, parameters.owner) : undefined
      for (const document of documents) {
        if (permissions)
          document.permissions =
            parameters.merge === true ? mergePermissions(document.permissions, permissions) : permissions
        if (owner !== undefined) document.owner = owner
      }
      return scheduleBulkUpdate(context, documents)
    }
    case "delete":
      for (const document of documents) document.deletedAt = store.clock.now()
      return
    case "reprocess":
      for (const document of documents) {
        if (store.generation === "3.0") {
          const task = newTask(store, {
            taskName: "reprocess_document",
            triggerSource: "manual",
            fileName: null,
            mimeType: null,
            overrides: null,
            owner: null,
          })
          scheduleTask(context, task, context.options.consumeMs, () => {
            document.modified = store.clock.now()
            return { done: true }
          })
        }
      }
      return
    case "rotate": {
      const degrees = parsePk(parameters.degrees)
      if (typeof degrees !== "number") return invalid("degrees must be an integer")
      // Any other angle is accepted and silently does nothing (`documents.rotate.invalid-degrees.json`).
      if (degrees % 90 === 0 && degrees % 360 !== 0)
        for (const document of documents) rewriteFile(context, document, `rotate ${degrees}`)
      return
    }
    case "delete_pages": {
      if (documents.length !== 1) return invalid("Delete pages method only supports one document")
      if (pagesParam(parameters.pages) === undefined) return invalid("pages must be a list of integers")
      for (const document of documents)
        rewriteFile(context, document, `delete_pages ${String(parameters.pages)}`)
      return
    }
    case "merge": {
      const metadataId =
        parameters.metadata_document_id === undefined || parameters.metadata_document_id === null
          ? undefined
          : parsePk(parameters.metadata_document_id)
      const base = documents.find((document) => document.id === metadataId)
      const name = `${documents.map((document) => document.id).join("_")}_merged.pdf`
      queueDerivedDocument(
        context,
        name,
        documents.flatMap((document) => document.content.split("\n")),
        base,
      )
      if (parameters.delete_originals === true)
        for (const document of documents) document.deletedAt = store.clock.now()
      return
    }
    case "split": {
      if (documents.length !== 1) return invalid("Split method only supports one document")
      const parts = pagesParam(parameters.pages)
      if (parts === undefined) return invalid("invalid pages specified")
      for (const document of documents) {
        for (const [index, pages] of parts.entries()) {
          const name = `${document.id}_${index + 1}-${pages.join("-")}.pdf`
          queueDerivedDocument(context, name, [`${document.title} pages ${pages.join(",")}`], document)
        }
      }
      return
    }
    case "edit_pdf":
      return editPdf(context, documents, parameters)
    case "remove_password":
      if (typeof parameters.password !== "string") return invalid("password must be a string")
      return
  }
}

const editPdf = (context: Context, documents: Array<DocumentRecord>, parameters: Record<string, unknown>) => {
  if (documents.length !== 1) return invalid("Edit PDF method only supports one document")
  const operations = parameters.operations
  if (!Array.isArray(operations) || operations.length === 0)
    return invalid("operations must be a non-empty list")
  for (const document of documents) {
    const pages = document.pageCount ?? 1
    const targets = new Set<number>()
    for (const operation of operations as Array<Record<string, unknown>>) {
      const page = parsePk(operation?.page)
      if (typeof page !== "number" || page < 1 || page > pages) {
        return invalid(`Page ${String(operation?.page)} is out of bounds for document with ${pages} pages.`)
      }
      targets.add(typeof operation.doc === "number" ? operation.doc : 0)
    }
    if (parameters.update_document === true) rewriteFile(context, document, "edit_pdf")
    else
      for (const target of targets)
        queueDerivedDocument(
          context,
          `${document.id}_edit_${target + 1}.pdf`,
          [`${document.title} part ${target + 1}`],
          document,
        )
    if (parameters.delete_original === true) document.deletedAt = context.store.clock.now()
  }
}

const resolveDocuments = (context: Context, fields: Record<string, unknown>): Array<DocumentRecord> => {
  if (context.store.generation === "3.0" && fields.all === true && !Object.hasOwn(fields, "documents")) {
    const filters =
      fields.filters !== null && typeof fields.filters === "object"
        ? (fields.filters as Record<string, unknown>)
        : {}
    const filterContext: Context = {
      ...context,
      query: new URLSearchParams(
        Object.entries(filters).map(([key, value]): [string, string] => [key, String(value)]),
      ),
    }
    const predicates = documentPredicates(filterContext)
    return visibleDocuments(context).filter((document) =>
      predicates.every((predicate) => predicate(document)),
    )
  }
  if (!Object.hasOwn(fields, "documents")) {
    return context.store.generation === "3.0"
      ? invalid("documents is required unless all is true.")
      : fail(400, { documents: ["This field is required."] })
  }
  if (!Array.isArray(fields.documents)) {
    return fail(400, {
      documents: [`Expected a list of items but got type "${pythonTypeName(fields.documents)}".`],
    })
  }
  const ids = fields.documents.map(parsePk)
  const documents = ids.map((id) => (typeof id === "number" ? context.store.liveDocument(id) : undefined))
  if (documents.some((document) => document === undefined) || new Set(ids).size !== ids.length) {
    return fail(400, { documents: ["Some documents in documents don't exist or were specified twice."] })
  }
  return documents as Array<DocumentRecord>
}

const checkChangePermission = (context: Context, documents: ReadonlyArray<DocumentRecord>) => {
  if (!context.store.hasPermission(context.user, "change_document")) forbiddenText()
  if (documents.some((document) => !canChange(context.user, document.owner, document.permissions)))
    forbiddenText()
}

export const bulkEdit = async (context: Context): Promise<SimResponse> => {
  if (!context.store.hasPermission(context.user, "change_document")) forbiddenText()
  const fields = await bodyFields(context)
  const methods: ReadonlyArray<string> =
    context.store.generation === "3.0" ? methods3 : methods3.filter((name) => name !== "remove_password")
  const methodErrors = !Object.hasOwn(fields, "method")
    ? ["This field is required."]
    : methods.includes(String(fields.method))
      ? undefined
      : [`"${String(fields.method)}" is not a valid choice.`]
  if (methodErrors) return fail(400, { method: methodErrors })
  const documents = resolveDocuments(context, fields)
  checkChangePermission(context, documents)
  const parameters =
    fields.parameters !== null && typeof fields.parameters === "object"
      ? (fields.parameters as Record<string, unknown>)
      : {}
  runMethod(context, fields.method as Method, documents, parameters)
  return json(200, { result: "OK" })
}

/** 3.0's v10 endpoints: `/api/documents/{delete,reprocess,rotate,merge,edit_pdf,remove_password}/`. */
export const documentOperation = async (
  context: Context,
  operation: "delete" | "reprocess" | "rotate" | "merge" | "edit_pdf" | "remove_password",
): Promise<SimResponse> => {
  if (!context.store.hasPermission(context.user, "change_document")) forbiddenText()
  const fields = await bodyFields(context)
  const documents = resolveDocuments(context, fields)
  checkChangePermission(context, documents)
  runMethod(context, operation, documents, fields)
  return json(200, { result: "OK" })
}
