import { toPapraColor } from "@paperbridge/mapping"
import { negotiateVersion } from "@paperbridge/paperless"
import { PapraDocumentId } from "@paperbridge/papra"
import { listen } from "@paperbridge/testkit"
import * as Schema from "effect/Schema"
import { describe, expect, it } from "vitest"

describe("workspace packages resolve from sources", () => {
  it("imports every package by its name", async () => {
    expect(negotiateVersion(10)).toBe(10)
    expect(Schema.is(PapraDocumentId)("doc_000000000000000000000000")).toBe(true)
    expect(toPapraColor("#a6cee3")).toBe("#A6CEE3")
    const server = await listen(() => ({ status: 204 }), { faultResponse: (status) => ({ status }) })
    expect((await fetch(server.url)).status).toBe(204)
    await server.close()
  })
})
