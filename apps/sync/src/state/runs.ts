import { randomBytes } from "node:crypto"
import { readFileSync } from "node:fs"
import { hostname } from "node:os"
import * as SqlSchema from "@effect/sql/SqlSchema"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { Database } from "./database.js"
import { directionOf, Endpoint, type Pair } from "./endpoints.js"
import { RunInProgressError } from "./errors.js"

export const RunId = Schema.String.pipe(Schema.brand("RunId"))
export type RunId = typeof RunId.Type

export const RunOutcome = Schema.Literal("running", "ok", "partial", "failed", "interrupted")
export type RunOutcome = typeof RunOutcome.Type

export const RunCounts = Schema.Record({ key: Schema.String, value: Schema.Number })
export type RunCounts = typeof RunCounts.Type

export class Run extends Schema.Class<Run>("Run")({
  id: RunId,
  sourceEndpoint: Endpoint,
  targetEndpoint: Endpoint,
  direction: Schema.String,
  command: Schema.String,
  startedAt: Schema.DateTimeUtc,
  endedAt: Schema.NullOr(Schema.DateTimeUtc),
  outcome: RunOutcome,
  counts: Schema.parseJson(RunCounts),
  reportPath: Schema.NullOr(Schema.String),
  /** The process that started the run, and its machine. */
  pid: Schema.NullOr(Schema.Number),
  host: Schema.NullOr(Schema.String),
}) {}

export const CheckpointPhase = Schema.Literal("definitions", "documents", "relations", "done")
export type CheckpointPhase = typeof CheckpointPhase.Type

/** Where a run of a pair got to, so the next run resumes there instead of starting over. */
export class Checkpoint extends Schema.Class<Checkpoint>("Checkpoint")({
  sourceEndpoint: Endpoint,
  targetEndpoint: Endpoint,
  runId: RunId,
  phase: CheckpointPhase,
  /** e.g. the last source `modified` seen: a hint only, confirmed by snapshot hashes. */
  cursor: Schema.NullOr(Schema.String),
  updatedAt: Schema.DateTimeUtc,
}) {}

export interface RunEnd {
  readonly outcome: Exclude<RunOutcome, "running">
  readonly counts: RunCounts
  readonly reportPath?: string | null | undefined
}

/** Sortable by start time and readable in a report file name: `20261123T184727Z-3f9a1c`. */
const newRunId = (now: DateTime.Utc): RunId =>
  RunId.make(
    `${DateTime.formatIso(now).replace(/[-:]/g, "").replace(/\.\d+/, "")}-${randomBytes(3).toString("hex")}`,
  )

/**
 * Signal 0 only asks whether the process exists (EPERM: it does, under another user). A killed
 * process stays a zombie until its parent reaps it, and a container without an init may never do
 * so: Linux shows that as state Z in /proc.
 */
const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
  } catch (error) {
    return error instanceof Error && "code" in error && error.code === "EPERM"
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8")
    return stat.charAt(stat.lastIndexOf(")") + 2) !== "Z"
  } catch {
    return true
  }
}

const encodeCounts = Schema.encodeSync(Schema.parseJson(RunCounts))

export const runOperations = (db: Database) => {
  const { sql } = db

  const get = (id: RunId) =>
    db.guard(
      "read a run",
      SqlSchema.single({
        Request: Schema.String,
        Result: Run,
        execute: (runId) => sql`SELECT * FROM runs WHERE id = ${runId}`,
      })(id),
    )

  /**
   * Starts a run. A run of the same pair still marked running either belongs to another live
   * process on this machine (then this one is refused) or was cut off (then it becomes interrupted).
   * A run left by this very process, or by another machine, counts as cut off.
   */
  const start = (pair: Pair, command: string) =>
    db.transaction(
      Effect.gen(function* () {
        const running = yield* db.guard(
          "read the runs",
          SqlSchema.findAll({
            Request: Schema.Void,
            Result: Run,
            execute: () =>
              sql`SELECT * FROM runs WHERE source_endpoint = ${pair.source} AND target_endpoint = ${pair.target}
                  AND outcome = 'running'`,
          })(undefined),
        )
        const host = hostname()
        const owner = running.find(
          (run) => run.host === host && run.pid !== null && run.pid !== process.pid && isAlive(run.pid),
        )
        if (owner?.pid != null)
          return yield* new RunInProgressError({ pair, runId: owner.id, pid: owner.pid })
        const now = yield* DateTime.now
        const id = newRunId(now)
        yield* db.guard(
          "start a run",
          Effect.zipRight(
            sql`UPDATE runs SET outcome = 'interrupted' WHERE source_endpoint = ${pair.source}
                AND target_endpoint = ${pair.target} AND outcome = 'running'`,
            sql`INSERT INTO runs ${sql.insert({
              id,
              sourceEndpoint: pair.source,
              targetEndpoint: pair.target,
              direction: directionOf(pair),
              command,
              startedAt: DateTime.formatIso(now),
              outcome: "running",
              counts: "{}",
              pid: process.pid,
              host,
            })}`,
          ),
        )
        return yield* get(id)
      }),
    )

  const finish = (id: RunId, end: RunEnd) =>
    Effect.flatMap(DateTime.now, (now) =>
      db.guard(
        "finish a run",
        sql`UPDATE runs SET ended_at = ${DateTime.formatIso(now)}, outcome = ${end.outcome},
            counts = ${encodeCounts(end.counts)}, report_path = ${end.reportPath ?? null} WHERE id = ${id}`,
      ),
    ).pipe(Effect.zipRight(get(id)))

  /** The latest runs first, of one pair or of every pair. */
  const list = (options: { readonly pair?: Pair | undefined; readonly limit?: number | undefined } = {}) =>
    db.guard(
      "list runs",
      SqlSchema.findAll({
        Request: Schema.Void,
        Result: Run,
        execute: () =>
          sql`SELECT * FROM runs ${
            options.pair === undefined
              ? sql``
              : sql`WHERE source_endpoint = ${options.pair.source} AND target_endpoint = ${options.pair.target}`
          } ORDER BY started_at DESC, rowid DESC LIMIT ${options.limit ?? -1}`,
      })(undefined),
    )

  const saveCheckpoint = (
    pair: Pair,
    checkpoint: {
      readonly runId: RunId
      readonly phase: CheckpointPhase
      readonly cursor?: string | null | undefined
    },
  ) =>
    Effect.flatMap(DateTime.now, (now) =>
      db.guard(
        "save the checkpoint",
        sql`INSERT INTO checkpoints (source_endpoint, target_endpoint, run_id, phase, cursor, updated_at)
            VALUES (${pair.source}, ${pair.target}, ${checkpoint.runId}, ${checkpoint.phase},
              ${checkpoint.cursor ?? null}, ${DateTime.formatIso(now)})
            ON CONFLICT (source_endpoint, target_endpoint) DO UPDATE SET run_id = excluded.run_id,
              phase = excluded.phase, cursor = excluded.cursor, updated_at = excluded.updated_at`,
      ),
    ).pipe(Effect.asVoid)

  const getCheckpoint = (pair: Pair) =>
    db.guard(
      "read the checkpoint",
      SqlSchema.findOne({
        Request: Schema.Void,
        Result: Checkpoint,
        execute: () =>
          sql`SELECT * FROM checkpoints WHERE source_endpoint = ${pair.source} AND target_endpoint = ${pair.target}`,
      })(undefined),
    )

  const clearCheckpoint = (pair: Pair) =>
    db
      .guard(
        "clear the checkpoint",
        sql`DELETE FROM checkpoints WHERE source_endpoint = ${pair.source} AND target_endpoint = ${pair.target}`,
      )
      .pipe(Effect.asVoid)

  return { start, finish, get, list, saveCheckpoint, getCheckpoint, clearCheckpoint }
}
