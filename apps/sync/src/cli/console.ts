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
  /** Whether escape codes (colours, line erasing) may be written: see `colorAllowed`. */
  readonly color: boolean
  /** Whether `init` may ask questions instead of requiring every flag. */
  readonly stdinIsTTY: boolean
}

/**
 * Colour only on a terminal, and never when `NO_COLOR` holds any non-empty value (no-color.org):
 * in a pipe or a log file an escape code is noise a reader or a parser has to skip.
 */
export const colorAllowed = (environment: {
  readonly noColor: string | undefined
  readonly stdoutIsTTY: boolean
}) => environment.stdoutIsTTY && (environment.noColor ?? "") === ""

// CSI sequences (colours, cursor moves, erasing) and OSC sequences (titles, links).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching escape codes is the point
const escapeSequence = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g

export const stripEscapes = (text: string) => text.replace(escapeSequence, "")

/** The same console with every escape code taken out of what it writes. */
export const withoutEscapes = (console: CliConsoleShape): CliConsoleShape => ({
  ...console,
  out: (line) => console.out(stripEscapes(line)),
  err: (line) => console.err(stripEscapes(line)),
  redraw: (line) => console.redraw(stripEscapes(line)),
  color: false,
})

export class CliConsole extends Context.Tag("@paperbridge/sync/CliConsole")<CliConsole, CliConsoleShape>() {
  static readonly node: Layer.Layer<CliConsole> = Layer.sync(CliConsole, () => {
    const write = (stream: NodeJS.WriteStream) => (text: string) => Effect.sync(() => void stream.write(text))
    const stdoutIsTTY = process.stdout.isTTY === true
    const color = colorAllowed({ noColor: process.env.NO_COLOR, stdoutIsTTY })
    // Without escapes a shorter frame is padded with spaces to cover the longer one before it.
    let lastFrame = 0
    const redraw = (line: string) => {
      const frame = color ? `\r\u001b[2K${line}` : `\r${line.padEnd(lastFrame)}`
      lastFrame = line.length
      return write(process.stdout)(frame)
    }
    return {
      out: (line) => write(process.stdout)(`${line}\n`),
      err: (line) => write(process.stderr)(`${line}\n`),
      redraw,
      stdoutIsTTY,
      stdinIsTTY: process.stdin.isTTY === true,
      color,
    }
  })

  /** Records every line; `redraw` frames are kept apart from the lines. */
  static readonly capture = (options: { readonly tty?: boolean; readonly color?: boolean } = {}) => {
    const captured = { stdout: [] as Array<string>, stderr: [] as Array<string>, frames: [] as Array<string> }
    const layer = Layer.succeed(CliConsole, {
      out: (line) => Effect.sync(() => void captured.stdout.push(line)),
      err: (line) => Effect.sync(() => void captured.stderr.push(line)),
      redraw: (line) => Effect.sync(() => void captured.frames.push(line)),
      stdoutIsTTY: options.tty === true,
      stdinIsTTY: options.tty === true,
      color: options.color ?? options.tty === true,
    })
    return { captured, layer }
  }
}
