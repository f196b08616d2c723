import { spawn } from "node:child_process"
import * as Path from "node:path"
import { createInterface } from "node:readline"
import { PaperlessAuth } from "@paperbridge/paperless"
import type { Servers } from "@paperbridge/sync"
import * as Redacted from "effect/Redacted"
import type { BareServers } from "./bare-copy.js"

/** How many requests each simulator answered, in all and by endpoint (`GET /api/documents/`, ids as `:id`). */
export interface RequestCounts {
  readonly paperless: number
  readonly papra: number
  readonly endpoints: {
    readonly paperless: Readonly<Record<string, number>>
    readonly papra: Readonly<Record<string, number>>
  }
}

export interface SimulatorProcess {
  readonly servers: BareServers
  /** The requests answered so far. */
  readonly counts: () => Promise<RequestCounts>
  /** Stops them; answers the requests answered in all. */
  readonly stop: () => Promise<RequestCounts>
}

/** How the simulators are set up; simulators.ts takes these as JSON after the document count. */
export interface SimulatorOptions {
  /** One extra file of this many bytes among the seeded documents (default none). */
  readonly bigFileBytes?: number
  /** Latency added to every request on both servers (ms, default none). */
  readonly latencyMs?: number
  /** Which server holds the documents (default Paperless). */
  readonly seeded?: "paperless" | "papra"
  /** Paperless's consumption time per upload (ms; the simulator's default otherwise). */
  readonly consumeMs?: number
  /** Paperless's celery worker processes (default 1, as on a default deployment). */
  readonly workers?: number
}

/**
 * simulators.ts in a child process, so that the engine's time is not the servers': the same
 * arguments as that file takes, and its counts asked for between runs.
 */
export const startSimulatorProcess = async (
  documents: number,
  options: SimulatorOptions = {},
): Promise<SimulatorProcess> => {
  const child = spawn(
    process.execPath,
    [
      "--conditions=source",
      "--import",
      "tsx",
      Path.join(import.meta.dirname, "simulators.ts"),
      String(documents),
      JSON.stringify(options),
    ],
    { stdio: ["pipe", "pipe", "inherit"] },
  )
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]()
  const nextLine = async () => JSON.parse(((await lines.next()).value as string | undefined) ?? "{}")
  const where = (await nextLine()) as Record<string, string>
  const at = (key: string) => where[key] ?? ""
  return {
    servers: {
      paperless: { url: at("paperlessUrl"), token: at("paperlessToken") },
      papra: { url: at("papraUrl"), apiKey: at("papraApiKey"), organizationId: at("papraOrganizationId") },
    },
    counts: () => {
      child.stdin?.write("\n")
      return nextLine()
    },
    stop: async () => {
      child.stdin?.end()
      const counts = await nextLine()
      await new Promise<void>((resolve) =>
        child.exitCode === null ? child.on("exit", () => resolve()) : resolve(),
      )
      return counts
    },
  }
}

/** The engine's view of the simulators: the same URLs and credentials, secrets redacted. */
export const engineServers = (bare: BareServers): Servers => ({
  paperless: { url: bare.paperless.url, auth: PaperlessAuth.token(bare.paperless.token) },
  papra: { ...bare.papra, apiKey: Redacted.make(bare.papra.apiKey) },
})
