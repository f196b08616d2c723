import { makeDemoCorpus, seedPaperless } from "@paperbridge/sync/demo"
import { makePdf, startPaperlessSimulator, startPapraSimulator } from "@paperbridge/testkit"

/**
 * Both simulators in a process of their own, so the benchmark measures the engine's time and
 * memory, not the servers'. Prints where they listen; when its stdin closes, prints how many
 * requests each server answered and exits.
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
process.stdin.resume()
process.stdin.on("end", () => {
  process.stdout.write(
    `${JSON.stringify({ paperless: paperless.requests.length, papra: papra.requests.length })}\n`,
  )
  void Promise.all([paperless.close(), papra.close()]).then(() => process.exit(0))
})
