import { describe, expect, it } from "vitest"
import { filenameFromContentDisposition } from "../src/index.js"

describe("Content-Disposition file names", () => {
  it.each([
    // Paperless-ngx: an ASCII fallback without the umlaut, the real name in filename* (documents.download.unicode.json)
    ["attachment; filename=\"Bckerei.pdf\"; filename*=utf-8''B%C3%A4ckerei.pdf", "Bäckerei.pdf"],
    // Papra: only the extended form
    ["attachment; filename*=UTF-8''renamed-notes.txt", "renamed-notes.txt"],
    ['inline; filename="0000002.webp"', "0000002.webp"],
    ['attachment; filename="plain \\"q\\".pdf"', 'plain "q".pdf'],
    ["attachment; filename=bare.pdf", "bare.pdf"],
    // A malformed escape: the plain parameter is the better name
    ["attachment; filename=\"fallback.pdf\"; filename*=utf-8''%E0%A4%A.pdf", "fallback.pdf"],
    ["attachment; filename*=utf-8''%E0%A4%A.pdf", "%E0%A4%A.pdf"],
    ["attachment", undefined],
    [undefined, undefined],
  ])("%s → %s", (header, name) => {
    expect(filenameFromContentDisposition(header)).toBe(name)
  })
})
