import type { SimResponse } from "../http-server.js"
import { formatMicros } from "./clock.js"
import { newTask } from "./consumption.js"
import { paginatedResponse } from "./pagination.js"
import { requirePermission } from "./permissions.js"
import {
  bodyFields,
  type Context,
  fail,
  failDetail,
  json,
  methodNotAllowed,
  notFound,
  parseBoolean,
  parsePk,
  pythonTypeName,
} from "./responses.js"
import type { PaperlessStore, TaskRecord } from "./store.js"

/**
 * `/api/tasks/` in its three shapes: 3.0 v10 (paginated, lower-case statuses, `result_data`,
 * `related_document_ids`), 3.0 v9 (bare array, legacy fields, int `related_document`) and 2.20
 * (bare array, `auto_task`, string `related_document`, no `duplicate_documents`).
 */

const displayNames: Record<string, string> = {
  consume_file: "Consume File",
  bulk_update: "Bulk Update",
  reprocess_document: "Reprocess Document",
  check_sanity: "Check Sanity",
  api_upload: "API Upload",
  web_ui: "Web UI",
  system: "System",
  manual: "Manual",
}

const seconds = (from: number | null, to: number | null) =>
  from === null || to === null ? null : (to - from) / 1_000_000

const at = (micros: number | null) => (micros === null ? null : formatMicros(micros))

const traceback =
  '  File "/usr/src/paperless/src/documents/tasks.py", line 243, in consume_file\n  File "/usr/src/paperless/src/documents/consumer.py", line 234, in _fail\n'

const renderV10 = (task: TaskRecord) => ({
  id: task.id,
  task_id: task.taskId,
  task_type: task.taskName,
  task_type_display: displayNames[task.taskName] ?? task.taskName,
  trigger_source: task.triggerSource,
  trigger_source_display: displayNames[task.triggerSource] ?? task.triggerSource,
  status: task.status.toLowerCase(),
  status_display: task.status.charAt(0) + task.status.slice(1).toLowerCase(),
  date_created: at(task.dateCreated),
  date_started: at(task.dateStarted),
  date_done: at(task.dateDone),
  duration_seconds: seconds(task.dateStarted, task.dateDone),
  wait_time_seconds: seconds(task.dateCreated, task.dateStarted),
  input_data:
    task.taskName === "consume_file"
      ? { filename: task.fileName, mime_type: task.mimeType, overrides: task.overrides }
      : {},
  result_data:
    task.status === "SUCCESS" && task.relatedDocument !== null
      ? { document_id: task.relatedDocument }
      : task.status === "FAILURE"
        ? { error_type: "ConsumerError", error_message: task.errorMessage ?? task.result, traceback }
        : null,
  related_document_ids:
    task.status === "SUCCESS" && task.relatedDocument !== null ? [task.relatedDocument] : [],
  acknowledged: task.acknowledged,
  owner: task.owner,
})

const legacyType = (task: TaskRecord, generation: "3.0" | "2.20") => {
  if (generation === "2.20") return task.taskName === "check_sanity" ? "manual_task" : "auto_task"
  return task.taskName === "bulk_update" ? "auto_task" : "manual_task"
}

const renderLegacy = (context: Context, task: TaskRecord) => {
  if (context.store.generation === "2.20") {
    return {
      id: task.id,
      task_id: task.taskId,
      task_name: task.taskName,
      task_file_name: task.fileName,
      date_created: at(task.dateCreated),
      date_done: at(task.dateDone),
      type: legacyType(task, "2.20"),
      status: task.status,
      result: task.result,
      acknowledged: task.acknowledged,
      // Parsed from `result` by the server, so a duplicate points at the existing document.
      related_document: task.relatedDocument === null ? null : String(task.relatedDocument),
      owner: task.owner,
    }
  }
  return {
    id: task.id,
    task_id: task.taskId,
    task_name: task.taskName,
    task_file_name: task.fileName,
    type: legacyType(task, "3.0"),
    status: task.status,
    date_created: at(task.dateCreated),
    date_done: at(task.dateDone),
    result: task.result,
    acknowledged: task.acknowledged,
    related_document: task.status === "SUCCESS" ? task.relatedDocument : null,
    duplicate_documents: [],
    owner: task.owner,
  }
}

const paginatedTasks = (context: Context) => context.store.generation === "3.0" && context.version >= 10

export const renderTask = (context: Context, task: TaskRecord) =>
  paginatedTasks(context) ? renderV10(task) : renderLegacy(context, task)

/** 2.20 rows exist only for consumption and sanity checks; 3.0 also lists bulk_update and reprocess. */
const listedTasks = (context: Context) =>
  context.store.tasks.filter(
    (task) =>
      context.store.generation === "3.0" ||
      task.taskName === "consume_file" ||
      task.taskName === "check_sanity",
  )

const filteredTasks = (context: Context) => {
  const query = context.query
  let tasks = listedTasks(context)
  if (!context.user.isSuperuser)
    tasks = tasks.filter((task) => task.owner === null || task.owner === context.user.id)
  const taskId = query.get("task_id")
  if (taskId !== null) tasks = tasks.filter((task) => task.taskId === taskId)
  const status = query.get("status")
  if (status !== null) {
    // 3.0 stores lower-case statuses (even for v9 requests), 2.20 upper case: the other case is a 400.
    const valid = ["pending", "started", "success", "failure", "retry", "revoked"].map((name) =>
      context.store.generation === "3.0" ? name : name.toUpperCase(),
    )
    if (!valid.includes(status)) {
      return fail(400, { status: [`Select a valid choice. ${status} is not one of the available choices.`] })
    }
    tasks = tasks.filter((task) => task.status === status.toUpperCase())
  }
  const type = query.get("task_type") ?? query.get("task_name")
  if (type !== null) tasks = tasks.filter((task) => task.taskName === type)
  const legacy = query.get("type")
  if (legacy !== null) tasks = tasks.filter((task) => legacyType(task, context.store.generation) === legacy)
  const acknowledged = query.get("acknowledged")
  if (acknowledged !== null) tasks = tasks.filter((task) => task.acknowledged === parseBoolean(acknowledged))
  return [...tasks].sort((a, b) => b.dateCreated - a.dateCreated || b.id - a.id)
}

export const listTasks = (context: Context): SimResponse => {
  requirePermission(context, "view_paperlesstask")
  const tasks = filteredTasks(context)
  if (paginatedTasks(context)) return paginatedResponse(context, tasks, renderV10)
  return json(
    200,
    tasks.map((task) => renderLegacy(context, task)),
  )
}

export const taskDetail = (context: Context, rawId: string): SimResponse => {
  requirePermission(context, "view_paperlesstask")
  if (!/^\d+$/.test(rawId)) return failDetail(404, "Not found.")
  const task = listedTasks(context).find((candidate) => candidate.id === Number(rawId))
  if (!task) return notFound("PaperlessTask")
  return json(200, renderTask(context, task))
}

export const acknowledgeTasks = async (context: Context): Promise<SimResponse> => {
  if (context.method !== "POST") return methodNotAllowed(context.method)
  requirePermission(context, "change_paperlesstask")
  const fields = await bodyFields(context)
  if (!Object.hasOwn(fields, "tasks")) return fail(400, { tasks: ["This field is required."] })
  if (!Array.isArray(fields.tasks)) {
    return fail(400, { tasks: [`Expected a list of items but got type "${pythonTypeName(fields.tasks)}".`] })
  }
  const ids = fields.tasks.map(parsePk)
  const tasks = ids.map((id) => context.store.tasks.find((task) => task.id === id))
  if (tasks.some((task) => task === undefined) || new Set(ids).size !== ids.length) {
    return fail(400, { tasks: ["Some tasks in tasks don't exist or were specified twice."] })
  }
  for (const task of tasks) if (task) task.acknowledged = true
  return json(200, { result: tasks.length })
}

/** 3.0 only: unpaginated pending + started tasks. */
export const activeTasks = (context: Context): SimResponse => {
  requirePermission(context, "view_paperlesstask")
  const active = filteredTasks(context).filter(
    (task) => task.status === "PENDING" || task.status === "STARTED",
  )
  return json(
    200,
    active.map((task) => renderTask(context, task)),
  )
}

export const taskStatusCounts = (context: Context): SimResponse => {
  requirePermission(context, "view_paperlesstask")
  const tasks = listedTasks(context)
  const count = (statuses: ReadonlyArray<string>, unacknowledgedOnly = false) =>
    tasks.filter((task) => statuses.includes(task.status) && (!unacknowledgedOnly || !task.acknowledged))
      .length
  return json(200, {
    all: tasks.length,
    needs_attention: count(["FAILURE"], true),
    in_progress: count(["PENDING", "STARTED"]),
    completed: count(["SUCCESS", "FAILURE"]),
  })
}

export const taskSummary = (context: Context): SimResponse => {
  requirePermission(context, "view_paperlesstask")
  const byType = new Map<string, Array<TaskRecord>>()
  for (const task of listedTasks(context))
    byType.set(task.taskName, [...(byType.get(task.taskName) ?? []), task])
  const average = (values: Array<number | null>) => {
    const present = values.filter((value): value is number => value !== null)
    return present.length === 0 ? null : present.reduce((sum, value) => sum + value, 0) / present.length
  }
  const latest = (tasks: Array<TaskRecord>, read: (task: TaskRecord) => number | null) => {
    const values = tasks.map(read).filter((value): value is number => value !== null)
    return values.length === 0 ? null : formatMicros(Math.max(...values))
  }
  const summary = [...byType.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([type, tasks]) => ({
      task_type: type,
      total_count: tasks.length,
      pending_count: tasks.filter((task) => task.status === "PENDING" || task.status === "STARTED").length,
      success_count: tasks.filter((task) => task.status === "SUCCESS").length,
      failure_count: tasks.filter((task) => task.status === "FAILURE").length,
      avg_duration_seconds: average(tasks.map((task) => seconds(task.dateStarted, task.dateDone))),
      avg_wait_time_seconds: average(tasks.map((task) => seconds(task.dateCreated, task.dateStarted))),
      last_run: latest(tasks, (task) => task.dateCreated),
      last_success: latest(
        tasks.filter((task) => task.status === "SUCCESS"),
        (task) => task.dateDone,
      ),
      last_failure: latest(
        tasks.filter((task) => task.status === "FAILURE"),
        (task) => task.dateDone,
      ),
    }))
  return json(200, summary)
}

/** `POST /api/tasks/run/ {task_name}`: a sanity check runs and is listed as a manual task. */
export const runTask = async (context: Context): Promise<SimResponse> => {
  if (context.method !== "POST") return methodNotAllowed(context.method)
  if (!context.user.isSuperuser)
    return fail(403, { detail: "You do not have permission to perform this action." })
  const fields = await bodyFields(context)
  if (fields.task_name !== "check_sanity") {
    return fail(400, { task_name: [`"${String(fields.task_name)}" is not a valid choice.`] })
  }
  const task = newTask(context.store, {
    taskName: "check_sanity",
    triggerSource: "manual",
    fileName: null,
    mimeType: null,
    overrides: null,
    owner: null,
  })
  task.status = "SUCCESS"
  task.dateStarted = task.dateCreated
  task.dateDone = context.store.clock.now()
  task.result = "No issues detected."
  return json(200, { result: "No issues detected." })
}

/**
 * `/api/status/` `tasks.summary` on 3.0: every task created in the last `days` days, counted by
 * status; only PENDING counts as pending, not STARTED (views.py SystemStatusView, `status.get.json`).
 */
export const taskTally = (store: PaperlessStore, days: number) => {
  const cutoff = store.clock.now() - days * 86_400_000_000
  const recent = store.tasks.filter((task) => task.dateCreated >= cutoff)
  const counted = (status: TaskRecord["status"]) => recent.filter((task) => task.status === status).length
  return {
    days,
    total_count: recent.length,
    pending_count: counted("PENDING"),
    success_count: counted("SUCCESS"),
    failure_count: counted("FAILURE"),
  }
}
