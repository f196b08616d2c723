import * as Path from "node:path"
import { Command, Options } from "@effect/cli"
import * as FileSystem from "@effect/platform/FileSystem"
import { PaperlessAuth } from "@paperbridge/paperless"
import { PAPRA_DEFAULT_MAX_UPLOAD_SIZE, paperlessSimulator, papraSimulator } from "@paperbridge/testkit"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { ExitCode } from "../config/errors.js"
import { applyOverrides } from "../config/overrides.js"
import { makeDemoCorpus } from "../demo/corpus.js"
import { seedPaperless } from "../demo/seed.js"
import type { Servers } from "../engine/servers.js"
import { CliConsole } from "./console.js"
import { CliFailure } from "./failures.js"
import { runMigrate } from "./migrate.js"
import { planText, summaryText, verifyText } from "./output.js"
import { runPlan } from "./plan.js"
import { settingsOf } from "./settings.js"
import { runVerify } from "./verify.js"

const demoOptions = {
  paperless: Options.choice("paperless", ["3.0", "2.20"]).pipe(
    Options.withDescription("Which Paperless-ngx generation the simulator plays"),
    Options.withDefault("3.0" as const),
  ),
  documents: Options.integer("documents").pipe(
    Options.withDescription("Documents in the generated corpus (besides the twins and the oversized file)"),
    Options.withDefault(240),
  ),
  state: Options.text("state").pipe(
    Options.withDescription(
      "Keep the state file and reports in this directory (default: a temporary one, removed)",
    ),
    Options.optional,
  ),
}

/**
 * The README's main-job command: both simulators, the built-in corpus, then plan, migrate and
 * verify exactly as the commands do. The corpus holds files over Papra's 25 MiB upload limit on
 * purpose; refusing them is what Papra does, so the demo exits 0 when the only failed documents
 * are those (known in advance from their size) and verify finds no drift; anything else is exit 1.
 */
export const demoCommand = Command.make("demo", demoOptions, (flags) =>
  Effect.gen(function* () {
    const console = yield* CliConsole
    const fs = yield* FileSystem.FileSystem
    const paperless = yield* paperlessSimulator({ generation: flags.paperless, consumeMs: 1 })
    const papra = yield* papraSimulator({ extractionDelayMs: 1 })
    const corpus = makeDemoCorpus({ documents: flags.documents })
    seedPaperless(paperless, corpus)
    const expectedRefusals = new Set(
      corpus.documents
        .filter((document) => document.bytes.length > PAPRA_DEFAULT_MAX_UPLOAD_SIZE)
        .map((document) => document.title),
    )
    const directory = Option.isSome(flags.state)
      ? Path.resolve(flags.state.value)
      : yield* fs.makeTempDirectoryScoped({ prefix: "paperbridge-demo-" })
    const config = yield* applyOverrides(undefined, {
      paperlessUrl: paperless.url,
      papraUrl: papra.url,
      papraOrganizationId: papra.organizationId,
      statePath: Path.join(directory, "state.db"),
      concurrency: 8,
    })
    const servers: Servers = {
      paperless: { url: paperless.url, auth: PaperlessAuth.token(paperless.token) },
      papra: { url: papra.url, apiKey: Redacted.make(papra.apiKey), organizationId: papra.organizationId },
    }
    const settings = yield* settingsOf({ file: "demo", directory, config })

    yield* console.out(
      `Paperless-ngx ${paperless.generation} simulator at ${paperless.url}, seeded with ${corpus.documents.length} documents, ${corpus.tags.length} tags, ${corpus.customFields.length} custom fields.`,
    )
    yield* console.out(`Papra simulator at ${papra.url}, organization ${papra.organizationId}, empty.`)
    yield* console.out(
      `State and reports in ${directory}${Option.isSome(flags.state) ? "" : " (removed at the end)"}.\n`,
    )

    yield* console.out("== plan")
    yield* console.out(planText(yield* runPlan(servers, settings)))

    yield* console.out("\n== migrate")
    const twins: Array<string> = []
    const result = yield* runMigrate(servers, settings, console.stdoutIsTTY ? "tty" : "quiet", (event) =>
      Effect.sync(() => {
        if (event.type === "document" && event.outcome === "duplicate") twins.push(event.title)
      }),
    )
    yield* console.out(summaryText(result, result.reportPath))

    yield* console.out("\n== verify")
    const verified = yield* runVerify(servers, settings)
    yield* console.out(verifyText(verified))

    yield* console.out("\n== what happened")
    const refused = result.failures.filter((failure) => expectedRefusals.has(failure.title))
    const unexpected = result.failures.filter((failure) => !expectedRefusals.has(failure.title))
    for (const failure of refused)
      yield* console.out(
        `Papra refused "${failure.title}" as expected (over its 25 MiB upload limit): ${failure.reason}`,
      )
    for (const title of twins)
      yield* console.out(`"${title}" is byte-identical to another document: Papra keeps that file once.`)
    for (const failure of unexpected)
      yield* console.out(`UNEXPECTED failure: "${failure.title}": ${failure.reason}`)
    if (unexpected.length > 0 || verified.drift.length > 0)
      return yield* new CliFailure({
        exitCode: ExitCode.partial,
        lines: ["The demo did not go as expected (see above)."],
      })
    yield* console.out(
      `Every other document arrived once, with its metadata (${result.documents.uploaded} copied). Exit code 0: the only failures are the refusals Papra is expected to make.`,
    )
  }).pipe(Effect.scoped),
).pipe(
  Command.withDescription("Plan, migrate and verify between two built-in simulators with a demo corpus."),
)
