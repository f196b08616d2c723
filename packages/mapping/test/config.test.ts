import * as Either from "effect/Either"
import * as JSONSchema from "effect/JSONSchema"
import { describe, expect, it } from "vitest"
import {
  decodeMappingConfig,
  defaultMappingConfig,
  MappingConfig,
  type MappingConfigError,
  mappingContext,
  planPaperlessDefinitions,
  planPapraDefinitions,
} from "../src/index.js"
import { paperlessDefinitions, papraDefinitions } from "./wire-samples.js"

const errorOf = <A>(either: Either.Either<A, MappingConfigError>): MappingConfigError => {
  if (Either.isRight(either)) throw new Error("expected a config error")
  return either.left
}

describe("mapping config", () => {
  it("fills in the issue's defaults from an empty config", () => {
    expect(defaultMappingConfig).toMatchObject({
      tags: { hierarchy: "path", separator: "/" },
      correspondent: { as: "property", name: "Correspondent" },
      documentType: { as: "property", name: "Document type" },
      storagePath: { as: "property", name: "Storage path" },
      asn: { as: "property", name: "ASN" },
      monetary: "text",
      timeZone: "UTC",
    })
  })

  it("rejects an unknown property type and names the entry", () => {
    const error = errorOf(decodeMappingConfig({ customFields: { Amount: { type: "currency" } } }))
    expect(error.entry).toBe('customFields["Amount"].type')
    expect(error.message).toContain('customFields["Amount"].type')
  })

  it("rejects two fields mapped onto one property with different types, naming both", () => {
    const error = errorOf(
      decodeMappingConfig({
        customFields: {
          "Total net": { property: "Total", type: "number" },
          "Total text": { property: "Total", type: "text" },
        },
      }),
    )
    expect(error.entry).toBe('customFields["Total text"]')
    expect(error.message).toContain('customFields["Total net"]')
    expect(error.message).toContain('"Total"')
  })

  it("rejects a field mapped onto the correspondent property", () => {
    const error = errorOf(decodeMappingConfig({ customFields: { Sender: { property: "Correspondent" } } }))
    expect(error.entry).toBe('customFields["Sender"]')
    expect(error.message).toContain("correspondent")
  })

  it("rejects a typo'd key instead of ignoring it", () => {
    const error = errorOf(decodeMappingConfig({ tags: { hierachy: "leaf" } }))
    expect(error.entry).toBe("tags.hierachy")
  })

  it("rejects an unknown time zone and an unknown mode", () => {
    expect(errorOf(decodeMappingConfig({ timeZone: "Mars/Olympus" })).entry).toBe("timeZone")
    expect(errorOf(decodeMappingConfig({ correspondent: { as: "label" } })).entry).toBe("correspondent.as")
  })

  it("rejects, once the fields are known, a type a field cannot become", () => {
    const config = Either.getOrThrow(
      decodeMappingConfig({ customFields: { "CF boolean": { type: "date" } } }),
    )
    const error = errorOf(planPapraDefinitions(mappingContext({ paperless: paperlessDefinitions, config })))
    expect(error.entry).toBe('customFields["CF boolean"]')
    expect(error.message).toContain("boolean field cannot become a date property")
  })

  it("rejects, once the fields are known, two fields of different types onto one property", () => {
    const config = Either.getOrThrow(
      decodeMappingConfig({
        customFields: { "CF integer": { property: "Amount" }, "CF string": { property: "Amount" } },
      }),
    )
    const error = errorOf(planPapraDefinitions(mappingContext({ paperless: paperlessDefinitions, config })))
    expect(error.entry).toBe('customFields["CF integer"]')
    expect(error.message).toContain('customFields["CF string"]')
  })

  it("rejects a Papra property sent to a Paperless type that cannot hold it", () => {
    const config = Either.getOrThrow(
      decodeMappingConfig({ properties: { Paid: { dataType: "documentlink" } } }),
    )
    const error = errorOf(planPaperlessDefinitions(mappingContext({ papra: papraDefinitions, config })))
    expect(error.entry).toBe('properties["Paid"]')
  })

  it("accepts overrides that agree", () => {
    const decoded = decodeMappingConfig({
      monetary: "number",
      customFields: { A: { property: "Sum", type: "number" }, B: { property: "Sum", type: "number" } },
      properties: { Owner: { skip: true } },
    })
    expect(Either.isRight(decoded)).toBe(true)
  })
})

describe("mapping config JSON Schema", () => {
  it("can be generated for editor completion, with the modes described", () => {
    const schema = JSONSchema.make(MappingConfig)
    const text = JSON.stringify(schema)
    expect(text).toContain('"enum":["path","leaf"]')
    expect(text).toContain("drops the currency code")
    expect(text).toContain('"additionalProperties":false')
  })
})
