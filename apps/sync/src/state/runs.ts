import { randomBytes } from "node:crypto"
import { readFileSync, readlinkSync } from "node:fs"
import { hostname } from "node:os"
import * as SqlSchema from "@effect/sql/SqlSchema"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type { Database } from "./database.js"
import { directionOf, Endpoint, type Pair } from "./endpoints.js"
import { RunInProgressError, RunLeaseLost, type StateStoreError } from "./errors.js"

/**
 * A running run holds a lease on its pair in the state file, renewed while it lives. Any process
 * on any machine that shares the file respects it (a pid means nothing across containers), and a
 * killed run's lease simply runs out: then its run counts as interrupted and the pair is free.
 */
export const LEASE_DURATION = Duration.seconds(30)
/** A third of the lease: two renewals may be late (a busy state file, a stalled disk) before it lapses. */
export const LEASE_RENEWAL = Duration.seconds(10)

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
  /** While the run is running: who holds the pair's lease, and until when unless renewed. */
  leaseHolder: Schema.NullOr(Schema.String),
  leaseExpiresAt: Schema.NullOr(Schema.DateTimeUtc),
  /** The starting process's pid namespace (Linux): only within it does its pid say anything. */
  pidNamespace: Schema.NullOr(Schema.String),
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

/** e.g. `pid:[4026531836]`; containers of one pod share a host name but not this. Null off Linux. */
const pidNamespace = (): string | null => {
  try {
    return readlinkSync("/proc/self/ns/pid")
  } catch {
    return null
  }
}

/**
 * A holder known to be dead need not be waited for: started on this machine, in this pid
 * namespace, by another process that is gone (a `kill -9` here). Anything else (another machine or
 * container, or this very process, which may be running it right now) is waited for until its
 * lease lapses.
 */
const isDeadHereAndNow = (run: Run): boolean =>
  run.pid !== null &&
  run.pid !== process.pid &&
  run.host === hostname() &&
  run.pidNamespace !== null &&
  run.pidNamespace === pidNamespace() &&
  !isAlive(run.pid)

/** A run marked running that was cut off: its lease ran out, or its process is known dead. */
const isCutOff = (run: Run, now: DateTime.Utc): boolean =>
  run.outcome === "running" &&
  (run.leaseExpiresAt === null || !DateTime.greaterThan(run.leaseExpiresAt, now) || isDeadHereAndNow(run))

const encodeCounts = Schema.encodeSync(Schema.parseJson(RunCounts))

/** The history of runs per pair, and the lease that keeps two runs off the same pair at once. */
export interface RunHistory {
  /**
   * Starts a run of the pair and takes its lease. A run of the same pair still marked running either
   * holds a live lease (then this one is refused with `RunInProgressError`, whatever machine asks)
   * or has let it lapse or is known dead (then it was cut off and becomes interrupted).
   */
  readonly start: (pair: Pair, command: string) => Effect.Effect<Run, StateStoreError | RunInProgressError>
  /** Extends a running run's lease; fails when the lease lapsed and another run took the pair. */
  readonly renewLease: (id: RunId) => Effect.Effect<void, StateStoreError | RunLeaseLost>
  /**
   * Renews the lease every `LEASE_RENEWAL` for as long as it runs (race it with the run's work);
   * fails only when the lease was lost, so a run that lost its pair stops instead of racing the
   * run that took it over.
   */
  readonly holdLease: (id: RunId) => Effect.Effect<never, StateStoreError | RunLeaseLost>
  /** Records a run's end, its outcome and counts. */
  readonly finish: (id: RunId, end: RunEnd) => Effect.Effect<Run, StateStoreError>
  /** One run by id, as stored. */
  readonly get: (id: RunId) => Effect.Effect<Run, StateStoreError>
  /**
   * The latest runs first, of one pair or of every pair, of one command or all; a running one that
   * was cut off shows as interrupted.
   */
  readonly list: (options?: RunFilter) => Effect.Effect<ReadonlyArray<Run>, StateStoreError>
}

export interface RunFilter {
  readonly pair?: Pair | undefined
  readonly command?: string | undefined
  readonly limit?: number | undefined
}

/** Where a pair's interrupted run got to, so the next run resumes there; one per pair. */
export interface CheckpointOperations {
  /** Stores (or replaces) the pair's checkpoint. */
  readonly save: (
    pair: Pair,
    checkpoint: {
      readonly runId: RunId
      readonly phase: CheckpointPhase
      readonly cursor?: string | null | undefined
    },
  ) => Effect.Effect<void, StateStoreError>
  /** The pair's checkpoint; `None` when none is stored. */
  readonly get: (pair: Pair) => Effect.Effect<Option.Option<Checkpoint>, StateStoreError>
  /** Drops the pair's checkpoint, once a run finished; a no-op when there is none. */
  readonly clear: (pair: Pair) => Effect.Effect<void, StateStoreError>
}

/** Runs and checkpoints as one table group answers them. */
export interface RunOperations extends RunHistory {
  readonly saveCheckpoint: CheckpointOperations["save"]
  readonly getCheckpoint: CheckpointOperations["get"]
  readonly clearCheckpoint: CheckpointOperations["clear"]
}

export const runOperations = (db: Database): RunOperations => {
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

  // Both directions of a pair share its links and bases (and a sync works both ways), so one
  // lease covers the two servers whichever way a run goes.
  const eitherWay = (pair: Pair) =>
    sql`((source_endpoint = ${pair.source} AND target_endpoint = ${pair.target})
        OR (source_endpoint = ${pair.target} AND target_endpoint = ${pair.source}))`

  const start = (pair: Pair, command: string) =>
    db.transaction(
      Effect.gen(function* () {
        const running = yield* db.guard(
          "read the runs",
          SqlSchema.findAll({
            Request: Schema.Void,
            Result: Run,
            execute: () => sql`SELECT * FROM runs WHERE ${eitherWay(pair)} AND outcome = 'running'`,
          })(undefined),
        )
        const now = yield* DateTime.now
        const holder = running.find((run) => !isCutOff(run, now))
        if (holder?.leaseExpiresAt != null)
          return yield* new RunInProgressError({
            pair,
            runId: holder.id,
            holder: holder.leaseHolder ?? "another process",
            until: DateTime.formatIso(holder.leaseExpiresAt),
          })
        const id = newRunId(now)
        const host = hostname()
        yield* db.guard(
          "start a run",
          Effect.zipRight(
            sql`UPDATE runs SET outcome = 'interrupted' WHERE ${eitherWay(pair)} AND outcome = 'running'`,
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
              pidNamespace: pidNamespace(),
              leaseHolder: `process ${process.pid} on ${host}`,
              leaseExpiresAt: DateTime.formatIso(DateTime.addDuration(now, LEASE_DURATION)),
            })}`,
          ),
        )
        return yield* get(id)
      }),
    )

  const renewLease = (id: RunId) =>
    Effect.gen(function* () {
      const now = yield* DateTime.now
      const renewed = yield* db.guard(
        "renew the run's lease",
        SqlSchema.findAll({
          Request: Schema.Void,
          Result: Schema.Struct({ id: Schema.String }),
          execute: () =>
            sql`UPDATE runs SET lease_expires_at = ${DateTime.formatIso(DateTime.addDuration(now, LEASE_DURATION))}
                WHERE id = ${id} AND outcome = 'running' RETURNING id`,
        })(undefined),
      )
      if (renewed.length === 0) return yield* new RunLeaseLost({ runId: id })
    })

  const holdLease = (id: RunId) =>
    Effect.forever(Effect.zipRight(Effect.sleep(LEASE_RENEWAL), renewLease(id)))

  const finish = (id: RunId, end: RunEnd) =>
    Effect.flatMap(DateTime.now, (now) =>
      db.guard(
        "finish a run",
        sql`UPDATE runs SET ended_at = ${DateTime.formatIso(now)}, outcome = ${end.outcome},
            counts = ${encodeCounts(end.counts)}, report_path = ${end.reportPath ?? null} WHERE id = ${id}`,
      ),
    ).pipe(Effect.zipRight(get(id)))

  const list = (options: RunFilter = {}) =>
    Effect.zipWith(listStored(options), DateTime.now, (runs, now) =>
      runs.map((run) => (isCutOff(run, now) ? new Run({ ...run, outcome: "interrupted" }) : run)),
    )

  const listStored = (options: RunFilter) =>
    db.guard(
      "list runs",
      SqlSchema.findAll({
        Request: Schema.Void,
        Result: Run,
        execute: () =>
          sql`SELECT * FROM runs WHERE ${sql.and([
            ...(options.pair === undefined
              ? []
              : [sql`source_endpoint = ${options.pair.source} AND target_endpoint = ${options.pair.target}`]),
            ...(options.command === undefined ? [] : [sql`command = ${options.command}`]),
          ])} ORDER BY started_at DESC, rowid DESC LIMIT ${options.limit ?? -1}`,
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

  return { start, renewLease, holdLease, finish, get, list, saveCheckpoint, getCheckpoint, clearCheckpoint }
}
