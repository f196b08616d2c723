import { createInterface } from "node:readline"
import { makeDemoCorpus, seedPaperless } from "@paperbridge/sync/demo"
import {
  type Fault,
  type FaultPlan,
  type FaultRule,
  makePdf,
  type RecordedRequest,
  startPaperlessSimulator,
  startPapraSimulator,
} from "@paperbridge/testkit"
import type { SimulatorOptions } from "./simulator-process.js"

/**
 * Both simulators in a process of their own, so the benchmark measures the engine's time and
 * memory, not the servers'. Prints where they listen; for each line on its stdin, and once more
 * when its stdin closes (then it exits), prints how many requests each server answered so far,
 * and how many by endpoint (method and path, ids as `:id`).
 *
 * argv: documents, then the options as JSON (`SimulatorOptions` in simulator-process.ts).
 *
 * A line `kill-at N` on stdin arms a gate at the N-th request either server receives from then on:
 * the server acts on it and holds its answer, prints `{"event":"reached"}`, and lets the answer go
 * on a line `release`. The crash figure (crash.ts) SIGKILLs the engine in between, so every kill
 * lands at a request count, not at a time the machine's load decides.
 */
const documents = Number(process.argv[2] ?? "300")
const options = JSON.parse(process.argv[3] ?? "{}") as SimulatorOptions
const bigFileBytes = options.bigFileBytes ?? 0
const latencyMs = options.latencyMs ?? 0
const seeded = options.seeded ?? "paperless"
const faultRate = options.faultRate ?? 0
const seed = options.seed ?? 1

const paperless = await startPaperlessSimulator({
  generation: "3.0",
  seed,
  ...(options.consumeMs === undefined ? {} : { consumeMs: options.consumeMs }),
  ...(options.workers === undefined ? {} : { workers: options.workers }),
})
const papra = await startPapraSimulator({ extractionDelayMs: 5, maxUploadSize: 0, seed })
// A large scan: a PDF whose bulk is not text (a text file's content would be the whole file, and
// both servers hand `content` around in their JSON).
const bigScan = () => Buffer.concat([makePdf(["Big scan"]), Buffer.alloc(bigFileBytes, "%")])
// Papra documents carry what a Papra → Paperless copy has to write after consumption: tags, a
// date and property values.
const papraTags = ["Finance", "Home", "Work", "Travel"]
if (seeded === "papra")
  papra.seed({
    tags: papraTags.map((name) => ({ name })),
    customProperties: [
      { name: "Reference", type: "text" },
      { name: "Amount", type: "number" },
    ],
    documents: [
      ...Array.from({ length: documents }, (_, index) => ({
        name: `document-${index + 1}.txt`,
        bytes: `Generated document ${index + 1}\n`,
        tags: [
          ...new Set([
            papraTags[index % papraTags.length] as string,
            ...(index % 3 === 0 ? ["Finance"] : []),
          ]),
        ],
        properties: { Reference: `REF-${index + 1}`, Amount: (index % 97) + 0.5 },
        documentDate: new Date(Date.UTC(2024, 0, 1 + (index % 365))),
      })),
      ...(bigFileBytes > 0
        ? [{ name: "big-scan.pdf", bytes: bigScan(), mimeType: "application/pdf", content: "Big scan" }]
        : []),
    ],
  })
else {
  seedPaperless(paperless, makeDemoCorpus({ documents, oversized: false }))
  if (bigFileBytes > 0)
    paperless.seed({ documents: [{ fileName: "big-scan.pdf", bytes: bigScan(), title: "Big scan" }] })
}
if (latencyMs > 0)
  for (const server of [paperless, papra]) server.faults.add({ fault: { kind: "latency", ms: latencyMs } })

// The four kinds drawn independently, so together they hit about `faultRate` of the requests.
const flaky = (share: number): ReadonlyArray<FaultRule> =>
  (
    [
      { kind: "status", status: 503 },
      { kind: "status", status: 429, retryAfterSeconds: 1 },
      { kind: "reset" },
      { kind: "slow-body", bytesPerSecond: 200_000 },
    ] satisfies ReadonlyArray<Fault>
  ).map((fault) => ({ probability: share, fault }))
if (faultRate > 0) for (const server of [paperless, papra]) server.faults.add(...flaky(faultRate / 4))

/** The kill gate: one at a time, counted over both servers' requests. */
let gate: { remaining: number; release: () => void; released: Promise<void> } | undefined
const armGate = (nth: number) => {
  let release = () => {}
  const released = new Promise<void>((resolve) => {
    release = resolve
  })
  gate = { remaining: nth, release, released }
}
const holdAtGate = (): ReadonlyArray<Fault> => {
  if (gate === undefined) return []
  gate.remaining -= 1
  if (gate.remaining > 0) return []
  const { released } = gate
  gate = undefined
  return [
    {
      kind: "hold",
      until: () => {
        process.stdout.write(`${JSON.stringify({ event: "reached" })}\n`)
        return released
      },
    },
  ]
}
let releaseHeld = () => {}
const tapped = (faults: FaultPlan) => {
  const draw = faults.draw.bind(faults)
  faults.draw = (method, path) => {
    const releaseThis = gate?.release
    const held = holdAtGate()
    if (held.length > 0 && releaseThis !== undefined) releaseHeld = releaseThis
    return [...draw(method, path), ...held]
  }
}
tapped(paperless.faults)
tapped(papra.faults)

process.stdout.write(
  `${JSON.stringify({
    paperlessUrl: paperless.url,
    paperlessToken: paperless.token,
    papraUrl: papra.url,
    papraApiKey: papra.apiKey,
    papraOrganizationId: papra.organizationId,
  })}\n`,
)
// A numeric segment is a Paperless id, `doc_…` and the like a Papra one.
const endpointOf = (request: RecordedRequest) =>
  `${request.method} ${request.path.replace(/\/(\d+|[a-z]+_[a-z0-9]{24})(?=\/|$)/g, "/:id")}`
const byEndpoint = (requests: ReadonlyArray<RecordedRequest>) => {
  const counts: Record<string, number> = {}
  for (const request of requests) {
    const endpoint = endpointOf(request)
    counts[endpoint] = (counts[endpoint] ?? 0) + 1
  }
  return counts
}
// A fault that makes the client try again: a 5xx, a 429 or a reset (recorded as status 0).
const faulted = (requests: ReadonlyArray<RecordedRequest>) =>
  requests.filter((request) => request.status === 0 || request.status === 429 || request.status >= 500).length
const printCounts = () =>
  process.stdout.write(
    `${JSON.stringify({
      paperless: paperless.requests.length,
      papra: papra.requests.length,
      faulted: faulted(paperless.requests) + faulted(papra.requests),
      endpoints: { paperless: byEndpoint(paperless.requests), papra: byEndpoint(papra.requests) },
    })}\n`,
  )
const input = createInterface({ input: process.stdin })
input.on("line", (line) => {
  const killAt = /^kill-at (\d+)$/.exec(line)
  if (killAt !== null) armGate(Number(killAt[1]))
  else if (line === "release") {
    gate = undefined
    releaseHeld()
  } else printCounts()
})
input.on("close", () => {
  printCounts()
  void Promise.all([paperless.close(), papra.close()]).then(() => process.exit(0))
})
