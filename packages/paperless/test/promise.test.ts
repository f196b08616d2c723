import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  connect,
  type DocumentId,
  PaperlessApiError,
  PaperlessAuth,
  type PaperlessPromiseClient,
} from "../src/index.js"

/** A few canned answers over real HTTP, so the facade runs with its own fetch-based runtime. */
let server: Http.Server
let paperless: PaperlessPromiseClient
let inFlight = 0
let maxInFlight = 0

const send = (
  res: Http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) => {
  res.writeHead(status, {
    "content-type": "application/json",
    "x-api-version": "10",
    "x-version": "3.0.5",
    ...headers,
  })
  res.end(typeof body === "string" && headers["content-type"] !== undefined ? body : JSON.stringify(body))
}

beforeAll(async () => {
  server = Http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost")
    if (url.pathname === "/api/documents/")
      return send(res, 200, { count: 0, next: null, previous: null, results: [] })
    if (url.pathname === "/api/logs/") {
      inFlight += 1
      maxInFlight = Math.max(maxInFlight, inFlight)
      setTimeout(() => {
        inFlight -= 1
        send(res, 200, ["paperless", "celery"])
      }, 20)
      return
    }
    if (url.pathname === "/api/documents/7/download/") {
      return send(res, 200, "%PDF-1.4 bytes", {
        "content-type": "application/pdf",
        "content-disposition": "attachment; filename=\"a.pdf\"; filename*=utf-8''%C3%A4.pdf",
      })
    }
    return send(res, 404, { detail: "No Tag matches the given query." })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  paperless = await connect({
    baseUrl: `http://127.0.0.1:${port}`,
    auth: PaperlessAuth.token("facade-token"),
    maxConcurrent: 2,
  })
})

afterAll(async () => {
  await paperless.close()
  await new Promise((resolve) => server.close(resolve))
})

describe("Promise facade", () => {
  it("answers plain values and keeps to its concurrency bound", async () => {
    const answers = await Promise.all(Array.from({ length: 6 }, () => paperless.system.logNames()))
    expect(answers.every((names) => names.includes("celery"))).toBe(true)
    expect(maxInFlight).toBeLessThanOrEqual(2)
    expect((await paperless.server()).apiVersion).toBe(10)
  })

  it("rejects with the client's own typed error", async () => {
    const failure = await paperless.tags.get(5 as never).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(PaperlessApiError)
    expect(failure).toMatchObject({ status: 404, detail: "No Tag matches the given query." })
  })

  it("hands files over as web streams and lists as async iterables", async () => {
    const file = await paperless.files.download(7 as DocumentId)
    expect(file.filename).toBe("ä.pdf")
    expect(await new Response(file.stream).text()).toBe("%PDF-1.4 bytes")
    const documents = []
    for await (const document of paperless.documents.stream()) documents.push(document)
    expect(documents).toEqual([])
  })
})
