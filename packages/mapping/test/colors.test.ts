import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { toPaperlessColor, toPapraColor } from "../src/index.js"

describe("tag colours", () => {
  it("round-trip through Papra's upper-case form", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^#[0-9a-f]{6}$/), (color) => {
        expect(toPaperlessColor(toPapraColor(color))).toBe(color)
      }),
    )
  })
})
