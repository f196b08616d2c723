import { describe, expect, it } from "vitest"
import { verifyText } from "../../src/cli/output.js"
import type { VerifyReport } from "../../src/engine/reports.js"

const conflict = {
  paperlessId: "1",
  papraId: "doc_a",
  title: "ACME invoice",
  detectedAt: "2026-12-04T10:00:00.000Z",
  fields: [
    { field: "title", base: "ACME invoice", paperless: "Invoice (Paperless)", papra: "Invoice (Papra)" },
  ],
}

describe("verify's text", () => {
  it("lists a document in open conflict as a conflict left as is, with its fields, and says the sides agree otherwise", () => {
    const report: VerifyReport = {
      direction: "paperless-to-papra",
      checked: 2,
      drift: [],
      conflicts: [conflict],
    }
    expect(verifyText(report).split("\n")).toEqual([
      "Verified 2 linked documents (paperless-to-papra): both sides agree; 1 document in conflict, left as is.",
      '  - Paperless 1 ↔ Papra doc_a "ACME invoice": conflict (left as is) since 2026-12-04T10:00:00.000Z',
      '      title: base "ACME invoice", Paperless "Invoice (Paperless)", Papra "Invoice (Papra)"',
    ])
  })

  it("names the way a drifted document was carried when it is not the report's", () => {
    const report: VerifyReport = {
      direction: "paperless-to-papra",
      checked: 3,
      drift: [
        {
          sourceId: "doc_b",
          targetId: "7",
          direction: "papra-to-paperless",
          problem: "metadata-differs",
          detail: "differs in title",
        },
      ],
      conflicts: [],
    }
    expect(verifyText(report)).toContain(
      "  - doc_b → 7 (carried papra-to-paperless): metadata differs: differs in title",
    )
  })
})
