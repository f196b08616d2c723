import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import { make, PapraCustomPropertyId, PapraTagId } from "../src/index.js"
import { loadExchange } from "./recorded.js"
import { clientWith, docId, orgId, replay, secret } from "./scripted-client.js"
import { json, scriptedHttp } from "./scripted-http.js"

const recordedDocument = () =>
  (loadExchange("documents.get.json").response as { document: Record<string, unknown> }).document

const listItem = (index: number) => {
  const { content: _content, ...rest } = recordedDocument()
  return { ...rest, id: `doc_${String(index).padStart(24, "0")}`, tags: [], customProperties: [] }
}

describe("requests", () => {
  it.effect("sends the key as a bearer token to the route's path and decodes the answer", () =>
    Effect.gen(function* () {
      const { seen, client } = clientWith(() => replay("documents.get.json"))
      const document = yield* Effect.flatMap(client, (papra) => papra.documents.get(docId))
      expect(document.name).toBe("notes.txt")
      expect(seen[0]?.method).toBe("GET")
      expect(seen[0]?.url.pathname).toBe(`/api/organizations/${orgId}/documents/${docId}`)
      expect(seen[0]?.headers.authorization).toBe(`Bearer ${secret}`)
    }),
  )

  it.effect("sends list queries as the server names them", () =>
    Effect.gen(function* () {
      const { seen, client } = clientWith(() => replay("documents.list.search.json"))
      const papra = yield* client
      const found = yield* Stream.runCollect(
        papra.documents.stream({
          searchQuery: "marmalade",
          sortField: "name",
          sortOrder: "asc",
          pageSize: 10,
        }),
      )
      expect(Chunk.size(found)).toBe(1)
      expect(Object.fromEntries(seen[0]?.url.searchParams ?? [])).toEqual({
        searchQuery: "marmalade",
        sortField: "name",
        sortOrder: "asc",
        pageIndex: "0",
        pageSize: "10",
      })
    }),
  )

  it.effect("refuses a bad argument before sending anything", () =>
    Effect.gen(function* () {
      const { seen, client } = clientWith(() => replay("tags.create.json"))
      const papra = yield* client
      const error = yield* Effect.flip(papra.tags.create({ name: "Bad color", color: "red" }))
      expect(error._tag).toBe("PapraRequestError")
      expect(error._tag === "PapraRequestError" && error.field).toBe("color")
      const pageError = yield* Effect.flip(papra.documents.list({ pageIndex: 0, pageSize: 1000 }))
      expect(pageError._tag === "PapraRequestError" && pageError.field).toBe("pageSize")
      const patchError = yield* Effect.flip(papra.documents.update(docId, {}))
      expect(patchError._tag).toBe("PapraRequestError")
      expect(seen).toHaveLength(0)
    }),
  )

  it.effect("needs an organization for organization routes, unless one is given per call", () =>
    Effect.gen(function* () {
      const http = scriptedHttp(() => replay("tags.list.json"))
      const papra = yield* make({ baseUrl: "http://papra.test", apiKey: secret }).pipe(
        Effect.provide(http.layer),
      )
      const error = yield* Effect.flip(papra.tags.list())
      expect(error._tag === "PapraRequestError" && error.field).toBe("organizationId")
      expect(yield* papra.organization(orgId).tags.list()).toHaveLength(2)
      expect(http.seen).toHaveLength(1)
    }),
  )

  it.effect("sends a tag as JSON and adds it to a document", () =>
    Effect.gen(function* () {
      const { seen, client } = clientWith((request) =>
        request.url.pathname.endsWith("/tags") && request.url.pathname.includes("/documents/")
          ? new Response(null, { status: 204 })
          : replay("tags.create.json"),
      )
      const papra = yield* client
      const tag = yield* papra.tags.create({
        name: "Invoices",
        color: "#ff0000",
        description: "All invoices",
      })
      expect(tag.color).toBe("#FF0000")
      expect(seen[0]?.json).toEqual({ name: "Invoices", color: "#ff0000", description: "All invoices" })
      yield* papra.documents.addTag(docId, tag.id)
      expect(seen[1]?.json).toEqual({ tagId: tag.id })
    }),
  )

  it.effect(
    "adds the current name to an options-only property update, which the server would fail with 500",
    () =>
      Effect.gen(function* () {
        const { seen, client } = clientWith((request) =>
          request.method === "GET"
            ? replay("custom-properties.get.json")
            : replay("custom-properties.update.select-options-with-name.json"),
        )
        const papra = yield* client
        const id = PapraCustomPropertyId.make("cpd_m5qgh3b7614uapfsvpomzub4")
        yield* papra.customProperties.update(id, { options: [{ name: "Archived" }] })
        expect(seen.map((request) => request.method)).toEqual(["GET", "PUT"])
        expect(seen[1]?.json).toEqual({ name: "Status", options: [{ name: "Archived" }] })
      }),
  )

  it.effect("sends relation values as arrays and clears with DELETE", () =>
    Effect.gen(function* () {
      const { seen, client } = clientWith(() => new Response(null, { status: 204 }))
      const papra = yield* client
      const property = PapraCustomPropertyId.make("cpd_f69q1tpouwc25nl3q65rdcwo")
      yield* papra.customProperties.setValue(docId, property, ["usr_dzts5wchftmne4z5tbg4b5j9"])
      yield* papra.customProperties.clearValue(docId, property)
      expect(seen.map((request) => `${request.method} ${request.url.pathname}`)).toEqual([
        `PUT /api/organizations/${orgId}/documents/${docId}/custom-properties/${property}`,
        `DELETE /api/organizations/${orgId}/documents/${docId}/custom-properties/${property}`,
      ])
      expect(seen[0]?.json).toEqual({ value: ["usr_dzts5wchftmne4z5tbg4b5j9"] })
    }),
  )

  it.effect("sends batch tag and trash filters", () =>
    Effect.gen(function* () {
      const { seen, client } = clientWith(() => new Response(null, { status: 204 }))
      const papra = yield* client
      const tagId = PapraTagId.make("tag_bi8zu2l4j1qoj5wnu6u6azn5")
      yield* papra.documents.batchTags({ filter: { query: "name:blob" }, addTagIds: [tagId] })
      yield* papra.documents.batchTrash({ documentIds: [docId] })
      expect(seen[0]?.json).toEqual({ filter: { query: "name:blob" }, addTagIds: [tagId] })
      expect(seen[1]?.json).toEqual({ filter: { documentIds: [docId] } })
    }),
  )
})

describe("uploads and downloads", () => {
  it.effect("streams a file from disk as the `file` part with its declared type, languages first", () =>
    Effect.gen(function* () {
      const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "papra-upload-"))
      const path = Path.join(dir, "invoice-4242.pdf")
      Fs.writeFileSync(path, "%PDF-1.4 fake")
      const { seen, client } = clientWith(() => replay("documents.create.pdf.json"))
      const papra = yield* client
      const document = yield* papra.documents.upload({
        path,
        mimeType: "application/pdf",
        ocrLanguages: ["eng"],
      })
      expect(document.mimeType).toBe("application/pdf")
      const form = seen[0]?.formData
      expect([...(form?.keys() ?? [])]).toEqual(["ocrLanguages", "file"])
      const file = form?.get("file")
      expect(file).toBeInstanceOf(File)
      expect(file instanceof File && file.name).toBe("invoice-4242.pdf")
      expect(file instanceof File && file.type).toBe("application/pdf")
      expect(file instanceof File && (yield* Effect.promise(() => file.text()))).toBe("%PDF-1.4 fake")
      Fs.rmSync(dir, { recursive: true })
    }),
  )

  it.effect("re-types a blob to the declared MIME type and reports a missing file by its path", () =>
    Effect.gen(function* () {
      const { seen, client } = clientWith(() => replay("documents.create.json"))
      const papra = yield* client
      yield* papra.documents.upload({ blob: new Blob(["x"]), fileName: "notes.txt", mimeType: "text/plain" })
      const file = seen[0]?.formData?.get("file")
      expect(file instanceof File && file.type).toBe("text/plain")
      const missing = yield* Effect.flip(
        papra.documents.upload({ path: "/nonexistent/x.pdf", mimeType: "application/pdf" }),
      )
      expect(missing._tag === "PapraRequestError" && missing.field).toBe("path")
      const untyped = yield* Effect.flip(
        papra.documents.upload({ blob: new Blob(["x"]), fileName: "a", mimeType: "" }),
      )
      expect(untyped._tag === "PapraRequestError" && untyped.field).toBe("mimeType")
      expect(seen).toHaveLength(1)
    }),
  )

  it.effect("downloads as a byte stream with the name from filename*", () =>
    Effect.gen(function* () {
      const { client } = clientWith(() => replay("documents.file.unicode-filename.json"))
      const papra = yield* client
      const file = yield* papra.documents.download(docId)
      expect(file.fileName).toBe("résumé ü €.txt")
      expect(file.contentLength).toBe(29)
      const bytes = yield* Stream.runCollect(file.stream)
      const text = new TextDecoder().decode(Buffer.concat(Chunk.toArray(bytes)))
      expect(text).toBe("Unicode filename test: café\n")
    }),
  )
})

describe("paging", () => {
  const pagedServer =
    (total: number, pageShift = 0) =>
    (request: { url: URL }) => {
      const pageIndex = Number(request.url.searchParams.get("pageIndex"))
      const pageSize = Number(request.url.searchParams.get("pageSize"))
      const start = Math.max(0, pageIndex * pageSize - pageShift)
      const ids = Array.from({ length: total }, (_, index) => index).slice(start, start + pageSize)
      return json(200, { documents: ids.map(listItem), documentsCount: total })
    }

  it.effect("streams every document page by page and stops at the total", () =>
    Effect.gen(function* () {
      const { seen, client } = clientWith(pagedServer(250))
      const all = yield* Stream.runCollect((yield* client).documents.stream())
      expect(Chunk.size(all)).toBe(250)
      expect(seen.map((request) => request.url.searchParams.get("pageIndex"))).toEqual(["0", "1", "2"])

      const exact = clientWith(pagedServer(200))
      expect(Chunk.size(yield* Stream.runCollect((yield* exact.client).documents.stream()))).toBe(200)
      expect(exact.seen).toHaveLength(2)
    }),
  )

  it.effect("fetches only the pages that are pulled", () =>
    Effect.gen(function* () {
      const { seen, client } = clientWith(pagedServer(250))
      const firstFive = yield* Stream.runCollect(Stream.take((yield* client).documents.stream(), 5))
      expect(Chunk.size(firstFive)).toBe(5)
      expect(seen).toHaveLength(1)
    }),
  )

  it.effect("emits a document once when an upload shifts the pages under the stream", () =>
    Effect.gen(function* () {
      const { client } = clientWith(pagedServer(15, 1), {})
      const all = yield* Stream.runCollect((yield* client).documents.stream({ pageSize: 10 }))
      const ids = Chunk.toArray(all).map((document) => document.id)
      expect(new Set(ids).size).toBe(ids.length)
      expect(ids).toHaveLength(15)
    }),
  )

  it.effect("pages the activity log until a short page", () =>
    Effect.gen(function* () {
      const { seen, client } = clientWith(() => replay("documents.activity.paged.json"))
      const { activities } = loadExchange("documents.activity.paged.json").response as {
        activities: unknown[]
      }
      const entries = yield* Stream.runCollect((yield* client).documents.activity(docId, { pageSize: 3 }))
      expect(Chunk.size(entries)).toBe(activities.length)
      expect(seen).toHaveLength(1)
    }),
  )
})

describe("helpers for the sync engine", () => {
  const trashed = loadExchange("documents.deleted.list.json").response as {
    documents: Array<{ originalSha256Hash: string; id: string }>
  }

  it.effect("finds a document by SHA-256 in the trash when it is not active", () =>
    Effect.gen(function* () {
      const { client } = clientWith((request) =>
        request.url.pathname.endsWith("/deleted")
          ? replay("documents.deleted.list.json")
          : json(200, { documents: [], documentsCount: 0 }),
      )
      const papra = yield* client
      const hash = trashed.documents[0]?.originalSha256Hash ?? ""
      const found = yield* papra.documents.findBySha256(hash.toUpperCase())
      expect(Option.map(found, (document) => [document.id, document.isDeleted])).toEqual(
        Option.some([trashed.documents[0]?.id, true]),
      )
      expect(Option.isNone(yield* papra.documents.findBySha256("0".repeat(64)))).toBe(true)
      const invalid = yield* Effect.flip(papra.documents.findBySha256("abc"))
      expect(invalid._tag).toBe("PapraRequestError")
    }),
  )

  it.live("waits until background extraction has filled the content", () =>
    Effect.gen(function* () {
      let gets = 0
      const { client } = clientWith((request) => {
        if (request.url.pathname.endsWith("/activity")) return json(200, { activities: [] })
        gets += 1
        return json(200, {
          document: {
            ...recordedDocument(),
            tags: [],
            customProperties: [],
            content: gets < 3 ? "" : "text",
          },
        })
      })
      const result = yield* (yield* client).documents.waitForContent(docId, { interval: "1 millis" })
      expect(result).toMatchObject({ extracted: true, document: { content: "text" } })
      expect(gets).toBe(3)
    }),
  )

  it.live("reads the document again when extraction finished between its two reads", () =>
    Effect.gen(function* () {
      let gets = 0
      const extraction = loadExchange("documents.activity.json").response
      const { client } = clientWith((request) => {
        if (request.url.pathname.endsWith("/activity")) return json(200, extraction)
        gets += 1
        const content = gets === 1 ? "" : "extracted text"
        return json(200, { document: { ...recordedDocument(), tags: [], customProperties: [], content } })
      })
      const result = yield* (yield* client).documents.waitForContent(docId)
      expect(result).toMatchObject({ extracted: true, document: { content: "extracted text" } })
    }),
  )

  it.live("counts an extraction that found no text as done, and gives up after the timeout", () =>
    Effect.gen(function* () {
      const empty = json(200, {
        document: { ...recordedDocument(), tags: [], customProperties: [], content: "" },
      })
      const extraction = loadExchange("documents.activity.json").response
      const logged = clientWith((request) =>
        request.url.pathname.endsWith("/activity") ? json(200, extraction) : empty.clone(),
      )
      expect((yield* (yield* logged.client).documents.waitForContent(docId)).extracted).toBe(true)

      const never = clientWith((request) =>
        request.url.pathname.endsWith("/activity") ? json(200, { activities: [] }) : empty.clone(),
      )
      const result = yield* (yield* never.client).documents.waitForContent(docId, {
        timeout: "30 millis",
        interval: "5 millis",
      })
      expect(result.extracted).toBe(false)
    }),
  )
})

describe("concurrency", () => {
  it.live("keeps at most `concurrency` requests in flight", () =>
    Effect.gen(function* () {
      let inFlight = 0
      let highest = 0
      const { client } = clientWith(
        async () => {
          inFlight += 1
          highest = Math.max(highest, inFlight)
          await new Promise((resolve) => setTimeout(resolve, 5))
          inFlight -= 1
          return replay("documents.get.json")
        },
        { concurrency: 2 },
      )
      const papra = yield* client
      yield* Effect.all(
        Array.from({ length: 10 }, () => papra.documents.get(docId)),
        { concurrency: "unbounded" },
      )
      expect(highest).toBe(2)
    }),
  )
})

describe("retries", () => {
  const failingThen = (failures: ReadonlyArray<Response | "reset">, success: () => Response) => {
    let calls = 0
    return () => {
      const answer = failures[calls]
      calls += 1
      return answer === undefined ? success() : answer === "reset" ? "reset" : answer.clone()
    }
  }
  const unavailable = json(503, { error: { message: "Service Unavailable", code: "server.unavailable" } })

  it.live("repeats an idempotent call after 5xx answers and lost connections", () =>
    Effect.gen(function* () {
      const { seen, client } = clientWith(
        failingThen([unavailable, "reset", unavailable], () => replay("documents.get.json")),
      )
      const document = yield* (yield* client).documents.get(docId)
      expect(document.id).toBe(docId)
      expect(seen).toHaveLength(4)
    }),
  )

  it.live("never repeats an upload after a 5xx, but does after a 429", () =>
    Effect.gen(function* () {
      const blob = { blob: new Blob(["x"]), fileName: "notes.txt", mimeType: "text/plain" }
      const failed = clientWith(failingThen([unavailable], () => replay("documents.create.json")))
      const error = yield* Effect.flip((yield* failed.client).documents.upload(blob))
      expect(error._tag === "PapraApiError" && error.status).toBe(503)
      expect(failed.seen).toHaveLength(1)

      const throttled = json(429, { error: { message: "Too many requests", code: "rate_limit" } })
      const limited = clientWith(failingThen([throttled], () => replay("documents.create.json")))
      yield* (yield* limited.client).documents.upload(blob)
      expect(limited.seen).toHaveLength(2)
      const firstFile = limited.seen[0]?.formData?.get("file")
      const secondFile = limited.seen[1]?.formData?.get("file")
      expect(secondFile instanceof File && (yield* Effect.promise(() => secondFile.text()))).toBe("x")
      expect(firstFile).not.toBe(undefined)
    }),
  )

  it.live("gives up after maxRetries with the last error", () =>
    Effect.gen(function* () {
      const { seen, client } = clientWith(() => unavailable.clone(), {
        retry: { maxRetries: 2, baseDelayMs: 1 },
      })
      const error = yield* Effect.flip((yield* client).documents.get(docId))
      expect(error._tag === "PapraApiError" && error.code).toBe("server.unavailable")
      expect(seen).toHaveLength(3)
    }),
  )

  it.effect("waits as long as Retry-After asks before repeating", () =>
    Effect.gen(function* () {
      const throttled = json(
        429,
        { error: { message: "slow down", code: "rate_limit" } },
        { "retry-after": "2" },
      )
      const { seen, client } = clientWith(
        failingThen([throttled], () => replay("documents.get.json")),
        {
          retry: { baseDelayMs: 100, maxDelayMs: 10_000 },
        },
      )
      const papra = yield* client
      const fiber = yield* Effect.fork(papra.documents.get(docId))
      // The first attempt runs on real I/O; wait (in real time) until its retry is asleep.
      const settle = Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 5)))
      const asleep = Effect.map(TestClock.sleeps(), Chunk.isNonEmpty)
      while (!(yield* asleep)) yield* settle
      expect(seen).toHaveLength(1)
      yield* TestClock.adjust("1900 millis")
      yield* settle
      expect(seen).toHaveLength(1)
      yield* TestClock.adjust("200 millis")
      const document = yield* Fiber.join(fiber)
      expect(document.id).toBe(docId)
      expect(seen).toHaveLength(2)
    }),
  )

  it.live("does not wait for a Retry-After longer than the policy allows", () =>
    Effect.gen(function* () {
      const throttled = json(
        429,
        { error: { message: "later", code: "rate_limit" } },
        { "retry-after": "3600" },
      )
      const { seen, client } = clientWith(() => throttled.clone())
      const error = yield* Effect.flip((yield* client).documents.get(docId))
      expect(error._tag === "PapraApiError" && error.retryAfterSeconds).toBe(3600)
      expect(seen).toHaveLength(1)
    }),
  )
})
