import * as Crypto from "node:crypto"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fetchLayer } from "@paperbridge/http"
import { make, type PapraClientConfig, type PapraClientShape } from "@paperbridge/papra"
import * as Testkit from "@paperbridge/testkit"
import * as Effect from "effect/Effect"

/** Where the contract suite runs: the simulator always, a live Papra when the environment names one. */
export interface PapraTarget {
  readonly name: string
  readonly live: boolean
  readonly baseUrl: string
  readonly apiKey: string
  readonly organizationId: string
  /** Only the simulator can mint keys with fewer permissions (key management needs a session). */
  readonly createApiKey: ((permissions: ReadonlyArray<string>) => string) | undefined
  /** The simulator's fault plan and request log; absent on a live server. */
  readonly simulator: Pick<Testkit.PapraSimulator, "faults" | "requests"> | undefined
  readonly close: () => Promise<void>
}

export const liveEnvironment = () => {
  const { PAPRA_URL, PAPRA_API_KEY, PAPRA_ORG_ID } = process.env
  return PAPRA_URL && PAPRA_API_KEY && PAPRA_ORG_ID
    ? { baseUrl: PAPRA_URL, apiKey: PAPRA_API_KEY, organizationId: PAPRA_ORG_ID }
    : undefined
}

// Read through the namespace so the suite still loads (and skips) on a tree whose testkit does not
// export the simulator yet.
const startSimulator: typeof Testkit.startPapraSimulator | undefined = (Testkit as Partial<typeof Testkit>)
  .startPapraSimulator

export const simulatorAvailable = typeof startSimulator === "function"

export const startSimulatorTarget = async (): Promise<PapraTarget> => {
  if (startSimulator === undefined)
    throw new Error("@paperbridge/testkit does not export startPapraSimulator")
  const simulator = await startSimulator({ seed: 7 })
  return {
    name: "simulator",
    live: false,
    baseUrl: simulator.url,
    apiKey: simulator.apiKey,
    organizationId: simulator.organizationId,
    createApiKey: (permissions) => simulator.createApiKey(permissions),
    simulator,
    close: () => simulator.close(),
  }
}

export const liveTarget = async (): Promise<PapraTarget> => {
  const environment = liveEnvironment()
  if (environment === undefined) throw new Error("PAPRA_URL, PAPRA_API_KEY and PAPRA_ORG_ID are not all set")
  return {
    name: "live",
    live: true,
    ...environment,
    createApiKey: undefined,
    simulator: undefined,
    close: async () => {},
  }
}

/** Runs one client program against a target, over `fetch`, failing the test on any error. */
export const runOn = <A, E>(
  target: PapraTarget,
  program: (papra: PapraClientShape) => Effect.Effect<A, E>,
  config: Partial<PapraClientConfig> = {},
): Promise<A> =>
  make({
    baseUrl: target.baseUrl,
    apiKey: target.apiKey,
    organizationId: target.organizationId,
    retry: { baseDelayMs: 20, maxDelayMs: 2_000 },
    ...config,
  }).pipe(Effect.flatMap(program), Effect.provide(fetchLayer), Effect.runPromise)

/** Runs a program expected to fail and resolves with its error. */
export const failureOn = <A, E>(
  target: PapraTarget,
  program: (papra: PapraClientShape) => Effect.Effect<A, E>,
  config: Partial<PapraClientConfig> = {},
): Promise<E> => runOn(target, (papra) => Effect.flip(program(papra)), config)

/** Letters only, so that it also makes a single search word. */
export const newRunId = () =>
  Crypto.randomBytes(6)
    .toString("hex")
    .replace(/[0-9]/g, (digit) => "ghijklmnop"[Number(digit)] ?? "q")

/**
 * Files unique to one run: a live server keeps trashed documents for 30 days and refuses the
 * same bytes twice, so every run writes bytes no earlier run wrote.
 */
export const runFiles = (runId: string) => {
  const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), `papra-contract-${runId}-`))
  const write = (name: string, bytes: string | Uint8Array) => {
    const path = Path.join(dir, name)
    Fs.writeFileSync(path, bytes)
    const sha256 = Crypto.createHash("sha256").update(Fs.readFileSync(path)).digest("hex")
    return { path, name, sha256, bytes: Fs.readFileSync(path) }
  }
  return { dir, write, remove: () => Fs.rmSync(dir, { recursive: true, force: true }) }
}
