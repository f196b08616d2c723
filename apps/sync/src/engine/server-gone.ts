import { PaperlessClient, type PaperlessError, PaperlessTransportError } from "@paperbridge/paperless"
import { PapraClient, type PapraError, PapraTransportError } from "@paperbridge/papra"
import * as Effect from "effect/Effect"
import { ServerGone } from "./errors.js"

type Server = ServerGone["server"]

/** The server a failure could not reach at all (no answer, not an error answer), if any. */
const unreachedServer = (error: unknown): Server | undefined => {
  // A failed download reaches the spool as the cause of its error.
  const candidates = [
    error,
    typeof error === "object" && error !== null && "cause" in error ? error.cause : undefined,
  ]
  for (const candidate of candidates) {
    if (candidate instanceof PapraTransportError && candidate.reason !== "InvalidUrl") return "Papra"
    if (candidate instanceof PaperlessTransportError) return "Paperless-ngx"
  }
  return undefined
}

/** The cheapest read each server answers; both clients retry it like any read. */
const probe = (
  server: Server,
): Effect.Effect<void, PapraError | PaperlessError, PapraClient | PaperlessClient> =>
  server === "Papra"
    ? Effect.flatMap(PapraClient, (papra) => papra.server.ping())
    : Effect.flatMap(PaperlessClient, (paperless) =>
        Effect.asVoid(paperless.documents.list({ page_size: 1 })),
      )

/**
 * Called with a document's failure before it is recorded. A failure that got no answer from a
 * server is checked with one more request: when that gets none either (after its retries), the
 * server went away and the run stops with `ServerGone`. A server that answers, even with an error,
 * is still there, and the failure is the document's own.
 */
export const stopIfServerGone = (error: unknown) => {
  const server = unreachedServer(error)
  if (server === undefined) return Effect.void
  return probe(server).pipe(
    Effect.catchAll((probeError) =>
      unreachedServer(probeError) === undefined
        ? Effect.void
        : Effect.fail(
            new ServerGone({
              server,
              reason: probeError instanceof Error ? probeError.message : String(probeError),
            }),
          ),
    ),
  )
}
