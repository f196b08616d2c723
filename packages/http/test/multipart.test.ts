import { randomBytes } from "node:crypto"
import * as Fs from "node:fs"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import * as Os from "node:os"
import * as Path from "node:path"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { afterAll, describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { fetchLayer, type MultipartBody, type MultipartField, multipartBody } from "../src/index.js"

const directory = Fs.mkdtempSync(Path.join(Os.tmpdir(), "paperbridge-multipart-"))
afterAll(() => Fs.rmSync(directory, { recursive: true, force: true }))

/** Several read chunks' worth, so the file part is really read in pieces. */
const fileContent = randomBytes(300 * 1024 + 7)
const filePath = Path.join(directory, "scan.pdf")
Fs.writeFileSync(filePath, fileContent)

const unicodeName = "Überweisung Grüße – 2024 ✓.pdf"

const fields: ReadonlyArray<MultipartField> = [
  ["title", "ACME invoice 4711"],
  ["document", { source: { path: filePath }, filename: unicodeName, contentType: "application/pdf" }],
  ["tags", "2"],
  ["tags", "3"],
  ["custom_fields", '{"1":"hello","5":42}'],
]

const bytesOf = (body: MultipartBody) =>
  Stream.runCollect(body.stream).pipe(Effect.map((chunks) => Buffer.concat(Chunk.toReadonlyArray(chunks))))

/** Parsed by undici's own multipart parser, the one Node's `Request.formData()` uses. */
const parse = (body: MultipartBody, bytes: Uint8Array) =>
  Effect.promise(() => new Response(bytes, { headers: { "content-type": body.contentType } }).formData())

describe("multipartBody", () => {
  it.effect("parses back to the same fields, in order, with the file's name, type and exact bytes", () =>
    Effect.gen(function* () {
      const body = yield* multipartBody(fields)
      const bytes = yield* bytesOf(body)
      expect(bytes.length).toBe(body.contentLength)
      const form = yield* parse(body, bytes)
      expect([...form.keys()]).toEqual(["title", "document", "tags", "tags", "custom_fields"])
      expect(form.get("title")).toBe("ACME invoice 4711")
      expect(form.getAll("tags")).toEqual(["2", "3"])
      expect(form.get("custom_fields")).toBe('{"1":"hello","5":42}')
      const file = form.get("document")
      expect(file).toBeInstanceOf(File)
      if (!(file instanceof File)) return
      expect(file.name).toBe(unicodeName)
      expect(file.type).toBe("application/pdf")
      expect(Buffer.from(yield* Effect.promise(() => file.arrayBuffer())).equals(fileContent)).toBe(true)
    }),
  )

  it.effect("is byte for byte what FormData sends, boundary aside, quotes and line breaks included", () =>
    Effect.gen(function* () {
      const awkward: ReadonlyArray<MultipartField> = [
        ['na"me', "line one\nline two\rline three"],
        [
          "file",
          { source: { blob: new Blob(["tiny"]) }, filename: 'say "hi"\r\n.txt', contentType: "text/plain" },
        ],
      ]
      const body = yield* multipartBody(awkward)
      const ours = (yield* bytesOf(body)).toString("latin1")
      const form = new FormData()
      form.append('na"me', "line one\nline two\rline three")
      form.append("file", new Blob(["tiny"], { type: "text/plain" }), 'say "hi"\r\n.txt')
      const request = new Request("http://localhost/", { method: "POST", body: form })
      const theirs = Buffer.from(yield* Effect.promise(() => request.arrayBuffer())).toString("latin1")
      const theirBoundary = /boundary=(.+)$/.exec(request.headers.get("content-type") ?? "")?.[1] ?? ""
      const ourBoundary = /boundary=(.+)$/.exec(body.contentType)?.[1] ?? ""
      expect(ours).toBe(theirs.replaceAll(theirBoundary, ourBoundary))
    }),
  )

  it.effect("reads the file again from its start each time the body is sent", () =>
    Effect.gen(function* () {
      const body = yield* multipartBody(fields)
      const first = yield* bytesOf(body)
      const second = yield* bytesOf(body)
      expect(second.equals(first)).toBe(true)
      expect(second.length).toBe(body.contentLength)
    }),
  )

  it.effect("names the field and path of a file that is not there, before anything is sent", () =>
    Effect.gen(function* () {
      const missing = Path.join(directory, "gone.pdf")
      const error = yield* Effect.flip(
        multipartBody([
          ["document", { source: { path: missing }, filename: "gone.pdf", contentType: "application/pdf" }],
        ]),
      )
      expect(error).toMatchObject({ _tag: "MultipartFileError", field: "document", path: missing })
    }),
  )
})

describe("fetchLayer", () => {
  it.effect("sends a streamed body with its Content-Length, not chunked", () =>
    Effect.gen(function* () {
      const seen = yield* Effect.acquireRelease(
        Effect.async<{
          readonly server: Http.Server
          readonly url: string
          readonly received: Promise<unknown>
        }>((resume) => {
          let deliver: (value: unknown) => void = () => undefined
          const received = new Promise((resolve) => {
            deliver = resolve
          })
          const server = Http.createServer((request, response) => {
            let length = 0
            request.on("data", (chunk: Buffer) => {
              length += chunk.length
            })
            request.on("end", () => {
              deliver({
                contentLength: request.headers["content-length"],
                transferEncoding: request.headers["transfer-encoding"],
                length,
              })
              response.end("ok")
            })
          })
          server.listen(0, "127.0.0.1", () =>
            resume(
              Effect.succeed({
                server,
                url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
                received,
              }),
            ),
          )
        }),
        ({ server }) => Effect.promise(() => new Promise((resolve) => server.close(resolve))),
      )
      const body = yield* multipartBody(fields)
      const client = yield* HttpClient.HttpClient
      const response = yield* client.execute(
        HttpClientRequest.post(seen.url).pipe(HttpClientRequest.bodyStream(body.stream, body)),
      )
      expect(yield* response.text).toBe("ok")
      expect(yield* Effect.promise(() => seen.received)).toEqual({
        contentLength: String(body.contentLength),
        transferEncoding: undefined,
        length: body.contentLength,
      })
    }).pipe(Effect.scoped, Effect.provide(fetchLayer)),
  )
})
