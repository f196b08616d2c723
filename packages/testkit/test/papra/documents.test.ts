import { describe, expect, it } from "vitest"
import { makePdf, startPapraSimulator } from "../../src/index.js"
import { at, papraHttp, sleep, text, useSimulator } from "./client.js"

const current = useSimulator({ extractionDelayMs: 20 })

describe("deduplication by SHA-256 per organization", () => {
  it("refuses the same bytes under any name while the twin is active", async () => {
    expect((await current.http.upload("a.txt", "same bytes")).status).toBe(200)
    const again = await current.http.upload("b.txt", "same bytes")
    expect(again.status).toBe(409)
    expect(again.body).toEqual({
      error: { message: "Document already exists.", code: "document.already_exists" },
    })
  })

  it("accepts the same bytes in another organization", async () => {
    await current.http.upload("a.txt", "shared bytes")
    const other = await current.http.call("POST", "/api/organizations", { name: "Second org" })
    const otherOrg = text(other.body, "organization", "id")
    const second = await current.http.upload(
      "a.txt",
      "shared bytes",
      "text/plain",
      "file",
      `/api/organizations/${otherOrg}/documents`,
    )
    expect(second.status).toBe(200)
    expect(at(second.body, "document", "organizationId")).toBe(otherOrg)
  })

  it("restores a trashed twin under its id with the new name, keeping content and createdAt, dropping tags", async () => {
    const first = await current.http.upload("first.txt", "restorable")
    const id = text(first.body, "document", "id")
    current.simulator.flushExtraction()
    await current.http.call("PATCH", `documents/${id}`, { content: "kept content" })
    const tag = await current.http.call("POST", "tags", { name: "Keep?", color: "#112233" })
    await current.http.call("POST", `documents/${id}/tags`, { tagId: text(tag.body, "tag", "id") })
    await current.http.call("DELETE", `documents/${id}`)

    const again = await current.http.upload("second.txt", "restorable")
    expect(again.status).toBe(200)
    expect(again.body).toMatchObject({
      document: {
        id,
        name: "second.txt",
        originalName: "second.txt",
        content: "kept content",
        isDeleted: false,
        deletedAt: null,
        deletedBy: null,
        createdAt: at(first.body, "document", "createdAt"),
      },
    })
    expect(at(await current.http.call("GET", `documents/${id}`), "body", "document", "tags")).toEqual([])
    expect(at((await current.http.call("GET", "documents/deleted")).body, "documentsCount")).toBe(0)
  })
})

describe("trash", () => {
  it("moves a document to the trash with 200 {success:true}, keeps it reachable by id and counts it", async () => {
    const id = text((await current.http.upload("t.txt", "trash me")).body, "document", "id")
    current.simulator.flushExtraction()
    const deleted = await current.http.call("DELETE", `documents/${id}`)
    expect(deleted).toMatchObject({ status: 200, body: { success: true } })
    expect((await current.http.call("DELETE", `documents/${id}`)).status).toBe(200)

    expect(at((await current.http.call("GET", "documents")).body, "documentsCount")).toBe(0)
    const trash = await current.http.call("GET", "documents/deleted")
    expect(at(trash.body, "documents", 0)).toMatchObject({ id, isDeleted: true, content: "trash me" })
    expect(Object.keys(at(trash.body, "documents", 0) as object)).not.toContain("tags")
    expect((await current.http.call("GET", `documents/${id}`)).status).toBe(200)
    expect((await current.http.call("GET", `documents/${id}/file`)).body).toBe("trash me")
    expect((await current.http.call("GET", "documents/statistics")).body).toEqual({
      organizationStats: {
        documentsCount: 0,
        documentsSize: 0,
        deletedDocumentsCount: 1,
        deletedDocumentsSize: 8,
        totalDocumentsCount: 1,
        totalDocumentsSize: 8,
      },
    })
  })

  it("leaves restore and permanent deletion to sessions: API keys get 401", async () => {
    const id = text((await current.http.upload("t.txt", "x")).body, "document", "id")
    await current.http.call("DELETE", `documents/${id}`)
    expect((await current.http.call("POST", `documents/${id}/restore`)).status).toBe(401)
    expect((await current.http.call("DELETE", `documents/trash/${id}`)).status).toBe(401)
    expect((await current.http.call("DELETE", "documents/trash")).status).toBe(401)
  })

  it("batch-trashes by query and tags by id list", async () => {
    const keep = text((await current.http.upload("keep.txt", "k")).body, "document", "id")
    await current.http.upload("blob-1.bin", "b1", "application/octet-stream")
    const tag = text(
      (await current.http.call("POST", "tags", { name: "Batch", color: "#abcdef" })).body,
      "tag",
      "id",
    )
    expect(
      (
        await current.http.call("POST", "documents/batch/tags", {
          filter: { documentIds: [keep] },
          addTagIds: [tag],
        })
      ).status,
    ).toBe(204)
    expect(
      (await current.http.call("POST", "documents/batch/trash", { filter: { query: "name:blob" } })).status,
    ).toBe(204)
    const list = await current.http.call("GET", "documents")
    expect(at(list.body, "documentsCount")).toBe(1)
    expect(at(list.body, "documents", 0, "tags", 0, "id")).toBe(tag)
    const foreign = await current.http.call("POST", "documents/batch/trash", {
      filter: { documentIds: [`doc_${"a".repeat(24)}`] },
    })
    expect(at(foreign.body, "error", "code")).toBe("documents.batch.documents_not_from_organization")
  })
})

describe("content extraction", () => {
  it("fills content in the background for text and PDF, and nothing for octet-stream", async () => {
    const textDoc = await current.http.upload("note.txt", "\uFEFFline one\r\nline two")
    const pdf = await current.http.upload("inv.pdf", makePdf(["Invoice 7", "Zebulon"]), "application/pdf")
    const blob = await current.http.upload("x.bin", makePdf(["hidden"]), "application/octet-stream")
    expect(at(textDoc.body, "document", "content")).toBe("")
    await sleep(80)
    const content = async (answer: { body: unknown }) =>
      at(
        (await current.http.call("GET", `documents/${text(answer.body, "document", "id")}`)).body,
        "document",
        "content",
      )
    expect(await content(textDoc)).toBe("line one\r\nline two")
    expect(await content(pdf)).toBe("Invoice 7 Zebulon")
    expect(await content(blob)).toBe("")
    expect(at((await current.http.call("GET", "documents", undefined)).body, "documentsCount")).toBe(3)
    const found = await current.http.call("GET", "documents?searchQuery=zebulon")
    expect(at(found.body, "documents", 0, "id")).toBe(at(pdf.body, "document", "id"))
  })

  it("overwrites a PATCH of content made before extraction finished, like the real server", async () => {
    const slow = await startPapraSimulator({ extractionDelayMs: 150 })
    try {
      const slowHttp = papraHttp(slow)
      const id = text((await slowHttp.upload("early.txt", "extracted text")).body, "document", "id")
      const patched = await slowHttp.call("PATCH", `documents/${id}`, { content: "my correction" })
      expect(at(patched.body, "document", "content")).toBe("my correction")
      await sleep(250)
      expect(at((await slowHttp.call("GET", `documents/${id}`)).body, "document", "content")).toBe(
        "extracted text",
      )
      const activity = await slowHttp.call("GET", `documents/${id}/activity`)
      expect(at(activity.body, "activities", 0)).toMatchObject({
        event: "updated",
        eventData: { updatedFields: ["content"] },
        userId: null,
        user: null,
      })
    } finally {
      await slow.close()
    }
  })
})

describe("documents", () => {
  it("never changes updatedAt, lists without content, downloads under the current name", async () => {
    const created = await current.http.upload("orig.txt", "body")
    const id = text(created.body, "document", "id")
    await sleep(5)
    const patched = await current.http.call("PATCH", `documents/${id}`, {
      name: "Renamed €",
      documentDate: "2026-02-28",
      notes: "0",
    })
    expect(patched.body).toMatchObject({
      document: {
        updatedAt: at(created.body, "document", "updatedAt"),
        documentDate: "2026-02-28T00:00:00.000Z",
        notes: "0",
      },
    })
    const list = await current.http.call("GET", "documents")
    expect(Object.keys(at(list.body, "documents", 0) as object)).not.toContain("content")
    const file = await current.http.call("GET", `documents/${id}/file`)
    expect(file.headers.get("content-type")).toBe("application/octet-stream")
    expect(file.headers.get("content-disposition")).toBe("attachment; filename*=UTF-8''Renamed%20%E2%82%AC")
    expect(file.headers.get("content-length")).toBe("4")
  })

  it("pages with pageIndex/pageSize up to 100 and sorts by name", async () => {
    current.simulator.seed({
      documents: Array.from({ length: 205 }, (_, index) => ({
        name: `doc-${String(index).padStart(3, "0")}`,
        bytes: `n${index}`,
      })),
    })
    const page = async (query: string) => (await current.http.call("GET", `documents?${query}`)).body
    expect(at(await page("pageSize=100&pageIndex=2"), "documents", "length")).toBe(5)
    expect(at(await page("pageSize=100"), "documentsCount")).toBe(205)
    expect(at(await page("sortField=name&sortOrder=asc&pageSize=1"), "documents", 0, "name")).toBe("doc-000")
    expect(at(await page("pageIndex=9&pageSize=100"), "documents")).toEqual([])
    const tooBig = await current.http.call("GET", "documents?pageSize=101")
    expect(tooBig.body).toEqual({
      error: {
        message: "Invalid query parameters",
        code: "server.invalid_request.query",
        details: [{ path: "pageSize", message: "Invalid value: Expected <=100 but received 101" }],
      },
    })
  })

  it("refuses uploads over the size limit with 413 document.size_too_large", async () => {
    const small = await startPapraSimulator({ maxUploadSize: 10 })
    try {
      const answer = await papraHttp(small).upload("big.txt", "01234567890")
      expect(answer).toMatchObject({ status: 413, body: { error: { code: "document.size_too_large" } } })
      expect((await papraHttp(small).upload("ok.txt", "0123456789")).status).toBe(200)
    } finally {
      await small.close()
    }
  })
})
