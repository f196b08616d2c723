import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { at, useSimulator } from "./client.js"

const current = useSimulator({ extractionDelayMs: 1 })

const segment = fc.oneof(
  fc.constantFrom(
    "api",
    "organizations",
    "documents",
    "tags",
    "custom-properties",
    "deleted",
    "statistics",
    "file",
    "activity",
    "batch",
    "trash",
    "restore",
    "tagging-rules",
    "api-keys",
    "current",
    `org_${"a".repeat(24)}`,
    `doc_${"b".repeat(24)}`,
    `tag_${"c".repeat(24)}`,
    `cpd_${"d".repeat(24)}`,
    "%E0%A4%A",
    "..",
    "",
  ),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
)

const body = fc.oneof(
  fc.constant(undefined),
  fc.json().map((json) => ({ text: json, type: "application/json" })),
  fc.string({ maxLength: 200 }).map((text) => ({ text, type: "application/json" })),
  fc.string({ maxLength: 200 }).map((text) => ({ text, type: "multipart/form-data; boundary=zz" })),
  fc
    .uint8Array({ maxLength: 300 })
    .map((bytes) => ({ text: Buffer.from(bytes).toString("latin1"), type: "text/plain" })),
)

const request = fc.record({
  method: fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE"),
  // Half of the paths start inside the key's own organization, where most routes live.
  inOrganization: fc.boolean(),
  segments: fc.array(segment, { maxLength: 6 }),
  query: fc.dictionary(
    fc.constantFrom("pageSize", "pageIndex", "searchQuery", "sortField", "sortOrder", "x"),
    fc.string({ maxLength: 30 }),
    { maxKeys: 3 },
  ),
  body,
})

describe("the simulator never crashes on arbitrary requests", () => {
  it("answers every request with a status and, for errors, Papra's error shape", async () => {
    await fc.assert(
      fc.asyncProperty(request, async ({ method, inOrganization, segments, query, body }) => {
        const { simulator } = current
        const prefix = inOrganization ? `/api/organizations/${simulator.organizationId}` : "/api"
        const url = new URL(`${prefix}/${segments.join("/")}`, simulator.url)
        for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value)
        const response = await fetch(url, {
          method,
          headers: {
            authorization: `Bearer ${simulator.apiKey}`,
            ...(body === undefined ? {} : { "content-type": body.type }),
          },
          ...(body === undefined || method === "GET" ? {} : { body: body.text }),
        })
        expect(response.status).toBeGreaterThanOrEqual(200)
        expect(response.status).toBeLessThan(600)
        if (response.status >= 400) {
          const answer: unknown = await response.json()
          expect(typeof at(answer, "error", "code")).toBe("string")
          expect(typeof at(answer, "error", "message")).toBe("string")
        } else {
          await response.arrayBuffer()
        }
      }),
      { numRuns: 150, seed: 42 },
    )
    expect((await current.http.call("GET", "/api/health")).status).toBe(200)
  }, 30_000)
})

describe("slow and late answers", () => {
  it("delays and trickles a download when told to, still delivering every byte", async () => {
    const { simulator, http } = current
    const bytes = "x".repeat(300)
    const id = String(at((await http.upload("slow.txt", bytes)).body, "document", "id"))
    simulator.faults.add(
      { path: /\/file$/, times: 1, fault: { kind: "latency", ms: 100 } },
      { path: /\/file$/, times: 1, fault: { kind: "slow-body", bytesPerSecond: 3000 } },
    )
    const started = Date.now()
    const file = await http.call("GET", `documents/${id}/file`)
    expect(file.body).toBe(bytes)
    expect(Date.now() - started).toBeGreaterThanOrEqual(150)
  })
})
