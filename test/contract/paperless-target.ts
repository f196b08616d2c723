import { fetchLayer } from "@paperbridge/http"
import { layer, type PaperlessApi, PaperlessAuth, PaperlessClient } from "@paperbridge/paperless"
import * as Testkit from "@paperbridge/testkit"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"

/** Where the contract suite runs: each simulator generation always, a live server when the environment names one. */
export interface PaperlessTarget {
  readonly name: string
  readonly live: boolean
  /** Known up front for the simulators; a live server's comes from version negotiation. */
  readonly generation: "3.0" | "2.20" | undefined
  readonly url: string
  readonly token: string
  /** Only the simulator has a user without permissions. */
  readonly limitedToken: string | undefined
  /** Only the simulator injects faults. */
  readonly faults: Testkit.FaultPlan | undefined
  /** Only the simulator can be told to wait for its worker; a live target polls instead. */
  readonly settle: () => Promise<void>
  readonly close: () => Promise<void>
}

export const liveEnvironment = () => {
  const { PAPERLESS_URL, PAPERLESS_TOKEN } = process.env
  return PAPERLESS_URL && PAPERLESS_TOKEN ? { url: PAPERLESS_URL, token: PAPERLESS_TOKEN } : undefined
}

// Read through the namespace so the suite still loads (and skips) on a tree whose testkit does not
// export the simulator yet.
const startSimulator: typeof Testkit.startPaperlessSimulator | undefined = (
  Testkit as Partial<typeof Testkit>
).startPaperlessSimulator

export const simulatorAvailable = typeof startSimulator === "function"

export const startSimulatorTarget = async (generation: "3.0" | "2.20"): Promise<PaperlessTarget> => {
  if (startSimulator === undefined)
    throw new Error("@paperbridge/testkit does not export startPaperlessSimulator")
  const simulator = await startSimulator({ generation, seed: 11 })
  return {
    name: `simulator ${generation}`,
    live: false,
    generation,
    url: simulator.url,
    token: simulator.token,
    limitedToken: simulator.limitedToken,
    faults: simulator.faults,
    settle: () => simulator.settle(),
    close: () => simulator.close(),
  }
}

export const liveTarget = (): PaperlessTarget => {
  const environment = liveEnvironment()
  if (environment === undefined) throw new Error("PAPERLESS_URL and PAPERLESS_TOKEN are not both set")
  return {
    name: "live",
    live: true,
    generation: undefined,
    ...environment,
    limitedToken: undefined,
    faults: undefined,
    settle: async () => {},
    close: async () => {},
  }
}

/** A client runtime over `fetch` for one target and one token. */
export const clientFor = (target: PaperlessTarget, token = target.token) => {
  const runtime = ManagedRuntime.make(
    layer({ baseUrl: target.url, auth: PaperlessAuth.token(token), retry: { baseDelayMs: 20 } }).pipe(
      Layer.provide(fetchLayer),
    ),
  )
  return {
    /** Runs a program; a failure rejects with the client's own typed error. */
    run: <A, E>(program: (paperless: PaperlessApi) => Effect.Effect<A, E>): Promise<A> =>
      runtime.runPromise(Effect.flatMap(PaperlessClient, program)).catch((failure: unknown) => {
        throw unwrapFiberFailure(failure)
      }),
    /** Runs a program that must fail, and answers its typed error. */
    fail: <A, E>(program: (paperless: PaperlessApi) => Effect.Effect<A, E>): Promise<E> =>
      runtime.runPromise(Effect.flip(Effect.flatMap(PaperlessClient, program))),
    dispose: () => runtime.dispose(),
  }
}

const unwrapFiberFailure = (failure: unknown): unknown => {
  if (typeof failure === "object" && failure !== null) {
    const cause = (failure as { cause?: unknown }).cause
    if (cause instanceof Error) return cause
  }
  return failure
}
