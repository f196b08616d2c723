import { spawnSync } from "node:child_process"
import * as Fs from "node:fs/promises"
import { hostname } from "node:os"
import * as Path from "node:path"
import { pathToFileURL } from "node:url"
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import { createClient } from "@libsql/client"
import { canonicalJson } from "@paperbridge/mapping"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Scope from "effect/Scope"
import * as TestClock from "effect/TestClock"
import { openDatabase } from "../../src/state/database.js"
import { type Pair, paperlessEndpoint, papraEndpoint } from "../../src/state/endpoints.js"
import { runMigrations } from "../../src/state/migrations.js"
import { LEASE_DURATION, LEASE_RENEWAL, RunId } from "../../src/state/runs.js"
import { snapshotHash } from "../../src/state/snapshots.js"
import { StateStore } from "../../src/state/store.js"
import { tempDirectory } from "./temp.js"

const paperless = paperlessEndpoint("https://paperless.example.org/")
const papra = papraEndpoint("https://papra.example.org", "org_aaaaaaaaaaaaaaaaaaaaaaaa")
const otherPapra = papraEndpoint("https://papra.example.org", "org_bbbbbbbbbbbbbbbbbbbbbbbb")
const toPapra: Pair = { source: paperless, target: papra }
const toPaperless: Pair = { source: papra, target: paperless }
/** The same Paperless paired with another Papra organization: a pair of its own. */
const otherPair: Pair = { source: paperless, target: otherPapra }

/** Opens the store for the rest of the enclosing scope. */
const open = (path: string) => Effect.map(Layer.build(StateStore.layer({ path })), Context.get(StateStore))

/** Opens the store at `path` inside a scope the test closes itself, to check what survives a close. */
const openAt = (path: string) =>
  Effect.gen(function* () {
    const scope = yield* Scope.make()
    const context = yield* Layer.buildWithScope(StateStore.layer({ path }), scope)
    return { store: Context.get(context, StateStore), scope }
  })

const withStore = <A, E>(
  use: (store: StateStore["Type"], path: string) => Effect.Effect<A, E, Scope.Scope>,
) =>
  Effect.gen(function* () {
    const directory = yield* tempDirectory
    const path = Path.join(directory, "nested", ".paperbridge", "state.db")
    const store = yield* open(path)
    return yield* use(store, path)
  })

describe("state store", () => {
  it.scoped("creates its directory and runs in WAL mode", () =>
    withStore((_, path) =>
      Effect.gen(function* () {
        expect((yield* Effect.promise(() => Fs.stat(path))).isFile()).toBe(true)
        const db = yield* openDatabase(path)
        const [mode] = yield* db.sql<{ journalMode: string }>`PRAGMA journal_mode`
        expect(mode?.journalMode).toBe("wal")
      }),
    ),
  )

  it.scoped("links are found from either side and from the reverse direction", () =>
    withStore((store) =>
      Effect.gen(function* () {
        const link = yield* store.links.link(toPapra, {
          kind: "document",
          sourceId: "12",
          targetId: "doc_x",
          sha256: "aa",
          md5: "bb",
        })
        expect(link).toMatchObject({ source: paperless, sourceId: "12", target: papra, targetId: "doc_x" })
        expect(Option.getOrThrow(yield* store.links.findSource(toPapra, "document", "doc_x")).sourceId).toBe(
          "12",
        )
        const reverse = Option.getOrThrow(yield* store.links.findTarget(toPaperless, "document", "doc_x"))
        expect(reverse).toMatchObject({ source: papra, sourceId: "doc_x", target: paperless, targetId: "12" })
        expect(yield* store.links.findTarget(toPapra, "tag", "12")).toEqual(Option.none())
        expect(
          yield* store.links.findTarget({ source: paperless, target: otherPapra }, "document", "12"),
        ).toEqual(Option.none())
        expect((yield* store.links.findBySha256(toPaperless, "aa")).map((l) => l.targetId)).toEqual(["12"])
        expect(yield* store.links.count(toPapra)).toEqual({ document: 1 })
      }),
    ),
  )

  it.scoped("refuses to link an id that is already linked to another partner, both ways", () =>
    withStore((store) =>
      Effect.gen(function* () {
        yield* store.links.link(toPapra, { kind: "tag", sourceId: "1", targetId: "tag_a" })
        const again = yield* store.links.link(toPapra, {
          kind: "tag",
          sourceId: "1",
          targetId: "tag_a",
          sha256: "x",
        })
        expect(again.sha256).toBe("x")
        const bySource = yield* Effect.flip(
          store.links.link(toPapra, { kind: "tag", sourceId: "1", targetId: "tag_b" }),
        )
        expect(bySource).toMatchObject({ _tag: "LinkConflictError", linkedTargetId: "tag_a" })
        expect(bySource.message).toContain("1 is already linked to tag_a")
        const byTarget = yield* Effect.flip(
          store.links.link(toPaperless, { kind: "tag", sourceId: "tag_a", targetId: "2" }),
        )
        expect(byTarget).toMatchObject({ _tag: "LinkConflictError", linkedTargetId: "1" })
        expect((yield* store.links.list(toPapra)).length).toBe(1)
      }),
    ),
  )

  it.scoped("base snapshots are canonical: key order does not change the hash", () =>
    withStore((store) =>
      Effect.gen(function* () {
        expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: undefined }], c: null } })).toBe(
          '{"a":{"c":null,"d":[2,{"z":1}]},"b":1}',
        )
        expect(yield* store.snapshots.save(toPapra, "12", { title: "x" })).toEqual(Option.none())
        yield* store.links.link(toPapra, { kind: "document", sourceId: "12", targetId: "doc_x" })
        const saved = Option.getOrThrow(
          yield* store.snapshots.save(toPapra, "12", { title: "x", tags: ["a"] }),
        )
        expect(saved.hash).toBe(snapshotHash('{"tags":["a"],"title":"x"}'))
        const read = Option.getOrThrow(yield* store.snapshots.get(toPaperless, "doc_x"))
        expect(read.metadata).toEqual({ tags: ["a"], title: "x" })
        expect(read.hash).toBe(snapshotHash(canonicalJson({ title: "x", tags: ["a"] })))
        expect(yield* store.links.unlink(toPapra, "document", "12")).toBe(true)
        expect(yield* store.snapshots.get(toPapra, "12")).toEqual(Option.none())
      }),
    ),
  )

  it.scoped("the journal walks pending → done, and links, snapshots and clears failures together", () =>
    withStore((store) =>
      Effect.gen(function* () {
        const upload = {
          kind: "document",
          operation: "upload",
          sourceId: "7",
          sha256: "s7",
          md5: "m7",
        } as const
        const started = yield* store.journal.begin(toPaperless, upload)
        expect(started._tag).toBe("Started")
        expect(started.entry).toMatchObject({
          state: "pending",
          attempts: 1,
          idempotencyKey: "upload:document:7:s7",
        })
        expect((yield* store.journal.begin(toPaperless, upload))._tag).toBe("HalfDone")
        yield* store.journal.recordTask(started.entry.id, "task-uuid")
        expect((yield* store.journal.halfDone(toPaperless)).map((e) => e.taskId)).toEqual(["task-uuid"])
        yield* store.failures.record(toPaperless, { kind: "document", sourceId: "7", reason: "timeout" })
        const { entry, link } = yield* store.journal.complete(started.entry.id, {
          targetId: "41",
          link: {},
          snapshot: { title: "seven" },
        })
        expect(entry).toMatchObject({ state: "done", targetId: "41", taskId: "task-uuid" })
        expect(link).toMatchObject({ sourceId: "7", targetId: "41", sha256: "s7", md5: "m7" })
        expect(Option.isSome(yield* store.snapshots.get(toPaperless, "7"))).toBe(true)
        expect(yield* store.failures.list(toPaperless)).toEqual([])
        expect(yield* store.journal.halfDone(toPaperless)).toEqual([])
        const done = yield* store.journal.begin(toPaperless, upload)
        expect(done).toMatchObject({ _tag: "AlreadyDone", entry: { targetId: "41" } })
        // Forgetting the link (the target was deleted) lets the document be carried again.
        yield* store.links.unlink(toPaperless, "document", "7")
        expect(yield* store.journal.begin(toPaperless, upload)).toMatchObject({
          _tag: "Started",
          entry: { attempts: 1 },
        })
      }),
    ),
  )

  it.scoped("a failed call is recorded for a retry, and the retry counts its attempts", () =>
    withStore((store) =>
      Effect.gen(function* () {
        const create = { kind: "document", operation: "upload", sourceId: "9", sha256: "s9" } as const
        const first = yield* store.journal.begin(toPapra, create)
        const failed = yield* store.journal.fail(first.entry.id, "file too large for Papra (25 MB)")
        expect(failed).toMatchObject({ state: "failed", error: "file too large for Papra (25 MB)" })
        const [failure] = yield* store.failures.list(toPapra)
        expect(failure).toMatchObject({ kind: "document", sourceId: "9", attempts: 1 })
        const retry = yield* store.journal.begin(toPapra, create)
        expect(retry).toMatchObject({
          _tag: "Started",
          entry: { state: "pending", attempts: 2, error: null },
        })
        yield* store.journal.fail(retry.entry.id, "still too large")
        expect(yield* store.failures.list(toPapra)).toMatchObject([
          { attempts: 2, reason: "still too large" },
        ])
        expect(yield* store.failures.list(toPaperless)).toEqual([])
      }),
    ),
  )

  it.scoped("run history and checkpoints; a run left running is marked interrupted", () =>
    withStore((store) =>
      Effect.gen(function* () {
        const crashed = yield* store.runs.start(toPapra, "migrate")
        expect(crashed).toMatchObject({ outcome: "running", direction: "paperless-to-papra", endedAt: null })
        yield* store.checkpoints.save(toPapra, {
          runId: crashed.id,
          phase: "documents",
          cursor: "2024-05-01",
        })
        // Its process is gone: nothing renews the lease, and once it lapsed the pair is free.
        yield* TestClock.adjust(LEASE_DURATION)
        const next = yield* store.runs.start(toPapra, "migrate")
        expect((yield* store.runs.get(crashed.id)).outcome).toBe("interrupted")
        const finished = yield* store.runs.finish(next.id, {
          outcome: "partial",
          counts: { created: 3, failed: 1 },
          reportPath: ".paperbridge/reports/x.json",
        })
        expect(finished).toMatchObject({ outcome: "partial", counts: { created: 3, failed: 1 } })
        expect(finished.endedAt).not.toBeNull()
        expect((yield* store.runs.list({ pair: toPapra, limit: 1 })).map((r) => r.id)).toEqual([next.id])
        expect((yield* store.runs.list()).length).toBe(2)
        expect(yield* store.runs.list({ pair: toPaperless })).toEqual([])
        // `status` asks for the last run of each command.
        const synced = yield* store.runs.start(toPapra, "sync")
        yield* store.runs.finish(synced.id, { outcome: "ok", counts: {}, reportPath: null })
        expect(
          (yield* store.runs.list({ pair: toPapra, command: "migrate", limit: 1 })).map((r) => r.id),
        ).toEqual([next.id])
        expect((yield* store.runs.list({ command: "sync" })).map((r) => r.id)).toEqual([synced.id])
        const checkpoint = Option.getOrThrow(yield* store.checkpoints.get(toPapra))
        expect(checkpoint).toMatchObject({ runId: crashed.id, phase: "documents", cursor: "2024-05-01" })
        yield* store.checkpoints.clear(toPapra)
        expect(yield* store.checkpoints.get(toPapra)).toEqual(Option.none())
      }),
    ),
  )

  it.scoped("a run holds its pair by a lease: refused while it is renewed, taken over once it lapsed", () =>
    withStore((store) =>
      Effect.gen(function* () {
        const first = yield* store.runs.start(toPapra, "migrate")
        const refused = yield* Effect.flip(store.runs.start(toPapra, "migrate"))
        expect(refused).toMatchObject({
          _tag: "RunInProgressError",
          runId: first.id,
          holder: `process ${process.pid} on ${hostname()}`,
          until: "1970-01-01T00:00:30.000Z",
        })
        expect(refused.message).toContain(`process ${process.pid}`)
        expect(refused.message).toContain("until 1970-01-01T00:00:30.000Z")
        // The other way between the same two servers is held too (it shares the links); another pair is not.
        expect(yield* Effect.flip(store.runs.start(toPaperless, "sync"))).toMatchObject({ runId: first.id })
        expect((yield* store.runs.start(otherPair, "migrate")).outcome).toBe("running")

        // A heartbeat keeps it: long after the first lease would have lapsed, the pair is still held.
        const heartbeat = yield* Effect.fork(store.runs.holdLease(first.id))
        for (let beat = 0; beat < 10; beat++) yield* TestClock.adjust(LEASE_RENEWAL)
        expect(yield* Effect.flip(store.runs.start(toPapra, "migrate"))).toMatchObject({ runId: first.id })
        expect((yield* store.runs.list({ pair: toPapra })).map((run) => run.outcome)).toEqual(["running"])

        // Killed: nothing renews it. Shown interrupted once the lease lapsed, and taken over.
        yield* Fiber.interrupt(heartbeat)
        yield* TestClock.adjust(Duration.subtract(LEASE_DURATION, Duration.millis(1)))
        expect(yield* Effect.flip(store.runs.start(toPapra, "migrate"))).toMatchObject({ runId: first.id })
        yield* TestClock.adjust(Duration.millis(1))
        expect((yield* store.runs.list({ pair: toPapra })).map((run) => run.outcome)).toEqual(["interrupted"])
        const second = yield* store.runs.start(toPapra, "migrate")
        expect((yield* store.runs.get(first.id)).outcome).toBe("interrupted")
        expect((yield* store.runs.list({ pair: toPapra })).map((run) => run.outcome)).toEqual([
          "running",
          "interrupted",
        ])
        // The run that lost its lease learns it at its next renewal, and stops.
        expect(yield* Effect.flip(store.runs.renewLease(first.id))).toMatchObject({
          _tag: "RunLeaseLost",
          runId: first.id,
        })
        yield* store.runs.renewLease(second.id)
      }),
    ),
  )

  it.scoped("a run started elsewhere is waited for; one killed here, in this pid namespace, is not", () =>
    withStore((store, path) =>
      Effect.gen(function* () {
        const db = yield* openDatabase(path)
        // A run of another pair, to learn this process's pid namespace as the store records it.
        const namespace = (yield* store.runs.start(otherPair, "migrate")).pidNamespace
        const insertRun = (id: string, host: string, pid: number) =>
          db.sql`INSERT INTO runs (id, source_endpoint, target_endpoint, direction, command, started_at, outcome,
                   counts, pid, host, pid_namespace, lease_holder, lease_expires_at)
                 VALUES (${id}, ${paperless}, ${papra}, 'paperless-to-papra', 'migrate', '1970-01-01T00:00:00Z',
                   'running', '{}', ${pid}, ${host}, ${namespace ?? null}, ${`process ${pid} on ${host}`},
                   '1970-01-01T00:00:30Z')`
        // Another container sharing the file: its pid means nothing here, whatever this machine says about it.
        const deadPid = spawnSync(process.execPath, ["-e", ""]).pid ?? 0
        yield* insertRun("elsewhere", "other-container", deadPid)
        expect(yield* Effect.flip(store.runs.start(toPapra, "migrate"))).toMatchObject({
          runId: "elsewhere",
          holder: `process ${deadPid} on other-container`,
        })
        yield* db.sql`DELETE FROM runs WHERE id = 'elsewhere'`
        // Killed here: known dead at once.
        yield* insertRun("killed-here", hostname(), deadPid)
        expect((yield* store.runs.start(toPapra, "migrate")).outcome).toBe("running")
        expect((yield* store.runs.get(RunId.make("killed-here"))).outcome).toBe("interrupted")
      }),
    ),
  )

  it.scoped("a failing transaction writes nothing", () =>
    withStore((store) =>
      Effect.gen(function* () {
        const result = yield* store
          .transaction(
            Effect.zipRight(
              store.links.link(toPapra, { kind: "tag", sourceId: "1", targetId: "tag_a" }),
              Effect.fail("mapping refused" as const),
            ),
          )
          .pipe(Effect.flip)
        expect(result).toBe("mapping refused")
        expect(yield* store.links.list(toPapra)).toEqual([])
      }),
    ),
  )

  it.scoped(
    "dozens of concurrent writers in one process, across two open handles",
    () =>
      withStore((store, path) =>
        Effect.gen(function* () {
          const second = yield* open(path)
          yield* Effect.forEach(
            Array.from({ length: 40 }, (_, index) => index),
            (index) => {
              const handle = index % 2 === 0 ? store : second
              return Effect.gen(function* () {
                const { entry } = yield* handle.journal.begin(toPapra, {
                  kind: "document",
                  operation: "upload",
                  sourceId: String(index),
                })
                yield* handle.journal.complete(entry.id, {
                  targetId: `doc_${index}`,
                  link: {},
                  snapshot: { index },
                })
                yield* handle.failures.record(toPaperless, {
                  kind: "tag",
                  sourceId: String(index % 7),
                  reason: "x",
                })
              })
            },
            { concurrency: "unbounded", discard: true },
          )
          expect((yield* store.links.list(toPapra)).length).toBe(40)
          expect(yield* second.journal.halfDone(toPapra)).toEqual([])
          const failures = yield* store.failures.list(toPaperless)
          expect(failures.reduce((sum, failure) => sum + failure.attempts, 0)).toBe(40)
        }),
      ),
    30_000,
  )

  it.effect("closing and reopening keeps everything; migrations run once", () =>
    Effect.gen(function* () {
      const directory = yield* tempDirectory
      const path = Path.join(directory, "state.db")
      const first = yield* openAt(path)
      yield* first.store.links.link(toPapra, { kind: "correspondent", sourceId: "3", targetId: "opt_1" })
      const run = yield* first.store.runs.start(toPapra, "migrate")
      yield* first.store.journal.begin(toPapra, { kind: "document", operation: "upload", sourceId: "5" })
      yield* Scope.close(first.scope, Exit.void)

      const again = yield* openAt(path)
      expect((yield* again.store.links.list(toPapra)).map((l) => l.targetId)).toEqual(["opt_1"])
      expect((yield* again.store.runs.get(run.id)).outcome).toBe("running")
      expect((yield* again.store.journal.halfDone(toPapra)).map((e) => e.sourceId)).toEqual(["5"])
      const db = yield* openDatabase(path)
      expect(yield* runMigrations.pipe(Effect.provideService(SqlClient.SqlClient, db.sql))).toEqual([])
      const applied = yield* db.sql<{ migrationId: number }>`SELECT migration_id FROM paperbridge_migrations`
      expect(applied).toEqual([
        { migrationId: 1 },
        { migrationId: 2 },
        { migrationId: 3 },
        { migrationId: 4 },
        { migrationId: 5 },
        { migrationId: 6 },
        { migrationId: 7 },
      ])
      yield* Scope.close(again.scope, Exit.void)
    }).pipe(Effect.scoped),
  )

  it.effect("a current state file opens and reads while another process holds its write lock", () =>
    Effect.gen(function* () {
      const directory = yield* tempDirectory
      const path = Path.join(directory, "state.db")
      const first = yield* openAt(path)
      const run = yield* first.store.runs.start(toPapra, "migrate")
      yield* Scope.close(first.scope, Exit.void)

      // Another process's handle (not this process's shared one) in the middle of a transaction,
      // as a migration frozen inside one would leave it.
      const writer = createClient({ url: pathToFileURL(path).href })
      yield* Effect.addFinalizer(() => Effect.sync(() => writer.close()))
      yield* Effect.promise(() => writer.execute("BEGIN IMMEDIATE"))
      yield* Effect.promise(() => writer.execute("UPDATE runs SET command = 'held' WHERE 0"))

      const reader = yield* openAt(path)
      expect((yield* reader.store.runs.list({ pair: toPapra })).map((listed) => listed.id)).toEqual([run.id])
      yield* Scope.close(reader.scope, Exit.void)
    }).pipe(Effect.scoped),
  )
})
