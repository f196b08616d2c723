/**
 * Fault injection shared by both simulators. Rules are matched against each incoming request;
 * the first matching rule whose dice roll succeeds applies. Randomness comes from a seeded
 * generator so a failing test can be replayed exactly.
 */
export type Fault =
  | { readonly kind: "latency"; readonly ms: number }
  | {
      readonly kind: "status"
      readonly status: number
      /** Sent as `Retry-After` (seconds), as both servers do when they throttle. */
      readonly retryAfterSeconds?: number
    }
  /** The socket is destroyed before any byte of the response is written. */
  | { readonly kind: "reset" }
  /** The response is sent in small pieces, spread out in time. */
  | { readonly kind: "slow-body"; readonly bytesPerSecond: number }
  /**
   * The server acts on the request, then holds its answer until `until` resolves: a test's gate at
   * an exact point (e.g. SIGKILL the client once the server has accepted an upload), with no timer.
   */
  | { readonly kind: "hold"; readonly until: () => Promise<void> }

export interface FaultRule {
  /** Upper-case HTTP method; any when absent. */
  readonly method?: string
  /** Matched against the URL path (a string matches as a prefix). Any when absent. */
  readonly path?: string | RegExp
  /** Chance in [0, 1] that a matching request gets the fault. Default 1. */
  readonly probability?: number
  /** Apply at most this many times, then the rule is spent. */
  readonly times?: number
  readonly fault: Fault
}

interface ActiveRule {
  readonly rule: FaultRule
  remaining: number
}

/** A small deterministic PRNG (mulberry32); enough for dice rolls in tests. */
export const seededRandom = (seed: number) => {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const pathMatches = (pattern: string | RegExp | undefined, path: string) =>
  pattern === undefined || (typeof pattern === "string" ? path.startsWith(pattern) : pattern.test(path))

export class FaultPlan {
  private rules: Array<ActiveRule> = []
  private random: () => number

  constructor(seed = 1) {
    this.random = seededRandom(seed)
  }

  add(...rules: ReadonlyArray<FaultRule>): this {
    for (const rule of rules) this.rules.push({ rule, remaining: rule.times ?? Number.POSITIVE_INFINITY })
    return this
  }

  clear(): this {
    this.rules = []
    return this
  }

  reseed(seed: number): this {
    this.random = seededRandom(seed)
    return this
  }

  /** The faults that apply to one request: at most one of each kind, in rule order. */
  draw(method: string, path: string): ReadonlyArray<Fault> {
    const drawn: Array<Fault> = []
    for (const active of this.rules) {
      const { rule } = active
      if (active.remaining <= 0) continue
      if (rule.method !== undefined && rule.method.toUpperCase() !== method.toUpperCase()) continue
      if (!pathMatches(rule.path, path)) continue
      if (drawn.some((fault) => fault.kind === rule.fault.kind)) continue
      if (this.random() >= (rule.probability ?? 1)) continue
      active.remaining -= 1
      drawn.push(rule.fault)
    }
    return drawn
  }
}
