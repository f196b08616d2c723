import {
  apiKeyRoutes,
  customPropertyRoutes,
  documentRoutes,
  organizationRoutes,
  type PapraClientConfig,
  type PapraClientShape,
  type PapraCustomPropertyDefinitionRecord,
  PapraCustomPropertyType,
  PapraDocumentId,
  type PapraDocumentRecord,
  PapraOrganizationId,
  type PapraTag,
  serverRoutes,
  tagRoutes,
} from "@paperbridge/papra"
import { makePdf } from "@paperbridge/testkit"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import {
  failureOn,
  liveEnvironment,
  liveTarget,
  newRunId,
  type PapraTarget,
  runFiles,
  runOn,
  simulatorAvailable,
  startSimulatorTarget,
} from "./papra-target.js"

/**
 * One behavioural suite of the Papra client, run against the simulator always and, unchanged,
 * against a live Papra when PAPRA_URL, PAPRA_API_KEY (all permissions) and PAPRA_ORG_ID are set.
 * Tests run in order and build on each other, as a user's session would. Everything created is
 * removed again (documents can only be trashed with an API key; the server purges its trash).
 */
const contractSuite = (start: () => Promise<PapraTarget>) => {
  let target: PapraTarget
  const runId = newRunId()
  const marker = `quokka${runId}`
  let files: ReturnType<typeof runFiles>
  let textFile: ReturnType<ReturnType<typeof runFiles>["write"]>
  let pdfFile: typeof textFile
  let blobFile: typeof textFile

  let textDoc: PapraDocumentRecord
  let pdfDoc: PapraDocumentRecord
  let blobDoc: PapraDocumentRecord
  const tags: Array<PapraTag> = []
  const properties = new Map<PapraCustomPropertyType, PapraCustomPropertyDefinitionRecord>()
  const run = <A, E>(
    program: (papra: PapraClientShape) => Effect.Effect<A, E>,
    config?: Partial<PapraClientConfig>,
  ) => runOn(target, program, config)
  const fail = <A, E>(
    program: (papra: PapraClientShape) => Effect.Effect<A, E>,
    config?: Partial<PapraClientConfig>,
  ) => failureOn(target, program, config)

  beforeAll(async () => {
    files = runFiles(runId)
    textFile = files.write(
      `notes-${runId}.txt`,
      `Contract note ${runId}\nThe word ${marker} appears only here.\nSecond line.\n`,
    )
    pdfFile = files.write(`invoice-${runId}.pdf`, makePdf([`Invoice for Zebulon ${runId}`]))
    blobFile = files.write(`blob-${runId}.bin`, Buffer.from(`binary ${runId}\u0000\u0001`, "latin1"))
    target = await start()
  })

  afterAll(async () => {
    if (target === undefined) return
    await run((papra) =>
      Effect.all(
        [
          ...tags.map((tag) => Effect.ignore(papra.tags.delete(tag.id))),
          ...[...properties.values()].map((property) =>
            Effect.ignore(papra.customProperties.delete(property.id)),
          ),
          ...[textDoc, pdfDoc, blobDoc]
            .filter((document) => document !== undefined)
            .map((document) => Effect.ignore(papra.documents.delete(document.id))),
        ],
        { concurrency: 4 },
      ),
    )
    await target.close()
    files.remove()
  })

  it("reads its own key and the server's public state", async () => {
    const { key, health, config } = await run((papra) =>
      Effect.all({
        key: papra.apiKeys.current(),
        health: papra.server.health(),
        config: papra.server.config(),
        ping: papra.server.ping(),
      }),
    )
    expect(key.permissions).toEqual(expect.arrayContaining(["documents:create", "tags:delete"]))
    expect(health.isEverythingOk).toBe(true)
    expect(config.version).toMatch(/\S/)
  })

  it("creates, reads, renames and soft-deletes an organization", async () => {
    const name = `Contract ${runId}`
    const { created, renamed, listed, afterDelete, deleted } = await run((papra) =>
      Effect.gen(function* () {
        const created = yield* papra.organizations.create({ name })
        const renamed = yield* papra.organizations.update(created.id, { name: `${name} renamed` })
        const listed = yield* papra.organizations.list()
        yield* papra.organizations.delete(created.id)
        const afterDelete = yield* Effect.flip(papra.organizations.get(created.id))
        const deleted = yield* papra.organizations.listDeleted()
        return { created, renamed, listed, afterDelete, deleted }
      }),
    )
    expect(created.name).toBe(name)
    expect(renamed).toMatchObject({ id: created.id, name: `${name} renamed`, updatedAt: created.updatedAt })
    expect(listed.map((organization) => organization.id)).toEqual(
      expect.arrayContaining([created.id, target.organizationId]),
    )
    expect(afterDelete).toMatchObject({ status: 403, code: "user.not_in_organization" })
    const tombstone = deleted.find((organization) => organization.id === created.id)
    expect(tombstone?.deletedAt).not.toBeNull()
    expect(tombstone?.scheduledPurgeAt).not.toBeNull()
  })

  describe("documents", () => {
    it("uploads files from disk with their declared type and extracts their text", async () => {
      const result = await run((papra) =>
        Effect.gen(function* () {
          const text = yield* papra.documents.upload({ path: textFile.path, mimeType: "text/plain" })
          const pdf = yield* papra.documents.upload({ path: pdfFile.path, mimeType: "application/pdf" })
          const blob = yield* papra.documents.upload({
            path: blobFile.path,
            mimeType: "application/octet-stream",
          })
          const textExtraction = yield* papra.documents.waitForContent(text.id)
          const pdfExtraction = yield* papra.documents.waitForContent(pdf.id)
          return { text, pdf, blob, textExtraction, pdfExtraction }
        }),
      )
      ;({ text: textDoc, pdf: pdfDoc, blob: blobDoc } = result)
      expect(textDoc).toMatchObject({
        name: textFile.name,
        originalName: textFile.name,
        mimeType: "text/plain",
        originalSize: textFile.bytes.length,
        originalSha256Hash: textFile.sha256,
        organizationId: target.organizationId,
        content: "",
        isDeleted: false,
      })
      expect(pdfDoc).toMatchObject({ mimeType: "application/pdf", originalSha256Hash: pdfFile.sha256 })
      expect(result.textExtraction).toMatchObject({ extracted: true })
      expect(result.textExtraction.document.content).toContain(marker)
      expect(result.pdfExtraction.document.content).toContain(`Zebulon ${runId}`)
      expect(blobDoc.mimeType).toBe("application/octet-stream")
    })

    it("reads a document with every definition's value slot and its tags", async () => {
      const document = await run((papra) => papra.documents.get(textDoc.id))
      expect(document).toMatchObject({ id: textDoc.id, createdBy: textDoc.createdBy, tags: [] })
      expect(document.content).toContain(marker)
      expect(document.customProperties.every((property) => property.value === null)).toBe(true)
    })

    it("updates name, date and notes, and keeps updatedAt as it was", async () => {
      const updated = await run((papra) =>
        papra.documents.update(textDoc.id, {
          name: `Renamed ${runId}.txt`,
          documentDate: "1970-01-01T00:00:00.000Z",
          notes: "0",
        }),
      )
      expect(updated).toMatchObject({
        name: `Renamed ${runId}.txt`,
        documentDate: "1970-01-01T00:00:00.000Z",
        notes: "0",
        originalName: textFile.name,
        updatedAt: textDoc.updatedAt,
      })
      const cleared = await run((papra) => papra.documents.update(textDoc.id, { documentDate: null }))
      expect(cleared.documentDate).toBeNull()
      textDoc = cleared
    })

    it("lists documents page by page, without content, and counts them", async () => {
      const { all, page, stats } = await run((papra) =>
        Effect.all({
          all: Stream.runCollect(papra.documents.stream({ pageSize: 1 })),
          page: papra.documents.list({ pageIndex: 0, pageSize: 2 }),
          stats: papra.documents.statistics(),
        }),
      )
      const ids = Chunk.toArray(all).map((document) => document.id)
      expect(ids).toEqual(expect.arrayContaining([textDoc.id, pdfDoc.id, blobDoc.id]))
      // Newest first unless asked otherwise (documents.list.json).
      expect(ids.indexOf(blobDoc.id)).toBeLessThan(ids.indexOf(textDoc.id))
      expect(new Set(ids).size).toBe(ids.length)
      expect(Chunk.toArray(all).some((document) => "content" in document)).toBe(false)
      expect(page.documents.length).toBeLessThanOrEqual(2)
      expect(page.total).toBe(ids.length)
      expect(stats.documentsCount).toBe(ids.length)
    })

    it("searches content, names and nothing", async () => {
      const ids = (query: string) =>
        run((papra) =>
          Stream.runCollect(papra.documents.stream({ searchQuery: query })).pipe(
            Effect.map((found) => Chunk.toArray(found).map((document) => document.id)),
          ),
        )
      expect(await ids(marker)).toEqual([textDoc.id])
      expect(await ids(`Zebulon ${runId}`)).toContain(pdfDoc.id)
      expect(await ids(`name:renamed`)).toContain(textDoc.id)
      expect(await ids(`nothing${runId}`)).toEqual([])
    })

    it("downloads the original bytes as a stream, named after the current name", async () => {
      const { file, bytes } = await run((papra) =>
        Effect.gen(function* () {
          const file = yield* papra.documents.download(textDoc.id)
          const bytes = yield* Stream.runCollect(file.stream)
          return { file, bytes: Buffer.concat(Chunk.toArray(bytes)) }
        }),
      )
      expect(bytes.equals(textFile.bytes)).toBe(true)
      expect(file.fileName).toBe(textDoc.name)
      expect(file.contentLength).toBe(textFile.bytes.length)
    })

    it("records its history in the activity log", async () => {
      const events = await run((papra) =>
        Stream.runCollect(papra.documents.activity(textDoc.id, { pageSize: 2 })).pipe(
          Effect.map((entries) => Chunk.toArray(entries).map((entry) => entry.event)),
        ),
      )
      expect(events).toContain("created")
      expect(events).toContain("updated")
      expect(events.at(-1)).toBe("created")
    })
  })

  describe("tags", () => {
    it("creates tags with upper-cased colours and refuses a name that differs only in case", async () => {
      const { first, second, duplicate } = await run((papra) =>
        Effect.gen(function* () {
          const first = yield* papra.tags.create({ name: `Invoices ${runId}`, color: "#ff0000" })
          const second = yield* papra.tags.create({
            name: `Temp ${runId}`,
            color: "#00FF00",
            description: "to delete",
          })
          const duplicate = yield* Effect.flip(
            papra.tags.create({ name: `INVOICES ${runId}`, color: "#0000ff" }),
          )
          return { first, second, duplicate }
        }),
      )
      tags.push(first, second)
      expect(first).toMatchObject({
        color: "#FF0000",
        description: null,
        normalizedName: `invoices ${runId}`,
      })
      expect(duplicate).toMatchObject({ status: 409, code: "tags.already_exists" })
    })

    it("updates a tag partially", async () => {
      const [first] = tags
      if (first === undefined) throw new Error("no tag created")
      const updated = await run((papra) => papra.tags.update(first.id, { color: "#aa00aa" }))
      expect(updated).toMatchObject({
        id: first.id,
        name: first.name,
        color: "#AA00AA",
        updatedAt: first.updatedAt,
      })
    })

    it("tags and untags documents, one at a time and in batches", async () => {
      const [first, second] = tags
      if (first === undefined || second === undefined) throw new Error("no tags created")
      const result = await run((papra) =>
        Effect.gen(function* () {
          yield* papra.documents.addTag(textDoc.id, first.id)
          const again = yield* Effect.flip(papra.documents.addTag(textDoc.id, first.id))
          yield* papra.documents.batchTags({
            filter: { documentIds: [textDoc.id, pdfDoc.id] },
            addTagIds: [second.id],
          })
          const tagged = yield* papra.documents.get(textDoc.id)
          const listed = yield* papra.tags.list()
          const bySearch = yield* Stream.runCollect(
            papra.documents.stream({ searchQuery: `tag:"${first.name}"` }),
          )
          yield* papra.documents.removeTag(textDoc.id, first.id)
          yield* papra.documents.removeTag(textDoc.id, first.id)
          yield* papra.documents.batchTags({
            filter: { documentIds: [pdfDoc.id] },
            removeTagIds: [second.id],
          })
          const untagged = yield* papra.documents.get(pdfDoc.id)
          const events = yield* Stream.runCollect(papra.documents.activity(textDoc.id))
          return { again, tagged, listed, bySearch, untagged, events }
        }),
      )
      expect(result.again).toMatchObject({ status: 409, code: "documents.already_has_tag" })
      expect(result.tagged.tags.map((tag) => tag.id).sort()).toEqual([first.id, second.id].sort())
      expect(result.listed.find((tag) => tag.id === second.id)?.documentsCount).toBe(2)
      expect(Chunk.toArray(result.bySearch).map((document) => document.id)).toEqual([textDoc.id])
      expect(result.untagged.tags).toEqual([])
      const events = Chunk.toArray(result.events).map((entry) => entry.event)
      expect(events).toEqual(expect.arrayContaining(["tagged", "untagged"]))
    })

    it("deletes a tag once, then answers 404", async () => {
      const second = tags.pop()
      if (second === undefined) throw new Error("no tag created")
      const again = await run((papra) =>
        papra.tags.delete(second.id).pipe(Effect.zipRight(Effect.flip(papra.tags.delete(second.id)))),
      )
      expect(again).toMatchObject({ status: 404, code: "tags.not_found" })
    })
  })

  describe("custom properties", () => {
    const types = PapraCustomPropertyType.literals

    it("defines a property of every type, with options for the selects", async () => {
      const created = await run((papra) =>
        Effect.forEach(types, (type) =>
          papra.customProperties.create({
            name: `${type} ${runId}`,
            type,
            ...(type === "select" || type === "multi_select"
              ? { options: [{ name: "Open" }, { name: "Closed" }, { name: "Tax" }] }
              : {}),
          }),
        ),
      )
      for (const definition of created) properties.set(definition.type, definition)
      expect(created.map((definition) => definition.type)).toEqual(types)
      // Create answers without the options, get and list with them (custom-properties.create.select.json).
      expect(created.some((definition) => "options" in definition)).toBe(false)
      const duplicate = await fail((papra) =>
        papra.customProperties.create({ name: `text ${runId}`, type: "number" }),
      )
      expect(duplicate).toMatchObject({ status: 409, code: "custom_property_definition.already_exists" })
      const listed = await run((papra) => papra.customProperties.list())
      const select = listed.find((definition) => definition.id === properties.get("select")?.id)
      expect(select?.options.map((option) => option.name)).toEqual(["Open", "Closed", "Tax"])
    })

    it("renames, reorders and replaces select options", async () => {
      const select = properties.get("select")
      const date = properties.get("date")
      if (select === undefined || date === undefined) throw new Error("no properties created")
      const result = await run((papra) =>
        Effect.gen(function* () {
          const before = yield* papra.customProperties.get(select.id)
          const [open] = before.options
          if (open === undefined) return yield* Effect.die("select has no options")
          yield* papra.customProperties.update(select.id, {
            options: [{ id: open.id, name: "Open (renamed)" }, { name: "Archived" }],
          })
          const reordered = yield* papra.customProperties.update(date.id, { displayOrder: 3 })
          const after = yield* papra.customProperties.get(select.id)
          return { open, reordered, after }
        }),
      )
      expect(result.reordered).toMatchObject({ displayOrder: 3, updatedAt: date.updatedAt })
      expect(result.after.options.map((option) => [option.name, option.key])).toEqual([
        ["Open (renamed)", "openrenamed"],
        ["Archived", "archived"],
      ])
      expect(result.after.options[0]?.id).toBe(result.open.id)
    })

    it("sets a value of every type and reads each back in the server's shapes", async () => {
      const definition = (type: PapraCustomPropertyType) => {
        const found = properties.get(type)
        if (found === undefined) throw new Error(`no ${type} property`)
        return found.id
      }
      const { values, document } = await run((papra) =>
        Effect.gen(function* () {
          const select = yield* papra.customProperties.get(definition("select"))
          const multi = yield* papra.customProperties.get(definition("multi_select"))
          const optionIds = (options: typeof multi.options) => options.map((option) => option.id)
          const set = papra.customProperties.setValue
          yield* set(textDoc.id, definition("text"), "INV-4242")
          yield* set(textDoc.id, definition("number"), 0)
          yield* set(textDoc.id, definition("date"), "1901-05-06")
          yield* set(textDoc.id, definition("boolean"), false)
          yield* set(textDoc.id, definition("select"), optionIds(select.options)[0] ?? "")
          yield* set(textDoc.id, definition("multi_select"), optionIds(multi.options).slice(0, 2))
          yield* set(textDoc.id, definition("user_relation"), [textDoc.createdBy ?? ""])
          yield* set(textDoc.id, definition("document_relation"), [pdfDoc.id])
          const values = yield* papra.customProperties.listValues(textDoc.id)
          const document = yield* papra.documents.get(textDoc.id)
          return { values, document }
        }),
      )
      const byType = new Map(values.map((value) => [value.type, value]))
      expect(byType.get("text")?.value).toBe("INV-4242")
      expect(byType.get("number")?.value).toBe(0)
      expect(byType.get("date")?.value).toBe("1901-05-06T00:00:00.000Z")
      expect(byType.get("boolean")?.value).toBe(false)
      expect(byType.get("select")?.value).toMatchObject({ name: "Open (renamed)" })
      expect(byType.get("multi_select")?.value).toHaveLength(2)
      expect(byType.get("user_relation")?.value).toEqual([
        expect.objectContaining({ userId: textDoc.createdBy }),
      ])
      expect(byType.get("document_relation")?.value).toEqual([{ documentId: pdfDoc.id, name: pdfDoc.name }])
      expect(values.every((value) => value.propertyDefinitionId === properties.get(value.type)?.id)).toBe(
        true,
      )
      const embedded = document.customProperties.filter((property) => property.name.endsWith(runId))
      expect(embedded).toHaveLength(types.length)
      expect(embedded.every((property) => property.value !== null)).toBe(true)
    })

    it("refuses values of the wrong shape with 400", async () => {
      const boolean = properties.get("boolean")
      const relation = properties.get("document_relation")
      if (boolean === undefined || relation === undefined) throw new Error("no properties created")
      const wrongType = await fail((papra) => papra.customProperties.setValue(textDoc.id, boolean.id, "yes"))
      expect(wrongType).toMatchObject({ status: 400, code: "custom_property_value.invalid" })
      const singleId = await fail((papra) =>
        papra.customProperties.setValue(textDoc.id, relation.id, pdfDoc.id),
      )
      expect(singleId).toMatchObject({ status: 400, code: "custom_property_value.invalid" })
    })

    it("clears values, set or not", async () => {
      const text = properties.get("text")
      if (text === undefined) throw new Error("no text property")
      const values = await run((papra) =>
        papra.customProperties
          .clearValue(textDoc.id, text.id)
          .pipe(
            Effect.zipRight(papra.customProperties.clearValue(textDoc.id, text.id)),
            Effect.zipRight(papra.customProperties.listValues(textDoc.id)),
          ),
      )
      expect(values.map((value) => value.type)).not.toContain("text")
    })

    it("deletes a definition once, then answers 404", async () => {
      const number = properties.get("number")
      if (number === undefined) throw new Error("no number property")
      properties.delete("number")
      const again = await run((papra) =>
        papra.customProperties
          .delete(number.id)
          .pipe(Effect.zipRight(Effect.flip(papra.customProperties.get(number.id)))),
      )
      expect(again).toMatchObject({ status: 404, code: "custom_property_definition.not_found" })
    })
  })

  describe("trash and dedupe", () => {
    it("refuses the same bytes while the first upload is active, under any name", async () => {
      const duplicate = await fail((papra) =>
        papra.documents.upload({ path: textFile.path, fileName: "copy.txt", mimeType: "text/plain" }),
      )
      expect(duplicate).toMatchObject({ status: 409, code: "document.already_exists" })
      const twin = await run((papra) => papra.documents.findBySha256(textFile.sha256))
      expect(Option.map(twin, (document) => document.id)).toEqual(Option.some(textDoc.id))
    })

    it("trashes a document, which stays readable by id and leaves the list", async () => {
      const result = await run((papra) =>
        Effect.gen(function* () {
          yield* papra.documents.delete(textDoc.id)
          yield* papra.documents.delete(textDoc.id)
          yield* papra.documents.batchTrash({ documentIds: [blobDoc.id] })
          const trashed = yield* papra.documents.get(textDoc.id)
          const active = yield* Stream.runCollect(papra.documents.stream())
          const deleted = yield* Stream.runCollect(papra.documents.streamDeleted({ pageSize: 1 }))
          const found = yield* papra.documents.findBySha256(textFile.sha256)
          const renamed = yield* papra.documents.update(textDoc.id, { notes: "edited in the trash" })
          const file = yield* papra.documents.download(textDoc.id)
          const bytes = yield* Stream.runCollect(file.stream)
          const stats = yield* papra.documents.statistics()
          return { trashed, active, deleted, found, renamed, bytes, stats }
        }),
      )
      expect(result.trashed).toMatchObject({ isDeleted: true, content: expect.stringContaining(marker) })
      expect(result.trashed.deletedAt).not.toBeNull()
      const activeIds = Chunk.toArray(result.active).map((document) => document.id)
      expect(activeIds).not.toContain(textDoc.id)
      expect(activeIds).not.toContain(blobDoc.id)
      expect(Chunk.toArray(result.deleted).map((document) => document.id)).toEqual(
        expect.arrayContaining([textDoc.id, blobDoc.id]),
      )
      expect(Option.map(result.found, (document) => [document.id, document.isDeleted])).toEqual(
        Option.some([textDoc.id, true]),
      )
      // The trash list carries content but neither tags nor properties (documents.deleted.list.json).
      expect(Chunk.toArray(result.deleted).some((document) => "tags" in document)).toBe(false)
      expect(result.renamed).toMatchObject({ isDeleted: true, notes: "edited in the trash" })
      expect(Buffer.concat(Chunk.toArray(result.bytes)).equals(textFile.bytes)).toBe(true)
      expect(result.stats.deletedDocumentsCount).toBeGreaterThanOrEqual(2)
    })

    it("restores a trashed document when its bytes are uploaded again, keeping its id", async () => {
      const { restored, content, events } = await run((papra) =>
        Effect.gen(function* () {
          const restored = yield* papra.documents.upload({
            path: textFile.path,
            fileName: `again-${runId}.txt`,
            mimeType: "text/plain",
          })
          const { content } = yield* papra.documents.get(restored.id)
          const events = yield* Stream.runCollect(Stream.take(papra.documents.activity(restored.id), 1))
          return { restored, content, events }
        }),
      )
      // The earlier content stays and the log gets a fresh `created` (documents.activity.after-reupload.json).
      expect(content).toContain(marker)
      expect(Chunk.toArray(events).map((entry) => entry.event)).toEqual(["created"])
      expect(restored).toMatchObject({
        id: textDoc.id,
        isDeleted: false,
        name: `again-${runId}.txt`,
        originalName: `again-${runId}.txt`,
        createdAt: textDoc.createdAt,
      })
      textDoc = restored
    })
  })

  it("has exercised every route of the client successfully", () => {
    const requests = target.simulator?.requests
    if (requests === undefined) return
    const routes = [
      ...Object.values(apiKeyRoutes),
      ...Object.values(serverRoutes),
      ...Object.values(organizationRoutes),
      ...Object.values(documentRoutes),
      ...Object.values(tagRoutes),
      ...Object.values(customPropertyRoutes),
    ]
    const unexercised = routes.filter(({ method, path }) => {
      const pattern = new RegExp(`^${path.replace(/:[A-Za-z]+/g, "[^/]+")}$`)
      return !requests.some(
        (request) => request.method === method && pattern.test(request.path) && request.status < 300,
      )
    })
    expect(unexercised.map(({ method, path }) => `${method} ${path}`)).toEqual([])
  })

  describe("errors", () => {
    it("answers 401 auth.unauthorized to an unknown key", async () => {
      const error = await fail((papra) => papra.apiKeys.current(), { apiKey: `ppapi_${"A".repeat(64)}` })
      expect(error).toMatchObject({ status: 401, code: "auth.unauthorized" })
    })

    it("answers 401, not 403, to a key without the permission", async () => {
      if (target.createApiKey === undefined) return
      const readOnly = target.createApiKey(["documents:read"])
      const list = await run((papra) => papra.documents.list({ pageIndex: 0, pageSize: 1 }), {
        apiKey: readOnly,
      })
      expect(list.total).toBeGreaterThan(0)
      const error = await fail((papra) => papra.tags.list(), { apiKey: readOnly })
      expect(error).toMatchObject({ status: 401, code: "auth.unauthorized" })
    })

    it("answers 403 user.not_in_organization to an organization the key's user is not in", async () => {
      const stranger = PapraOrganizationId.make(`org_${"z".repeat(24)}`)
      const error = await fail((papra) => papra.organization(stranger).documents.statistics())
      expect(error).toMatchObject({ status: 403, code: "user.not_in_organization" })
    })

    it("answers 404 document.not_found to an unknown document", async () => {
      const unknown = PapraDocumentId.make(`doc_${"0".repeat(24)}`)
      const error = await fail((papra) => papra.documents.get(unknown))
      expect(error).toMatchObject({ status: 404, code: "document.not_found" })
    })

    // The client refuses a malformed id before sending it, so the server's own answer is asked for
    // without it: both halves of the contract stay checked.
    it("answers 400 with the offending parameter to a malformed id", async () => {
      const response = await fetch(`${target.baseUrl}/api/organizations/not-an-id/tags`, {
        headers: { authorization: `Bearer ${target.apiKey}` },
      })
      const body = (await response.json()) as {
        error: { code: string; details?: ReadonlyArray<{ path: string }> }
      }
      expect(response.status).toBe(400)
      expect(body.error.code).toBe("server.invalid_request.params")
      expect(body.error.details?.[0]?.path).toBe("organizationId")
    })

    it("refuses a malformed id in the client, before any request", async () => {
      const sentBefore = target.simulator?.requests.length
      const error = await fail((papra) => papra.organization("not-an-id" as PapraOrganizationId).tags.list())
      expect(error._tag).toBe("PapraRequestError")
      expect(error._tag === "PapraRequestError" && error.field).toBe("organizationId")
      expect(target.simulator?.requests.length).toBe(sentBefore)
    })
  })
}

describe.skipIf(!simulatorAvailable)("Papra contract: simulator", () => contractSuite(startSimulatorTarget))
describe.skipIf(liveEnvironment() === undefined)("Papra contract: live server", () =>
  contractSuite(liveTarget),
)

/** Simulator only: what the client does when the network or the server misbehaves. */
describe.skipIf(!simulatorAvailable)("Papra client under injected faults (simulator)", () => {
  let target: PapraTarget
  const runId = newRunId()
  let files: ReturnType<typeof runFiles>

  beforeAll(async () => {
    files = runFiles(runId)
    target = await startSimulatorTarget()
  })
  afterEach(() => {
    target.simulator?.faults.clear()
  })
  afterAll(async () => {
    await target?.close()
    files?.remove()
  })

  const faults = () => {
    if (target.simulator === undefined) throw new Error("faults need the simulator")
    return target.simulator.faults
  }
  const statuses = (method: string, path: RegExp) =>
    (target.simulator?.requests ?? [])
      .filter((request) => request.method === method && path.test(request.path))
      .map((request) => request.status)
  const statisticsPath = /\/documents\/statistics$/

  it("waits out a 429 for as long as Retry-After asks, then succeeds", async () => {
    faults().add({
      method: "GET",
      path: /\/tags$/,
      times: 1,
      fault: { kind: "status", status: 429, retryAfterSeconds: 1 },
    })
    const started = Date.now()
    const tags = await runOn(target, (papra) => papra.tags.list())
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000)
    expect(tags).toEqual([])
    expect(statuses("GET", /\/tags$/)).toEqual([429, 200])
  })

  it("reads through 503s and a reset connection", async () => {
    faults().add(
      { method: "GET", path: statisticsPath, times: 2, fault: { kind: "status", status: 503 } },
      { method: "GET", path: statisticsPath, times: 1, fault: { kind: "reset" } },
    )
    const stats = await runOn(target, (papra) => papra.documents.statistics())
    expect(stats.documentsCount).toBe(0)
    const seen = statuses("GET", statisticsPath)
    expect(seen.at(-1)).toBe(200)
    expect(seen).toEqual(expect.arrayContaining([0, 503]))
  })

  it("gives up on a read after its retries, with the server's code", async () => {
    faults().add({ method: "GET", path: statisticsPath, fault: { kind: "status", status: 502 } })
    const error = await failureOn(target, (papra) => papra.documents.statistics(), {
      retry: { maxRetries: 2, baseDelayMs: 5 },
    })
    expect(error).toMatchObject({ _tag: "PapraApiError", status: 502 })
  })

  it("times out a stalled answer and asks again", async () => {
    faults().add({ method: "GET", path: statisticsPath, times: 1, fault: { kind: "latency", ms: 1_500 } })
    const started = Date.now()
    await runOn(target, (papra) => papra.documents.statistics(), { timeoutMs: 200 })
    expect(Date.now() - started).toBeLessThan(1_400)
  })

  it("never repeats an upload after a 500, and repeats one refused with 429", async () => {
    const file = files.write(`fault-${runId}.txt`, `fault injection ${runId}\n`)
    const uploadPath = /\/documents$/
    faults().add({ method: "POST", path: uploadPath, times: 1, fault: { kind: "status", status: 500 } })
    const error = await failureOn(target, (papra) =>
      papra.documents.upload({ path: file.path, mimeType: "text/plain" }),
    )
    expect(error).toMatchObject({ _tag: "PapraApiError", status: 500 })
    expect(statuses("POST", uploadPath)).toEqual([500])

    faults().add({
      method: "POST",
      path: uploadPath,
      times: 1,
      fault: { kind: "status", status: 429, retryAfterSeconds: 0 },
    })
    const uploaded = await runOn(target, (papra) =>
      papra.documents.upload({ path: file.path, mimeType: "text/plain" }),
    )
    expect(uploaded.originalSha256Hash).toBe(file.sha256)
    expect(statuses("POST", uploadPath)).toEqual([500, 429, 200])
  })

  it("downloads a slowly sent file whole", async () => {
    const file = files.write(`slow-${runId}.txt`, `${"slow body ".repeat(12)}${runId}\n`)
    const bytes = await runOn(target, (papra) =>
      Effect.gen(function* () {
        const document = yield* papra.documents.upload({ path: file.path, mimeType: "text/plain" })
        faults().add({
          method: "GET",
          path: /\/file$/,
          times: 1,
          fault: { kind: "slow-body", bytesPerSecond: 400 },
        })
        const download = yield* papra.documents.download(document.id)
        const chunks = yield* Stream.runCollect(download.stream)
        return Buffer.concat(Chunk.toArray(chunks))
      }),
    )
    expect(bytes.equals(file.bytes)).toBe(true)
  })
})
