import * as Crypto from "node:crypto"
import type {
  CorrespondentId,
  CustomField,
  CustomFieldDataType,
  CustomFieldId,
  Document,
  DocumentId,
  PaperlessApi,
  Tag,
  TagId,
} from "@paperbridge/paperless"
import { makePdf } from "@paperbridge/testkit"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  clientFor,
  liveEnvironment,
  liveTarget,
  type PaperlessTarget,
  simulatorAvailable,
  startSimulatorTarget,
} from "./paperless-target.js"

type TargetSpec = { readonly name: string; readonly start: () => Promise<PaperlessTarget> }

const targets: ReadonlyArray<TargetSpec> = [
  ...(simulatorAvailable
    ? (["3.0", "2.20"] as const).map((generation) => ({
        name: `simulator ${generation}`,
        start: () => startSimulatorTarget(generation),
      }))
    : []),
  ...(liveEnvironment() === undefined ? [] : [{ name: "live", start: async () => liveTarget() }]),
]

const ALL_TYPES: ReadonlyArray<CustomFieldDataType> = [
  "string",
  "url",
  "date",
  "boolean",
  "integer",
  "float",
  "monetary",
  "documentlink",
  "select",
  "longtext",
]

/** Everything this run made, so a live server is left as it was found. */
interface Made {
  documents: Array<DocumentId>
  tags: Array<TagId>
  correspondents: Array<CorrespondentId>
  customFields: Array<CustomFieldId>
}

describe.skipIf(targets.length === 0)("Paperless-ngx contract", () => {
  describe.each(targets)("$name", (spec) => {
    let target: PaperlessTarget
    let client: ReturnType<typeof clientFor>
    let generation: "3.0" | "2.20"
    const run = <A, E>(program: (paperless: PaperlessApi) => Effect.Effect<A, E>) => client.run(program)
    const fail = <A, E>(program: (paperless: PaperlessApi) => Effect.Effect<A, E>) => client.fail(program)
    const made: Made = { documents: [], tags: [], correspondents: [], customFields: [] }
    const prefix = `pb-contract-${Date.now().toString(36)}-${Crypto.randomBytes(3).toString("hex")}`
    /** Unique bytes per call, so a live server never holds a twin from an earlier run. */
    const pdf = (label: string) => makePdf([`${prefix} ${label}`, Crypto.randomUUID()])
    const fast = { initialDelay: "50 millis", maxDelay: "1 second", timeout: "3 minutes" } as const

    const upload = (
      bytes: Buffer,
      filename: string,
      metadata: Parameters<PaperlessApi["upload"]["post"]>[1] = {},
    ) =>
      run((paperless) =>
        Effect.flatMap(
          paperless.upload.post({ file: new Blob([bytes], { type: "application/pdf" }), filename }, metadata),
          (taskId) => paperless.tasks.await(taskId, fast),
        ),
      ).then((id) => {
        made.documents.push(id)
        return id
      })

    const createTag = (name: string, parent?: TagId) =>
      run((paperless) =>
        paperless.tags.create({ name: `${prefix} ${name}`, ...(parent === undefined ? {} : { parent }) }),
      ).then((tag) => {
        made.tags.push(tag.id)
        return tag
      })

    beforeAll(async () => {
      target = await spec.start()
      client = clientFor(target)
      generation = (await run((paperless) => paperless.server)).generation
    })

    afterAll(async () => {
      if (client === undefined) return
      await run((paperless) =>
        Effect.gen(function* () {
          for (const id of made.documents) yield* Effect.ignore(paperless.documents.delete(id))
          const trashed = new Set(
            Chunk.toArray(yield* Stream.runCollect(paperless.trash.stream())).map((document) => document.id),
          )
          const mine = made.documents.filter((id) => trashed.has(id))
          if (mine.length > 0) yield* Effect.ignore(paperless.trash.empty(mine))
          // Children before parents: deleting a parent tag first would orphan them anyway.
          for (const id of [...made.tags].reverse()) yield* Effect.ignore(paperless.tags.delete(id))
          for (const id of made.correspondents) yield* Effect.ignore(paperless.correspondents.delete(id))
          for (const id of made.customFields) yield* Effect.ignore(paperless.customFields.delete(id))
        }),
      ).catch(() => undefined)
      await client.dispose()
      await target.close()
    })

    it("negotiates the newest API version the server speaks", async () => {
      const server = await run((paperless) => paperless.server)
      expect(server.apiVersion).toBe(server.generation === "3.0" ? 10 : 9)
      if (target.generation !== undefined) expect(server.generation).toBe(target.generation)
    })

    describe("metadata objects", () => {
      it("creates, reads, renames, lists by filter and deletes a correspondent", async () => {
        const created = await run((paperless) =>
          paperless.correspondents.create({ name: `${prefix} ACME`, matching_algorithm: 0 }),
        )
        made.correspondents.push(created.id)
        const renamed = await run((paperless) =>
          paperless.correspondents.update(created.id, { name: `${prefix} ACME Corp` }),
        )
        expect(renamed.name).toBe(`${prefix} ACME Corp`)
        const listed = await run((paperless) =>
          paperless.correspondents.list({ name__icontains: `${prefix} ACME` }),
        )
        expect(listed.results.map((c) => c.id)).toEqual([created.id])
        const types = await run((paperless) =>
          Effect.gen(function* () {
            const type = yield* paperless.documentTypes.create({ name: `${prefix} Invoice` })
            const path = yield* paperless.storagePaths.create({
              name: `${prefix} path`,
              path: "{{ created_year }}/{{ title }}",
            })
            yield* paperless.documentTypes.delete(type.id)
            yield* paperless.storagePaths.delete(path.id)
            return [type, path] as const
          }),
        )
        expect(types[1].path).toBe("{{ created_year }}/{{ title }}")
      })

      it("refuses a second object with the same name, saying why", async () => {
        const tag = await createTag("unique")
        const error = await fail((paperless) => paperless.tags.create({ name: tag.name }))
        expect(error).toMatchObject({ _tag: "PaperlessApiError", status: 400 })
        expect(String((error as Error).message)).toMatch(/unique/i)
      })

      it("keeps a tag hierarchy and refuses a cycle", async () => {
        const parent = await createTag("parent")
        const child = await createTag("child", parent.id)
        const grandchild = await createTag("grandchild", child.id)
        const read = await run((paperless) => paperless.tags.get(parent.id))
        expect(read.children.map((tag: Tag) => tag.id)).toEqual([child.id])
        expect(read.children[0]?.children.map((tag: Tag) => tag.id)).toEqual([grandchild.id])
        const cycle = await fail((paperless) => paperless.tags.update(parent.id, { parent: grandchild.id }))
        expect(cycle).toMatchObject({ status: 400 })
        expect((cycle as { messages: ReadonlyArray<{ field: string }> }).messages[0]?.field).toBe("parent")
      })

      it("creates a custom field of every type; select options get server ids", async () => {
        const fields = await run((paperless) =>
          Effect.forEach(ALL_TYPES, (dataType) =>
            paperless.customFields.create({
              name: `${prefix} CF ${dataType}`,
              data_type: dataType,
              ...(dataType === "select"
                ? { extra_data: { select_options: [{ label: "Open" }, { label: "Paid" }] } }
                : dataType === "monetary"
                  ? { extra_data: { default_currency: "EUR" } }
                  : {}),
            }),
          ),
        )
        made.customFields.push(...fields.map((field: CustomField) => field.id))
        expect(fields.map((field: CustomField) => field.data_type)).toEqual(ALL_TYPES)
        const select = fields.find((field: CustomField) => field.data_type === "select")
        expect(select?.extra_data?.select_options?.map((option) => option.label)).toEqual(["Open", "Paid"])
        for (const option of select?.extra_data?.select_options ?? []) expect(option.id).toMatch(/^\w{16}$/)
        const multiselect = await fail((paperless) =>
          paperless.customFields.create({
            name: `${prefix} CF multi`,
            data_type: "multiselect" as CustomFieldDataType,
          }),
        )
        expect(multiselect).toMatchObject({ _tag: "PaperlessInvalidRequest" })
      })
    })

    describe("documents", () => {
      let invoice: DocumentId
      let invoiceBytes: Buffer
      let tags: { parent: Tag; child: Tag; other: Tag }
      let correspondent: CorrespondentId

      beforeAll(async () => {
        const parent = await createTag("doc parent")
        tags = { parent, child: await createTag("doc child", parent.id), other: await createTag("doc other") }
        const created = await run((paperless) =>
          paperless.correspondents.create({ name: `${prefix} Bakery` }),
        )
        made.correspondents.push(created.id)
        correspondent = created.id
        invoiceBytes = pdf("invoice 4711")
        invoice = await upload(invoiceBytes, "invoice-4711.pdf", {
          title: `${prefix} invoice 4711`,
          created: "2024-03-12",
          correspondent,
          tags: [tags.child.id],
        })
      })

      it("uploads with metadata, waits for the task and reads the new document", async () => {
        const document = await run((paperless) => paperless.documents.get(invoice))
        expect(document.title).toBe(`${prefix} invoice 4711`)
        expect(document.created).toBe("2024-03-12")
        expect(document.correspondent).toBe(correspondent)
        expect(document.original_file_name).toBe("invoice-4711.pdf")
        // The server adds the ancestors of an uploaded child tag.
        expect(document.tags).toEqual(expect.arrayContaining([tags.parent.id, tags.child.id]))
      })

      it("downloads the original bytes, named, and finds the document by its checksum", async () => {
        const file = await run((paperless) =>
          Effect.flatMap(paperless.files.download(invoice, { original: true }), (download) =>
            Effect.map(Stream.runCollect(download.stream), (chunks) => ({
              ...download,
              bytes: Buffer.concat(Chunk.toArray(chunks)),
            })),
          ),
        )
        expect(file.bytes.equals(invoiceBytes)).toBe(true)
        expect(file.contentType).toBe("application/pdf")
        expect(file.filename).toMatch(/invoice 4711\.pdf$/)
        const metadata = await run((paperless) => paperless.documents.metadata(invoice))
        const algorithm = generation === "3.0" ? "sha256" : "md5"
        expect(metadata.original_checksum).toBe(
          Crypto.createHash(algorithm).update(invoiceBytes).digest("hex"),
        )
        const found = await run((paperless) => paperless.documents.findByChecksum(metadata.original_checksum))
        expect(Option.map(found, (document: Document) => document.id)).toEqual(Option.some(invoice))
      })

      it("treats the same bytes again as the generation does: 3.0 keeps both, 2.20 names the twin", async () => {
        const again = await run((paperless) =>
          Effect.flatMap(
            paperless.upload.post({ file: new Blob([invoiceBytes]), filename: "invoice-copy.pdf" }),
            (taskId) => Effect.either(paperless.tasks.await(taskId, fast)),
          ),
        )
        if (generation === "3.0") {
          expect(again._tag).toBe("Right")
          if (again._tag === "Right") {
            made.documents.push(again.right)
            const twin = await run((paperless) => paperless.documents.get(again.right))
            expect(twin.duplicate_documents?.map((duplicate) => duplicate.id)).toContain(invoice)
          }
        } else {
          expect(again._tag).toBe("Left")
          if (again._tag === "Left") {
            expect(again.left).toMatchObject({
              _tag: "PaperlessTaskFailed",
              reason: "duplicate",
              existingDocumentId: invoice,
            })
          }
        }
      })

      it("shows the traps the helpers avoid: a child-only tags PATCH flips, custom_fields PATCH replaces", async () => {
        const subject = await upload(pdf("traps"), "traps.pdf")
        const once = await run((paperless) => paperless.documents.update(subject, { tags: [tags.child.id] }))
        expect([...once.tags].sort()).toEqual([tags.parent.id, tags.child.id].sort())
        // The same request again drops the parent "removed" last time, and its descendants with it.
        const twice = await run((paperless) => paperless.documents.update(subject, { tags: [tags.child.id] }))
        expect(twice.tags).toEqual([])
        const fields = await run((paperless) =>
          Effect.forEach(["a", "b"], (name) =>
            paperless.customFields.create({ name: `${prefix} trap ${name}`, data_type: "string" }),
          ),
        )
        made.customFields.push(...fields.map((field: CustomField) => field.id))
        const [a, b] = fields
        if (a === undefined || b === undefined) throw new Error("fields not created")
        await run((paperless) =>
          paperless.documents.update(subject, {
            custom_fields: [
              { field: a.id, value: "kept?" },
              { field: b.id, value: "b" },
            ],
          }),
        )
        const replaced = await run((paperless) =>
          paperless.documents.update(subject, { custom_fields: [{ field: b.id, value: "b2" }] }),
        )
        expect(replaced.custom_fields).toEqual([{ field: b.id, value: "b2" }])
      })

      it("bumps modified on every PATCH, even an empty one, but not when trashing", async () => {
        const before = await run((paperless) => paperless.documents.get(invoice))
        const patched = await run((paperless) => paperless.documents.update(invoice, {}))
        expect(patched.modified > before.modified).toBe(true)
        const doomed = await upload(pdf("modified"), "modified.pdf")
        const live = await run((paperless) => paperless.documents.get(doomed))
        await run((paperless) => paperless.documents.delete(doomed))
        const trash = Chunk.toArray(await run((paperless) => Stream.runCollect(paperless.trash.stream())))
        const trashed = trash.find((document) => document.id === doomed)
        expect(trashed?.modified).toBe(live.modified)
        expect(trashed?.deleted_at).toBeTruthy()
      })

      it("sets tags idempotently by sending the set closed over ancestors", async () => {
        const first = await run((paperless) =>
          paperless.documents.setTags(invoice, [tags.child.id, tags.other.id]),
        )
        const second = await run((paperless) =>
          paperless.documents.setTags(invoice, [tags.child.id, tags.other.id]),
        )
        const expected = [tags.parent.id, tags.child.id, tags.other.id].sort()
        expect([...first.tags].sort()).toEqual(expected)
        expect([...second.tags].sort()).toEqual(expected)
      })

      it("stores a value of every custom field type and keeps the others when one changes", async () => {
        const fields = await run((paperless) =>
          Effect.forEach(ALL_TYPES, (dataType) =>
            paperless.customFields.create({
              name: `${prefix} value ${dataType}`,
              data_type: dataType,
              ...(dataType === "select" ? { extra_data: { select_options: [{ label: "Paid" }] } } : {}),
            }),
          ),
        )
        made.customFields.push(...fields.map((field: CustomField) => field.id))
        const other = await upload(pdf("link target"), "link-target.pdf")
        const byType = new Map(fields.map((field: CustomField) => [field.data_type, field]))
        const id = (type: CustomFieldDataType) => {
          const field = byType.get(type)
          if (field === undefined) throw new Error(`no ${type} field`)
          return field.id
        }
        const optionId = byType.get("select")?.extra_data?.select_options?.[0]?.id ?? ""
        const values = [
          { field: id("string"), value: "hello" },
          { field: id("url"), value: "https://example.org/a" },
          { field: id("date"), value: "2024-05-05" },
          { field: id("boolean"), value: true },
          { field: id("integer"), value: 42 },
          { field: id("float"), value: 3.14 },
          { field: id("monetary"), value: "EUR12.50" },
          { field: id("documentlink"), value: [other] },
          { field: id("select"), value: optionId },
          { field: id("longtext"), value: "line one\nline two" },
        ]
        const written = await run((paperless) => paperless.documents.setCustomFields(invoice, values))
        expect(written.custom_fields).toEqual(expect.arrayContaining(values))
        const changed = await run((paperless) =>
          paperless.documents.setCustomFields(invoice, [{ field: id("integer"), value: 43 }]),
        )
        expect(changed.custom_fields).toHaveLength(values.length)
        expect(changed.custom_fields).toContainEqual({ field: id("integer"), value: 43 })
        expect(changed.custom_fields).toContainEqual({ field: id("string"), value: "hello" })
        // Documentlink is symmetric: the target links back.
        const target = await run((paperless) => paperless.documents.get(other))
        expect(target.custom_fields).toContainEqual({ field: id("documentlink"), value: [invoice] })
        const invalid = await fail((paperless) =>
          paperless.documents.setCustomFields(invoice, [{ field: id("integer"), value: "abc" }]),
        )
        expect(invalid).toMatchObject({ status: 400 })
        expect((invalid as { messages: ReadonlyArray<{ field: string }> }).messages[0]?.field).toMatch(
          /^custom_fields\.\d+\.non_field_errors$/,
        )
      })

      it("adds and deletes notes, each bumping modified", async () => {
        const before = await run((paperless) => paperless.documents.get(invoice))
        const notes = await run((paperless) => paperless.notes.add(invoice, "Paid – with ünïcode"))
        const note = notes.find((entry) => entry.note === "Paid – with ünïcode")
        if (note === undefined) return expect.unreachable("the added note is listed")
        const after = await run((paperless) => paperless.documents.get(invoice))
        expect(after.modified > before.modified).toBe(true)
        const remaining = await run((paperless) => paperless.notes.delete(invoice, note.id))
        expect(remaining.find((entry) => entry.id === note.id)).toBeUndefined()
      })

      it("filters by id, tags, modified and custom field query, and trims fields", async () => {
        const byIds = await run((paperless) => paperless.documents.list({ id__in: [invoice], page_size: 5 }))
        expect(byIds.results.map((document) => document.id)).toEqual([invoice])
        const byTags = await run((paperless) =>
          paperless.documents.list({ tags__id__all: [tags.parent.id, tags.other.id] }),
        )
        expect(byTags.results.map((document) => document.id)).toContain(invoice)
        const current = await run((paperless) => paperless.documents.get(invoice))
        const newer = await run((paperless) =>
          paperless.documents.list({ id__in: [invoice], modified__gt: current.modified }),
        )
        expect(newer.count).toBe(0)
        const sameOrNewer = await run((paperless) =>
          paperless.documents.list({ id__in: [invoice], modified__gte: current.modified }),
        )
        expect(sameOrNewer.count).toBe(1)
        const trimmed = await run((paperless) =>
          Stream.runCollect(paperless.documents.streamFields(["title"], { id__in: [invoice] })),
        )
        expect(Chunk.toArray(trimmed)).toEqual([{ id: invoice, title: current.title }])
        const integerField = current.custom_fields.find((value) => value.value === 43)?.field
        if (integerField !== undefined) {
          const query = await run((paperless) =>
            paperless.documents.list({ custom_field_query: JSON.stringify([integerField, "gt", 42]) }),
          )
          expect(query.results.map((document) => document.id)).toEqual([invoice])
        }
      })

      it("applies bulk tag edits the way the hierarchy says", async () => {
        const second = await upload(pdf("bulk"), "bulk.pdf")
        const tagsOf = async () => (await run((paperless) => paperless.documents.get(second))).tags
        // add_tag on a child adds its ancestors (`documents.get.after-bulk-add-child-tag.json`).
        await run((paperless) =>
          paperless.bulkEdit.edit([second], { method: "add_tag", parameters: { tag: tags.child.id } }),
        )
        await target.settle()
        expect(await tagsOf()).toEqual(expect.arrayContaining([tags.parent.id, tags.child.id]))
        await run((paperless) =>
          paperless.bulkEdit.edit([second], {
            method: "modify_tags",
            parameters: { add_tags: [tags.other.id], remove_tags: [] },
          }),
        )
        await target.settle()
        expect(await tagsOf()).toContain(tags.other.id)
        // remove_tag on a parent removes its descendants (`…after-bulk-remove-parent-tag.json`).
        await run((paperless) =>
          paperless.bulkEdit.edit([second], { method: "remove_tag", parameters: { tag: tags.parent.id } }),
        )
        await target.settle()
        const after = await tagsOf()
        expect(after).not.toContain(tags.parent.id)
        expect(after).not.toContain(tags.child.id)
        expect(after).toContain(tags.other.id)
        const field = await run((paperless) =>
          paperless.customFields.create({ name: `${prefix} bulk field`, data_type: "integer" }),
        )
        made.customFields.push(field.id)
        await run((paperless) =>
          paperless.bulkEdit.edit([second], {
            method: "modify_custom_fields",
            parameters: { add_custom_fields: { [String(field.id)]: 7 }, remove_custom_fields: [] },
          }),
        )
        await target.settle()
        const withField = await run((paperless) => paperless.documents.get(second))
        expect(withField.custom_fields).toContainEqual({ field: field.id, value: 7 })
        const unknownTag = await fail((paperless) =>
          paperless.bulkEdit.edit([second], { method: "add_tag", parameters: { tag: 999_999 as TagId } }),
        )
        expect(unknownTag).toMatchObject({ status: 400 })
      })

      it("finds the upload by full-text search, with hit data", async () => {
        const word = prefix.split("-").at(-1) ?? prefix
        const hits = Chunk.toArray(
          await run((paperless) => Stream.runCollect(Stream.take(paperless.search.documents(word), 20))),
        )
        const hit = hits.find((document) => document.id === invoice)
        expect(hit).toBeDefined()
        expect(hit?.__search_hit__?.score).toBeGreaterThan(0)
        const short = await fail((paperless) => paperless.search.global("a"))
        expect(short).toMatchObject({ status: 400 })
      })

      it("posts ahead and watches many uploads at once", async () => {
        const batch = ["one", "two", "three", "four"]
        const field = await run((paperless) =>
          paperless.customFields.create({ name: `${prefix} upload field`, data_type: "string" }),
        )
        made.customFields.push(field.id)
        const taskIds = await run((paperless) =>
          Effect.forEach(batch, (label) =>
            paperless.upload.post(
              {
                file: new Blob([pdf(`batch ${label}`)], { type: "application/pdf" }),
                filename: `batch-${label}.pdf`,
              },
              {
                title: `${prefix} batch ${label}`,
                custom_fields: { [String(field.id)]: `set at upload ${label}` },
              },
            ),
          ),
        )
        const outcomes = Chunk.toArray(
          await run((paperless) => Stream.runCollect(paperless.tasks.watch(taskIds, fast))),
        )
        expect(outcomes.map((outcome) => outcome._tag)).toEqual(batch.map(() => "Consumed"))
        expect(new Set(outcomes.map((outcome) => outcome.taskId))).toEqual(new Set(taskIds))
        for (const outcome of outcomes)
          if (outcome._tag === "Consumed") made.documents.push(outcome.documentId)
        const documents = await run((paperless) =>
          Effect.forEach(outcomes, (outcome) =>
            outcome._tag === "Consumed"
              ? paperless.documents.get(outcome.documentId)
              : Effect.die("not consumed"),
          ),
        )
        expect(documents.map((document) => document.title).sort()).toEqual(
          batch.map((label) => `${prefix} batch ${label}`).sort(),
        )
        for (const document of documents) {
          const label = document.title.split(" ").at(-1)
          expect(document.custom_fields).toContainEqual({ field: field.id, value: `set at upload ${label}` })
        }
      })

      it("trashes, restores and purges a document", async () => {
        const doomed = await upload(pdf("doomed"), "doomed.pdf")
        await run((paperless) => paperless.documents.delete(doomed))
        const gone = await fail((paperless) => paperless.documents.get(doomed))
        expect(gone).toMatchObject({ status: 404 })
        const trash = await run((paperless) => Stream.runCollect(paperless.trash.stream()))
        expect(Chunk.toArray(trash).map((document) => document.id)).toContain(doomed)
        expect(await run((paperless) => paperless.trash.restore([doomed]))).toEqual([doomed])
        expect((await run((paperless) => paperless.documents.get(doomed))).id).toBe(doomed)
        await run((paperless) => paperless.documents.delete(doomed))
        expect(await run((paperless) => paperless.trash.empty([doomed]))).toEqual([doomed])
        const notInTrash = await fail((paperless) => paperless.trash.restore([doomed]))
        expect(notInTrash).toMatchObject({ status: 400 })
      })
    })

    // What other Paperless-ngx clients rely on, beyond what this repository's client calls
    // (fixtures schema.get.*, config.get, custom_fields.patch.select-name-only, share_link_bundles.*,
    // documents.root.not-in-2.20, documents.ai_suggestions.*, status.get).
    describe("routes other clients use", () => {
      const raw = (path: string, init: RequestInit = {}, options: { anonymous?: boolean } = {}) =>
        fetch(new URL(path, target.url), {
          redirect: "manual",
          ...init,
          headers: {
            ...(options.anonymous ? {} : { authorization: `Token ${target.token}` }),
            ...(init.body === undefined ? {} : { "content-type": "application/json" }),
            ...init.headers,
          },
        })
      const apiVersion = () => (generation === "3.0" ? 10 : 9)
      /** A document to address: any the server holds, else a fresh upload. */
      const someDocument = async (): Promise<number> => {
        const page = (await (await raw("/api/documents/?page_size=1&fields=id")).json()) as {
          results: Array<{ id: number }>
        }
        return page.results[0]?.id ?? (await upload(pdf("ai probe"), "ai-probe.pdf"))
      }

      it("serves the OpenAPI document, to anyone, as JSON when asked", async () => {
        const asJson = await raw("/api/schema/?format=json")
        expect(asJson.status).toBe(200)
        expect(asJson.headers.get("content-type")).toBe("application/vnd.oai.openapi+json")
        const document = (await asJson.json()) as {
          openapi: string
          info: { title: string; version: string }
          paths: Record<string, Record<string, unknown>>
        }
        expect(document.openapi).toBe("3.0.3")
        expect(document.info.title).toBe("Paperless-ngx REST API")
        expect(document.info.version).toMatch(new RegExp(`\\(${apiVersion()}\\)$`))
        expect(Object.keys(document.paths["/api/documents/"] ?? {})).toContain("get")
        expect(Object.keys(document.paths["/api/custom_fields/{id}/"] ?? {})).toContain("patch")
        expect(document.paths["/api/config/"]).toBeDefined()
        expect(document.paths["/api/share_link_bundles/"] !== undefined).toBe(generation === "3.0")

        const plainJson = await raw("/api/schema/", { headers: { accept: "application/json" } })
        expect(plainJson.headers.get("content-type")).toBe("application/json")
        expect(((await plainJson.json()) as { openapi: string }).openapi).toBe("3.0.3")

        const anonymous = await raw("/api/schema/", {}, { anonymous: true })
        await anonymous.arrayBuffer()
        expect(anonymous.status).toBe(200)
        expect(anonymous.headers.get("content-type")).toMatch(/^application\/vnd\.oai\.openapi;/)
        expect(anonymous.headers.get("x-api-version")).toBeNull()
      })

      it("answers the application configuration as a list and as row 1", async () => {
        const list = await raw("/api/config/")
        expect(list.status).toBe(200)
        const rows = (await list.json()) as Array<Record<string, unknown>>
        expect(rows).toHaveLength(1)
        const row = await raw("/api/config/1/")
        expect(row.status).toBe(200)
        const single = (await row.json()) as Record<string, unknown>
        expect(single.id).toBe(1)
        expect(Object.keys(single).sort()).toEqual(Object.keys(rows[0] ?? {}).sort())
        expect("ai_enabled" in single).toBe(generation === "3.0")
      })

      it("refuses a PATCH of a select field that sends only its name", async () => {
        const field = await run((paperless) =>
          paperless.customFields.create({
            name: `${prefix} CF select name-only`,
            data_type: "select",
            extra_data: { select_options: [{ label: "Open" }, { label: "Paid" }] },
          }),
        )
        made.customFields.push(field.id)
        const patch = await raw(`/api/custom_fields/${field.id}/`, {
          method: "PATCH",
          body: JSON.stringify({ name: `${prefix} CF select renamed` }),
        })
        expect(patch.status).toBe(400)
        expect(await patch.json()).toEqual({ error: ["extra_data.select_options must be a valid list"] })
        const after = await run((paperless) => paperless.customFields.get(field.id))
        expect(after.name).toBe(`${prefix} CF select name-only`)
      })

      it("3.0 lists share link bundles; 2.20 sends its routes it lacks to the login page", async () => {
        const id = await someDocument()
        if (generation === "3.0") {
          const bundles = await raw("/api/share_link_bundles/")
          expect(bundles.status).toBe(200)
          expect(await bundles.json()).toMatchObject({
            count: expect.any(Number),
            results: expect.any(Array),
          })
          return
        }
        for (const path of [
          "/api/share_link_bundles/",
          `/api/documents/${id}/root/`,
          `/api/documents/${id}/ai_suggestions/`,
        ]) {
          const answer = await raw(path)
          await answer.arrayBuffer()
          expect({ path, status: answer.status, location: answer.headers.get("location") }).toEqual({
            path,
            status: 302,
            location: `/accounts/login/?next=${path}`,
          })
        }
      })

      it("3.0 refuses AI suggestions while AI is off, with Django's bare 400 text", async () => {
        if (generation !== "3.0") return
        const [config] = (await (await raw("/api/config/")).json()) as Array<{ ai_enabled: boolean | null }>
        if (config?.ai_enabled === true) return
        const answer = await raw(`/api/documents/${await someDocument()}/ai_suggestions/`)
        expect(answer.status).toBe(400)
        expect(answer.headers.get("content-type")).toMatch(/^text\/html/)
        expect(await answer.text()).toBe("AI is required for this feature")
      })

      it("3.0 status reports the LLM index and a 30-day task tally", async () => {
        const answer = await raw("/api/status/")
        expect(answer.status).toBe(200)
        const { tasks } = (await answer.json()) as { tasks: Record<string, unknown> }
        if (generation !== "3.0") {
          expect(tasks).not.toHaveProperty("llmindex_status")
          return
        }
        expect(tasks).toMatchObject({
          llmindex_status: expect.any(String),
          llmindex_error: null,
          summary: {
            days: 30,
            total_count: expect.any(Number),
            pending_count: expect.any(Number),
            success_count: expect.any(Number),
            failure_count: expect.any(Number),
          },
        })
        expect(tasks).toHaveProperty("llmindex_last_modified")
        const summary = tasks.summary as Record<string, number>
        expect(summary.total_count).toBeGreaterThanOrEqual(
          (summary.pending_count ?? 0) + (summary.success_count ?? 0) + (summary.failure_count ?? 0),
        )
      })
    })

    describe("errors", () => {
      it("answers 404 with the server's detail for an unknown object", async () => {
        const error = await fail((paperless) => paperless.tags.get(987_654_321 as TagId))
        expect(error).toMatchObject({ _tag: "PaperlessApiError", status: 404 })
        expect((error as { detail?: string }).detail).toMatch(/No Tag matches|Not found/)
      })

      it("refuses a wrong token with 401 and never echoes it", async () => {
        const wrong = "0000000000000000000000000000000000000000"
        const stranger = clientFor(target, wrong)
        const error = await stranger.fail((paperless) => paperless.server)
        await stranger.dispose()
        expect(error).toMatchObject({ status: 401 })
        expect(JSON.stringify(error) + String(error)).not.toContain(wrong)
      })

      it("rides out a server that is briefly unavailable", async () => {
        if (target.faults === undefined) return
        target.faults.add({
          method: "GET",
          path: "/api/tags/",
          times: 2,
          fault: { kind: "status", status: 503 },
        })
        const page = await run((paperless) => paperless.tags.list({ page_size: 1 }))
        expect(page.count).toBeGreaterThan(0)
        target.faults.add({
          method: "POST",
          path: "/api/tags/",
          times: 1,
          fault: { kind: "status", status: 503 },
        })
        const refused = await fail((paperless) => paperless.tags.create({ name: `${prefix} not retried` }))
        expect(refused).toMatchObject({ status: 503 })
        target.faults.clear()
      })

      it("gives a user without permissions a 403 on documents", async () => {
        if (target.limitedToken === undefined) return
        const limited = clientFor(target, target.limitedToken)
        const error = await limited.fail((paperless) => paperless.documents.list())
        const server = await limited.run((paperless) => paperless.server)
        await limited.dispose()
        expect(error).toMatchObject({ status: 403 })
        expect(server.generation).toBe(generation)
      })
    })
  })
})
