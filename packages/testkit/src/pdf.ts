import { inflateSync } from "node:zlib"

/**
 * Just enough PDF for the simulators and the demo corpus: a writer for born-digital one-page PDFs
 * with a text layer, and a reader that pulls the text back out of `Tj`/`TJ` operators (plain or
 * Flate-compressed streams), as both real servers do for PDFs that need no OCR.
 */

const escapePdfString = (text: string) =>
  text.replace(/\\/g, "\\\\").replace(/\(/g, "\\(").replace(/\)/g, "\\)")

/** A valid single-page PDF whose text layer holds `lines`. Non-Latin-1 characters become `?`. */
export const makePdf = (lines: ReadonlyArray<string>): Buffer => {
  const latin1 = lines.map((line) => line.replace(/[^\x20-\xff]/g, "?"))
  const textOps = latin1.map(
    (line, index) => `${index === 0 ? "" : "0 -16 Td "}(${escapePdfString(line)}) Tj`,
  )
  const stream = `BT /F1 12 Tf 72 720 Td ${textOps.join(" ")} ET`
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${Buffer.byteLength(stream, "latin1")} >>\nstream\n${stream}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ]
  let body = "%PDF-1.4\n"
  const offsets: Array<number> = []
  objects.forEach((object, index) => {
    offsets.push(Buffer.byteLength(body, "latin1"))
    body += `${index + 1} 0 obj\n${object}\nendobj\n`
  })
  const xref = Buffer.byteLength(body, "latin1")
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`
  for (const offset of offsets) body += `${String(offset).padStart(10, "0")} 00000 n \n`
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`
  return Buffer.from(body, "latin1")
}

export const isPdf = (bytes: Uint8Array) => Buffer.from(bytes.subarray(0, 5)).toString("latin1") === "%PDF-"

const unescapePdfString = (raw: string) =>
  raw.replace(/\\([nrtbf()\\]|[0-7]{1,3})/g, (_, escaped: string) => {
    const simple: Record<string, string> = {
      n: "\n",
      r: "\r",
      t: "\t",
      b: "\b",
      f: "\f",
      "(": "(",
      ")": ")",
      "\\": "\\",
    }
    return simple[escaped] ?? String.fromCharCode(Number.parseInt(escaped, 8))
  })

const streamContents = (pdf: Buffer): Array<string> => {
  const contents: Array<string> = []
  const source = pdf.toString("latin1")
  const pattern = /<<([\s\S]*?)>>\s*stream\r?\n/g
  for (let match = pattern.exec(source); match !== null; match = pattern.exec(source)) {
    const start = match.index + match[0].length
    const end = source.indexOf("endstream", start)
    if (end < 0) break
    const raw = pdf.subarray(start, end)
    if (/\/FlateDecode/.test(match[1] ?? "")) {
      try {
        contents.push(inflateSync(raw).toString("latin1"))
      } catch {
        // A stream we cannot inflate holds no text we could read anyway.
      }
    } else {
      contents.push(raw.toString("latin1"))
    }
  }
  return contents
}

/** The text layer of a PDF, one line per text-positioning step; empty when there is none. */
export const extractPdfText = (pdf: Buffer): string => {
  const lines: Array<string> = []
  for (const content of streamContents(pdf)) {
    const ops = /\((?:\\.|[^\\)])*\)\s*Tj|\[(?:[^\]]*)\]\s*TJ/g
    for (let op = ops.exec(content); op !== null; op = ops.exec(content)) {
      const strings = op[0].match(/\((?:\\.|[^\\)])*\)/g) ?? []
      lines.push(strings.map((quoted) => unescapePdfString(quoted.slice(1, -1))).join(""))
    }
  }
  return lines.join("\n")
}
