import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { it } from "@effect/vitest"
import { filenameFromContentDisposition } from "@paperbridge/http"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { describe, expect } from "vitest"
import {
  type CorrespondentId,
  type CustomFieldId,
  closeOverAncestors,
  type DocumentId,
  layer,
  mergeCustomFields,
  PaperlessAuth,
  PaperlessClient,
  type TagId,
} from "../src/index.js"
import { type Fixture, isProbe, loadFixture, probeAnswer, replayLayer, type SeenRequest } from "./fixtures.js"

const client = (route: (request: SeenRequest) => Fixture | Response, seen: Array<SeenRequest> = []) =>
  layer({ baseUrl: "http://paperless.test", auth: PaperlessAuth.token("t") }).pipe(
    Layer.provide(replayLayer((request) => (isProbe(request) ? probeAnswer("3.0") : route(request)), seen)),
  )

const tag = (id: number) => id as TagId

describe("tag hierarchy", () => {
  it("closes a tag set over every ancestor, so a PATCH of it is stable", () => {
    // 7 → 3 → 2, and 1 on its own (`documents.patch.tags.hierarchy.*.json`)
    const parents = new Map([
      [tag(7), tag(3)],
      [tag(3), tag(2)],
      [tag(2), null],
      [tag(1), null],
    ])
    expect([...closeOverAncestors([tag(7), tag(1)], parents)].sort()).toEqual([1, 2, 3, 7])
    expect([...closeOverAncestors([tag(2)], parents)]).toEqual([2])
  })

  it.effect("setTags looks up the parents and PATCHes the full set", () =>
    Effect.gen(function* () {
      const seen: Array<SeenRequest> = []
      const parents = new Map<number, number | null>([
        [7, 3],
        [3, 2],
        [2, null],
      ])
      const template = loadFixture("3.0", "tags.get.json").response as object
      yield* Effect.flatMap(PaperlessClient, (paperless) =>
        paperless.documents.setTags(20 as DocumentId, [tag(7)]),
      ).pipe(
        Effect.provide(
          client((request) => {
            if (request.url.pathname === "/api/tags/") {
              const wanted = (request.url.searchParams.get("id__in") ?? "").split(",").map(Number)
              const results = wanted.map((id) => ({
                ...template,
                id,
                parent: parents.get(id) ?? null,
                children: [],
              }))
              return new Response(
                JSON.stringify({ count: results.length, next: null, previous: null, results }),
                {
                  headers: { "content-type": "application/json" },
                },
              )
            }
            return loadFixture("3.0", "documents.patch.tags.hierarchy.full-set.json")
          }, seen),
        ),
      )
      const patch = seen.find((request) => request.method === "PATCH")
      const sent = JSON.parse(String(patch?.body)) as { tags: Array<number> }
      expect([...sent.tags].sort()).toEqual([2, 3, 7])
    }),
  )
})

describe("custom field values", () => {
  const field = (id: number) => id as CustomFieldId
  it("merges changes into the current list instead of replacing it", () => {
    const current = [
      { field: field(1), value: "hello" },
      { field: field(5), value: 42 },
    ]
    expect(
      mergeCustomFields(
        current,
        [
          { field: field(5), value: 43 },
          { field: field(8), value: [2] },
        ],
        [field(1)],
      ),
    ).toEqual([
      { field: field(5), value: 43 },
      { field: field(8), value: [2] },
    ])
  })

  it.effect("setCustomFields keeps the fields it was not told about", () =>
    Effect.gen(function* () {
      const seen: Array<SeenRequest> = []
      yield* Effect.flatMap(PaperlessClient, (paperless) =>
        paperless.documents.setCustomFields(2 as DocumentId, [{ field: field(5), value: 7 }]),
      ).pipe(Effect.provide(client(() => loadFixture("3.0", "documents.get.json"), seen)))
      const patch = seen.find((request) => request.method === "PATCH")
      expect(JSON.parse(String(patch?.body))).toEqual({
        custom_fields: [
          { field: 1, value: "hello" },
          { field: 5, value: 7 },
        ],
      })
    }),
  )
})

describe("upload", () => {
  it.effect("streams the file from disk and sends every field the way the server reads it", () =>
    Effect.gen(function* () {
      const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "paperless-upload-"))
      const file = Path.join(dir, "invoice-acme-2024.pdf")
      Fs.writeFileSync(file, "%PDF-1.4 test")
      const seen: Array<SeenRequest> = []
      const taskId = yield* Effect.flatMap(PaperlessClient, (paperless) =>
        paperless.upload.postFromPath(file, {
          mimeType: "application/pdf",
          title: "ACME invoice 4711",
          created: "2024-03-12",
          correspondent: 1 as CorrespondentId,
          tags: [tag(2), tag(3)],
          archive_serial_number: 1001,
          custom_fields: { "1": "hello", "5": 42 },
        }),
      ).pipe(
        Effect.provide(
          client(
            () =>
              new Response(JSON.stringify("eca77d7d-f0af-462b-acac-72c7660dea9a"), {
                headers: { "content-type": "application/json" },
              }),
            seen,
          ),
        ),
      )
      expect(taskId).toBe("eca77d7d-f0af-462b-acac-72c7660dea9a")
      const form = seen.at(-1)?.body
      expect(form).toBeInstanceOf(FormData)
      if (!(form instanceof FormData)) return
      expect([...form.keys()]).toEqual([
        "document",
        "title",
        "created",
        "correspondent",
        "archive_serial_number",
        "tags",
        "tags",
        "custom_fields",
      ])
      expect(form.getAll("tags")).toEqual(["2", "3"])
      expect(form.get("custom_fields")).toBe('{"1":"hello","5":42}')
      expect(form.get("archive_serial_number")).toBe("1001")
      const document = form.get("document") as File
      expect(document.name).toBe("invoice-acme-2024.pdf")
      expect(document.type).toBe("application/pdf")
      expect(yield* Effect.promise(() => document.text())).toBe("%PDF-1.4 test")
      Fs.rmSync(dir, { recursive: true })
    }),
  )

  it.effect("refuses a negative ASN before sending anything", () =>
    Effect.gen(function* () {
      const seen: Array<SeenRequest> = []
      const error = yield* Effect.flip(
        Effect.flatMap(PaperlessClient, (paperless) =>
          paperless.upload.post({ file: new Blob(["x"]), filename: "x.txt" }, { archive_serial_number: -1 }),
        ).pipe(Effect.provide(client(() => probeAnswer("3.0"), seen))),
      )
      expect(error).toMatchObject({ _tag: "PaperlessInvalidRequest", field: "archive_serial_number" })
      expect(seen.filter((request) => request.method === "POST")).toHaveLength(0)
    }),
  )
})

describe("files", () => {
  it("prefers the UTF-8 filename over the ASCII fallback", () => {
    const headers = loadFixture("3.0", "documents.download.unicode.json").responseHeaders
    expect(filenameFromContentDisposition(headers["content-disposition"])).toBe(
      "2026-11-23 Überweisung Grüße – 2024 ✓.pdf",
    )
    expect(filenameFromContentDisposition('inline; filename="0000002.webp"')).toBe("0000002.webp")
  })

  it.effect("downloads the original as a byte stream with its name and type", () =>
    Effect.gen(function* () {
      const seen: Array<SeenRequest> = []
      const bytes = yield* Effect.flatMap(PaperlessClient, (paperless) =>
        Effect.flatMap(paperless.files.download(4 as DocumentId, { original: true }), (file) =>
          Effect.map(Stream.runCollect(file.stream), (chunks) => ({ file, chunks })),
        ),
      ).pipe(
        Effect.provide(client(() => loadFixture("3.0", "documents.download.unicode.original.json"), seen)),
      )
      expect(seen.at(-1)?.url.searchParams.get("original")).toBe("true")
      expect(bytes.file.contentType).toBe("application/pdf")
      expect(bytes.file.filename).toMatch(/Überweisung/)
      expect(Buffer.concat(Chunk.toArray(bytes.chunks)).subarray(0, 4).toString()).toBe("%PDF")
    }),
  )

  it.effect("emails form-encoded, as the server only accepts", () =>
    Effect.gen(function* () {
      const seen: Array<SeenRequest> = []
      const error = yield* Effect.flip(
        Effect.flatMap(PaperlessClient, (paperless) =>
          paperless.documents.email(2 as DocumentId, {
            addresses: ["a@example.invalid"],
            subject: "s",
            message: "m",
          }),
        ).pipe(
          Effect.provide(
            client(() => loadFixture("3.0", "documents.email.form-encoded.no-smtp-server.json"), seen),
          ),
        ),
      )
      expect(error).toMatchObject({
        status: 500,
        text: "Error emailing documents, check logs for more detail.",
      })
      expect(seen.at(-1)?.contentType).toBe("application/x-www-form-urlencoded")
      expect(seen.at(-1)?.body).toBe("addresses=a%40example.invalid&subject=s&message=m")
    }),
  )
})
