import { describe, expect, it } from "vitest"
import { at, useSimulator } from "./client.js"

const current = useSimulator()

const names = async (query: string) => {
  const answer = await current.http.call(
    "GET",
    `documents?sortField=name&sortOrder=asc&searchQuery=${encodeURIComponent(query)}`,
  )
  expect(answer.status).toBe(200)
  return (at(answer.body, "documents") as Array<{ name: string }>).map((document) => document.name)
}

describe("document search", () => {
  it("follows Papra's query language on names, content, tags, dates and properties", async () => {
    current.simulator.seed({
      tags: [{ name: "Invoices 2026" }, { name: "Private" }],
      customProperties: [
        { name: "Amount", type: "number" },
        { name: "Status", type: "select", options: ["Open", "Paid"] },
      ],
      documents: [
        {
          name: "invoice-4242.pdf",
          bytes: "Zebulon Quartz owes 123.45 EUR",
          tags: ["Invoices 2026"],
          documentDate: "2026-01-15",
          properties: { Amount: 123.45, Status: "Open" },
        },
        { name: "renamed-notes.txt", bytes: "The quick brown fox and the marmalade", tags: ["Private"] },
        { name: "résumé.txt", bytes: "Café crème", createdAt: "2020-05-01T00:00:00.000Z" },
      ],
    })
    expect(await names("marmal")).toEqual(["renamed-notes.txt"])
    expect(await names("quick fox")).toEqual(["renamed-notes.txt"])
    expect(await names('"quick brown"')).toEqual(["renamed-notes.txt"])
    expect(await names('"brown quick"')).toEqual([])
    expect(await names("zebulon OR marmalade")).toEqual(["invoice-4242.pdf", "renamed-notes.txt"])
    expect(await names("-has:tags")).toEqual(["résumé.txt"])
    expect(await names("NOT tag:private")).toEqual(["invoice-4242.pdf", "résumé.txt"])
    expect(await names('tag:"invoices 2026"')).toEqual(["invoice-4242.pdf"])
    expect(await names("name:renamed")).toEqual(["renamed-notes.txt"])
    expect(await names("content:renamed")).toEqual([])
    expect(await names("date:>=2026-01-01")).toEqual(["invoice-4242.pdf"])
    expect(await names("created:<2021-01-01")).toEqual(["résumé.txt"])
    expect(await names("cafe")).toEqual(["résumé.txt"])
    expect(await names("amount:>100 status:open")).toEqual(["invoice-4242.pdf"])
    expect(await names("has:amount")).toEqual(["invoice-4242.pdf"])
    // An unclosed quote runs to the end of the query; nothing is an error.
    expect(await names('"marmalade')).toEqual(["renamed-notes.txt"])
    expect(await names('tag:"unterminated')).toEqual([])
  })
})
