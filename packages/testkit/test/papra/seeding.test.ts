import { describe, expect, it } from "vitest"
import { makePdf, startPapraSimulator } from "../../src/index.js"
import { at, papraHttp } from "./client.js"

describe("seeding", () => {
  it("pre-loads tags, properties and documents that the API then serves like uploaded ones", async () => {
    const simulator = await startPapraSimulator({
      corpus: {
        tags: [{ name: "Invoices", color: "#aa00aa" }],
        customProperties: [
          { name: "Status", type: "select", options: ["Open", "Paid"] },
          { name: "Related", type: "document_relation" },
        ],
        documents: [
          { name: "first.txt", bytes: "first", createdAt: "2020-01-01T00:00:00.000Z" },
          {
            name: "invoice.pdf",
            bytes: makePdf(["Invoice 12"]),
            mimeType: "application/pdf",
            tags: ["Invoices"],
            properties: { Status: "Paid", Related: ["first.txt"] },
            documentDate: "2021-03-04",
          },
          { name: "gone.txt", bytes: "gone", deleted: true },
        ],
      },
    })
    try {
      const http = papraHttp(simulator)
      const list = await http.call("GET", "documents?sortField=createdAt&sortOrder=asc")
      expect(at(list.body, "documentsCount")).toBe(2)
      expect(at(list.body, "documents", 0)).toMatchObject({
        name: "first.txt",
        createdAt: "2020-01-01T00:00:00.000Z",
      })
      const invoice = at(list.body, "documents", 1) as { id: string }
      expect(invoice).toMatchObject({
        name: "invoice.pdf",
        documentDate: "2021-03-04T00:00:00.000Z",
        tags: [{ name: "Invoices", color: "#AA00AA" }],
        customProperties: [
          { key: "status", value: { name: "Paid" } },
          { key: "related", value: [{ name: "first.txt" }] },
        ],
      })
      expect(at((await http.call("GET", `documents/${invoice.id}`)).body, "document", "content")).toBe(
        "Invoice 12",
      )
      expect(at((await http.call("GET", "documents/deleted")).body, "documents", 0, "name")).toBe("gone.txt")
      // Seeded bytes take part in deduplication like uploaded ones.
      expect((await http.upload("again.txt", "first")).status).toBe(409)

      const more = simulator.seed({ documents: [{ name: "later.txt", bytes: "later" }] })
      expect((await http.call("GET", `documents/${more.documents[0]}`)).status).toBe(200)
    } finally {
      await simulator.close()
    }
  })
})
