import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  decodeMappingConfig,
  LIMITS,
  mappingContext,
  PaperlessDefinitions,
  type PaperlessTag,
  PapraDefinitions,
  papraPropertyOptionsUpdate,
  papraTagKey,
  papraTagNameRules,
  planPaperlessDefinitions,
  planPapraDefinitions,
  resolveNames,
} from "../src/index.js"
import { migrateDefinitionsToPaperless, migrateDefinitionsToPapra } from "./sides.js"
import { paperlessDefinitions, papraDefinitions } from "./wire-samples.js"

const planToPapra = (...args: Parameters<typeof mappingContext>) =>
  Either.getOrThrow(planPapraDefinitions(mappingContext(...args)))

describe("definition shapes", () => {
  it("decode the recorded wire shapes", () => {
    expect(Either.isRight(Schema.decodeUnknownEither(PaperlessDefinitions)(paperlessDefinitions))).toBe(true)
    expect(Either.isRight(Schema.decodeUnknownEither(PapraDefinitions)(papraDefinitions))).toBe(true)
  })
})

describe("Paperless tags → Papra tags", () => {
  it("writes a child as its full path, colours upper-case, and keeps the inbox flag in the plan", () => {
    const plan = planToPapra({ paperless: paperlessDefinitions })
    const byId = new Map(
      plan.tags.flatMap((tag) => (tag.source.kind === "tag" ? [[tag.source.paperlessId, tag]] : [])),
    )
    expect(byId.get(3)?.name).toBe("Finance/Invoices")
    expect(byId.get(2)?.color).toBe("#00FF00")
    expect(byId.get(1)?.isInbox).toBe(true)
    expect(byId.get(7)?.name).toBe("Steuer 2024 – Grüße ✓")
  })

  it("writes only the leaf name in leaf mode", () => {
    const config = Either.getOrThrow(decodeMappingConfig({ tags: { hierarchy: "leaf" } }))
    const plan = planToPapra({ paperless: paperlessDefinitions, config })
    expect(plan.tags.find((tag) => tag.source.paperlessId === 3 && tag.source.kind === "tag")?.name).toBe(
      "Invoices",
    )
  })

  it("resolves Finance/finance deterministically: the lower id keeps the name", () => {
    const plan = planToPapra({ paperless: paperlessDefinitions })
    const finance = plan.tags.filter(
      (tag) => tag.source.kind === "tag" && (tag.source.paperlessId === 2 || tag.source.paperlessId === 6),
    )
    expect(finance.map((tag) => [tag.source.paperlessId, tag.name])).toEqual([
      [2, "Finance"],
      [6, "finance (2)"],
    ])
    expect(finance[1]?.renamed?.collidedWith).toBe("Finance")
    // Same input in another order, same outcome.
    const shuffled = planToPapra({
      paperless: { ...paperlessDefinitions, tags: [...paperlessDefinitions.tags].reverse() },
    })
    expect(shuffled.tags.map((tag) => tag.name).sort()).toEqual(plan.tags.map((tag) => tag.name).sort())
  })

  it("never gives two Papra tags names that collide case-insensitively or exceed 64 characters", () => {
    const name = fc.oneof(
      fc.string({ maxLength: 130 }),
      fc.constantFrom("Tax", "tax", "TAX", "🧾", "Ü", "ü", "x".repeat(128)),
    )
    fc.assert(
      fc.property(
        fc.array(fc.record({ name, parentIndex: fc.option(fc.nat(20), { nil: null }) }), { maxLength: 25 }),
        (specs) => {
          const tags: Array<PaperlessTag> = specs.map((spec, index) => ({
            id: index + 1,
            name: spec.name,
            color: "#a6cee3",
            parent: spec.parentIndex === null || spec.parentIndex >= index ? null : spec.parentIndex + 1,
          }))
          const plan = planToPapra({ paperless: { ...paperlessDefinitions, tags, correspondents: [] } })
          const keys = plan.tags.map((tag) => papraTagKey(tag.name))
          expect(new Set(keys).size).toBe(keys.length)
          for (const tag of plan.tags) {
            expect(tag.name.length).toBeLessThanOrEqual(LIMITS.papraTagName)
            expect(tag.name.trim()).not.toBe("")
            expect(tag.name.trim()).toBe(tag.name)
          }
        },
      ),
    )
  })

  it("cuts a 128-character name to 64 without splitting an emoji and marks the cut", () => {
    const [resolved] = resolveNames(
      [{ id: 1, name: `${"a".repeat(62)}🧾${"b".repeat(64)}` }],
      papraTagNameRules,
    )
    expect(resolved?.name).toBe(`${"a".repeat(62)}…`)
    expect(resolved?.cut).toBe(true)
  })

  it("reuses an existing Papra tag with the same name in another case", () => {
    const plan = planToPapra({ paperless: paperlessDefinitions, papra: papraDefinitions })
    const invoices = plan.tags.find((tag) => tag.name.toLowerCase() === "invoices")
    expect(invoices).toBeUndefined()
    const leaf = Either.getOrThrow(decodeMappingConfig({ tags: { hierarchy: "leaf" } }))
    const leafPlan = planToPapra({ paperless: paperlessDefinitions, papra: papraDefinitions, config: leaf })
    expect(leafPlan.tags.find((tag) => tag.name === "Invoices")?.existingId).toBe(
      "tag_bi8zu2l4j1qoj5wnu6u6azn5",
    )
  })

  it("prefixes classifier tags in tag mode and keeps them apart from ordinary tags", () => {
    const config = Either.getOrThrow(decodeMappingConfig({ correspondent: { as: "tag" } }))
    const plan = planToPapra({ paperless: paperlessDefinitions, config })
    const names = plan.tags.filter((tag) => tag.source.kind === "correspondent").map((tag) => tag.name)
    expect(names).toEqual([
      "Correspondent: ACME Corp",
      "Correspondent: Sparkasse",
      "Correspondent: Bäckerei Müller",
      "Correspondent: acme corp (2)",
    ])
    expect(plan.properties.find((property) => property.name === "Correspondent")).toBeUndefined()
  })
})

describe("classifiers and custom fields → Papra properties", () => {
  it("makes one select property per classifier whose options are the names, collisions renamed", () => {
    const plan = planToPapra({ paperless: paperlessDefinitions })
    const correspondent = plan.properties.find((property) => property.source.kind === "correspondent")
    expect(correspondent?.type).toBe("select")
    expect(correspondent?.options.map((option) => option.name)).toEqual([
      "ACME Corp",
      "Sparkasse",
      "Bäckerei Müller",
      "acme corp (2)",
    ])
    expect(plan.properties.find((property) => property.source.kind === "asn")).toMatchObject({
      name: "ASN",
      type: "number",
    })
  })

  it("maps every Paperless field type to its default Papra type", () => {
    const plan = planToPapra({ paperless: paperlessDefinitions })
    const types = Object.fromEntries(plan.properties.map((property) => [property.name, property.type]))
    expect(types).toMatchObject({
      "CF boolean": "boolean",
      "CF date": "date",
      "CF documentlink": "document_relation",
      "CF float": "number",
      "CF integer": "number",
      "CF longtext": "text",
      "CF monetary": "text",
      "CF select": "select",
      "CF string": "text",
      "CF url": "text",
    })
    expect(
      plan.properties.find((property) => property.name === "CF select")?.options.map((option) => option.name),
    ).toEqual(["Open", "Paid", "Overdue"])
  })

  it("reuses an existing property of a compatible type and only adds its missing options", () => {
    const paperless = {
      ...paperlessDefinitions,
      customFields: [
        {
          id: 1,
          name: "Status",
          data_type: "select" as const,
          extra_data: {
            select_options: [
              { id: "aaaaaaaaaaaaaaaa", label: "Open" },
              { id: "bbbbbbbbbbbbbbbb", label: "Waiting" },
            ],
          },
        },
        { id: 2, name: "Amount", data_type: "integer" as const, extra_data: null },
      ],
    }
    const plan = planToPapra({ paperless, papra: papraDefinitions })
    const status = plan.properties.find((property) => property.name === "Status")
    expect(status?.existingId).toBe("cpd_m5qgh3b7614uapfsvpomzub4")
    expect(status?.options.map((option) => [option.name, option.existingId])).toEqual([
      ["Open", "cpso_jpwkj5cqd88c5xjx1kt2zwj4"],
      ["Waiting", null],
    ])
    const existing = papraDefinitions.properties.find((property) => property.name === "Status")
    expect(status && existing && papraPropertyOptionsUpdate(status, existing)).toEqual({
      name: "Status",
      options: [
        { id: "cpso_jpwkj5cqd88c5xjx1kt2zwj4", name: "Open" },
        { id: "cpso_zp67zgfwps0ektz0isgyjm33", name: "Closed" },
        { name: "Waiting" },
      ],
    })
    expect(plan.properties.find((property) => property.name === "Amount")?.existingId).toBe(
      "cpd_al7gktvo1ocr91z1578qj4iu",
    )
  })

  it("does not reuse a property of an incompatible type and says why", () => {
    const paperless = {
      ...paperlessDefinitions,
      customFields: [{ id: 1, name: "Paid", data_type: "date" as const, extra_data: null }],
    }
    const plan = planToPapra({ paperless, papra: papraDefinitions })
    expect(plan.properties.find((property) => property.name === "Paid")).toBeUndefined()
    expect(plan.skipped).toEqual([
      expect.objectContaining({ name: "Paid", reason: expect.stringContaining("boolean property") }),
    ])
  })

  it("links everything it created so a second plan creates nothing", () => {
    const context = migrateDefinitionsToPapra(paperlessDefinitions, papraDefinitions)
    const again = Either.getOrThrow(planPapraDefinitions(context))
    expect(again.tags.filter((tag) => tag.existingId === null)).toEqual([])
    expect(again.properties.filter((property) => property.existingId === null)).toEqual([])
    expect(
      again.properties.flatMap((property) => property.options).filter((option) => option.existingId === null),
    ).toEqual([])
    expect(context.links.tags).toHaveLength(paperlessDefinitions.tags.length)
    expect(context.links.correspondents).toHaveLength(paperlessDefinitions.correspondents.length)
    expect(context.links.selectOptions).toHaveLength(3)
  })

  it("keeps a renamed option linked by id", () => {
    const context = migrateDefinitionsToPapra(paperlessDefinitions, { tags: [], properties: [] })
    const renamed = {
      ...context.paperless,
      customFields: context.paperless.customFields.map((field) =>
        field.id === 11
          ? {
              ...field,
              extra_data: { select_options: [{ id: "kSOmpLX79cufnbq0", label: "Open (renamed)" }] },
            }
          : field,
      ),
    }
    const plan = Either.getOrThrow(
      planPapraDefinitions(
        mappingContext({ paperless: renamed, papra: context.papra, links: context.links }),
      ),
    )
    const select = plan.properties.find((property) => property.original === "CF select")
    expect(select?.existingId).not.toBeNull()
    // The renamed label has no Papra option of that name yet: the engine adds it.
    expect(select?.options.find((option) => option.source === "kSOmpLX79cufnbq0")?.name).toBe(
      "Open (renamed)",
    )
  })
})

describe("Papra definitions → Paperless", () => {
  it("rebuilds the hierarchy from paths, parents first", () => {
    const papra = {
      tags: [
        { id: "tag_1", name: "Work/Projects/Alpha", color: "#AA00AA" },
        { id: "tag_2", name: "Work", color: "#00FF00" },
      ],
      properties: [],
    }
    const plan = Either.getOrThrow(planPaperlessDefinitions(mappingContext({ papra })))
    expect(
      plan.tags.map((tag) => [
        tag.name,
        tag.parentKey === null ? null : tag.parentKey.split("\u0000").at(-1),
        tag.papraId,
        tag.color,
      ]),
    ).toEqual([
      ["Work", null, "tag_2", "#00ff00"],
      ["Projects", "Work", null, "#a6cee3"],
      ["Alpha", "Projects", "tag_1", "#aa00aa"],
    ])
  })

  it("renames leaves that would share a Paperless name", () => {
    const papra = {
      tags: [
        { id: "tag_1", name: "Home/Misc" },
        { id: "tag_2", name: "Work/Misc" },
      ],
      properties: [],
    }
    const plan = Either.getOrThrow(planPaperlessDefinitions(mappingContext({ papra })))
    expect(plan.tags.map((tag) => tag.name)).toEqual(["Home", "Misc", "Work", "Misc (2)"])
  })

  it("turns properties into fields with their default types and the classifier property into correspondents", () => {
    const papra = {
      ...papraDefinitions,
      properties: [
        ...papraDefinitions.properties,
        {
          id: "cpd_corr",
          name: "Correspondent",
          type: "select" as const,
          options: [{ id: "cpso_a", name: "ACME" }],
        },
        { id: "cpd_asn", name: "ASN", type: "number" as const, options: [] },
      ],
    }
    const plan = Either.getOrThrow(planPaperlessDefinitions(mappingContext({ papra })))
    expect(Object.fromEntries(plan.customFields.map((field) => [field.name, field.dataType]))).toEqual({
      "Invoice reference": "longtext",
      Amount: "float",
      "Due date": "date",
      Paid: "boolean",
      Status: "select",
      Categories: "longtext",
      "Related documents": "documentlink",
      Owner: "longtext",
    })
    expect(plan.classifiers).toEqual([
      { kind: "correspondent", name: "ACME", source: "cpso_a", existingId: null },
    ])
  })

  it("links what it created so that a second plan creates nothing", () => {
    const context = migrateDefinitionsToPaperless(papraDefinitions, {
      tags: [],
      correspondents: [],
      documentTypes: [],
      storagePaths: [],
      customFields: [],
    })
    const again = Either.getOrThrow(planPaperlessDefinitions(context))
    expect(again.tags.filter((tag) => tag.existingId === null)).toEqual([])
    expect(again.customFields.filter((field) => field.existingId === null)).toEqual([])
  })
})
