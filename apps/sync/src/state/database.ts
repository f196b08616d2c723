import * as Fs from "node:fs/promises"
import * as Path from "node:path"
import { pathToFileURL } from "node:url"
import * as Reactivity from "@effect/experimental/Reactivity"
import * as SqlClient from "@effect/sql/SqlClient"
import * as LibsqlClient from "@effect/sql-libsql/LibsqlClient"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberRef from "effect/FiberRef"
import type * as Scope from "effect/Scope"
import { camelToSnake, snakeToCamel } from "effect/String"
import { StateStoreError } from "./errors.js"
import { migrateIfBehind } from "./migrations.js"

export const DEFAULT_STATE_PATH = "./.paperbridge/state.db"

/**
 * The open state file. Every statement goes through `guard` or `transaction`, which hold one lock:
 * the libsql driver hands its connection to a transaction and opens a fresh one (without our
 * pragmas) for statements that slip in meanwhile, so unguarded concurrent use would see
 * SQLITE_BUSY. Transactions are therefore plain BEGIN IMMEDIATE / COMMIT on the one connection.
 */
export interface Database {
  readonly path: string
  readonly sql: SqlClient.SqlClient
  readonly guard: <A, E, R>(
    operation: string,
    effect: Effect.Effect<A, E, R>,
  ) => Effect.Effect<A, StateStoreError, R>
  readonly transaction: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E | StateStoreError, R>
}

// Another process (`paperbridge status` during a migration) may hold the write lock for a moment.
const BUSY_TIMEOUT_MS = 5_000

// SQLite waits for a busy file synchronously, blocking the one JavaScript thread: two handles on one
// file in one process would wait on each other until the timeout. So handles share a lock per file.
const locks = new Map<string, Effect.Semaphore>()
const lockFor = (absolutePath: string): Effect.Semaphore => {
  const existing = locks.get(absolutePath)
  if (existing !== undefined) return existing
  const created = Effect.unsafeMakeSemaphore(1)
  locks.set(absolutePath, created)
  return created
}

export const openDatabase = (path: string): Effect.Effect<Database, StateStoreError, Scope.Scope> =>
  Effect.gen(function* () {
    const absolute = Path.resolve(path)
    const fail = (operation: string) => (cause: unknown) => new StateStoreError({ operation, path, cause })
    yield* Effect.tryPromise({
      try: () => Fs.mkdir(Path.dirname(absolute), { recursive: true }),
      catch: fail("create the directory of"),
    })
    const sql = yield* LibsqlClient.make({
      url: pathToFileURL(absolute).href,
      transformQueryNames: camelToSnake,
      transformResultNames: snakeToCamel,
    }).pipe(Effect.provide(Reactivity.layer))
    const pragmas = Effect.all([
      sql.unsafe(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`),
      sql.unsafe("PRAGMA foreign_keys = ON"),
      // NORMAL in WAL mode survives a killed process; after a power cut the last commits may be lost, which
      // the engine tolerates because it always looks on the target before uploading (journal.ts).
      sql.unsafe("PRAGMA synchronous = NORMAL"),
    ])
    const lock = lockFor(absolute)
    yield* lock.withPermits(1)(
      Effect.gen(function* () {
        yield* pragmas.pipe(Effect.mapError(fail("open")))
        // journal_mode is stored in the file and cannot change inside the migrator's transaction.
        yield* sql.unsafe("PRAGMA journal_mode = WAL").pipe(Effect.mapError(fail("switch to WAL mode")))
        yield* migrateIfBehind.pipe(
          Effect.provideService(SqlClient.SqlClient, sql),
          Effect.mapError(fail("migrate")),
        )
        // The migrator ran in a driver transaction, which took the connection the pragmas were set on.
        yield* pragmas.pipe(Effect.mapError(fail("open")))
      }),
    )

    const insideTransaction = yield* FiberRef.make(false)
    const exclusive = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
      Effect.flatMap(FiberRef.get(insideTransaction), (inside) =>
        inside ? effect : lock.withPermits(1)(effect),
      )

    const guard: Database["guard"] = (operation, effect) =>
      exclusive(effect).pipe(Effect.mapError((cause) => new StateStoreError({ operation, path, cause })))

    const statement = (text: string) =>
      sql.unsafe(text).pipe(Effect.mapError(fail(text === "COMMIT" ? "commit" : "write")))

    const transaction: Database["transaction"] = (effect) =>
      Effect.flatMap(FiberRef.get(insideTransaction), (inside) =>
        inside
          ? effect
          : lock.withPermits(1)(
              Effect.uninterruptibleMask((restore) =>
                Effect.gen(function* () {
                  yield* statement("BEGIN IMMEDIATE")
                  const exit = yield* Effect.exit(restore(Effect.locally(effect, insideTransaction, true)))
                  if (Exit.isFailure(exit)) {
                    yield* Effect.ignore(statement("ROLLBACK"))
                    return yield* exit
                  }
                  yield* statement("COMMIT").pipe(Effect.tapError(() => Effect.ignore(statement("ROLLBACK"))))
                  return exit.value
                }),
              ),
            ),
      )

    return { path, sql, guard, transaction }
  })
