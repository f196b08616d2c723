import * as Schema from "effect/Schema"
import { describe, expect, it } from "vitest"
import { PapraDocumentId } from "../src/index.js"

describe("Papra ids", () => {
  it("accepts the server's id shape and rejects others", () => {
    expect(Schema.is(PapraDocumentId)("doc_abcdefghijklmnopqrstuvwx")).toBe(true)
    expect(Schema.is(PapraDocumentId)("org_abcdefghijklmnopqrstuvwx")).toBe(false)
    expect(Schema.is(PapraDocumentId)("doc_short")).toBe(false)
  })
})
