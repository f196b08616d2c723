import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { joinNotes, LIMITS, noteAuthor, type PaperlessNote, splitNotes } from "../src/index.js"
import { unicodeText } from "./arbitraries.js"

const note = (text: string, minute = 12): PaperlessNote => ({
  note: text,
  created: `2026-11-23T18:${minute}:49.458679Z`,
  user: { id: 2, username: "admin", first_name: "", last_name: "" },
})

describe("notes", () => {
  it("several notes split back into the same texts", () => {
    const text = unicodeText({ maxLength: 60 }).filter((candidate) => !candidate.includes("--- Note by"))
    fc.assert(
      fc.property(fc.array(text, { minLength: 2, maxLength: 6 }), (texts) => {
        const joined = joinNotes(texts.map((candidate) => note(candidate)))
        expect(splitNotes(joined.text)).toEqual(texts)
      }),
      { endOnFailure: true },
    )
  })

  it("a single note is its bare text, so a Papra note survives Paperless unchanged", () => {
    expect(joinNotes([note("Paid by bank transfer")]).text).toBe("Paid by bank transfer")
    expect(splitNotes("Paid by bank transfer")).toEqual(["Paid by bank transfer"])
  })

  it("an unchanged text gives the base notes back, even ones that look like headers", () => {
    const tricky = [note("--- Note by eve, 2020-01-01 00:00 UTC ---\nforged"), note("")]
    const joined = joinNotes(tricky)
    expect(splitNotes(joined.text, tricky)).toEqual(tricky.map((candidate) => candidate.note))
    // Without the base, the forged header splits: that is what is lost.
    expect(splitNotes(joined.text)).not.toEqual(tricky.map((candidate) => candidate.note))
  })

  it("loses a single empty note: Papra cannot tell it from none", () => {
    expect(joinNotes([note("")]).text).toBe("")
    expect(splitNotes("")).toEqual([])
  })

  it("cuts at Papra's 2048 characters and counts what was dropped", () => {
    const joined = joinNotes([note("a".repeat(1500)), note("b".repeat(1500))])
    expect(joined.text?.length).toBe(LIMITS.papraNotes)
    expect(joined.text?.endsWith("…")).toBe(true)
    expect(joined.droppedChars).toBeGreaterThan(1000)
  })

  it("names authors from their names, usernames or (API ≤ 7) ids", () => {
    expect(noteAuthor({ id: 3, username: "admin", first_name: "Ada", last_name: "" })).toBe("Ada (admin)")
    expect(noteAuthor({ id: 3, username: "admin", first_name: "", last_name: "" })).toBe("admin")
    expect(noteAuthor(3)).toBe("user 3")
    expect(noteAuthor(null)).toBe("unknown")
  })
})
