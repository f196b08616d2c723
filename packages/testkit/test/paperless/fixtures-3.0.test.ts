import { expect, it } from "vitest"
import { conformanceFailures } from "./conformance.js"

// Every recorded exchange of the real 3.0.5 server, replayed against the simulator (see conformance.ts).
it("answers every 3.0 fixture exchange with the recorded status, content type and shape", async () => {
  const { failures, replayed } = await conformanceFailures("3.0")
  expect(failures).toEqual([])
  expect(replayed).toBeGreaterThan(450)
}, 120_000)
