import { createInterface } from "node:readline"
import { makeDemoCorpus, seedPaperless } from "@paperbridge/sync/demo"
import {
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
 */
const documents = Number(process.argv[2] ?? "300")
const options = JSON.parse(process.argv[3] ?? "{}") as SimulatorOptions
const bigFileBytes = options.bigFileBytes ?? 0
const latencyMs = options.latencyMs ?? 0
const seeded = options.seeded ?? "paperless"

const paperless = await startPaperlessSimulator({
  generation: "3.0",
  ...(options.consumeMs === undefined ? {} : { consumeMs: options.consumeMs }),
  ...(options.workers === undefined ? {} : { workers: options.workers }),
})
const papra = await startPapraSimulator({ extractionDelayMs: 5, maxUploadSize: 0 })
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
const printCounts = () =>
  process.stdout.write(
    `${JSON.stringify({
      paperless: paperless.requests.length,
      papra: papra.requests.length,
      endpoints: { paperless: byEndpoint(paperless.requests), papra: byEndpoint(papra.requests) },
    })}\n`,
  )
const input = createInterface({ input: process.stdin })
input.on("line", printCounts)
input.on("close", () => {
  printCounts()
  void Promise.all([paperless.close(), papra.close()]).then(() => process.exit(0))
})
