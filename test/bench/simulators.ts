import { createInterface } from "node:readline"
import { makeDemoCorpus, seedPaperless } from "@paperbridge/sync/demo"
import {
  makePdf,
  type RecordedRequest,
  startPaperlessSimulator,
  startPapraSimulator,
} from "@paperbridge/testkit"

/**
 * Both simulators in a process of their own, so the benchmark measures the engine's time and
 * memory, not the servers'. Prints where they listen; for each line on its stdin, and once more
 * when its stdin closes (then it exits), prints how many requests each server answered so far,
 * and how many by endpoint (method and path, ids as `:id`).
 *
 * argv: documents, size of one extra large file in bytes (0: none), latency per request in ms,
 * which server holds the documents (`paperless`, the default, or `papra`).
 */
const documents = Number(process.argv[2] ?? "300")
const bigFileBytes = Number(process.argv[3] ?? "0")
const latencyMs = Number(process.argv[4] ?? "0")
const seeded = process.argv[5] ?? "paperless"

const paperless = await startPaperlessSimulator({ generation: "3.0" })
const papra = await startPapraSimulator({ extractionDelayMs: 5, maxUploadSize: 0 })
// A large scan: a PDF whose bulk is not text (a text file's content would be the whole file, and
// both servers hand `content` around in their JSON).
const bigScan = () => Buffer.concat([makePdf(["Big scan"]), Buffer.alloc(bigFileBytes, "%")])
if (seeded === "papra")
  papra.seed({
    documents: [
      ...Array.from({ length: documents }, (_, index) => ({
        name: `document-${index + 1}.txt`,
        bytes: `Generated document ${index + 1}\n`,
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
