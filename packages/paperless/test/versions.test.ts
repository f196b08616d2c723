import { describe, expect, it } from "vitest"
import { acceptHeader, negotiateVersion } from "../src/index.js"

describe("API version negotiation", () => {
  it("uses 10 on a 3.0 server and 9 on a 2.20 server", () => {
    expect(negotiateVersion(10)).toBe(10)
    expect(negotiateVersion(9)).toBe(9)
  })
  it("refuses servers older than API 9", () => {
    expect(negotiateVersion(8)).toBeUndefined()
  })
  it("builds the Accept header the server expects", () => {
    expect(acceptHeader(9)).toBe("application/json; version=9")
  })
})
