import type { SimResponse } from "../http-server.js"
import { paginatedResponse } from "./pagination.js"
import { actionOf, requirePermission } from "./permissions.js"
import { bodyFields, type Context, fail, json, methodNotAllowed, notFound } from "./responses.js"

/**
 * Mail accounts and rules, workflows and their triggers/actions. The captures only show these
 * lists empty, so the simulator keeps what a client sends (named records with an id and owner),
 * enforces unique names, masks mail passwords, and lists them like every other resource.
 */

export type AutomationResource =
  | "mail_accounts"
  | "mail_rules"
  | "workflows"
  | "workflow_triggers"
  | "workflow_actions"

const codenames: Record<AutomationResource, string> = {
  mail_accounts: "mailaccount",
  mail_rules: "mailrule",
  workflows: "workflow",
  workflow_triggers: "workflowtrigger",
  workflow_actions: "workflowaction",
}

const modelNames: Record<AutomationResource, string> = {
  mail_accounts: "MailAccount",
  mail_rules: "MailRule",
  workflows: "Workflow",
  workflow_triggers: "WorkflowTrigger",
  workflow_actions: "WorkflowAction",
}

const named = new Set<AutomationResource>(["mail_accounts", "mail_rules", "workflows"])

type AutomationRecord = Record<string, unknown> & { readonly id: number }

const tableOf = (context: Context, resource: AutomationResource): Map<number, AutomationRecord> => {
  let table = context.store.automation.get(resource)
  if (!table) {
    table = new Map()
    context.store.automation.set(resource, table)
  }
  return table
}

const render = (context: Context, resource: AutomationResource, record: AutomationRecord) => {
  const masked =
    resource === "mail_accounts" && typeof record.password === "string" ? { password: "**********" } : {}
  return {
    ...record,
    ...masked,
    ...(named.has(resource)
      ? { user_can_change: context.user.isSuperuser || record.owner === context.user.id }
      : {}),
  }
}

const validate = (
  context: Context,
  resource: AutomationResource,
  fields: Record<string, unknown>,
  existing: AutomationRecord | undefined,
) => {
  if (!named.has(resource)) return
  const name = fields.name ?? existing?.name
  if (typeof name !== "string" || name.trim() === "") {
    fail(400, {
      name: [Object.hasOwn(fields, "name") ? "This field may not be blank." : "This field is required."],
    })
  }
  const label =
    resource === "mail_accounts" ? "mail account" : resource === "mail_rules" ? "mail rule" : "workflow"
  for (const other of tableOf(context, resource).values()) {
    if (other.id !== existing?.id && other.name === name)
      fail(400, { name: [`${label} with this name already exists.`] })
  }
}

export const automationCollection = async (
  context: Context,
  resource: AutomationResource,
): Promise<SimResponse> => {
  requirePermission(context, `${actionOf(context.method)}_${codenames[resource]}`)
  const table = tableOf(context, resource)
  if (context.method === "GET" || context.method === "HEAD") {
    return paginatedResponse(
      context,
      [...table.values()].sort((a, b) => a.id - b.id),
      (record) => render(context, resource, record),
    )
  }
  if (context.method !== "POST") return methodNotAllowed(context.method)
  const fields = await bodyFields(context)
  validate(context, resource, fields, undefined)
  const record: AutomationRecord = {
    ...fields,
    id: context.store.nextId(resource),
    ...(named.has(resource) ? { owner: fields.owner ?? context.user.id } : {}),
  }
  table.set(record.id, record)
  return json(201, render(context, resource, record))
}

export const automationDetail = async (
  context: Context,
  resource: AutomationResource,
  rawId: string,
): Promise<SimResponse> => {
  requirePermission(context, `${actionOf(context.method)}_${codenames[resource]}`)
  const table = tableOf(context, resource)
  const record = /^\d+$/.test(rawId) ? table.get(Number(rawId)) : undefined
  if (!record) return notFound(modelNames[resource])
  switch (context.method) {
    case "GET":
    case "HEAD":
      return json(200, render(context, resource, record))
    case "PATCH":
    case "PUT": {
      const fields = await bodyFields(context)
      validate(context, resource, fields, record)
      const updated: AutomationRecord = {
        ...(context.method === "PUT" ? {} : record),
        ...fields,
        id: record.id,
      }
      table.set(record.id, updated)
      return json(200, render(context, resource, updated))
    }
    case "DELETE":
      table.delete(record.id)
      return { status: 204 }
    default:
      return methodNotAllowed(context.method)
  }
}
