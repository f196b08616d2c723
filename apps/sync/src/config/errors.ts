import { dedupeWith } from "effect/Array"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"

/**
 * Process exit codes of `paperbridge` (issue 6). `sync` adds two a script must tell apart from a
 * failure: 4, the delete guard refused the run (nothing was written; check the figures, then
 * `--force-delete` or a higher `--max-delete`), and 5, another run holds the pair's lease (try later).
 */
export const ExitCode = { ok: 0, partial: 1, usage: 2, unreachable: 3, refused: 4, busy: 5 } as const
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode]

/**
 * The configuration (file, secrets or flags) is unusable. Each problem names the field and what is
 * expected; none ever quotes a secret's value.
 */
export class ConfigError extends Schema.TaggedError<ConfigError>()("ConfigError", {
  /** The file (or "command line") the problems were found in. */
  source: Schema.String,
  problems: Schema.Array(Schema.String),
}) {
  get exitCode(): ExitCode {
    return ExitCode.usage
  }

  override get message() {
    return this.problems.map((problem) => `${this.source}: ${problem}`).join("\n")
  }
}

/**
 * One line per field, `papra.url: expected a URL like https://papra.example.org`. An optional field
 * that fails also reports "Expected undefined, actual <the whole value>" at its own path and at its
 * parents' (which could quote a secret): an issue is dropped when a deeper one explains it, and only
 * the first issue of a path is kept.
 */
export const describeParseError = (
  error: ParseResult.ParseError,
  fieldName: (path: ReadonlyArray<PropertyKey>) => string = (path) => path.map(String).join("."),
): ReadonlyArray<string> => {
  const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
  const explainedDeeper = (path: ReadonlyArray<PropertyKey>) =>
    issues.some(
      (other) => other.path.length > path.length && path.every((key, index) => other.path[index] === key),
    )
  return dedupeWith(
    issues.filter((issue) => !explainedDeeper(issue.path)),
    (a, b) => fieldName(a.path) === fieldName(b.path),
  ).map((issue) => (issue.path.length === 0 ? issue.message : `${fieldName(issue.path)}: ${issue.message}`))
}
