import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  type ConflictPolicy,
  canonicalJson,
  changedFields,
  type DocumentSnapshot,
  type MergeInput,
  mergeDocument,
  swapPolicy,
} from "../src/index.js"

const base: DocumentSnapshot = {
  title: "ACME invoice 4711",
  originalFileName: "invoice.pdf",
  created: "2024-03-12",
  contentSha256: "c0",
  correspondent: 1,
  documentType: null,
  storagePath: null,
  tags: [1, 2],
  archiveSerialNumber: null,
  customFields: { "3": "hello", "8": [4, 5] },
  notes: ["first"],
}

// Small pools, so that both sides often pick the same value or the base's again.
const snapshot: fc.Arbitrary<DocumentSnapshot> = fc.record({
  title: fc.constantFrom("a", "b", "c"),
  originalFileName: fc.constantFrom("a.pdf", "b.pdf"),
  created: fc.constantFrom("2024-01-01", "2024-02-02", null),
  contentSha256: fc.constantFrom("c0", "c1", null),
  correspondent: fc.constantFrom(1, 2, null),
  documentType: fc.constantFrom(1, null),
  storagePath: fc.constantFrom(1, null),
  tags: fc
    .uniqueArray(fc.integer({ min: 1, max: 6 }), { maxLength: 5 })
    .map((tags) => tags.sort((a, b) => a - b)),
  archiveSerialNumber: fc.constantFrom(1, 2, null),
  customFields: fc.dictionary(
    fc.constantFrom("1", "2", "3"),
    fc.oneof(
      fc.constantFrom("x", "y", null),
      fc.uniqueArray(fc.integer({ min: 1, max: 4 }), { maxLength: 3 }),
    ),
  ),
  notes: fc.array(fc.constantFrom("n1", "n2", "n3"), { maxLength: 4 }),
})

/** A side that keeps each field of the base or replaces it with another side's value. */
const derived = (from: DocumentSnapshot) =>
  fc.tuple(snapshot, fc.array(fc.boolean(), { minLength: 12, maxLength: 12 })).map(([other, keep]) => {
    const keys = Object.keys(from) as Array<keyof DocumentSnapshot>
    return Object.fromEntries(
      keys.map((key, index) => [key, keep[index] ? from[key] : other[key]]),
    ) as unknown as DocumentSnapshot
  })

const policy = fc.constantFrom<ConflictPolicy>("newest", "paperless", "papra", "fail")
const instant = fc.constantFrom("2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z", undefined)

const mergeInput: fc.Arbitrary<MergeInput> = snapshot.chain((b) =>
  fc.record({
    base: fc.constant(b),
    paperless: derived(b),
    papra: derived(b),
    policy,
    changedAt: fc.record({ paperless: instant, papra: instant }, { requiredKeys: [] }),
  }),
)

const json = canonicalJson

describe("three-way merge", () => {
  it("takes a title edited on one side and tags added on the other", () => {
    const result = mergeDocument({
      base,
      paperless: { ...base, title: "ACME invoice 4711 (paid)" },
      papra: { ...base, tags: [1, 2, 7] },
    })
    expect(result.unresolved).toEqual([])
    expect(result.merged).toEqual({ ...base, title: "ACME invoice 4711 (paid)", tags: [1, 2, 7] })
  })

  it("merges tags added and removed on both sides as sets", () => {
    const result = mergeDocument({
      base,
      paperless: { ...base, tags: [2, 3] },
      papra: { ...base, tags: [1, 2, 4] },
    })
    expect(result.merged?.tags).toEqual([2, 3, 4])
    expect(result.fields.find((field) => field.field === "tags")?._tag).toBe("MergedSet")
  })

  it("reports a title changed differently on both sides, with both values, and writes nothing under fail", () => {
    const result = mergeDocument({
      base,
      paperless: { ...base, title: "Invoice A" },
      papra: { ...base, title: "Invoice B" },
    })
    expect(result.merged).toBeNull()
    expect(result.unresolved).toEqual([
      {
        _tag: "Conflict",
        field: "title",
        base: base.title,
        paperless: "Invoice A",
        papra: "Invoice B",
        winner: null,
      },
    ])
  })

  it("settles a conflict by the policy, and by the newer side under newest", () => {
    const input = { base, paperless: { ...base, title: "Invoice A" }, papra: { ...base, title: "Invoice B" } }
    expect(mergeDocument({ ...input, policy: "paperless" }).merged?.title).toBe("Invoice A")
    expect(mergeDocument({ ...input, policy: "papra" }).merged?.title).toBe("Invoice B")
    const changedAt = { paperless: "2026-11-02T10:00:00Z", papra: "2026-11-02T09:00:00Z" }
    expect(mergeDocument({ ...input, policy: "newest", changedAt }).merged?.title).toBe("Invoice A")
    // Without both times nothing says which is newer: the conflict stays, nothing is guessed.
    expect(
      mergeDocument({ ...input, policy: "newest", changedAt: { papra: changedAt.papra } }).merged,
    ).toBeNull()
  })

  it("is no conflict when both sides made the same change", () => {
    const edited = { ...base, title: "Invoice 4711", correspondent: 9 }
    const result = mergeDocument({ base, paperless: edited, papra: edited })
    expect(result.merged).toEqual(edited)
  })

  it("removes a custom field removed on one side, and conflicts when the other side changed it", () => {
    const removed = { ...base, customFields: { "8": [4, 5] } }
    expect(mergeDocument({ base, paperless: removed, papra: base }).merged?.customFields).toEqual({
      "8": [4, 5],
    })
    const changed = { ...base, customFields: { "3": "bye", "8": [4, 5] } }
    const conflict = mergeDocument({ base, paperless: removed, papra: changed }).unresolved
    expect(conflict.map((field) => [field.field, field.paperless, field.papra])).toEqual([
      ["customFields.3", undefined, "bye"],
    ])
  })

  it("keeps repeated notes and merges notes added on both sides", () => {
    const result = mergeDocument({
      base: { ...base, notes: ["ok", "ok"] },
      paperless: { ...base, notes: ["ok", "ok", "paid"] },
      papra: { ...base, notes: ["ok"] },
    })
    expect(result.merged?.notes).toEqual(["ok", "paid"])
  })

  it("treats content a side did not read (a Papra list) as unchanged, and fields a side does not hold likewise", () => {
    const result = mergeDocument({
      base: { ...base, storagePath: 4 },
      paperless: { ...base, storagePath: 5, contentSha256: "c9" },
      papra: { ...base, storagePath: null, contentSha256: null },
      notHeldBy: { papra: ["storagePath"] },
    })
    expect(result.merged).toEqual({ ...base, storagePath: 5, contentSha256: "c9" })
  })

  it("lists the fields that differ, custom fields one by one", () => {
    expect(changedFields(base, { ...base, title: "x", customFields: { "3": "hello" } })).toEqual([
      "title",
      "customFields.8",
    ])
  })

  it("a change on one side only always wins", () => {
    fc.assert(
      fc.property(mergeInput, (input) => {
        const onlyPaperless = mergeDocument({ ...input, papra: input.base })
        expect(json(onlyPaperless.merged)).toBe(
          json({
            ...input.paperless,
            contentSha256: input.paperless.contentSha256 ?? input.base.contentSha256,
          }),
        )
        const onlyPapra = mergeDocument({ ...input, paperless: input.base })
        expect(json(onlyPapra.merged)).toBe(
          json({ ...input.papra, contentSha256: input.papra.contentSha256 ?? input.base.contentSha256 }),
        )
      }),
    )
  })

  it("is idempotent: merging a side with the result, or the result with itself, changes nothing more", () => {
    fc.assert(
      fc.property(mergeInput, (input) => {
        const { merged } = mergeDocument(input)
        if (merged === null) return
        expect(json(mergeDocument({ ...input, paperless: merged, papra: merged }).merged)).toBe(json(merged))
        expect(json(mergeDocument({ ...input, papra: merged }).merged)).toBe(json(merged))
        expect(json(mergeDocument({ ...input, paperless: merged }).merged)).toBe(json(merged))
        const again = mergeDocument({ ...input, base: merged, paperless: merged, papra: merged })
        expect(again.fields.every((field) => field._tag === "Unchanged")).toBe(true)
      }),
    )
  })

  it("never invents a value that is on neither side nor in the base", () => {
    fc.assert(
      fc.property(mergeInput, (input) => {
        const result = mergeDocument(input)
        for (const field of result.fields) {
          const sources = [input.base, input.paperless, input.papra].map((side) =>
            field.field.startsWith("customFields.")
              ? side.customFields[field.field.slice("customFields.".length)]
              : side[field.field as keyof DocumentSnapshot],
          )
          if (field._tag === "MergedSet") {
            const members = new Set(sources.flatMap((value) => (Array.isArray(value) ? value.map(json) : [])))
            for (const member of field.value as Array<unknown>) expect(members.has(json(member))).toBe(true)
          } else if (field._tag !== "Conflict") {
            expect(sources.map(json)).toContain(json(field.value))
          }
        }
      }),
    )
  })

  it("is symmetric: swapping the sides (and the policy) gives the same document and the same conflicts", () => {
    fc.assert(
      fc.property(mergeInput, (input) => {
        const straight = mergeDocument(input)
        const swapped = mergeDocument({
          ...input,
          paperless: input.papra,
          papra: input.paperless,
          policy: swapPolicy(input.policy ?? "fail"),
          changedAt: { paperless: input.changedAt?.papra, papra: input.changedAt?.paperless },
        })
        expect(json(swapped.merged)).toBe(json(straight.merged))
        expect(swapped.unresolved.map((field) => [field.field, field.paperless, field.papra])).toEqual(
          straight.unresolved.map((field) => [field.field, field.papra, field.paperless]),
        )
      }),
    )
  })
})
