import { Command } from "@effect/cli"
import * as Console from "effect/Console"

const demo = Command.make("demo", {}, () =>
  Console.log("paperbridge demo: the migration engine is not built yet (see the sync engine issue)."),
).pipe(Command.withDescription("Run plan, migrate and verify against the built-in simulators."))

export const paperbridge = Command.make("paperbridge").pipe(
  Command.withDescription("Move and keep documents in sync between Paperless-ngx and Papra."),
  Command.withSubcommands([demo]),
)

export const runCli = Command.run(paperbridge, { name: "paperbridge", version: "0.1.0" })
