import * as Schema from "effect/Schema"
import { makeListing, makeResource, OpaqueObject, type Resource } from "./resources.js"
import type { Transport } from "./transport.js"

export const WorkflowId = Schema.Int.pipe(Schema.brand("PaperlessWorkflowId"))
export type WorkflowId = typeof WorkflowId.Type

/** Triggers and actions are nested trees of settings this project passes through unread. */
export const Workflow = Schema.Struct({
  id: WorkflowId,
  name: Schema.String,
  order: Schema.Int,
  enabled: Schema.Boolean,
  triggers: Schema.Array(OpaqueObject),
  actions: Schema.Array(OpaqueObject),
})
export type Workflow = typeof Workflow.Type

export const WorkflowCreate = Schema.Struct({
  name: Schema.String,
  order: Schema.optional(Schema.Int),
  enabled: Schema.optional(Schema.Boolean),
  triggers: Schema.Array(OpaqueObject),
  actions: Schema.Array(OpaqueObject),
})
export type WorkflowCreate = typeof WorkflowCreate.Type
export const WorkflowUpdate = Schema.partial(WorkflowCreate)
export type WorkflowUpdate = typeof WorkflowUpdate.Type

export type Workflows = Resource<WorkflowId, Workflow, WorkflowCreate, WorkflowUpdate>

export const makeWorkflows = (transport: Transport): Workflows =>
  makeResource(transport, {
    path: "/api/workflows/",
    item: Workflow,
    create: WorkflowCreate,
    update: WorkflowUpdate,
  })

export const makeWorkflowTriggers = (transport: Transport) =>
  makeListing(transport, "/api/workflow_triggers/", OpaqueObject)
export const makeWorkflowActions = (transport: Transport) =>
  makeListing(transport, "/api/workflow_actions/", OpaqueObject)
