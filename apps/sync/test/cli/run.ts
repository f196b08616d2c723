import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Terminal from "@effect/platform/Terminal"
import { NodeContext } from "@effect/platform-node"
import {
  type PaperlessSimulator,
  type PapraSimulator,
  startPaperlessSimulator,
  startPapraSimulator,
} from "@paperbridge/testkit"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Mailbox from "effect/Mailbox"
import * as Option from "effect/Option"
import { CliConsole } from "../../src/cli/console.js"
import { runCli } from "../../src/cli.js"
import { makeDemoCorpus, seedPaperless } from "../../src/demo/index.js"

export interface CliRun {
  readonly exitCode: number
  readonly stdout: ReadonlyArray<string>
  readonly stderr: ReadonlyArray<string>
  readonly frames: ReadonlyArray<string>
  /** What the prompts drew, when keys were typed. */
  readonly prompts: ReadonlyArray<string>
  /** Everything the user would have seen. */
  readonly all: string
}

/** A keystroke for a prompt: text typed at once, or a named key ("return", "down"). */
export type Keystroke = { readonly text: string } | { readonly key: string }

/** A terminal that draws into `drawn` and reads the given keystrokes, one prompt after another. */
const scriptedTerminal = (keys: ReadonlyArray<Keystroke>, drawn: Array<string>): Terminal.Terminal => {
  const input = Effect.runSync(Mailbox.make<Terminal.UserInput>())
  input.unsafeOfferAll(
    keys.map((stroke) => ({
      input: "text" in stroke ? Option.some(stroke.text) : Option.none(),
      key: { name: "key" in stroke ? stroke.key : "", ctrl: false, meta: false, shift: false },
    })),
  )
  return {
    columns: Effect.succeed(100),
    rows: Effect.succeed(40),
    isTTY: Effect.succeed(true),
    readInput: Effect.succeed(input),
    readLine: Effect.succeed(""),
    display: (text) => Effect.sync(() => void drawn.push(text)),
  }
}

/** Runs `paperbridge <args>` in-process with its own environment, as a terminal (typing `keys`) or not. */
export const runPaperbridge = async (
  args: ReadonlyArray<string>,
  options: {
    readonly env?: Readonly<Record<string, string>>
    readonly tty?: boolean
    /** Colour on a terminal (default); false plays a terminal with NO_COLOR set. */
    readonly color?: boolean
    readonly keys?: ReadonlyArray<Keystroke>
  } = {},
): Promise<CliRun> => {
  const tty = options.tty ?? options.keys !== undefined
  const { captured, layer } = CliConsole.capture({ tty, color: options.color ?? tty })
  const prompts: Array<string> = []
  const exitCode = await runCli(["node", "paperbridge", ...args]).pipe(
    Effect.provideService(Terminal.Terminal, scriptedTerminal(options.keys ?? [], prompts)),
    Effect.provide(Layer.merge(NodeContext.layer, layer)),
    Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(options.env ?? {})))),
    Effect.runPromise,
  )
  return {
    exitCode,
    ...captured,
    prompts,
    all: [...captured.stdout, ...captured.stderr, ...captured.frames, ...prompts].join("\n"),
  }
}

/** Two simulators (Paperless seeded with a small demo corpus), a temp directory, and the flags/env to reach them. */
export interface CliWorld {
  readonly paperless: PaperlessSimulator
  readonly papra: PapraSimulator
  readonly directory: string
  readonly statePath: string
  readonly env: Record<string, string>
  readonly serverFlags: ReadonlyArray<string>
  readonly writes: () => { paperless: number; papra: number }
  close(): Promise<void>
}

/** A request to the world's Papra organization, as a user's own script would make it. */
export const papraApi = (w: CliWorld, path: string, method = "GET") =>
  fetch(`${w.papra.url}/api/organizations/${w.papra.organizationId}${path}`, {
    method,
    headers: { authorization: `Bearer ${w.papra.apiKey}` },
  })

const isWrite = (request: { readonly method: string }) => !["GET", "HEAD", "OPTIONS"].includes(request.method)

export const startCliWorld = async (
  options: { readonly documents?: number; readonly papraMaxUploadSize?: number } = {},
): Promise<CliWorld> => {
  const paperless = await startPaperlessSimulator({ generation: "3.0", consumeMs: 1 })
  const papra = await startPapraSimulator({
    extractionDelayMs: 1,
    ...(options.papraMaxUploadSize === undefined ? {} : { maxUploadSize: options.papraMaxUploadSize }),
  })
  seedPaperless(paperless, makeDemoCorpus({ documents: options.documents ?? 6, oversized: false }))
  const directory = await Fs.mkdtemp(Path.join(Os.tmpdir(), "paperbridge-cli-"))
  const statePath = Path.join(directory, "state", "state.db")
  return {
    paperless,
    papra,
    directory,
    statePath,
    env: { PAPERLESS_TOKEN: paperless.token, PAPRA_API_KEY: papra.apiKey },
    serverFlags: [
      "--paperless-url",
      paperless.url,
      "--papra-url",
      papra.url,
      "--papra-org",
      papra.organizationId,
      "--state",
      statePath,
    ],
    writes: () => ({
      paperless: paperless.requests.filter(isWrite).length,
      papra: papra.requests.filter(isWrite).length,
    }),
    close: async () => {
      await Promise.all([paperless.close(), papra.close()])
      await Fs.rm(directory, { recursive: true, force: true })
    },
  }
}

export const exists = (path: string) =>
  Fs.access(path).then(
    () => true,
    () => false,
  )
