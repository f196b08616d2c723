import { deflateSync } from "node:zlib"
import { describe, expect, it } from "vitest"
import { extractPdfText, isPdf, makePdf } from "../src/pdf.js"

describe("PDF text layer", () => {
  it("reads back what was written, escapes included", () => {
    const pdf = makePdf(["Invoice 4711 (ACME)", "Total: 12.50 EUR \\ paid"])
    expect(isPdf(pdf)).toBe(true)
    expect(extractPdfText(pdf)).toBe("Invoice 4711 (ACME)\nTotal: 12.50 EUR \\ paid")
  })

  it("reads Flate-compressed content streams", () => {
    const content = deflateSync(Buffer.from("BT /F1 12 Tf [(Hel) -20 (lo)] TJ ET", "latin1"))
    const pdf = Buffer.concat([
      Buffer.from(
        `%PDF-1.4\n4 0 obj\n<< /Length ${content.length} /Filter /FlateDecode >>\nstream\n`,
        "latin1",
      ),
      content,
      Buffer.from("\nendstream\nendobj\n%%EOF\n", "latin1"),
    ])
    expect(extractPdfText(pdf)).toBe("Hello")
  })

  it("finds no text in a PDF without a text layer", () => {
    expect(extractPdfText(Buffer.from("%PDF-1.4\n%%EOF\n"))).toBe("")
  })
})
