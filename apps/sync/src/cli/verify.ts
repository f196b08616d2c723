import { Command } from "@effect/cli"
import * as Effect from "effect/Effect"
import { ExitCode } from "../config/errors.js"
import type { Servers } from "../engine/servers.js"
import { verify } from "../engine/verify.js"
import { CliConsole } from "./console.js"
import { CliFailure } from "./failures.js"
import { outputOptions, sharedOptions } from "./flags.js"
import { verifyText } from "./output.js"
import { prepareRun, type RunSettings, withReadOnlyState } from "./settings.js"

/** Compares both sides of every link; like plan, it never creates a state file. */
export const runVerify = (servers: Servers, settings: RunSettings) =>
  withReadOnlyState(servers, settings, verify(settings.engine))

export const verifyCommand = Command.make("verify", { ...sharedOptions, json: outputOptions.json }, (flags) =>
  Effect.gen(function* () {
    const console = yield* CliConsole
    const { servers, settings } = yield* prepareRun(flags, "read")
    const report = yield* runVerify(servers, settings)
    yield* console.out(flags.json ? JSON.stringify(report) : verifyText(report))
    // A document in open conflict differs on purpose until the user settles it: listed, not a failure.
    if (report.drift.length > 0)
      return yield* new CliFailure({
        exitCode: ExitCode.partial,
        lines: [`${report.drift.length} linked document(s) differ between the two sides.`],
      })
  }),
).pipe(
  Command.withDescription(
    "Compare both sides of every link (file hash, mapped metadata) and list drift; documents a sync left in conflict are listed as such.",
  ),
)
