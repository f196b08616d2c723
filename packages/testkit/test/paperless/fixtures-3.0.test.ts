import { it } from "vitest"
import { expectConformance } from "./conformance.js"

// Every recorded exchange of the real 3.0.5 server, replayed against the simulator (see conformance.ts).
it(
  "answers every 3.0 fixture exchange with the recorded status, content type and shape",
  () => expectConformance("3.0"),
  120_000,
)
