// Run by the crash/resume suite in a child process that the test SIGKILLs at a random point. It
// loads the engine, then waits for a line on stdin before running one migration between the
// simulators named in the environment (see world.ts), printing every engine event as one JSON
// line the moment it happens.
import { createInterface } from "node:readline"
import { configFromEnvironment, runEngine } from "./engine.js"

process.stdout.write("ready\n")

const { target, direction, concurrency } = configFromEnvironment()

createInterface({ input: process.stdin }).once("line", () => {
  runEngine(target, direction, {
    concurrency,
    onEvent: (event) => process.stdout.write(`${JSON.stringify(event)}\n`),
  }).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`)
      process.exit(1)
    },
  )
})
