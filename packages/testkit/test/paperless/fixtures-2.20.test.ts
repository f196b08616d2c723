import { it } from "vitest"
import { expectConformance } from "./conformance.js"

// Every recorded exchange of the real 2.20.15 server, replayed against the simulator (see conformance.ts).
it(
  "answers every 2.20 fixture exchange with the recorded status, content type and shape",
  () => expectConformance("2.20"),
  120_000,
)
