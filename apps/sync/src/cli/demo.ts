import * as Path from "node:path"
import { Command, Options } from "@effect/cli"
import * as FileSystem from "@effect/platform/FileSystem"
import { PaperlessAuth, type PaperlessClient } from "@paperbridge/paperless"
import type { PapraClient } from "@paperbridge/papra"
import {
  PAPRA_DEFAULT_MAX_UPLOAD_SIZE,
  paperlessSimulator,
  papraSimulator,
  type RecordedRequest,
} from "@paperbridge/testkit"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { ExitCode } from "../config/errors.js"
import { applyOverrides } from "../config/overrides.js"
import { type DemoCorpus, makeDemoCorpus } from "../demo/corpus.js"
import { editBothSides, paperlessTitled, readBothCopies } from "../demo/edits.js"
import { seedPaperless } from "../demo/seed.js"
import { editLines, firstSyncStory, quietStory, settledStory, type Told } from "../demo/sync-story.js"
import { type Servers, serverLayers } from "../engine/servers.js"
import type { SyncSummary } from "../engine/sync-options.js"
import { CliConsole } from "./console.js"
import { CliFailure } from "./failures.js"
import { runMigrate } from "./migrate.js"
import { type OutputMode, planText, summaryText, verifyText } from "./output.js"
import { runPlan } from "./plan.js"
import { type RunSettings, settingsOf } from "./settings.js"
import { defaultSyncChoices, runSyncOnce, type SyncChoices } from "./sync-once.js"
import { runVerify } from "./verify.js"

const notAsExpected = new CliFailure({
  exitCode: ExitCode.partial,
  lines: ["The demo did not go as expected (see above)."],
})

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

type Failures = SyncSummary["failures"]

interface DemoSyncInput {
  readonly servers: Servers
  readonly settings: RunSettings
  readonly corpus: DemoCorpus
  readonly paperlessIds: ReadonlyArray<number>
  readonly simulators: ReadonlyArray<{ readonly requests: ReadonlyArray<RecordedRequest> }>
  readonly progress: OutputMode
  readonly unexpectedFailures: (failures: Failures) => Failures
}

const isWrite = (request: RecordedRequest) => !["GET", "HEAD", "OPTIONS"].includes(request.method)

/**
 * After the migration: edits on both sides as a person makes them, then three syncs through the
 * `sync` command's own `runSyncOnce`: `--conflict fail` (the merge, and the conflict left with both
 * values), `--conflict paperless` (settles it), and one with nothing left to do, which must write
 * nothing. Answers whether each did what the edits call for.
 */
const syncBothWays = (input: DemoSyncInput) =>
  Effect.gen(function* () {
    const console = yield* CliConsole
    const onServers = <A, E>(effect: Effect.Effect<A, E, PaperlessClient | PapraClient>) =>
      Effect.provide(effect, serverLayers(input.servers))
    let asExpected = true
    const tell = (told: Told) =>
      Effect.gen(function* () {
        for (const line of told.lines) yield* console.out(line)
        for (const line of told.problems) yield* console.out(`UNEXPECTED: ${line}`)
        if (told.problems.length > 0) asExpected = false
      })
    const syncUnder = (heading: string, choices: SyncChoices) =>
      Effect.gen(function* () {
        yield* console.out(`\n== ${heading}`)
        const marks = input.simulators.map((simulator) => simulator.requests.length)
        const { result, report } = yield* runSyncOnce(input.servers, input.settings, choices, input.progress)
        const writes = input.simulators.flatMap((simulator, index) =>
          simulator.requests.slice(marks[index]).filter(isWrite),
        )
        yield* console.out(report.text)
        const unexpected = input.unexpectedFailures(result.failures)
        yield* tell({
          lines: [],
          problems: unexpected.map((failure) => `failure: "${failure.title}": ${failure.reason}`),
        })
        return { result, writes }
      })

    yield* console.out("\n== edit both sides, as a person would between syncs")
    const edits = yield* onServers(editBothSides(input.corpus, input.paperlessIds))
    for (const line of editLines(edits)) yield* console.out(line)

    const first = yield* syncUnder("sync --conflict fail", defaultSyncChoices)
    yield* console.out("")
    yield* tell(
      firstSyncStory(
        first.result,
        edits,
        yield* onServers(readBothCopies(edits.merged.paperlessId, edits.merged.papraId)),
        yield* onServers(paperlessTitled(Path.parse(edits.added.fileName).name)),
      ),
    )

    const second = yield* syncUnder("sync --conflict paperless", {
      ...defaultSyncChoices,
      conflict: "paperless",
    })
    yield* console.out("")
    yield* tell(
      settledStory(
        second.result,
        edits,
        yield* onServers(readBothCopies(edits.conflicted.paperlessId, edits.conflicted.papraId)),
      ),
    )

    const third = yield* syncUnder("sync again, nothing changed", defaultSyncChoices)
    yield* console.out("")
    yield* tell(quietStory(third.result, third.writes, third.result.failures.length))
    return { asExpected }
  })

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
    const paperlessIds = seedPaperless(paperless, corpus)
    const expectedRefusals = new Set(
      corpus.documents
        .filter((document) => document.bytes.length > PAPRA_DEFAULT_MAX_UPLOAD_SIZE)
        .map((document) => document.title),
    )
    const unexpectedFailures = <F extends { readonly title: string }>(failures: ReadonlyArray<F>) =>
      failures.filter((failure) => !expectedRefusals.has(failure.title))
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
    const unexpected = unexpectedFailures(result.failures)
    for (const failure of result.failures.filter((failure) => expectedRefusals.has(failure.title)))
      yield* console.out(
        `Papra refused "${failure.title}" as expected (over its 25 MiB upload limit): ${failure.reason}`,
      )
    for (const title of twins)
      yield* console.out(`"${title}" is byte-identical to another document: Papra keeps that file once.`)
    for (const failure of unexpected)
      yield* console.out(`UNEXPECTED failure: "${failure.title}": ${failure.reason}`)
    if (unexpected.length > 0 || verified.drift.length > 0) return yield* notAsExpected
    yield* console.out(
      `Every other document arrived once, with its metadata (${result.documents.uploaded} copied).`,
    )

    const syncs = yield* syncBothWays({
      servers,
      settings,
      corpus,
      paperlessIds,
      simulators: [paperless, papra],
      progress: console.stdoutIsTTY ? "tty" : "quiet",
      unexpectedFailures,
    })
    if (!syncs.asExpected) return yield* notAsExpected
    yield* console.out(
      "\nExit code 0: the sync merged both sides' edits, left the conflict until --conflict settled it, and wrote nothing once nothing had changed; the only failures are the refusals Papra is expected to make.",
    )
  }).pipe(Effect.scoped),
).pipe(
  Command.withDescription("Plan, migrate and verify between two built-in simulators with a demo corpus."),
)
