import { expect, it } from "vitest"
import { conformanceFailures } from "./conformance.js"

// Every recorded exchange of the real 2.20.15 server, replayed against the simulator (see conformance.ts).
it("answers every 2.20 fixture exchange with the recorded status, content type and shape", async () => {
  const { failures, replayed } = await conformanceFailures("2.20")
  expect(failures).toEqual([])
  expect(replayed).toBeGreaterThan(450)
}, 120_000)
