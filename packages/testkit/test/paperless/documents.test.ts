import { createHash } from "node:crypto"
import { afterEach, describe, expect, it } from "vitest"
import {
  type PaperlessGeneration as Generation,
  makePdf,
  type PaperlessSimulator,
  startPaperlessSimulator,
} from "../../src/index.js"
import { rawClient } from "./http.js"

const running: Array<PaperlessSimulator> = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((simulator) => simulator.close()))
})

const invoiceBytes = makePdf(["ACME Corporation", "Invoice number 4711"])

/** A simulator with the fixtures' tag tree (Steuer → Invoices → Finance), fields and two documents. */
const world = async (generation: Generation) => {
  const simulator = await startPaperlessSimulator({ generation, consumeMs: 2, bulkUpdateMs: 40 })
  running.push(simulator)
  const ids = simulator.seed({
    tags: [
      { name: "Inbox", isInboxTag: true },
      { name: "Finance" },
      { name: "Invoices", parent: "Finance" },
      { name: "Steuer", parent: "Invoices" },
    ],
    correspondents: [{ name: "ACME Corp" }],
    customFields: [
      { name: "CF string", dataType: "string" },
      { name: "CF integer", dataType: "integer" },
      { name: "CF boolean", dataType: "boolean" },
      { name: "CF monetary", dataType: "monetary" },
      { name: "CF link", dataType: "documentlink" },
      { name: "CF select", dataType: "select", selectOptions: ["Open", "Paid"] },
    ],
    documents: [
      {
        fileName: "invoice.pdf",
        bytes: invoiceBytes,
        title: "ACME invoice",
        created: "2024-03-12",
        correspondent: "ACME Corp",
        asn: 1001,
        customFields: { "CF string": "hello" },
      },
      { fileName: "letter.txt", bytes: "A letter\n", title: "Letter" },
    ],
  })
  const [invoice = 0, letter = 0] = ids.documents
  return { simulator, client: rawClient(simulator), ids, invoice, letter }
}

const modifiedOf = async (client: ReturnType<typeof rawClient>, id: number) =>
  (await client.get(`/api/documents/${id}/?fields=modified`)).body.modified as string

describe("modified is bumped exactly when the real server bumps it", () => {
  it.each(["3.0", "2.20"] as const)(
    "%s: every PATCH, notes and restore bump; trashing and renames do not",
    async (generation) => {
      const { client, invoice, ids } = await world(generation)
      let last = await modifiedOf(client, invoice)
      const bumped = async (expected: boolean) => {
        const now = await modifiedOf(client, invoice)
        if (expected) expect(now > last).toBe(true)
        else expect(now).toBe(last)
        last = now
      }
      await client.patch(`/api/documents/${invoice}/`, {})
      await bumped(true)
      await client.post(`/api/documents/${invoice}/notes/`, { note: "paid" })
      await bumped(true)
      await client.patch(`/api/tags/${ids.tags.Finance}/`, { name: "Money" })
      await client.patch(`/api/correspondents/${ids.correspondents["ACME Corp"]}/`, { name: "ACME" })
      await bumped(false)
      await client.post("/api/share_links/", { document: invoice })
      await bumped(false)
      await client.delete(`/api/documents/${invoice}/`)
      const trashed = (await client.get("/api/trash/")).body.results[0]
      expect(trashed.modified).toBe(last)
      await client.post("/api/trash/", { action: "restore", documents: [invoice] })
      await bumped(true)
    },
  )

  it.each(["3.0", "2.20"] as const)(
    "%s: bulk_edit changes rows at once but bumps modified only when the worker runs",
    async (generation) => {
      const { simulator, client, invoice, ids } = await world(generation)
      const before = await modifiedOf(client, invoice)
      await client.post("/api/documents/bulk_edit/", {
        documents: [invoice],
        method: "add_tag",
        parameters: { tag: ids.tags.Finance },
      })
      const right = (await client.get(`/api/documents/${invoice}/?fields=tags,modified`)).body
      expect(right.tags).toContain(ids.tags.Finance)
      expect(right.modified).toBe(before)
      await simulator.settle()
      expect((await modifiedOf(client, invoice)) > before).toBe(true)
      // 3.0 lists the bulk_update task (trigger "system"); 2.20 never lists bulk_edit work.
      const tasks = (await client.get("/api/tasks/")).body
      if (generation === "3.0") {
        expect(tasks.results).toMatchObject([
          { task_type: "bulk_update", trigger_source: "system", status: "success" },
        ])
      } else expect(tasks).toEqual([])
    },
  )

  it("modify_custom_fields bumps at once on 3.0 but only asynchronously on 2.20", async () => {
    for (const generation of ["3.0", "2.20"] as const) {
      const { simulator, client, invoice, ids } = await world(generation)
      const before = await modifiedOf(client, invoice)
      const field = ids.customFields["CF integer"]
      await client.post("/api/documents/bulk_edit/", {
        documents: [invoice],
        method: "modify_custom_fields",
        parameters: { add_custom_fields: { [String(field)]: 5 }, remove_custom_fields: [] },
      })
      const immediately = await modifiedOf(client, invoice)
      expect(immediately > before).toBe(generation === "3.0")
      await simulator.settle()
      expect((await modifiedOf(client, invoice)) > immediately).toBe(true)
    }
  })

  it("modified__gt is strict on the microsecond and modified__gte includes the instant", async () => {
    const { client, invoice } = await world("3.0")
    const stamp = await modifiedOf(client, invoice)
    expect(stamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/)
    const query = encodeURIComponent(stamp)
    expect((await client.get(`/api/documents/?modified__gt=${query}&id__in=${invoice}`)).body.count).toBe(0)
    expect((await client.get(`/api/documents/?modified__gte=${query}&id__in=${invoice}`)).body.count).toBe(1)
    expect((await client.get("/api/documents/?modified__gt=yesterday")).body).toEqual({
      modified__gt: ["Enter a valid date/time."],
    })
  })
})

describe("tag hierarchy on PATCH", () => {
  it.each(["3.0", "2.20"] as const)(
    "%s: a child adds its ancestors, repeating it removes everything, the full set is stable",
    async (generation) => {
      const { client, letter, ids } = await world(generation)
      const { Finance: finance, Invoices: invoices, Steuer: steuer } = ids.tags
      const tagsAfter = async (tags: Array<number | undefined>) =>
        (await client.patch(`/api/documents/${letter}/`, { tags })).body.tags
      expect(await tagsAfter([])).toEqual([])
      expect(await tagsAfter([steuer])).toEqual([finance, invoices, steuer])
      expect(await tagsAfter([steuer])).toEqual([])
      expect(await tagsAfter([finance])).toEqual([finance])
      expect(await tagsAfter([steuer])).toEqual([])
      expect(await tagsAfter([finance, invoices, steuer])).toEqual([finance, invoices, steuer])
      expect(await tagsAfter([finance, invoices, steuer])).toEqual([finance, invoices, steuer])
    },
  )

  it("bulk add_tag adds ancestors and remove_tag removes descendants", async () => {
    const { simulator, client, letter, ids } = await world("3.0")
    await client.post("/api/documents/bulk_edit/", {
      documents: [letter],
      method: "add_tag",
      parameters: { tag: ids.tags.Steuer },
    })
    expect((await client.get(`/api/documents/${letter}/`)).body.tags).toEqual([
      ids.tags.Finance,
      ids.tags.Invoices,
      ids.tags.Steuer,
    ])
    await client.post("/api/documents/bulk_edit/", {
      documents: [letter],
      method: "remove_tag",
      parameters: { tag: ids.tags.Finance },
    })
    expect((await client.get(`/api/documents/${letter}/`)).body.tags).toEqual([])
    await simulator.settle()
  })

  it("refuses a parent cycle and a self parent", async () => {
    const { client, ids } = await world("3.0")
    expect((await client.patch(`/api/tags/${ids.tags.Finance}/`, { parent: ids.tags.Steuer })).body).toEqual({
      parent: ["Cannot set parent to a descendant."],
    })
    expect((await client.patch(`/api/tags/${ids.tags.Finance}/`, { parent: ids.tags.Finance })).body).toEqual(
      { parent: ["Cannot set itself as parent."] },
    )
  })
})

describe("custom field values", () => {
  it("3.0 keys errors by index, 2.20 aligns a list with the request", async () => {
    for (const generation of ["3.0", "2.20"] as const) {
      const { client, invoice, ids } = await world(generation)
      const answer = await client.patch(`/api/documents/${invoice}/`, {
        custom_fields: [
          { field: ids.customFields["CF string"], value: "ok" },
          { field: ids.customFields["CF integer"], value: "abc" },
        ],
      })
      expect(answer.status).toBe(400)
      const error = { non_field_errors: ["Enter a valid integer."] }
      expect(answer.body.custom_fields).toEqual(generation === "3.0" ? { "1": error } : [{}, error])
    }
  })

  it("replaces the whole set, coerces monetary numbers and answers an HTML 500 where the server crashes", async () => {
    const { client, invoice, ids } = await world("3.0")
    const field = ids.customFields
    const patched = await client.patch(`/api/documents/${invoice}/`, {
      custom_fields: [{ field: field["CF monetary"], value: 12.5 }],
    })
    expect(patched.body.custom_fields).toEqual([{ value: "12.5", field: field["CF monetary"] }])
    const crash = await client.patch(`/api/documents/${invoice}/`, {
      custom_fields: [{ field: field["CF boolean"], value: "maybe" }],
    })
    expect(crash.status).toBe(500)
    expect(crash.text).toContain("Server Error (500)")
    const bad = await client.patch(`/api/documents/${invoice}/`, {
      custom_fields: [{ field: field["CF monetary"], value: "12,50" }],
    })
    expect(bad.body.custom_fields["0"].non_field_errors[0]).toMatch(/two-decimal number/)
    expect(
      (await client.patch(`/api/documents/${invoice}/`, { custom_fields: [{ field: 99999, value: 1 }] }))
        .body,
    ).toEqual({
      custom_fields: { "0": { field: ['Invalid pk "99999" - object does not exist.'] } },
    })
  })

  it("keeps documentlinks symmetric and bumps the linked document", async () => {
    const { client, invoice, letter, ids } = await world("3.0")
    const link = ids.customFields["CF link"]
    const before = await modifiedOf(client, letter)
    await client.patch(`/api/documents/${invoice}/`, { custom_fields: [{ field: link, value: [letter] }] })
    const target = (await client.get(`/api/documents/${letter}/`)).body
    expect(target.custom_fields).toEqual([{ value: [invoice], field: link }])
    expect(target.modified > before).toBe(true)
  })

  it("nulls values of a removed select option asynchronously, even if the option comes back", async () => {
    const { simulator, client, invoice, ids } = await world("3.0")
    const select = ids.customFields["CF select"]
    const definition = (await client.get(`/api/custom_fields/${select}/`)).body
    const [open, paid] = definition.extra_data.select_options
    expect(open.id).toMatch(/^[A-Za-z0-9]{16}$/)
    await client.patch(`/api/documents/${invoice}/`, { custom_fields: [{ field: select, value: paid.id }] })
    const modified = await modifiedOf(client, invoice)
    await client.patch(`/api/custom_fields/${select}/`, { extra_data: { select_options: [open] } })
    expect((await client.get(`/api/documents/${invoice}/`)).body.custom_fields[0].value).toBe(paid.id)
    await client.patch(`/api/custom_fields/${select}/`, { extra_data: { select_options: [open, paid] } })
    await simulator.settle()
    const after = (await client.get(`/api/documents/${invoice}/`)).body
    expect(after.custom_fields[0].value).toBeNull()
    expect(after.modified).toBe(modified)
  })

  it("hides values after a data_type change and shows them again when it is changed back", async () => {
    const { client, invoice, ids } = await world("2.20")
    const field = ids.customFields["CF string"]
    await client.patch(`/api/custom_fields/${field}/`, { data_type: "integer" })
    expect((await client.get(`/api/documents/${invoice}/`)).body.custom_fields).toEqual([
      { value: null, field },
    ])
    await client.patch(`/api/custom_fields/${field}/`, { data_type: "string" })
    expect((await client.get(`/api/documents/${invoice}/`)).body.custom_fields).toEqual([
      { value: "hello", field },
    ])
  })
})

describe("documents: validation, trash, files and checksums", () => {
  it("validates PATCH fields with DRF's messages", async () => {
    const { client, invoice, letter } = await world("3.0")
    expect((await client.patch(`/api/documents/${letter}/`, { archive_serial_number: 1001 })).body).toEqual({
      archive_serial_number: ["document with this archive serial number already exists."],
    })
    expect((await client.patch(`/api/documents/${letter}/`, { title: "x".repeat(129) })).body).toEqual({
      title: ["Ensure this field has no more than 128 characters."],
    })
    expect((await client.patch(`/api/documents/${letter}/`, { title: null })).body).toEqual({
      title: ["This field may not be null."],
    })
    expect((await client.patch(`/api/documents/${letter}/`, { created: "31.12.2023" })).status).toBe(400)
    expect(
      (await client.patch(`/api/documents/${letter}/`, { created: "2023-07-04T23:30:00-05:00" })).body
        .created,
    ).toBe("2023-07-05")
    expect((await client.put(`/api/documents/${invoice}/`, { title: "only a title" })).body).toEqual({
      correspondent: ["This field is required."],
      document_type: ["This field is required."],
      storage_path: ["This field is required."],
      tags: ["This field is required."],
    })
    expect((await client.get("/api/documents/abc/")).body).toEqual({ detail: "Not found." })
    expect((await client.get("/api/documents/99999/")).body).toEqual({
      detail: "No Document matches the given query.",
    })
  })

  it.each(["3.0", "2.20"] as const)(
    "%s: a trashed document 404s but still downloads; restore and empty work",
    async (generation) => {
      const { client, invoice } = await world(generation)
      expect((await client.delete(`/api/documents/${invoice}/`)).status).toBe(204)
      expect((await client.get(`/api/documents/${invoice}/`)).status).toBe(404)
      expect((await client.get(`/api/documents/${invoice}/metadata/`)).status).toBe(404)
      const download = await client.get(`/api/documents/${invoice}/download/?original=true`)
      expect(download.status).toBe(200)
      expect(Buffer.from(download.text, "latin1").subarray(0, 5).toString()).toBe("%PDF-")
      expect((await client.get(`/api/documents/${invoice}/thumb/`)).status).toBe(
        generation === "3.0" ? 200 : 404,
      )
      expect((await client.get(`/api/documents/?id__in=${invoice}`)).body.count).toBe(0)
      expect((await client.post("/api/trash/", { action: "restore", documents: [999] })).body).toEqual({
        documents: ["Some documents in the list have not yet been deleted."],
      })
      expect((await client.post("/api/trash/", { action: "empty" })).body).toEqual({
        result: "OK",
        doc_ids: [invoice],
      })
      expect((await client.get(`/api/documents/${invoice}/download/`)).status).toBe(404)
    },
  )

  it.each([
    ["3.0", "sha256"],
    ["2.20", "md5"],
  ] as const)("%s reports and filters the original's %s checksum", async (generation, algorithm) => {
    const { client, invoice } = await world(generation)
    const checksum = createHash(algorithm).update(invoiceBytes).digest("hex")
    expect((await client.get(`/api/documents/${invoice}/metadata/`)).body.original_checksum).toBe(checksum)
    const found = await client.get(`/api/documents/?checksum__iexact=${checksum.toUpperCase()}&fields=id`)
    expect(found.body.results).toEqual([{ id: invoice }])
  })

  it("names downloads <created> <correspondent> <title>.<ext> with a UTF-8 filename*", async () => {
    const { client, invoice } = await world("3.0")
    await client.patch(`/api/documents/${invoice}/`, { title: "Grüße ✓" })
    const disposition = (await client.get(`/api/documents/${invoice}/download/`)).headers.get(
      "content-disposition",
    )
    expect(disposition).toBe(
      `attachment; filename="2024-03-12 ACME Corp Grue .pdf"; filename*=utf-8''2024-03-12%20ACME%20Corp%20Gr%C3%BC%C3%9Fe%20%E2%9C%93.pdf`,
    )
  })

  it("filters by tags, custom_field_query and full text, and validates filter values", async () => {
    const { client, invoice, ids } = await world("3.0")
    const query = (value: unknown) => encodeURIComponent(JSON.stringify(value))
    expect(
      (
        await client.get(
          `/api/documents/?custom_field_query=${query(["CF string", "exists", true])}&fields=id`,
        )
      ).body.results,
    ).toEqual([{ id: invoice }])
    expect(
      (await client.get(`/api/documents/?custom_field_query=${query(["CF string", "bogus", 1])}`)).body,
    ).toEqual({
      custom_field_query: { "1": ["string does not support query expr 'bogus'."] },
    })
    expect((await client.get("/api/documents/?custom_field_query=notjson")).body).toEqual({
      custom_field_query: ["Value must be valid JSON."],
    })
    expect((await client.get("/api/documents/?correspondent__id=abc")).body).toEqual({
      correspondent__id: ["Enter a number."],
    })
    expect(
      (await client.get(`/api/documents/?correspondent__id=${ids.correspondents["ACME Corp"]}&fields=id`))
        .body.count,
    ).toBe(1)
    const search = (await client.get("/api/documents/?query=invoice&fields=id,title")).body
    expect(search.corrected_query).toBeNull()
    expect(search.results[0]).toMatchObject({ id: invoice, __search_hit__: { rank: 1 } })
    expect(search.results[0].__search_hit__.highlights).toContain("<b>Invoice</b>")
    expect((await client.get("/api/documents/?query=title%3A%28unclosed")).status).toBe(400)
  })
})
