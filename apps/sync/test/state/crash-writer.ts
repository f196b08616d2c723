// Run as a child process by crash.test.ts: commits some state, then stops inside a transaction
// and says so on stdout, so the parent can SIGKILL it at exactly that point.
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { paperlessEndpoint, papraEndpoint } from "../../src/state/endpoints.js"
import { StateStore } from "../../src/state/store.js"

const path = process.argv[2] ?? "./state.db"
const pair = {
  source: paperlessEndpoint("https://paperless.test"),
  target: papraEndpoint("https://papra.test", "org_x"),
}

const program = Effect.gen(function* () {
  const store = yield* Effect.map(Layer.build(StateStore.layer({ path })), Context.get(StateStore))
  const run = yield* store.runs.start(pair, "migrate")
  const settled = yield* store.journal.begin(pair, {
    kind: "document",
    operation: "upload",
    sourceId: "1",
    sha256: "h1",
  })
  yield* store.journal.complete(settled.entry.id, { targetId: "doc_1", link: {}, snapshot: { title: "one" } })
  const uploading = yield* store.journal.begin(pair, {
    kind: "document",
    operation: "upload",
    sourceId: "2",
    sha256: "h2",
    md5: "m2",
    runId: run.id,
  })
  yield* store.checkpoints.save(pair, { runId: run.id, phase: "documents", cursor: "2024-01-02" })
  yield* store.transaction(
    Effect.gen(function* () {
      yield* store.journal.complete(uploading.entry.id, {
        targetId: "doc_2",
        link: {},
        snapshot: { title: "two" },
      })
      yield* store.checkpoints.save(pair, { runId: run.id, phase: "documents", cursor: "2024-01-03" })
      yield* Effect.sync(() => process.stdout.write(`inside-transaction ${process.pid}\n`))
      return yield* Effect.never
    }),
  )
}).pipe(Effect.scoped)

Effect.runPromise(program)
