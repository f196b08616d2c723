import * as Net from "node:net"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { papraSimulator } from "../../src/index.js"
import { at, papraHttp, text, useSimulator } from "./client.js"

const current = useSimulator()

const UNAUTHORIZED = { error: { message: "Unauthorized", code: "auth.unauthorized" } }

describe("permissions", () => {
  it("answers 401 (never 403) when a key lacks the route's permission", async () => {
    const readOnly = papraHttp(current.simulator, current.simulator.createApiKey(["documents:read"]))
    expect((await readOnly.call("GET", "documents")).status).toBe(200)
    for (const answer of [
      await readOnly.upload("x.txt", "x"),
      await readOnly.call("GET", "tags"),
      await readOnly.call("GET", "/api/organizations"),
      await readOnly.call("PATCH", `documents/doc_${"a".repeat(24)}`, { name: "n" }),
    ]) {
      expect(answer).toMatchObject({ status: 401, body: UNAUTHORIZED })
    }
    expect(at((await readOnly.call("GET", "/api/api-keys/current")).body, "apiKey", "permissions")).toEqual([
      "documents:read",
    ])
  })

  it("needs every permission of a two-permission route", async () => {
    const id = text((await current.http.upload("x.txt", "x")).body, "document", "id")
    const tag = text(
      (await current.http.call("POST", "tags", { name: "T", color: "#000000" })).body,
      "tag",
      "id",
    )
    const updateOnly = papraHttp(current.simulator, current.simulator.createApiKey(["documents:update"]))
    expect((await updateOnly.call("POST", `documents/${id}/tags`, { tagId: tag })).status).toBe(401)
    const both = papraHttp(
      current.simulator,
      current.simulator.createApiKey(["documents:update", "tags:read"]),
    )
    expect((await both.call("POST", `documents/${id}/tags`, { tagId: tag })).status).toBe(204)
  })

  it("rejects missing, unknown, non-Bearer and session-only access with 401", async () => {
    const bare = await fetch(`${current.simulator.url}/api/api-keys/current`)
    expect(bare.status).toBe(401)
    const unknown = papraHttp(current.simulator, `ppapi_${"A".repeat(64)}`)
    expect((await unknown.call("GET", "/api/organizations")).body).toEqual(UNAUTHORIZED)
    const scheme = await fetch(`${current.simulator.url}/api/ping`, {
      headers: { authorization: "Token abc" },
    })
    expect(scheme.status).toBe(401)
    for (const path of ["tagging-rules", "webhooks", "members", `tagging-rules/tr_${"a".repeat(24)}/apply`]) {
      expect((await current.http.call(path.endsWith("apply") ? "POST" : "GET", path)).status).toBe(401)
    }
    expect((await current.http.call("GET", "/api/api-keys")).status).toBe(401)
  })

  it("answers 403 user.not_in_organization for unknown and deleted organizations, 400 for malformed ids", async () => {
    const missing = await current.http.call("GET", `/api/organizations/org_${"a".repeat(24)}/documents`)
    expect(missing).toMatchObject({ status: 403, body: { error: { code: "user.not_in_organization" } } })
    const created = text(
      (await current.http.call("POST", "/api/organizations", { name: "Gone soon" })).body,
      "organization",
      "id",
    )
    expect((await current.http.call("DELETE", `/api/organizations/${created}`)).status).toBe(204)
    expect((await current.http.call("GET", `/api/organizations/${created}`)).status).toBe(403)
    expect(
      at((await current.http.call("GET", "/api/organizations/deleted")).body, "organizations", 0, "id"),
    ).toBe(created)
    const malformed = await current.http.call("GET", "documents/not-a-doc")
    expect(malformed.body).toEqual({
      error: {
        message: "Invalid URL parameters",
        code: "server.invalid_request.params",
        details: [
          {
            path: "documentId",
            message: 'Invalid format: Expected /^doc_[a-z0-9]{24}$/ but received "not-a-doc"',
          },
        ],
      },
    })
  })
})

describe("faults", () => {
  it("injects 429 with Retry-After in Papra's error shape, then answers normally", async () => {
    current.simulator.faults.add({
      path: "/api/organizations",
      times: 1,
      fault: { kind: "status", status: 429, retryAfterSeconds: 2 },
    })
    const throttled = await current.http.call("GET", "documents")
    expect(throttled).toMatchObject({
      status: 429,
      body: { error: { message: "Too many requests", code: "server.too_many_requests" } },
    })
    expect(throttled.headers.get("retry-after")).toBe("2")
    expect((await current.http.call("GET", "documents")).status).toBe(200)
  })

  it("renders an injected 5xx as Papra's internal error and can reset connections", async () => {
    current.simulator.faults.add({ method: "GET", times: 1, fault: { kind: "status", status: 503 } })
    expect(at((await current.http.call("GET", "tags")).body, "error", "code")).toBe("internal.error")
    current.simulator.faults.add({ times: 1, fault: { kind: "reset" } })
    await expect(current.http.call("GET", "tags")).rejects.toThrow()
    expect((await current.http.call("GET", "tags")).status).toBe(200)
    expect(current.simulator.requests.map((request) => request.status)).toEqual([503, 0, 200])
  })
})

describe("bad input never crashes the current.simulator", () => {
  it("answers garbage JSON, wrong shapes and unknown routes, and keeps serving", async () => {
    const garbage = await current.http.call("PATCH", `documents/doc_${"a".repeat(24)}`, undefined, {
      body: "{not json",
      headers: { "content-type": "application/json" },
    })
    expect(garbage.body).toEqual({
      error: { message: "Invalid request body", code: "server.invalid_request.malformed_json" },
    })
    expect((await current.http.call("POST", "tags", [1, 2])).status).toBe(400)
    expect((await current.http.call("POST", "tags", { name: 42, color: null })).status).toBe(400)
    expect((await current.http.call("GET", "documents?pageSize=99999999999999999999")).status).toBe(400)
    expect((await current.http.call("GET", "documents?pageIndex=-1&pageSize=abc")).status).toBe(400)
    expect((await current.http.call("GET", "/api/nothing/here")).body).toEqual({
      error: { message: "API route not found", code: "api.not-found" },
    })
    expect(
      (await current.http.call("PUT", `custom-properties/cpd_${"a".repeat(24)}`, undefined, { body: "}" }))
        .status,
    ).toBe(500)
    expect((await current.http.call("GET", "/api/ping")).body).toEqual({ status: "ok" })
  })

  it("gives the real 400 for a wrongly named file field and stays up (the real server dies)", async () => {
    const wrong = await current.http.upload("other.txt", "hello", "text/plain", "document")
    expect(wrong.body).toEqual({
      error: { message: "Invalid file fieldname", code: "document.invalid_file_fieldname" },
    })
    expect((await current.http.upload("fine.txt", "hello")).status).toBe(200)
  })

  it("answers a multipart body without a file part with 504 api.timeout at once", async () => {
    const form = new FormData()
    form.append("ocrLanguages", "eng")
    const started = Date.now()
    const answer = await current.http.call("POST", "documents", undefined, { body: form })
    expect(answer.body).toEqual({ error: { message: "The request timed out", code: "api.timeout" } })
    expect(answer.status).toBe(504)
    expect(Date.now() - started).toBeLessThan(2_000)
  })

  it("answers JSON uploads with 500 and truncated multipart with 400", async () => {
    expect((await current.http.call("POST", "documents", { file: "hello" })).body).toEqual({
      error: { message: "An error occurred", code: "internal.error" },
    })
    const truncated = await current.http.call("POST", "documents", undefined, {
      body: '--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nabc',
      headers: { "content-type": "multipart/form-data; boundary=xyz" },
    })
    expect(at(truncated.body, "error", "code")).toBe("document.parse_error")
  })

  it("survives a raw socket sending nonsense", async () => {
    const { port } = new URL(current.simulator.url)
    await new Promise<void>((resolve) => {
      const socket = Net.connect(Number(port), "127.0.0.1", () =>
        socket.end("GARBAGE \x00\x01 HTTP/9\r\n\r\n"),
      )
      socket.setTimeout(300, () => socket.destroy())
      socket.on("close", () => resolve())
      socket.on("error", () => resolve())
    })
    expect((await current.http.call("GET", "/api/health")).status).toBe(200)
  })
})

describe("as an Effect resource", () => {
  it("serves inside a scope and closes with it", async () => {
    const url = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const scoped = yield* papraSimulator({ seed: 7 })
          const answer = yield* Effect.promise(() => fetch(`${scoped.url}/api/ping`))
          expect(answer.status).toBe(200)
          return scoped.url
        }),
      ),
    )
    await expect(fetch(`${url}/api/ping`)).rejects.toThrow()
  })
})
