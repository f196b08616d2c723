import * as Path from "node:path"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { CONFIG_FILE_NAME, PaperbridgeConfig } from "./config.js"
import { ConfigError, describeParseError } from "./errors.js"

export interface LoadedConfig {
  /** The file as the user named it, for messages. */
  readonly file: string
  /** Relative paths in the file (statePath, secretsFile) are relative to this directory. */
  readonly directory: string
  readonly config: PaperbridgeConfig
}

/**
 * Where JSON.parse gave up, as an offset. Its message quotes the text around the fault, which may
 * be a secret, so only the offset is taken from it: "at position N", or the quoted excerpt looked up
 * in the text (V8 quotes ten characters before the offending token when it shortens the excerpt).
 */
const faultOffset = (message: string, text: string): number | undefined => {
  const position = /at position (\d+)/.exec(message)?.[1]
  if (position !== undefined) return Number(position)
  const excerpt = /^Unexpected token '(.)', (\.\.\.)?"([\s\S]*?)"(?:\.\.\.)? is not valid JSON$/.exec(message)
  if (excerpt === null) return undefined
  const [, token = "", shortened, quoted = ""] = excerpt
  const start = text.indexOf(quoted)
  if (start < 0) return undefined
  return start + (shortened === undefined ? Math.max(quoted.indexOf(token), 0) : 10)
}

/** Pure: JSON text to a value, or where it is broken (never what is written there). */
export const parseJson = (text: string, source: string): Either.Either<unknown, ConfigError> => {
  try {
    return Either.right(JSON.parse(text) as unknown)
  } catch (error) {
    const offset = faultOffset(error instanceof Error ? error.message : "", text)
    if (offset === undefined) return Either.left(new ConfigError({ source, problems: ["is not valid JSON"] }))
    const before = text.slice(0, offset).split("\n")
    const where = `line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`
    return Either.left(new ConfigError({ source, problems: [`is not valid JSON (${where})`] }))
  }
}

export const decodeWith =
  <A, I>(schema: Schema.Schema<A, I>) =>
  (value: unknown, source: string): Either.Either<A, ConfigError> =>
    Schema.decodeUnknownEither(schema, { errors: "all", onExcessProperty: "error" })(value).pipe(
      Either.mapLeft((error) => new ConfigError({ source, problems: describeParseError(error) })),
    )

/** Pure: the text of a paperbridge.json to its settings, or every problem in it. */
export const parseConfig = (text: string, source: string): Either.Either<PaperbridgeConfig, ConfigError> =>
  Either.flatMap(parseJson(text, source), (json) => decodeWith(PaperbridgeConfig)(json, source))

export const readTextFile = (file: string, missingHint: string) =>
  Effect.flatMap(FileSystem.FileSystem, (fs) =>
    fs.readFileString(file).pipe(
      Effect.mapError(
        (error) =>
          new ConfigError({
            source: file,
            problems: [
              error._tag === "SystemError" && error.reason === "NotFound"
                ? `not found; ${missingHint}`
                : `cannot be read (${error._tag === "SystemError" ? error.reason : "bad argument"})`,
            ],
          }),
      ),
    ),
  )

/** Reads and checks paperbridge.json (by default in the working directory). */
export const loadConfig = (
  file: string = CONFIG_FILE_NAME,
): Effect.Effect<LoadedConfig, ConfigError, FileSystem.FileSystem> =>
  Effect.gen(function* () {
    const text = yield* readTextFile(file, "run `paperbridge init` to create it")
    const config = yield* parseConfig(text, file)
    return { file, directory: Path.dirname(Path.resolve(file)), config }
  })

/** Where the state file is: `statePath` read relative to the config file's directory. */
export const statePathOf = (loaded: LoadedConfig): string =>
  Path.resolve(loaded.directory, loaded.config.statePath)
