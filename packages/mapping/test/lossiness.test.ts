import * as Either from "effect/Either"
import { describe, expect, it } from "vitest"
import { decodeMappingConfig, lossinessReport, mappingContext } from "../src/index.js"
import { paperlessDefinitions, papraDefinitions } from "./wire-samples.js"

describe("lossiness report, Paperless → Papra", () => {
  const report = Either.getOrThrow(
    lossinessReport(mappingContext({ paperless: paperlessDefinitions }), "paperless-to-papra"),
  )

  it("prints what the CLI shows before a run", () => {
    expect(report.lines).toEqual(
      expect.arrayContaining([
        '1 tag collides case-insensitively and is renamed: "finance" → "finance (2)"',
        'the inbox tag "Inbox" becomes an ordinary tag',
        '1 child tag becomes a full path ("Parent/Child")',
        "monetary values become text",
        '4 correspondents become options of the select property "Correspondent"',
        '1 name in "Correspondent" collides on Papra (same letters and digits) and is renamed: "acme corp" → "acme corp (2)"',
        "storage path templates are not carried, only their names",
        "tag auto-matching rules (match, algorithm) are not carried",
      ]),
    )
  })

  it("says per field how each custom field fares", () => {
    const fidelity = Object.fromEntries(
      report.entries
        .filter((entry) => entry.entity === "custom field")
        .map((entry) => [entry.name, entry.fidelity]),
    )
    expect(fidelity).toEqual({
      "CF boolean": "exact",
      "CF date": "exact",
      "CF documentlink": "exact",
      "CF float": "exact",
      "CF integer": "exact",
      "CF longtext": "exact",
      "CF monetary": "transformed",
      "CF monetary EUR": "transformed",
      "CF select": "exact",
      "CF string": "exact",
      "CF url": "transformed",
    })
    expect(report.entries).toContainEqual(
      expect.objectContaining({ entity: "document", field: "owner", fidelity: "lost" }),
    )
    expect(report.entries).toContainEqual(
      expect.objectContaining({ entity: "tag", name: "Inbox", field: "is_inbox_tag", fidelity: "lost" }),
    )
  })

  it("says what the number mode for money loses", () => {
    const config = Either.getOrThrow(decodeMappingConfig({ monetary: "number" }))
    const numbers = Either.getOrThrow(
      lossinessReport(mappingContext({ paperless: paperlessDefinitions, config }), "paperless-to-papra"),
    )
    expect(numbers.lines).toContain(
      'monetary field "CF monetary" becomes a number: currency codes are dropped',
    )
    expect(numbers.lines).not.toContain("monetary values become text")
  })

  it("counts what is reused on a non-empty target", () => {
    const config = Either.getOrThrow(decodeMappingConfig({ tags: { hierarchy: "leaf" } }))
    const paperless = {
      ...paperlessDefinitions,
      customFields: [{ id: 1, name: "Amount", data_type: "float" as const }],
    }
    const reused = Either.getOrThrow(
      lossinessReport(mappingContext({ paperless, papra: papraDefinitions, config }), "paperless-to-papra"),
    )
    // "Invoices" (Papra has it) and "Amount" (Papra has a number property of that name).
    expect(reused.lines).toContain("2 definitions already exist on Papra and will be reused")
  })

  it("fails with the config error instead of a report when the config cannot apply", () => {
    const config = Either.getOrThrow(decodeMappingConfig({ customFields: { "CF url": { type: "number" } } }))
    const result = lossinessReport(
      mappingContext({ paperless: paperlessDefinitions, config }),
      "paperless-to-papra",
    )
    expect(Either.isLeft(result) && result.left.entry).toBe('customFields["CF url"]')
  })
})

describe("lossiness report, Papra → Paperless", () => {
  const report = Either.getOrThrow(
    lossinessReport(mappingContext({ papra: papraDefinitions }), "papra-to-paperless"),
  )

  it("names what Paperless cannot hold", () => {
    expect(report.lines).toEqual(
      expect.arrayContaining([
        "1 tag description is dropped (Paperless tags have none)",
        'property "Categories": multi-select values become one option name per line (Paperless has no multi-select)',
        'property "Owner": users become "Name <email>" lines; the user links are gone and do not come back',
      ]),
    )
    expect(report.entries).toContainEqual(
      expect.objectContaining({ entity: "property", name: "Amount", fidelity: "exact" }),
    )
  })
})
