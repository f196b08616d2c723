import { describe, expect, it } from "vitest"
import { crashLine, crashOutcome } from "../bench/crash.js"

/**
 * The crash figure (test/bench/crash.ts, `pnpm bench:crash`) on a small corpus: `paperbridge
 * migrate` from its sources SIGKILLed at seeded request counts, run again each time and to the
 * end, against one simulator process. Nothing lost or twice on Papra, and the metadata of an
 * uninterrupted run. The kills land at request counts (the simulators' gate), not at times.
 */
describe.concurrent("paperbridge migrate SIGKILLed at seeded request counts (bench:crash, small)", () => {
  it.each([11, 12, 13])(
    "seed %i: 2 kills over 30 documents",
    async (seed) => {
      const outcome = await crashOutcome({ documents: 30, kills: 2, seed, command: "source" })
      console.log(crashLine(outcome))
      expect(outcome.killed).toBeGreaterThan(0)
      expect(outcome).toMatchObject({ lost: 0, duplicated: 0, different: [], failed: 0 })
    },
    120_000,
  )
})
