// Run by the crash/resume suites in a child process that the test SIGKILLs at a chosen request. It
// loads the engine, then waits for a line on stdin before running one migration (or one sync)
// between the simulators named in the environment (see world.ts), printing every engine event as
// one JSON line the moment it happens.
import { createInterface } from "node:readline"
import type { SyncEvent } from "@paperbridge/sync"
import { configFromEnvironment, runEngine, runSyncEngine } from "./engine.js"

process.stdout.write("ready\n")

const { target, direction, command, concurrency } = configFromEnvironment()
const onEvent = (event: SyncEvent) => process.stdout.write(`${JSON.stringify(event)}\n`)

createInterface({ input: process.stdin }).once("line", () => {
  const run =
    command === "sync"
      ? runSyncEngine(target, { concurrency, onEvent })
      : runEngine(target, direction, { concurrency, onEvent })
  run.then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`)
      process.exit(1)
    },
  )
})
