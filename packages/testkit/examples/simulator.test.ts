import { startPaperlessSimulator } from "@paperbridge/testkit"
import { afterAll, beforeAll, expect, it } from "vitest"

// The user's own code under test: it fetches the document count from Paperless-ngx.
const countDocuments = async (baseUrl: string, token: string) => {
  const response = await fetch(`${baseUrl}/api/documents/`, { headers: { authorization: `Token ${token}` } })
  if (!response.ok) throw new Error(`Paperless answered ${response.status}`)
  return ((await response.json()) as { count: number }).count
}

let paperless: Awaited<ReturnType<typeof startPaperlessSimulator>>

beforeAll(async () => {
  paperless = await startPaperlessSimulator({
    generation: "2.20",
    corpus: {
      documents: [
        { fileName: "invoice-1.txt", bytes: "Invoice 1" },
        { fileName: "invoice-2.txt", bytes: "Invoice 2" },
      ],
    },
  })
})
afterAll(() => paperless.close())

it("counts the documents", async () => {
  expect(await countDocuments(paperless.url, paperless.token)).toBe(2)
})

it("reports a server error as an error", async () => {
  paperless.faults.add({ path: "/api/documents/", times: 1, fault: { kind: "status", status: 503 } })
  await expect(countDocuments(paperless.url, paperless.token)).rejects.toThrow("Paperless answered 503")
})
