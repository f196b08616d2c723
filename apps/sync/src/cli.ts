import { Command, ValidationError } from "@effect/cli"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import { CliConsole, type CliConsoleShape, withoutEscapes } from "./cli/console.js"
import { demoCommand } from "./cli/demo.js"
import { CliFailure, explainFailure } from "./cli/failures.js"
import { forgetCommand } from "./cli/forget.js"
import { initCommand } from "./cli/init.js"
import { migrateCommand } from "./cli/migrate.js"
import { planCommand } from "./cli/plan.js"
import { statusCommand } from "./cli/status.js"
import { syncCommand } from "./cli/sync.js"
import { verifyCommand } from "./cli/verify.js"
import { ExitCode } from "./config/errors.js"

// Without a command there is nothing to do: say which there are, as a usage error.
const noCommand = () =>
  new CliFailure({
    exitCode: ExitCode.usage,
    lines: [
      "Usage: paperbridge init|plan|migrate|sync|status|verify|forget|demo [options] (paperbridge --help for more)",
    ],
  })

export const paperbridge = Command.make("paperbridge", {}, noCommand).pipe(
  Command.withDescription("Move and keep documents in sync between Paperless-ngx and Papra."),
  Command.withSubcommands([
    initCommand,
    planCommand,
    migrateCommand,
    syncCommand,
    statusCommand,
    verifyCommand,
    forgetCommand,
    demoCommand,
  ]),
)

const cliApp = Command.run(paperbridge, { name: "paperbridge", version: "0.1.0" })

const printed = (parts: ReadonlyArray<unknown>) => parts.map((part) => String(part)).join(" ")

/**
 * @effect/cli prints help, `--version` and usage errors through Effect's `Console`, styled with
 * ANSI codes; sent through the CLI's own console they obey the same terminal and NO_COLOR rules
 * (and tests capture them).
 */
const throughCliConsole = (console: CliConsoleShape) =>
  Console.consoleWith((current) =>
    Effect.succeed<Console.Console>({
      ...current,
      log: (...parts: ReadonlyArray<unknown>) => console.out(printed(parts)),
      info: (...parts: ReadonlyArray<unknown>) => console.out(printed(parts)),
      error: (...parts: ReadonlyArray<unknown>) => console.err(printed(parts)),
      warn: (...parts: ReadonlyArray<unknown>) => console.err(printed(parts)),
    }),
  )

/**
 * Runs the CLI on `argv` (node, script, args…) and answers the process exit code: 0 ok,
 * 1 partial (some items failed), 2 usage or config error, 3 a server cannot be reached or
 * refuses the credentials, 4 the delete guard refused a sync, 5 another run holds the pair's lease. Messages go to stderr; none quotes a secret. Escape codes are written
 * only where `colorAllowed` says so.
 */
export const runCli = (argv: ReadonlyArray<string>) =>
  Effect.flatMap(CliConsole, (terminalConsole) => {
    const console = terminalConsole.color ? terminalConsole : withoutEscapes(terminalConsole)
    return Effect.flatMap(throughCliConsole(console), (effectConsole) =>
      cliApp(argv).pipe(
        Effect.as<ExitCode>(ExitCode.ok),
        Effect.catchAll((error) => {
          // @effect/cli has already printed the usage problem and the help that goes with it.
          if (ValidationError.isValidationError(error)) return Effect.succeed<ExitCode>(ExitCode.usage)
          const failure = explainFailure(error)
          return Effect.forEach(failure.lines, (line) => console.err(line), { discard: true }).pipe(
            Effect.as(failure.exitCode),
          )
        }),
        Effect.withConsole(effectConsole),
        Effect.provideService(CliConsole, console),
      ),
    )
  })
