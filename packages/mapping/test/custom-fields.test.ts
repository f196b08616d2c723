import { describe, expect, it } from "vitest"
import {
  fieldValueToPapra,
  isMonetary,
  type PaperlessCustomField,
  type PapraPropertyDefinition,
  propertyValueToPaperless,
} from "../src/index.js"

const field = (
  data_type: PaperlessCustomField["data_type"],
  extra: Partial<PaperlessCustomField> = {},
): PaperlessCustomField => ({
  id: 1,
  name: `CF ${data_type}`,
  data_type,
  extra_data: null,
  ...extra,
})
const property = (
  type: PapraPropertyDefinition["type"],
  options: PapraPropertyDefinition["options"] = [],
): PapraPropertyDefinition => ({
  id: "cpd_1",
  name: `P ${type}`,
  type,
  options,
})
const noLinks = { optionLink: () => undefined, documentLink: () => undefined }
const toPapra = (raw: unknown, from: PaperlessCustomField, to: PapraPropertyDefinition) =>
  fieldValueToPapra(raw, { field: from, property: to, ...noLinks })
const toPaperless = (raw: unknown, from: PapraPropertyDefinition, to: PaperlessCustomField) =>
  propertyValueToPaperless(raw, { property: from, field: to, ...noLinks })

describe("monetary", () => {
  it("as text keeps every accepted form exactly, negative amounts too", () => {
    for (const value of ["EUR12.50", "12.50", "-5.00", "EUR-5.00", "1234", "12.5", ""]) {
      const there = toPapra(value, field("monetary"), property("text"))
      expect(there).toEqual({ _tag: "Value", value })
      expect(toPaperless(value, property("text"), field("monetary"))).toEqual({ _tag: "Value", value })
    }
  })

  it("as a number drops a currency code that is not the field's default, and says so", () => {
    expect(toPapra("EUR12.50", field("monetary"), property("number"))).toEqual({
      _tag: "Value",
      value: 12.5,
      loss: { fidelity: "lost", reason: "currency EUR dropped from EUR12.50" },
    })
    expect(toPaperless(12.5, property("number"), field("monetary"))).toEqual({
      _tag: "Value",
      value: "12.50",
    })
  })

  it("as a number keeps the default currency and negative amounts", () => {
    const eur = field("monetary", { extra_data: { default_currency: "EUR" } })
    expect(toPapra("EUR-1234.56", eur, property("number"))).toEqual({ _tag: "Value", value: -1234.56 })
    expect(toPaperless(-1234.56, property("number"), eur)).toEqual({ _tag: "Value", value: "EUR-1234.56" })
  })

  it("as a number rewrites a bare amount in two-decimal form, and says so", () => {
    expect(toPapra("12.5", field("monetary"), property("number"))).toMatchObject({
      value: 12.5,
      loss: { fidelity: "transformed", reason: "12.5 comes back as 12.50" },
    })
  })

  it("refuses text that Paperless would refuse", () => {
    expect(toPaperless("twelve euros", property("text"), field("monetary"))).toMatchObject({
      _tag: "Unset",
      loss: { fidelity: "lost" },
    })
    expect(isMonetary("EUR1234")).toBe(false)
    expect(isMonetary("eur12.50")).toBe(false)
    expect(toPaperless(12.345, property("number"), field("monetary"))).toMatchObject({
      value: "12.35",
      loss: { fidelity: "lost" },
    })
  })
})

describe("limits", () => {
  it("cuts Papra text longer than a Paperless string field's 128 characters", () => {
    const long = "é".repeat(200)
    expect(toPaperless(long, property("text"), field("string"))).toEqual({
      _tag: "Value",
      value: "é".repeat(128),
      loss: { fidelity: "lost", reason: "text cut from 200 to 128 characters" },
    })
  })

  it("cuts Paperless long text beyond Papra's 10,000 characters", () => {
    expect(toPapra("x".repeat(10_001), field("longtext"), property("text"))).toMatchObject({
      value: "x".repeat(10_000),
      loss: { fidelity: "lost" },
    })
  })

  it("refuses numbers a 32-bit Paperless integer cannot hold", () => {
    expect(toPaperless(2 ** 40, property("number"), field("integer"))).toMatchObject({
      _tag: "Unset",
      loss: { reason: "1099511627776 is not a 32-bit integer" },
    })
    expect(toPaperless(1.5, property("number"), field("integer"))).toMatchObject({
      _tag: "Unset",
      loss: { fidelity: "lost" },
    })
    expect(toPaperless(2 ** 31 - 1, property("number"), field("integer"))).toEqual({
      _tag: "Value",
      value: 2147483647,
    })
  })

  it("keeps very large and tiny floats", () => {
    for (const value of [1e308, -1e308, 5e-324, Number.MAX_SAFE_INTEGER + 2]) {
      expect(toPapra(value, field("float"), property("number"))).toEqual({ _tag: "Value", value })
      expect(toPaperless(value, property("number"), field("float"))).toEqual({ _tag: "Value", value })
    }
  })
})

describe("what Papra has and Paperless has not", () => {
  const categories = property("multi_select", [
    { id: "cpso_tax", name: "Tax" },
    { id: "cpso_util", name: "Utilities" },
  ])

  it("multi-select becomes one option name per line, and comes back", () => {
    const there = toPaperless(
      [
        { optionId: "cpso_tax", name: "Tax" },
        { optionId: "cpso_util", name: "Utilities" },
      ],
      categories,
      field("longtext"),
    )
    expect(there).toEqual({ _tag: "Value", value: "Tax\nUtilities" })
    expect(toPapra("Tax\nUtilities", field("longtext"), categories)).toEqual({
      _tag: "Value",
      value: ["cpso_tax", "cpso_util"],
    })
    expect(toPapra("Tax\nGone", field("longtext"), categories)).toMatchObject({
      value: ["cpso_tax"],
      loss: { fidelity: "lost" },
    })
  })

  it("user relations become names, and the users are lost both ways", () => {
    const owner = property("user_relation")
    const there = toPaperless(
      [{ userId: "usr_1", name: "API Tester", email: "tester@example.com" }],
      owner,
      field("longtext"),
    )
    expect(there).toEqual({
      _tag: "Value",
      value: "API Tester <tester@example.com>",
      loss: { fidelity: "lost", reason: "users become their names as text; the user links are gone" },
    })
    expect(toPapra("API Tester <tester@example.com>", field("longtext"), owner)).toMatchObject({
      _tag: "Unset",
      loss: { fidelity: "lost" },
    })
  })

  it("a date property's time of day is dropped on the way to Paperless", () => {
    expect(toPaperless("2026-02-28T15:30:00.000Z", property("date"), field("date"))).toEqual({
      _tag: "Value",
      value: "2026-02-28",
      loss: { fidelity: "lost", reason: "time of day dropped from 2026-02-28T15:30:00.000Z" },
    })
  })
})

describe("select options", () => {
  const paperlessSelect = field("select", {
    extra_data: {
      select_options: [
        { id: "kSOmpLX79cufnbq0", label: "Open (renamed)" },
        { id: "2Fc7TOwVbnfNrrgA", label: "Paid" },
      ],
    },
  })
  const papraSelect = property("select", [
    { id: "cpso_open", name: "Open" },
    { id: "cpso_paid", name: "Paid" },
  ])

  it("follow the option link after a rename on either side", () => {
    const linked = {
      optionLink: (id: string) => ({ kSOmpLX79cufnbq0: "cpso_open", cpso_open: "kSOmpLX79cufnbq0" })[id],
      documentLink: () => undefined,
    }
    expect(
      fieldValueToPapra("kSOmpLX79cufnbq0", { field: paperlessSelect, property: papraSelect, ...linked }),
    ).toEqual({ _tag: "Value", value: "cpso_open" })
    expect(
      propertyValueToPaperless(
        { optionId: "cpso_open", name: "Open" },
        { field: paperlessSelect, property: papraSelect, ...linked },
      ),
    ).toEqual({
      _tag: "Value",
      value: "kSOmpLX79cufnbq0",
    })
  })

  it("fall back to the option name when not linked", () => {
    expect(toPapra("2Fc7TOwVbnfNrrgA", paperlessSelect, papraSelect)).toEqual({
      _tag: "Value",
      value: "cpso_paid",
    })
    expect(toPapra("kSOmpLX79cufnbq0", paperlessSelect, papraSelect)).toMatchObject({
      _tag: "Unset",
      loss: { fidelity: "lost" },
    })
  })

  it("lose a value whose option was removed (Paperless nulls it later, asynchronously)", () => {
    expect(toPapra("pCHTIP1k7uaVRsJK", paperlessSelect, papraSelect)).toMatchObject({
      _tag: "Unset",
      loss: { fidelity: "lost", reason: 'option pCHTIP1k7uaVRsJK no longer exists on field "CF select"' },
    })
  })

  it("read a double-wrapped 2.20 label", () => {
    const wrapped = field("select", {
      extra_data: { select_options: [{ id: "i4KqKMXaPLhaTzdi", label: { label: "Low" } }] },
    })
    expect(toPapra("i4KqKMXaPLhaTzdi", wrapped, property("text"))).toEqual({ _tag: "Value", value: "Low" })
  })
})

describe("empty values", () => {
  it("an attached but empty Paperless field becomes an unset property", () => {
    expect(toPapra(null, field("string"), property("text"))).toEqual({
      _tag: "Unset",
      loss: { fidelity: "transformed", reason: "an attached but empty field becomes an unset property" },
    })
  })

  it("an empty string stays an empty string", () => {
    expect(toPapra("", field("string"), property("text"))).toEqual({ _tag: "Value", value: "" })
    expect(toPaperless("", property("text"), field("string"))).toEqual({ _tag: "Value", value: "" })
  })
})
