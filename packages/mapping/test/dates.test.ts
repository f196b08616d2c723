import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  dateOfInstant,
  formatCalendarDate,
  paperlessCreatedToPapra,
  papraDocumentDateToPaperless,
  parseCalendarDate,
  startOfDate,
} from "../src/index.js"

const zones = [
  "UTC",
  "Europe/Berlin",
  "America/New_York",
  "Pacific/Kiritimati",
  "Pacific/Pago_Pago",
  "Asia/Kathmandu",
  "America/Santiago",
  "Australia/Lord_Howe",
]

describe("dates", () => {
  it("a date becomes the midnight that starts it in the zone", () => {
    expect(paperlessCreatedToPapra("2024-03-12", "UTC")).toBe("2024-03-12T00:00:00.000Z")
    expect(paperlessCreatedToPapra("2024-01-01", "Europe/Berlin")).toBe("2023-12-31T23:00:00.000Z")
    expect(paperlessCreatedToPapra("2025-01-01", "Pacific/Kiritimati")).toBe("2024-12-31T10:00:00.000Z")
    expect(paperlessCreatedToPapra("2024-12-31", "America/New_York")).toBe("2024-12-31T05:00:00.000Z")
  })

  it("reads a v≤8 datetime `created` by its date", () => {
    expect(paperlessCreatedToPapra("2024-03-12T00:00:00+01:00", "UTC")).toBe("2024-03-12T00:00:00.000Z")
  })

  it("every date from year 1 to 9999 survives the trip in every zone", () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date("0001-01-01T00:00:00Z"),
          max: new Date("9999-12-31T00:00:00Z"),
          noInvalidDate: true,
        }),
        fc.constantFrom(...zones),
        (instant, zone) => {
          const date = instant.toISOString().slice(0, 10)
          const there = paperlessCreatedToPapra(date, zone)
          expect(there).toBeDefined()
          expect(papraDocumentDateToPaperless(there ?? "", zone)).toEqual({
            created: date,
            timeDropped: false,
          })
        },
      ),
      { numRuns: 300 },
    )
  })

  it("an instant with a time of day keeps its date in the zone and reports the dropped time", () => {
    expect(papraDocumentDateToPaperless("2023-07-05T04:30:00.000Z", "America/Chicago")).toEqual({
      created: "2023-07-04",
      timeDropped: true,
    })
    expect(papraDocumentDateToPaperless("2023-07-05T04:30:00.000Z", "UTC")).toEqual({
      created: "2023-07-05",
      timeDropped: true,
    })
  })

  it("a zone that skips midnight still starts the date on that date", () => {
    // Santiago moved clocks from 00:00 to 01:00 on 2022-09-11.
    const start = startOfDate({ year: 2022, month: 9, day: 11 }, "America/Santiago")
    expect(formatCalendarDate(dateOfInstant(start, "America/Santiago"))).toBe("2022-09-11")
    expect(start.toISOString()).toBe("2022-09-11T04:00:00.000Z")
  })

  it("refuses impossible dates", () => {
    expect(parseCalendarDate("2023-02-29")).toBeUndefined()
    expect(parseCalendarDate("31.12.2023")).toBeUndefined()
    expect(paperlessCreatedToPapra("2024-02-30", "UTC")).toBeUndefined()
    expect(parseCalendarDate("0001-01-01")).toEqual({ year: 1, month: 1, day: 1 })
  })
})
