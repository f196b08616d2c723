import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  copyContext,
  copyLinks,
  emptyCopyLinks,
  type PaperlessCustomField,
  type PaperlessDefinitions,
  type PaperlessTag,
  paperlessDocumentToPaperlessCopy,
  planPaperlessCopy,
  selectOptionKey,
} from "../src/index.js"

const NAMES = ["Invoices", "invoices", "Tax", "Home", "Car", "Bank"] as const
const TYPES = ["string", "select", "integer", "documentlink"] as const

/** Definitions with ids from `offset`, drawn from small name pools so both sides often share names. */
const definitions = (offset: number): fc.Arbitrary<PaperlessDefinitions> =>
  fc
    .record({
      tags: fc.uniqueArray(fc.constantFrom(...NAMES), {
        maxLength: 5,
        selector: (name) => name.toLowerCase(),
      }),
      parents: fc.array(fc.nat(5), { minLength: 5, maxLength: 5 }),
      correspondents: fc.uniqueArray(fc.constantFrom(...NAMES), {
        maxLength: 3,
        selector: (name) => name.toLowerCase(),
      }),
      fields: fc.uniqueArray(
        fc.record({ name: fc.constantFrom(...NAMES), type: fc.constantFrom(...TYPES) }),
        {
          maxLength: 4,
          selector: (field) => field.name.toLowerCase(),
        },
      ),
      labels: fc.uniqueArray(fc.constantFrom("A", "B", "C"), { maxLength: 3 }),
    })
    .map(({ tags, parents, correspondents, fields, labels }) => ({
      // A tag's parent is an earlier tag, so the hierarchy has no cycle.
      tags: tags.map(
        (name, index): PaperlessTag => ({
          id: offset + index,
          name,
          parent: index === 0 || (parents[index] ?? 0) >= index ? null : offset + (parents[index] ?? 0),
        }),
      ),
      correspondents: correspondents.map((name, index) => ({ id: offset + index, name })),
      documentTypes: [],
      storagePaths: [],
      customFields: fields.map(
        (field, index): PaperlessCustomField => ({
          id: offset + index,
          name: field.name,
          data_type: field.type,
          extra_data:
            field.type === "select"
              ? { select_options: labels.map((label) => ({ id: `${offset}${label}`, label })) }
              : null,
        }),
      ),
    }))

const pair = fc.tuple(definitions(1), definitions(100))

describe("a Paperless export carried into another Paperless-ngx", () => {
  it("links a definition only to the target's one of the same name (any case) and, for fields, the same type", () => {
    fc.assert(
      fc.property(pair, ([source, target]) => {
        const links = copyLinks(source, target, emptyCopyLinks)
        for (const [from, to] of links.tags) {
          const a = source.tags.find((tag) => tag.id === from)
          const b = target.tags.find((tag) => tag.id === to)
          expect(a?.name.toLowerCase()).toBe(b?.name.toLowerCase())
        }
        for (const [from, to] of links.customFields) {
          const a = source.customFields.find((field) => field.id === from)
          const b = target.customFields.find((field) => field.id === to)
          expect(a?.name.toLowerCase()).toBe(b?.name.toLowerCase())
          expect(a?.data_type).toBe(b?.data_type)
        }
      }),
    )
  })

  it("plans nothing to make when the target already holds the same definitions, and everything when it is empty", () => {
    fc.assert(
      fc.property(definitions(1), (source) => {
        const same = planPaperlessCopy(source, source, emptyCopyLinks)
        expect(same.tags.every((tag) => tag.targetId === tag.source.id)).toBe(true)
        expect(same.customFields.every((field) => field.targetId === field.source.id)).toBe(true)
        expect(same.customFields.flatMap((field) => field.newOptions)).toEqual([])
        const empty = { tags: [], correspondents: [], documentTypes: [], storagePaths: [], customFields: [] }
        const fresh = planPaperlessCopy(source, empty, emptyCopyLinks)
        expect(fresh.tags.filter((tag) => tag.targetId !== null)).toEqual([])
        expect(fresh.classifiers).toHaveLength(source.correspondents.length)
      }),
    )
  })

  it("makes parents before their children, and a field of a name the target uses for another type never", () => {
    fc.assert(
      fc.property(pair, ([source, target]) => {
        const plan = planPaperlessCopy(source, target, emptyCopyLinks)
        const order = plan.tags.map((tag) => tag.source.id)
        for (const tag of source.tags)
          if (tag.parent !== null && tag.parent !== undefined)
            expect(order.indexOf(tag.parent)).toBeLessThan(order.indexOf(tag.id))
        for (const field of plan.customFields) {
          const named = target.customFields.find(
            (candidate) => candidate.name.toLowerCase() === field.source.name.toLowerCase(),
          )
          if (named !== undefined && named.data_type !== field.source.data_type) {
            expect(field.targetId).toBeNull()
            expect(field.conflict).toBe(named)
          }
        }
      }),
    )
  })

  it("a kept link wins over a name, and linking again changes nothing (idempotent)", () => {
    fc.assert(
      fc.property(pair, ([source, target]) => {
        const once = copyLinks(source, target, emptyCopyLinks)
        const twice = copyLinks(source, target, once)
        expect([...twice.tags]).toEqual([...once.tags])
        expect([...twice.customFields]).toEqual([...once.customFields])
        expect([...twice.selectOptions]).toEqual([...once.selectOptions])
      }),
    )
  })

  it("a document's values point at the target's ids, never at a source id, with tag ancestors", () => {
    fc.assert(
      fc.property(pair, fc.subarray([0, 1, 2, 3, 4]), ([source, target], picks) => {
        const links = copyLinks(source, target, emptyCopyLinks)
        const tags = picks.flatMap((index) => source.tags[index]?.id ?? [])
        const mapped = paperlessDocumentToPaperlessCopy(
          {
            id: 1,
            title: "t",
            created: "2020-01-02T00:00:00Z",
            correspondent: source.correspondents[0]?.id ?? null,
            document_type: null,
            tags,
          },
          copyContext(source, links),
        ).document
        const targetTags = new Set(target.tags.map((tag) => tag.id))
        expect(mapped.tags.every((id) => targetTags.has(id))).toBe(true)
        // The source's ancestors travel: the linked parent of a carried tag is carried too.
        for (const id of tags) {
          const parent = source.tags.find((tag) => tag.id === id)?.parent
          const there = parent === null || parent === undefined ? undefined : links.tags.get(parent)
          if (links.tags.has(id) && there !== undefined) expect(mapped.tags).toContain(there)
        }
        expect(mapped.created).toBe("2020-01-02")
      }),
    )
  })

  it("a select value becomes the target's option of the same label, a document link waits for its document", () => {
    const field = (id: number, optionId: string): PaperlessCustomField => ({
      id,
      name: "Kind",
      data_type: "select",
      extra_data: { select_options: [{ id: optionId, label: "Bill" }] },
    })
    const links = (source: PaperlessDefinitions) => copyLinks(source, target, emptyCopyLinks)
    const source: PaperlessDefinitions = {
      tags: [],
      correspondents: [],
      documentTypes: [],
      storagePaths: [],
      customFields: [field(3, "src-opt"), { id: 4, name: "See", data_type: "documentlink" }],
    }
    const target: PaperlessDefinitions = {
      ...source,
      customFields: [field(30, "dst-opt"), { id: 40, name: "see", data_type: "documentlink" }],
    }
    const linked = { ...links(source), documents: new Map([[7, 70]]) }
    expect(linked.selectOptions.get(selectOptionKey(3, "src-opt"))).toBe("dst-opt")
    const mapped = paperlessDocumentToPaperlessCopy(
      {
        id: 1,
        title: "t",
        created: "2020-01-02",
        correspondent: null,
        document_type: null,
        tags: [],
        custom_fields: [
          { field: 3, value: "src-opt" },
          { field: 4, value: [7, 8] },
        ],
      },
      copyContext(source, linked),
    )
    expect(mapped.document.customFields).toEqual([
      { field: 30, value: "dst-opt" },
      { field: 40, value: [70] },
    ])
    expect(mapped.pendingRelations).toEqual([{ field: "custom field See", missing: [8] }])
  })
})
