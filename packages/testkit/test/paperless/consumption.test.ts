import { afterEach, describe, expect, it } from "vitest"
import { makePdf, type PaperlessSimulator, startPaperlessSimulator } from "../../src/index.js"
import { rawClient, taskOf } from "./http.js"

const running: Array<PaperlessSimulator> = []
const start = async (generation: "3.0" | "2.20", consumeMs = 5) => {
  const simulator = await startPaperlessSimulator({ generation, consumeMs, bulkUpdateMs: 2 })
  running.push(simulator)
  return simulator
}
afterEach(async () => {
  await Promise.all(running.splice(0).map((simulator) => simulator.close()))
})

const invoice = makePdf(["ACME Corporation", "Invoice number 4711", "Date: 12.03.2024"])

describe("post_document and consumption", () => {
  it("3.0: answers a bare task UUID, then the task goes pending → success with the new document (v10 shape)", async () => {
    const simulator = await start("3.0", 500)
    const client = rawClient(simulator)
    // A first upload occupies the worker, so the one under test is still pending when read.
    await client.upload("blocker.txt", "blocker\n")
    simulator.seed({
      tags: [{ name: "Inbox", isInboxTag: true }, { name: "Finance" }],
      correspondents: [{ name: "ACME Corp" }],
    })
    const posted = await client.upload("invoice-acme.pdf", invoice, {
      title: "ACME invoice",
      correspondent: "1",
      tags: ["2"],
      archive_serial_number: "1001",
    })
    expect(posted.status).toBe(200)
    expect(posted.body).toMatch(/^[0-9a-f-]{36}$/)
    const pending = await taskOf(client, posted.body)
    expect(pending).toMatchObject({
      status: "pending",
      task_type: "consume_file",
      trigger_source: "api_upload",
      result_data: null,
      related_document_ids: [],
    })
    expect(pending.input_data.overrides).toMatchObject({
      filename: "invoice-acme.pdf",
      title: "ACME invoice",
      correspondent_id: 1,
      tag_ids: [2],
      asn: 1001,
    })
    await simulator.settle()
    const done = await taskOf(client, posted.body)
    expect(done.status).toBe("success")
    const documentId = done.related_document_ids[0]
    expect(done.result_data).toEqual({ document_id: documentId })
    const document = (await client.get(`/api/documents/${documentId}/`)).body
    expect(document).toMatchObject({
      title: "ACME invoice",
      correspondent: 1,
      archive_serial_number: 1001,
      created: "2024-03-12",
      tags: [2, 1],
    })
    expect(document.content).toContain("Invoice number 4711")
  })

  it("3.0 at version 9 and 2.20 give the legacy task shapes", async () => {
    const modern = await start("3.0")
    const legacy = await start("2.20")
    for (const [simulator, version] of [
      [modern, 9],
      [legacy, 9],
    ] as const) {
      const client = rawClient(simulator, { version })
      const posted = await client.upload("note.txt", `a note for ${simulator.generation}\n`)
      await simulator.settle()
      const list = await client.get(`/api/tasks/?task_id=${posted.body}`)
      expect(Array.isArray(list.body)).toBe(true)
      const task = list.body[0]
      expect(task.status).toBe("SUCCESS")
      expect(task.result).toMatch(/^Success\. New document id \d+ created$/)
      if (simulator.generation === "3.0") {
        expect(task).toMatchObject({ type: "manual_task", duplicate_documents: [] })
        expect(typeof task.related_document).toBe("number")
      } else {
        expect(task.type).toBe("auto_task")
        expect(typeof task.related_document).toBe("string")
        expect(task).not.toHaveProperty("duplicate_documents")
      }
    }
  })

  it("consumes serially, like the one celery worker: never two tasks started at once", async () => {
    const simulator = await start("3.0", 600)
    const client = rawClient(simulator)
    for (const index of [1, 2, 3]) await client.upload(`doc-${index}.txt`, `document ${index}\n`)
    const active = (await client.get("/api/tasks/active/")).body
    expect(active.filter((task: { status: string }) => task.status === "started").length).toBeLessThanOrEqual(
      1,
    )
    expect(active.length).toBeGreaterThanOrEqual(2)
    await simulator.settle()
    expect((await client.get("/api/tasks/active/")).body).toEqual([])
    expect((await client.get("/api/documents/")).body.count).toBe(3)
  })

  it("3.0 accepts the same bytes again and cross-references both documents as duplicates", async () => {
    const simulator = await start("3.0")
    const client = rawClient(simulator)
    const first = await client.upload("invoice.pdf", invoice)
    const second = await client.upload("invoice-copy.pdf", invoice, { title: "Duplicate upload" })
    await simulator.settle()
    const firstId = (await taskOf(client, first.body)).related_document_ids[0]
    const secondTask = await taskOf(client, second.body)
    expect(secondTask.status).toBe("success")
    const secondId = secondTask.related_document_ids[0]
    expect((await client.get(`/api/documents/${firstId}/`)).body.duplicate_documents).toEqual([
      { id: secondId, title: "Duplicate upload", deleted_at: null },
    ])
    await client.delete(`/api/documents/${firstId}/`)
    const afterTrash = (await client.get(`/api/documents/${secondId}/`)).body.duplicate_documents
    expect(afterTrash[0].deleted_at).not.toBeNull()
    await client.post("/api/trash/", { action: "empty" })
    expect((await client.get(`/api/documents/${secondId}/`)).body.duplicate_documents).toEqual([])
  })

  it("2.20 fails a duplicate with the existing document's title and id, and mentions a trashed twin", async () => {
    const simulator = await start("2.20")
    const client = rawClient(simulator)
    const first = await client.upload("invoice.pdf", invoice, { title: "ACME invoice 4711" })
    await simulator.settle()
    const firstId = Number((await taskOf(client, first.body)).related_document)
    const again = await client.upload("invoice-copy.pdf", invoice)
    await simulator.settle()
    expect(await taskOf(client, again.body)).toMatchObject({
      status: "FAILURE",
      result: `invoice-copy.pdf: Not consuming invoice-copy.pdf: It is a duplicate of ACME invoice 4711 (#${firstId}).`,
      related_document: String(firstId),
    })
    await client.delete(`/api/documents/${firstId}/`)
    const trashedTwin = await client.upload("invoice-again.pdf", invoice)
    await simulator.settle()
    const failure = await taskOf(client, trashedTwin.body)
    expect(failure.result).toMatch(/ Note: existing document is in the trash\.$/)
    expect(failure.related_document).toBeNull()
    await client.post("/api/trash/", { action: "empty" })
    const accepted = await client.upload("invoice-final.pdf", invoice)
    await simulator.settle()
    expect((await taskOf(client, accepted.body)).status).toBe("SUCCESS")
  })

  it("fails consumption (not the POST) when the ASN is already taken", async () => {
    for (const generation of ["3.0", "2.20"] as const) {
      const simulator = await start(generation)
      const client = rawClient(simulator)
      await client.upload("first.txt", "first\n", { archive_serial_number: "1001" })
      const clash = await client.upload("receipt.pdf", makePdf(["receipt"]), {
        archive_serial_number: "1001",
      })
      expect(clash.status).toBe(200)
      await simulator.settle()
      const task = await taskOf(client, clash.body)
      const message = "receipt.pdf: Not consuming receipt.pdf: Given ASN 1001 already exists!"
      if (generation === "3.0")
        expect(task.result_data).toMatchObject({ error_type: "ConsumerError", error_message: message })
      else expect(task).toMatchObject({ status: "FAILURE", result: message, related_document: null })
    }
  })

  it("validates metadata synchronously and sniffs the file type from the bytes", async () => {
    const simulator = await start("3.0")
    const client = rawClient(simulator)
    expect((await client.upload("x.pdf", invoice, { tags: "99999" })).body).toEqual({
      tags: ['Invalid pk "99999" - object does not exist.'],
    })
    expect((await client.upload("x.pdf", invoice, { tags: "abc" })).body).toEqual({
      tags: ["Incorrect type. Expected pk value, received str."],
    })
    expect((await client.upload("x.pdf", invoice, { archive_serial_number: "-5" })).status).toBe(400)
    expect((await client.upload("x.pdf", invoice, { created: "not-a-date" })).body.created[0]).toMatch(
      /^Datetime has wrong format/,
    )
    expect((await client.upload("x.pdf", invoice, { custom_fields: '{"99999": "x"}' })).body).toEqual({
      custom_fields: ["Custom field with id 99999 does not exist"],
    })
    const binary = Buffer.from(Array.from({ length: 256 }, (_, index) => index))
    expect((await client.upload("report.pdf", binary)).body).toEqual({
      document: ["File type application/octet-stream not supported"],
    })
    const json = await client.post("/api/documents/post_document/", { title: "json" })
    expect(json.status).toBe(415)
    expect(json.body).toEqual({ detail: 'Unsupported media type "application/json" in request.' })
    const noFile = new FormData()
    noFile.append("file", new Blob(["x"]), "x.txt")
    expect((await client.post("/api/documents/post_document/", noFile)).body).toEqual({
      document: ["No file was submitted."],
    })
    // A PNG named .txt is still an image: the name and part type are ignored.
    const png = Buffer.from(
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
      "base64",
    )
    const image = await client.upload("scan.txt", png)
    await simulator.settle()
    const task = await taskOf(client, image.body)
    expect(task.input_data.mime_type).toBe("image/png")
    const document = (await client.get(`/api/documents/${task.related_document_ids[0]}/`)).body
    expect(document.mime_type).toBe("image/png")
    expect(document.archived_file_name).toMatch(/\.pdf$/)
  })

  it("strips path components from the file name, defaults the title to the name, dates a text file today", async () => {
    const simulator = await start("3.0")
    const client = rawClient(simulator)
    const posted = await client.upload("../evil/Überweisung Grüße.txt", "Written 2021-11-05\n")
    await simulator.settle()
    const document = (
      await client.get(`/api/documents/${(await taskOf(client, posted.body)).related_document_ids[0]}/`)
    ).body
    expect(document.original_file_name).toBe("Überweisung Grüße.txt")
    expect(document.title).toBe("Überweisung Grüße")
    expect(document.created).toBe(new Date().toISOString().slice(0, 10))
  })

  it("refuses an upload from a user without permission with the plain-text 403", async () => {
    const simulator = await start("3.0")
    const answer = await rawClient(simulator, { token: simulator.limitedToken }).upload("x.txt", "x\n")
    expect(answer.status).toBe(403)
    expect(answer.headers.get("content-type")).toMatch(/^text\/html/)
    expect(answer.text).toBe("Insufficient permissions")
  })

  it("acknowledges tasks by row id and filters statuses in the generation's case", async () => {
    const modern = await start("3.0")
    const client = rawClient(modern)
    const posted = await client.upload("a.txt", "a\n")
    await modern.settle()
    const task = await taskOf(client, posted.body)
    expect((await client.post("/api/tasks/acknowledge/", { tasks: [task.id] })).body).toEqual({ result: 1 })
    expect((await client.post("/api/tasks/acknowledge/", { tasks: [99999] })).status).toBe(400)
    expect((await client.get("/api/tasks/?status=FAILURE")).status).toBe(400)
    expect((await client.get("/api/tasks/?status=success")).body.count).toBe(1)
    const legacy = await start("2.20")
    const old = rawClient(legacy)
    expect((await old.get("/api/tasks/?status=failure")).status).toBe(400)
    expect((await old.get("/api/tasks/?status=FAILURE")).body).toEqual([])
    expect((await old.get("/api/tasks/active/")).status).toBe(404)
  })
})
