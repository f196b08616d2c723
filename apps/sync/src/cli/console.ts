import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

/**
 * Where the CLI writes. Commands never touch `process.stdout` directly, so tests can run them
 * in-process, capture what a user would see and pretend to be (or not be) a terminal.
 */
export interface CliConsoleShape {
  /** A line for the user on stdout (results, summaries, JSON events). */
  readonly out: (line: string) => Effect.Effect<void>
  /** A line on stderr (errors and warnings). */
  readonly err: (line: string) => Effect.Effect<void>
  /** Replaces the current stdout line in place (the progress bar); only meaningful on a terminal. */
  readonly redraw: (line: string) => Effect.Effect<void>
  readonly stdoutIsTTY: boolean
  /** Whether `init` may ask questions instead of requiring every flag. */
  readonly stdinIsTTY: boolean
}

export class CliConsole extends Context.Tag("@paperbridge/sync/CliConsole")<CliConsole, CliConsoleShape>() {
  static readonly node: Layer.Layer<CliConsole> = Layer.sync(CliConsole, () => {
    const write = (stream: NodeJS.WriteStream) => (text: string) => Effect.sync(() => void stream.write(text))
    return {
      out: (line) => write(process.stdout)(`${line}\n`),
      err: (line) => write(process.stderr)(`${line}\n`),
      redraw: (line) => write(process.stdout)(`\r\u001b[2K${line}`),
      stdoutIsTTY: process.stdout.isTTY === true,
      stdinIsTTY: process.stdin.isTTY === true,
    }
  })

  /** Records every line; `redraw` frames are kept apart from the lines. */
  static readonly capture = (options: { readonly tty?: boolean } = {}) => {
    const captured = { stdout: [] as Array<string>, stderr: [] as Array<string>, frames: [] as Array<string> }
    const layer = Layer.succeed(CliConsole, {
      out: (line) => Effect.sync(() => void captured.stdout.push(line)),
      err: (line) => Effect.sync(() => void captured.stderr.push(line)),
      redraw: (line) => Effect.sync(() => void captured.frames.push(line)),
      stdoutIsTTY: options.tty === true,
      stdinIsTTY: options.tty === true,
    })
    return { captured, layer }
  }
}
