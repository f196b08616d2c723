import { Command } from "@effect/cli"
import * as Effect from "effect/Effect"
import { planMigration } from "../engine/plan.js"
import type { Servers } from "../engine/servers.js"
import { CliConsole } from "./console.js"
import { outputOptions, sharedOptions } from "./flags.js"
import { planText } from "./output.js"
import { prepareRun, type RunSettings, withReadOnlyState } from "./settings.js"

/**
 * The dry run. It sends only reads to the servers, and it never creates the state file: without
 * one it reads a throwaway empty store (the lead's planMigration needs a store to ask about links).
 */
export const runPlan = (servers: Servers, settings: RunSettings) =>
  withReadOnlyState(servers, settings, planMigration(settings.engine))

export const planCommand = Command.make("plan", { ...sharedOptions, json: outputOptions.json }, (flags) =>
  Effect.gen(function* () {
    const console = yield* CliConsole
    const { servers, settings } = yield* prepareRun(flags, "read")
    const report = yield* runPlan(servers, settings)
    yield* console.out(flags.json ? JSON.stringify(report) : planText(report))
  }),
).pipe(
  Command.withDescription("Dry run: what a migration would create, link, update and lose. Writes nothing."),
)
