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

/**
 * A server stopped answering during the run (connection refused or reset, again on a probe after
 * the client's retries): every further document would fail the same way, so the run stops, and
 * the documents it had not reached are left for the next run rather than recorded as failed.
 */
export class ServerGone extends Data.TaggedError("ServerGone")<{
  readonly server: "Papra" | "Paperless-ngx"
  /** What the last request met, e.g. `GET /api/ping: transport failure: … (ECONNREFUSED)`. */
  readonly reason: string
}> {
  override get message() {
    return `${this.server} stopped answering during the run (${this.reason}); the documents not reached yet are untouched, and running the same command again once it is back carries on from there`
  }
}

/** The target shows none of the documents linked to it: more likely the wrong view of it than all of them deleted. */
export class TargetLostLinks extends Data.TaggedError("TargetLostLinks")<{
  readonly target: "Papra" | "Paperless-ngx"
  readonly linked: number
}> {
  override get message() {
    return `${this.target} lists none of the ${this.linked} documents linked to it: nothing was carried, as that would copy every one of them again. Check that the credentials see the same documents as before (another user's token sees others); if they were all deleted on purpose, \`paperbridge forget\` their source ids first`
  }
}

/**
 * One linked document the sync could not carry out: gone from a side between the listing and the
 * write, a file change it cannot make, or a carry that failed. That document fails (and is retried
 * by the next run); the run goes on.
 */
export class SyncDocumentFailed extends Data.TaggedError("SyncDocumentFailed")<{
  readonly paperlessId: string
  readonly reason: string
}> {
  override get message() {
    return this.reason
  }
}
