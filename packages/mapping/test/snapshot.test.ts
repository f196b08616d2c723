import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { canonicalJson, documentSnapshot, type MappedPaperlessDocument, snapshotHash } from "../src/index.js"

const base: MappedPaperlessDocument = {
  title: "ACME invoice 4711",
  originalFileName: "invoice-acme-2024.pdf",
  created: "2024-03-12",
  content: "ACME Corporation",
  correspondent: 1,
  documentType: 1,
  storagePath: null,
  tags: [3, 1, 2],
  archiveSerialNumber: 1001,
  customFields: [
    { field: 8, value: [7, 2] },
    { field: 1, value: "hello" },
  ],
  notes: ["First note", "Second note"],
}

describe("document snapshots", () => {
  it("are plain JSON with sorted keys and sorted id lists", () => {
    const snapshot = documentSnapshot(base)
    const json = canonicalJson(snapshot)
    expect(JSON.parse(json)).toEqual(snapshot)
    expect(Object.keys(JSON.parse(json))).toEqual([...Object.keys(JSON.parse(json))].sort())
    expect(snapshot.tags).toEqual([1, 2, 3])
    expect(snapshot.customFields).toEqual({ "1": "hello", "8": [2, 7] })
  })

  it("store a hash of the content, not the content", () => {
    const snapshot = documentSnapshot({ ...base, content: "x".repeat(5_000_000) })
    expect(snapshot.contentSha256).toMatch(/^[0-9a-f]{64}$/)
    expect(canonicalJson(snapshot).length).toBeLessThan(1000)
    expect(documentSnapshot({ ...base, content: undefined }).contentSha256).toBeNull()
  })

  it("hash the same whatever the order of tags, fields or object keys", () => {
    const reordered: MappedPaperlessDocument = {
      notes: base.notes,
      customFields: [...base.customFields].reverse(),
      tags: [2, 3, 1],
      archiveSerialNumber: 1001,
      storagePath: null,
      documentType: 1,
      correspondent: 1,
      content: base.content,
      created: base.created,
      originalFileName: base.originalFileName,
      title: base.title,
    }
    expect(snapshotHash(documentSnapshot(reordered))).toBe(snapshotHash(documentSnapshot(base)))
  })

  it("hash differently when any field changes", () => {
    const changes: ReadonlyArray<Partial<MappedPaperlessDocument>> = [
      { title: "ACME invoice 4712" },
      { created: "2024-03-13" },
      { content: "ACME Corporation." },
      { correspondent: null },
      { tags: [1, 2] },
      { archiveSerialNumber: null },
      { customFields: [{ field: 1, value: "hello!" }] },
      { notes: ["First note"] },
      { notes: ["First note", "Second note", ""] },
      { originalFileName: "other.pdf" },
    ]
    const hashes = new Set([
      snapshotHash(documentSnapshot(base)),
      ...changes.map((change) => snapshotHash(documentSnapshot({ ...base, ...change }))),
    ])
    expect(hashes.size).toBe(changes.length + 1)
  })

  it("canonical JSON does not depend on key insertion order", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (record) => {
        const reversed = Object.fromEntries(Object.entries(record).reverse())
        expect(canonicalJson(reversed)).toBe(canonicalJson(record))
      }),
    )
  })
})
