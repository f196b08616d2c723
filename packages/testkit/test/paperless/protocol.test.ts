import * as Effect from "effect/Effect"
import fc from "fast-check"
import { afterEach, describe, expect, it } from "vitest"
import {
  type PaperlessGeneration as Generation,
  type PaperlessSimulator,
  paperlessSimulator,
  startPaperlessSimulator,
} from "../../src/index.js"
import { rawClient } from "./http.js"

const running: Array<PaperlessSimulator> = []
const start = async (generation: Generation, options: { throttleToken?: boolean } = {}) => {
  const simulator = await startPaperlessSimulator({ generation, consumeMs: 2, bulkUpdateMs: 2, ...options })
  running.push(simulator)
  return simulator
}
afterEach(async () => {
  await Promise.all(running.splice(0).map((simulator) => simulator.close()))
})

describe("version negotiation", () => {
  it.each([
    ["3.0", [9, 10], [0, 5, 8, 11, 99], "10", "3.0.5"],
    ["2.20", [1, 5, 9], [0, 10, 11], "9", "2.20.15"],
  ] as const)(
    "%s accepts %j and answers 406 to %j, before authentication",
    async (generation, accepted, refused, max, version) => {
      const simulator = await start(generation)
      for (const number of accepted) {
        const answer = await rawClient(simulator, { version: number }).get("/api/tags/")
        expect(answer.status).toBe(200)
        expect(answer.headers.get("x-api-version")).toBe(max)
        expect(answer.headers.get("x-version")).toBe(version)
      }
      for (const number of refused) {
        for (const token of [undefined, ""]) {
          const answer = await rawClient(simulator, { version: number, token }).get("/api/documents/")
          expect(answer.status).toBe(406)
          expect(answer.body).toEqual({ detail: 'Invalid version in "Accept" header.' })
          expect(answer.headers.get("x-api-version")).toBeNull()
        }
      }
      expect(
        (await rawClient(simulator).get("/api/documents/", { accept: "application/json; version=abc" }))
          .status,
      ).toBe(406)
    },
  )

  it("lists carry `all` on 3.0 only below v10, and on every 2.20 version", async () => {
    const modern = await start("3.0")
    const legacy = await start("2.20")
    expect((await rawClient(modern).get("/api/tags/")).body).not.toHaveProperty("all")
    expect((await rawClient(modern, { version: 9 }).get("/api/tags/")).body).toHaveProperty("all", [])
    expect((await rawClient(legacy).get("/api/tags/")).body).toHaveProperty("all", [])
    expect((await rawClient(legacy, { version: 1 }).get("/api/documents/")).body).toHaveProperty("all", [])
  })
})

describe("authentication", () => {
  it("answers 401 in the real server's words, with the right challenge, and no version headers", async () => {
    const simulator = await start("3.0")
    const cases = [
      [undefined, "Authentication credentials were not provided.", "Token"],
      ["Token", "Invalid token header. No credentials provided.", "Token"],
      ["Token 0000000000000000000000000000000000000000", "Invalid token.", "Token"],
      ["Bearer abc", "Authentication credentials were not provided.", "Token"],
      [
        `Basic ${Buffer.from("admin:wrong").toString("base64")}`,
        "Invalid username/password.",
        'Basic realm="api"',
      ],
    ] as const
    for (const [authorization, message, challenge] of cases) {
      const client = rawClient(simulator, authorization === undefined ? { token: "" } : { authorization })
      const answer = await client.get("/api/documents/")
      expect(answer.status).toBe(401)
      expect(answer.body).toEqual({ detail: message })
      expect(answer.headers.get("www-authenticate")).toBe(challenge)
      expect(answer.headers.get("x-version")).toBeNull()
    }
    const basic = `Basic ${Buffer.from(`${simulator.username}:${simulator.password}`).toString("base64")}`
    expect((await rawClient(simulator, { authorization: basic }).get("/api/documents/")).status).toBe(200)
  })

  it("3.0 throttles /api/token/ at 5 a minute; 2.20 does not", async () => {
    for (const generation of ["3.0", "2.20"] as const) {
      const simulator = await start(generation)
      const client = rawClient(simulator, { token: "" })
      const statuses: Array<number> = []
      for (let attempt = 0; attempt < 7; attempt++) {
        const answer = await client.post("/api/token/", {
          username: simulator.username,
          password: simulator.password,
        })
        statuses.push(answer.status)
        if (answer.status === 200) expect(answer.body).toEqual({ token: simulator.token })
        if (answer.status === 429) {
          expect(answer.headers.get("retry-after")).toMatch(/^(59|60)$/)
          expect(answer.body.detail).toMatch(/^Request was throttled\. Expected available in \d+ seconds\.$/)
        }
      }
      expect(statuses).toEqual(
        generation === "3.0" ? [200, 200, 200, 200, 200, 429, 429] : Array(7).fill(200),
      )
    }
    const unthrottled = await start("3.0", { throttleToken: false })
    expect(
      (
        await rawClient(unthrottled, { token: "" }).post("/api/token/", {
          username: "admin",
          password: "nope",
        })
      ).body,
    ).toEqual({
      non_field_errors: ["Unable to log in with provided credentials."],
    })
  })

  it("gives the limited user JSON 403s, the plain-text ones, and the endpoints it may use", async () => {
    const simulator = await start("3.0")
    const client = rawClient(simulator, { token: simulator.limitedToken })
    expect((await client.get("/api/documents/")).body).toEqual({
      detail: "You do not have permission to perform this action.",
    })
    const status = await client.get("/api/status/")
    expect(status.status).toBe(403)
    expect(status.text).toBe("Insufficient permissions")
    expect(
      (await client.post("/api/documents/bulk_edit/", { documents: [1], method: "delete", parameters: {} }))
        .text,
    ).toBe("Insufficient permissions")
    expect((await client.get("/api/statistics/")).status).toBe(200)
    expect((await client.get("/api/profile/")).status).toBe(200)
    expect((await client.get("/api/trash/")).body).toEqual({
      count: 0,
      next: null,
      previous: null,
      results: [],
    })
  })

  it("redirects /api/ to the schema viewer", async () => {
    const simulator = await start("2.20")
    const answer = await fetch(`${simulator.url}/api/`, { redirect: "manual" })
    expect(answer.status).toBe(302)
    expect(answer.headers.get("location")).toBe("schema/view/")
  })
})

describe("pagination", () => {
  it("builds absolute next/previous links, drops page from the link to page 1, and 404s past the end", async () => {
    const simulator = await start("3.0")
    simulator.seed({ tags: Array.from({ length: 5 }, (_, index) => ({ name: `tag ${index}` })) })
    const client = rawClient(simulator)
    const first = (await client.get("/api/tags/?page_size=2&name__icontains=tag")).body
    expect(first.count).toBe(5)
    expect(first.next).toBe(`${simulator.url}/api/tags/?name__icontains=tag&page=2&page_size=2`)
    const second = (await client.get("/api/tags/?page_size=2&page=2")).body
    expect(second.previous).toBe(`${simulator.url}/api/tags/?page_size=2`)
    expect((await client.get("/api/tags/?page=9")).body).toEqual({ detail: "Invalid page." })
    expect((await client.get("/api/tags/?page_size=0")).body.results).toHaveLength(5)
  })
})

describe("faults and bad input", () => {
  it("renders injected statuses in DRF's detail shape and can reset connections", async () => {
    const simulator = await start("3.0")
    simulator.faults.add({
      path: "/api/documents/",
      times: 1,
      fault: { kind: "status", status: 503, retryAfterSeconds: 2 },
    })
    const client = rawClient(simulator)
    const faulted = await client.get("/api/documents/")
    expect(faulted.status).toBe(503)
    expect(faulted.body).toEqual({ detail: "Service temporarily unavailable, try again later." })
    expect(faulted.headers.get("retry-after")).toBe("2")
    expect((await client.get("/api/documents/")).status).toBe(200)
    simulator.faults.add({ path: "/api/tags/", times: 1, fault: { kind: "reset" } })
    await expect(client.get("/api/tags/")).rejects.toThrow()
    expect(simulator.requests.at(-1)).toMatchObject({ path: "/api/tags/", status: 0 })
  })

  it("answers malformed bodies with 4xx and never goes down", async () => {
    const simulator = await start("2.20")
    const client = rawClient(simulator)
    const malformed = await client.send("PATCH", "/api/tags/1/", "{not json", {
      "content-type": "application/json",
    })
    expect([400, 404]).toContain(malformed.status)
    const routes = [
      "/api/documents/",
      "/api/documents/1/",
      "/api/tags/",
      "/api/custom_fields/",
      "/api/documents/bulk_edit/",
      "/api/trash/",
      "/api/tasks/acknowledge/",
      "/api/documents/post_document/",
      "/api/share_links/",
      "/api/saved_views/",
      "/api/users/",
    ]
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.constantFrom("GET", "POST", "PATCH", "PUT", "DELETE"),
        fc.oneof(fc.json(), fc.string()),
        fc.string(),
        async (route, method, body, query) => {
          const answer = await client.send(
            method,
            `${route}?${encodeURIComponent(query)}=${encodeURIComponent(query)}`,
            method === "GET" || method === "DELETE" ? undefined : body,
            { "content-type": "application/json" },
          )
          expect(answer.status).toBeGreaterThanOrEqual(200)
          expect(answer.status).toBeLessThan(600)
          expect(answer.headers.get("x-simulator-bug")).toBeNull()
        },
      ),
      { numRuns: 150, seed: 7 },
    )
    expect((await client.get("/api/statistics/")).status).toBe(200)
  })

  it("is also available as a scoped Effect resource that closes with its scope", async () => {
    const url = await Effect.runPromise(
      Effect.scoped(Effect.map(paperlessSimulator({ generation: "2.20" }), (simulator) => simulator.url)),
    )
    await expect(fetch(`${url}/api/`)).rejects.toThrow()
  })
})

describe("the other resources", () => {
  it("keeps mail accounts and workflows, masks mail passwords and refuses duplicate names", async () => {
    const simulator = await start("3.0")
    const client = rawClient(simulator)
    const created = await client.post("/api/mail_accounts/", {
      name: "Inbox",
      imap_server: "imap.example.org",
      username: "me",
      password: "s3cret",
    })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({
      name: "Inbox",
      password: "**********",
      owner: 2,
      user_can_change: true,
    })
    expect(created.text).not.toContain("s3cret")
    expect((await client.post("/api/mail_accounts/", { name: "Inbox" })).body).toEqual({
      name: ["mail account with this name already exists."],
    })
    expect(
      (await client.patch(`/api/mail_accounts/${created.body.id}/`, { imap_port: 993 })).body.imap_port,
    ).toBe(993)
    expect((await client.get("/api/mail_accounts/")).body.count).toBe(1)
    expect((await client.delete(`/api/mail_accounts/${created.body.id}/`)).status).toBe(204)
    expect((await client.get(`/api/mail_accounts/${created.body.id}/`)).body).toEqual({
      detail: "No MailAccount matches the given query.",
    })
    expect(
      (await client.post("/api/workflows/", { name: "Tag invoices", triggers: [], actions: [] })).status,
    ).toBe(201)
  })

  it("answers saved views with the dashboard flags only where the server has them", async () => {
    const modern = await start("3.0")
    const view = {
      name: "Finance",
      sort_field: "created",
      sort_reverse: true,
      filter_rules: [{ rule_type: 6, value: "2" }],
      show_on_dashboard: true,
    }
    expect((await rawClient(modern).post("/api/saved_views/", view)).body).not.toHaveProperty(
      "show_on_dashboard",
    )
    expect(
      (await rawClient(modern, { version: 9 }).get("/api/saved_views/")).body.results[0].show_on_dashboard,
    ).toBe(true)
    expect(
      (
        await rawClient(modern).post("/api/saved_views/", {
          ...view,
          filter_rules: [{ rule_type: 9999, value: "x" }],
        })
      ).body,
    ).toEqual({
      filter_rules: { "0": { rule_type: ['"9999" is not a valid choice.'] } },
    })
    const legacy = await start("2.20")
    expect((await rawClient(legacy).post("/api/saved_views/", view)).body.show_on_dashboard).toBe(true)
  })

  it("serves users with masked passwords, statistics, logs and the offline remote version", async () => {
    const simulator = await start("2.20")
    const client = rawClient(simulator)
    const users = (await client.get("/api/users/")).body
    expect(users.results.map((user: { username: string }) => user.username)).toEqual(["admin", "limited"])
    expect(users.results[0].id).toBe(3)
    expect(users.results[0].password).toMatch(/^\*+$/)
    expect((await client.post("/api/users/", { username: "admin", password: "x" })).body).toMatchObject({
      username: ["A user with that username already exists."],
    })
    expect((await client.get("/api/statistics/")).body).toMatchObject({
      documents_total: 0,
      character_count: null,
    })
    expect((await client.get("/api/logs/")).body).toEqual(["paperless", "celery"])
    expect((await client.get("/api/logs/nope/")).status).toBe(404)
    expect((await client.get("/api/remote_version/")).body).toEqual({
      version: "0.0.0",
      update_available: false,
    })
    expect((await client.get("/api/status/")).body.pngx_version).toBe("2.20.15")
  })
})
