import * as Chunk from "effect/Chunk"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { DocumentId } from "./documents.js"
import type { PaperlessError } from "./errors.js"
import { Page, type PageQuery, streamPages } from "./pagination.js"
import { jsonBody, type Query, type Transport } from "./transport.js"
import { TaskUuid } from "./upload.js"

export { TaskUuid } from "./upload.js"

/** Celery states; v9 sends them upper case, v10 lower case. */
export const TaskStatus = Schema.Literal("pending", "started", "success", "failure", "retry", "revoked")
export type TaskStatus = typeof TaskStatus.Type
const CeleryStatus = Schema.transform(
  Schema.Literal("PENDING", "STARTED", "SUCCESS", "FAILURE", "RETRY", "REVOKED"),
  TaskStatus,
  {
    strict: true,
    decode: (upper) => upper.toLowerCase() as TaskStatus,
    encode: (lower) => lower.toUpperCase() as "PENDING",
  },
)

/**
 * v9 task row. `related_document` is an int on 3.0 and a STRING on 2.20 (parsed from `result`
 * by regex, so for a duplicate it is the existing document: 2.20 `tasks.get.by-task_id.duplicate.json`).
 */
export const TaskV9 = Schema.Struct({
  id: Schema.Int,
  task_id: TaskUuid,
  task_name: Schema.NullOr(Schema.String),
  task_file_name: Schema.NullOr(Schema.String),
  type: Schema.String,
  status: CeleryStatus,
  date_created: Schema.NullOr(Schema.String),
  date_done: Schema.NullOr(Schema.String),
  result: Schema.NullOr(Schema.String),
  acknowledged: Schema.Boolean,
  related_document: Schema.NullOr(
    Schema.Union(DocumentId, Schema.compose(Schema.NumberFromString, DocumentId)),
  ),
  duplicate_documents: Schema.optional(Schema.Array(Schema.Unknown)),
  owner: Schema.NullOr(Schema.Int),
})
export type TaskV9 = typeof TaskV9.Type

/** v10 task row (3.0): lower-case status, structured input and result (`tasks.get.by-task_id.full-metadata.*.json`). */
export const TaskV10 = Schema.Struct({
  id: Schema.Int,
  task_id: TaskUuid,
  task_type: Schema.String,
  trigger_source: Schema.String,
  status: TaskStatus,
  date_created: Schema.NullOr(Schema.String),
  date_started: Schema.NullOr(Schema.String),
  date_done: Schema.NullOr(Schema.String),
  duration_seconds: Schema.NullOr(Schema.Number),
  wait_time_seconds: Schema.NullOr(Schema.Number),
  input_data: Schema.NullOr(
    Schema.Struct({
      filename: Schema.optional(Schema.NullOr(Schema.String)),
      mime_type: Schema.optional(Schema.NullOr(Schema.String)),
      overrides: Schema.optional(Schema.NullOr(Schema.Record({ key: Schema.String, value: Schema.Unknown }))),
    }),
  ),
  result_data: Schema.NullOr(
    Schema.Struct({
      document_id: Schema.optional(Schema.NullOr(DocumentId)),
      error_type: Schema.optional(Schema.String),
      error_message: Schema.optional(Schema.String),
      traceback: Schema.optional(Schema.String),
      // With PAPERLESS_CONSUMER_DELETE_DUPLICATES, 3.0 ends a duplicate's task FAILURE with only
      // these (documents/data_models.py `ConsumeFileDuplicateResult`, signals/handlers.py).
      duplicate_of: Schema.optional(Schema.NullOr(DocumentId)),
      duplicate_in_trash: Schema.optional(Schema.Boolean),
    }),
  ),
  related_document_ids: Schema.Array(DocumentId),
  acknowledged: Schema.Boolean,
  owner: Schema.NullOr(Schema.Int),
})
export type TaskV10 = typeof TaskV10.Type

/** One task, whatever version it was read with. */
export interface Task {
  /** The row id, which `acknowledge` wants. */
  readonly rowId: number
  readonly taskId: TaskUuid
  /** `consume_file`, `bulk_update`, `train_classifier`, … */
  readonly name: string | null
  readonly fileName: string | null
  readonly status: TaskStatus
  readonly dateCreated: string | null
  readonly dateDone: string | null
  /** The failure text (v9 `result`, v10 `result_data.error_message`) or the v9 success sentence. */
  readonly message: string | null
  /** The new document on success. */
  readonly documentId: DocumentId | null
  /** Every document the server links to the task; on a 2.20 duplicate failure, the existing one. */
  readonly relatedDocumentIds: ReadonlyArray<DocumentId>
  readonly acknowledged: boolean
}

export const taskFromV9 = (row: TaskV9): Task => ({
  rowId: row.id,
  taskId: row.task_id,
  name: row.task_name,
  fileName: row.task_file_name,
  status: row.status,
  dateCreated: row.date_created,
  dateDone: row.date_done,
  message: row.result,
  documentId: row.status === "success" ? row.related_document : null,
  relatedDocumentIds: row.related_document === null ? [] : [row.related_document],
  acknowledged: row.acknowledged,
})

/**
 * 3.0 keeps no failure text for a refused duplicate: say it as its v9 serializer does
 * (`get_result`: "Not consuming: It is a duplicate of document #<id>"), with 2.20's trash note.
 */
const v10FailureMessage = (result: TaskV10["result_data"]): string | null => {
  if (result?.error_message !== undefined) return result.error_message
  if (result?.duplicate_of === undefined || result.duplicate_of === null) return null
  const note = result.duplicate_in_trash === true ? " Note: existing document is in the trash." : ""
  return `Not consuming: It is a duplicate of document #${result.duplicate_of}${note}`
}

export const taskFromV10 = (row: TaskV10): Task => ({
  rowId: row.id,
  taskId: row.task_id,
  name: row.task_type,
  fileName: row.input_data?.filename ?? null,
  status: row.status,
  dateCreated: row.date_created,
  dateDone: row.date_done,
  message: v10FailureMessage(row.result_data),
  documentId:
    row.status === "success" ? (row.result_data?.document_id ?? row.related_document_ids[0] ?? null) : null,
  relatedDocumentIds: row.related_document_ids,
  acknowledged: row.acknowledged,
})

export const AnyTask = Schema.Union(
  Schema.transform(TaskV10, Schema.Any, { strict: true, decode: taskFromV10, encode: (task) => task }),
  Schema.transform(TaskV9, Schema.Any, { strict: true, decode: taskFromV9, encode: (task) => task }),
) as unknown as Schema.Schema<Task, typeof TaskV10.Encoded | typeof TaskV9.Encoded>

export type TaskFailureReason = "duplicate" | "unsupported-type" | "asn-in-use" | "other"

/** Consumption failed; `existingDocumentId` is the twin 2.20 names for a duplicate. */
export class PaperlessTaskFailed extends Schema.TaggedError<PaperlessTaskFailed>()("PaperlessTaskFailed", {
  taskId: Schema.String,
  reason: Schema.Literal("duplicate", "unsupported-type", "asn-in-use", "other"),
  serverMessage: Schema.String,
  existingDocumentId: Schema.optional(Schema.Number),
  /** 2.20: the twin is in the trash (its id is then not given). */
  existingInTrash: Schema.optional(Schema.Boolean),
}) {
  override get message(): string {
    return `task ${this.taskId} failed (${this.reason}): ${this.serverMessage}`
  }
}

export class PaperlessTaskTimeout extends Schema.TaggedError<PaperlessTaskTimeout>()("PaperlessTaskTimeout", {
  taskId: Schema.String,
  waitedMs: Schema.Number,
}) {
  override get message(): string {
    return `task ${this.taskId} still not finished after ${this.waitedMs} ms`
  }
}

/**
 * Pure: why consumption failed, from the server's text. 2.20: "It is a duplicate of <title> (#<id>)."
 * plus " Note: existing document is in the trash." for a trashed twin; both: "Given ASN 1001 already
 * exists!" (`tasks.get.by-task_id.asn-in-use*.json`).
 */
export const classifyFailure = (task: Task): PaperlessTaskFailed => {
  const message = task.message ?? "consumption failed without a message"
  const base = { taskId: task.taskId, serverMessage: message }
  const duplicate =
    /duplicate of .*?\(#(\d+)\)/i.exec(message) ?? /duplicate of document #(\d+)/i.exec(message)
  if (duplicate !== null || /\bduplicate\b/i.test(message)) {
    const named = duplicate?.[1] === undefined ? undefined : Number(duplicate[1])
    const existing = named ?? task.relatedDocumentIds[0]
    return new PaperlessTaskFailed({
      ...base,
      reason: "duplicate",
      ...(existing === undefined ? {} : { existingDocumentId: existing }),
      ...(/existing document is in the trash/i.test(message) ? { existingInTrash: true } : {}),
    })
  }
  if (/ASN \d+ already exists/i.test(message))
    return new PaperlessTaskFailed({ ...base, reason: "asn-in-use" })
  if (/unsupported|not supported|no parser/i.test(message)) {
    return new PaperlessTaskFailed({ ...base, reason: "unsupported-type" })
  }
  return new PaperlessTaskFailed({ ...base, reason: "other" })
}

export type TaskOutcome =
  | {
      readonly _tag: "Consumed"
      readonly taskId: TaskUuid
      readonly documentId: DocumentId
      readonly task: Task
    }
  | {
      readonly _tag: "Failed"
      readonly taskId: TaskUuid
      readonly failure: PaperlessTaskFailed
      readonly task: Task
    }
  | { readonly _tag: "TimedOut"; readonly taskId: TaskUuid; readonly waitedMs: number }

export interface PollOptions {
  /** First wait between rounds (default 250 ms); grows by `factor` up to `maxDelay`. */
  readonly initialDelay?: Duration.DurationInput
  readonly maxDelay?: Duration.DurationInput
  readonly factor?: number
  /** Give up on a task after this long (default 10 minutes). */
  readonly timeout?: Duration.DurationInput
}

export type TaskQuery = {
  readonly task_id?: string
  /** Lower case on 3.0, upper case on 2.20 (the other case is a 400 on each). */
  readonly status?: string
  readonly acknowledged?: boolean
  readonly task_name?: string
  readonly task_type?: string
  readonly type?: string
}

export interface Tasks {
  /** v9 answers one unpaginated array; v10 pages. Either way a stream of normalised tasks. */
  readonly stream: (query?: TaskQuery & PageQuery) => Stream.Stream<Task, PaperlessError>
  /** An unknown id is `None`, not an error (the server answers an empty list). */
  readonly get: (taskId: TaskUuid) => Effect.Effect<Option.Option<Task>, PaperlessError>
  /** Tasks queued or running. */
  readonly active: () => Effect.Effect<ReadonlyArray<Task>, PaperlessError>
  /** Takes row ids (`Task.rowId`), not task UUIDs; answers how many were acknowledged. */
  readonly acknowledge: (rowIds: ReadonlyArray<number>) => Effect.Effect<number, PaperlessError>
  /**
   * One look at many uploads: the outcome of each that has finished; one still queued, or not
   * known to the server yet, is not in the answer. A look costs one read of the queue plus one
   * look-up per task that has left it; with two tasks or fewer, a look-up each, which costs no
   * more (2.20 reads its queue in two requests).
   */
  readonly poll: (taskIds: Iterable<TaskUuid>) => Effect.Effect<ReadonlyArray<TaskOutcome>, PaperlessError>
  /** Waits for one upload: the new document id, or a typed failure. */
  readonly await: (
    taskId: TaskUuid,
    options?: PollOptions,
  ) => Effect.Effect<DocumentId, PaperlessError | PaperlessTaskFailed | PaperlessTaskTimeout>
  /**
   * Watches many uploads at once and emits each outcome as it happens. The consumer handles about
   * one document per second, so post ahead and watch the whole batch: a round costs one request
   * for the queue plus one per task that has left it.
   */
  readonly watch: (
    taskIds: Iterable<TaskUuid>,
    options?: PollOptions,
  ) => Stream.Stream<TaskOutcome, PaperlessError>
}

/** 3.0 only (404 on 2.20): counts for the UI's task badge. */
export const TaskStatusCounts = Schema.Struct({
  all: Schema.Int,
  needs_attention: Schema.Int,
  in_progress: Schema.Int,
  completed: Schema.Int,
})

const AcknowledgeBody = Schema.Struct({ tasks: Schema.Array(Schema.Int) })

const isTerminal = (status: TaskStatus) =>
  status === "success" || status === "failure" || status === "revoked"

const outcomeOf = (task: Task): TaskOutcome | undefined => {
  if (!isTerminal(task.status)) return undefined
  if (task.status === "success" && task.documentId !== null) {
    return { _tag: "Consumed", taskId: task.taskId, documentId: task.documentId, task }
  }
  return { _tag: "Failed", taskId: task.taskId, failure: classifyFailure(task), task }
}

export const makeTasks = (transport: Transport): Tasks => {
  const path = "/api/tasks/"
  const v10Page = Page(TaskV10)
  const list = (query: Query): Effect.Effect<{ tasks: ReadonlyArray<Task>; more: boolean }, PaperlessError> =>
    Effect.flatMap(transport.server, (server) =>
      server.apiVersion >= 10
        ? Effect.map(transport.json({ method: "GET", path, query }, v10Page), (page) => ({
            tasks: page.results.map(taskFromV10),
            more: page.next !== null,
          }))
        : Effect.map(transport.json({ method: "GET", path, query }, Schema.Array(TaskV9)), (rows) => ({
            tasks: rows.map(taskFromV9),
            more: false,
          })),
    )

  const get = (taskId: TaskUuid) =>
    Effect.map(list({ task_id: taskId }), ({ tasks }) =>
      Option.fromNullable(tasks.find((task) => task.taskId === taskId)),
    )

  /**
   * 3.0 has `/api/tasks/active/`; 2.20 answers it with 404 (`tasks.active.not-found.json`), so there
   * the queue is read by status, upper case as 2.20 wants it. PENDING is read before STARTED, one
   * after the other: read the other way round (or at once), a task that starts in between is in
   * neither answer.
   */
  const active = () =>
    Effect.flatMap(transport.server, (server) =>
      server.generation === "3.0"
        ? transport.json({ method: "GET", path: `${path}active/` }, Schema.Array(AnyTask))
        : Effect.map(
            Effect.all([list({ status: "PENDING" }), list({ status: "STARTED" })], { concurrency: 1 }),
            ([pending, started]) => [...pending.tasks, ...started.tasks],
          ),
    )

  const poll = (taskIds: Iterable<TaskUuid>) =>
    Effect.gen(function* () {
      const ids = [...new Set(taskIds)]
      // With few tasks a direct look-up is cheaper than reading the whole queue first.
      const queued =
        ids.length > 2 ? new Set((yield* active()).map((task) => task.taskId)) : new Set<TaskUuid>()
      const found = yield* Effect.forEach(
        ids.filter((id) => !queued.has(id)),
        get,
        { concurrency: 4 },
      )
      return found.flatMap((task) => {
        const outcome = Option.isSome(task) ? outcomeOf(task.value) : undefined
        return outcome === undefined ? [] : [outcome]
      })
    })

  const watch = (taskIds: Iterable<TaskUuid>, options: PollOptions = {}) => {
    const initial = Duration.toMillis(options.initialDelay ?? "250 millis")
    const max = Duration.toMillis(options.maxDelay ?? "5 seconds")
    const factor = options.factor ?? 1.5
    const timeout = Duration.toMillis(options.timeout ?? "10 minutes")
    interface Round {
      readonly pending: ReadonlyArray<TaskUuid>
      readonly delay: number
      readonly waited: number
    }
    const round = (state: Round) =>
      Effect.gen(function* () {
        if (state.waited > 0) yield* Effect.sleep(state.delay)
        const waited = state.waited + (state.waited > 0 ? state.delay : 0)
        const outcomes = [...(yield* poll(state.pending))]
        const done = new Set(outcomes.map((outcome) => outcome.taskId))
        let pending = state.pending.filter((id) => !done.has(id))
        if (waited >= timeout) {
          for (const taskId of pending) outcomes.push({ _tag: "TimedOut", taskId, waitedMs: waited })
          pending = []
        }
        const next: Option.Option<Round> =
          pending.length === 0
            ? Option.none()
            : Option.some({
                pending,
                delay: state.waited === 0 ? initial : Math.min(max, state.delay * factor),
                waited: Math.max(waited, 1),
              })
        return [Chunk.fromIterable(outcomes), next] as const
      })
    const ids = [...new Set(taskIds)]
    return ids.length === 0
      ? Stream.empty
      : Stream.paginateChunkEffect<Round, TaskOutcome, PaperlessError, never>(
          { pending: ids, delay: initial, waited: 0 },
          round,
        )
  }

  return {
    stream: (query) =>
      Effect.map(transport.server, (server) => server.apiVersion >= 10).pipe(
        Effect.map((paged) =>
          paged
            ? streamPages(query, (pageQuery) =>
                Effect.map(transport.json({ method: "GET", path, query: pageQuery }, v10Page), (page) => ({
                  ...page,
                  results: page.results.map(taskFromV10),
                })),
              )
            : Stream.flatMap(Stream.fromEffect(list({ ...query })), ({ tasks }) =>
                Stream.fromIterable(tasks),
              ),
        ),
        Stream.unwrap,
      ),
    get,
    active,
    poll,
    acknowledge: (rowIds) =>
      Effect.map(
        transport.json(
          {
            method: "POST",
            path: `${path}acknowledge/`,
            body: jsonBody(AcknowledgeBody, { tasks: rowIds }, `${path}acknowledge/`),
            idempotent: true,
          },
          Schema.Struct({ result: Schema.Int }),
        ),
        ({ result }) => result,
      ),
    await: (taskId, options) =>
      watch([taskId], options).pipe(
        Stream.runHead,
        Effect.flatMap((outcome): Effect.Effect<DocumentId, PaperlessTaskFailed | PaperlessTaskTimeout> => {
          if (Option.isNone(outcome)) return Effect.fail(new PaperlessTaskTimeout({ taskId, waitedMs: 0 }))
          const value = outcome.value
          if (value._tag === "Consumed") return Effect.succeed(value.documentId)
          if (value._tag === "Failed") return Effect.fail(value.failure)
          return Effect.fail(new PaperlessTaskTimeout({ taskId, waitedMs: value.waitedMs }))
        }),
      ),
    watch,
  }
}
