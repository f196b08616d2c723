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
  /** Requests answered with a fault the client retries: 5xx, 429, a reset. */
  readonly faulted: number
  readonly endpoints: {
    readonly paperless: Readonly<Record<string, number>>
    readonly papra: Readonly<Record<string, number>>
  }
}

export interface SimulatorProcess {
  readonly servers: BareServers
  /** The requests answered so far. */
  readonly counts: () => Promise<RequestCounts>
  /**
   * Arms the gate at the `nth` request either server receives from now: resolves once a server
   * acted on it and holds its answer (until `release`).
   */
  readonly killAt: (nth: number) => Promise<void>
  /** Lets a held answer go, or takes away a gate no request reached. */
  readonly release: () => void
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
  /** The share of requests each server answers with a fault (0: none; 5xx, 429 with Retry-After, resets, slow bodies in equal parts). */
  readonly faultRate?: number
  /** The seed of the servers' dice (default 1). */
  readonly seed?: number
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
  // Gate events come when a request reaches the gate; every other line answers a command, in order.
  const answers: Array<(line: string) => void> = []
  let reached: (() => void) | undefined
  createInterface({ input: child.stdout }).on("line", (line) => {
    if (line.startsWith('{"event":')) {
      reached?.()
      reached = undefined
    } else answers.shift()?.(line)
  })
  child.stdout.on("end", () => {
    for (const answer of answers.splice(0)) answer("{}")
  })
  const nextLine = () => new Promise<unknown>((resolve) => answers.push((line) => resolve(JSON.parse(line))))
  const where = (await nextLine()) as Record<string, string>
  const at = (key: string) => where[key] ?? ""
  return {
    servers: {
      paperless: { url: at("paperlessUrl"), token: at("paperlessToken") },
      papra: { url: at("papraUrl"), apiKey: at("papraApiKey"), organizationId: at("papraOrganizationId") },
    },
    counts: () => {
      const answer = nextLine() as Promise<RequestCounts>
      child.stdin?.write("\n")
      return answer
    },
    killAt: (nth) =>
      new Promise<void>((resolve) => {
        reached = resolve
        child.stdin?.write(`kill-at ${nth}\n`)
      }),
    release: () => {
      reached = undefined
      child.stdin?.write("release\n")
    },
    stop: async () => {
      const answer = nextLine() as Promise<RequestCounts>
      child.stdin?.end()
      const counts = await answer
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
