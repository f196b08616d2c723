import * as Data from "effect/Data"

/** The mapping config cannot be applied to these two servers (names the entry at fault). */
export class MappingFailed extends Data.TaggedError("MappingFailed")<{ readonly reason: string }> {
  override get message() {
    return `mapping: ${this.reason}`
  }
}

/** A filter that cannot be applied to the source (e.g. a tag it does not have): a usage error. */
export class InvalidFilter extends Data.TaggedError("InvalidFilter")<{
  readonly filter: string
  readonly reason: string
}> {
  override get message() {
    return `--${this.filter}: ${this.reason}`
  }
}

/** The bytes that arrived are not the bytes the other side holds: nothing is linked. */
export class ChecksumMismatch extends Data.TaggedError("ChecksumMismatch")<{
  readonly stage: "download" | "upload"
  readonly expected: string
  readonly actual: string
}> {
  override get message() {
    return this.stage === "download"
      ? `the downloaded file's checksum ${this.actual} is not the source's ${this.expected}: the download was damaged`
      : `the target stored a file with checksum ${this.actual}, not the ${this.expected} that was sent`
  }
}
