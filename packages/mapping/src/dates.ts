/**
 * Paperless `created` is a calendar date (`YYYY-MM-DD`, v9 and v10; a datetime sent in is converted
 * to server time and truncated: paperless-server-behaviour.md). Papra `documentDate` is an instant
 * (`2026-01-15T00:00:00.000Z`, papra `documents.get.with-custom-properties.json`). A date becomes the
 * midnight that starts it in the configured time zone, and an instant becomes the date it falls on
 * in that zone, so a date survives Paperless → Papra → Paperless in any zone.
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/

export interface CalendarDate {
  readonly year: number
  readonly month: number
  readonly day: number
}

export const parseCalendarDate = (text: string): CalendarDate | undefined => {
  const match = DATE.exec(text)
  if (match === null) return undefined
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const probe = utcInstant(year, month, day)
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() + 1 !== month || probe.getUTCDate() !== day) {
    return undefined
  }
  return { year, month, day }
}

export const formatCalendarDate = ({ year, month, day }: CalendarDate): string =>
  `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`

// `Date.UTC` maps years 0–99 onto 1900–1999, so the year is set separately.
const utcInstant = (year: number, month: number, day: number, ms = 0): Date => {
  const instant = new Date(ms)
  instant.setUTCFullYear(year, month - 1, day)
  return instant
}

const formatters = new Map<string, Intl.DateTimeFormat>()

const formatterFor = (timeZone: string): Intl.DateTimeFormat => {
  const cached = formatters.get(timeZone)
  if (cached !== undefined) return cached
  const created = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    era: "short",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  })
  formatters.set(timeZone, created)
  return created
}

interface WallClock extends CalendarDate {
  readonly hour: number
  readonly minute: number
  readonly second: number
}

const wallClock = (instant: Date, timeZone: string): WallClock => {
  const parts = new Map(
    formatterFor(timeZone)
      .formatToParts(instant)
      .map((part) => [part.type, part.value]),
  )
  const yearOfEra = Number(parts.get("year"))
  const year = parts.get("era") === "BC" || parts.get("era") === "B" ? 1 - yearOfEra : yearOfEra
  return {
    year,
    month: Number(parts.get("month")),
    day: Number(parts.get("day")),
    hour: Number(parts.get("hour")),
    minute: Number(parts.get("minute")),
    second: Number(parts.get("second")),
  }
}

/** Offset of `timeZone` from UTC at `instant`, in milliseconds. */
const offsetAt = (instant: Date, timeZone: string): number => {
  const local = wallClock(instant, timeZone)
  const asUtc =
    utcInstant(local.year, local.month, local.day).getTime() +
    ((local.hour * 60 + local.minute) * 60 + local.second) * 1000
  return asUtc - (instant.getTime() - instant.getUTCMilliseconds())
}

/** The instant at which `date` begins in `timeZone` (the first instant of that date where midnight is skipped). */
export const startOfDate = (date: CalendarDate, timeZone: string): Date => {
  const midnightUtc = utcInstant(date.year, date.month, date.day).getTime()
  let guess = midnightUtc - offsetAt(new Date(midnightUtc), timeZone)
  guess = midnightUtc - offsetAt(new Date(guess), timeZone)
  // A zone that skips midnight on this date (a DST jump at 00:00) has no such instant: step forward
  // to the first instant that lies on the date.
  const onDate = (instant: number) => {
    const local = wallClock(new Date(instant), timeZone)
    return local.year === date.year && local.month === date.month && local.day === date.day
  }
  while (!onDate(guess)) guess += 15 * 60 * 1000
  while (onDate(guess - 15 * 60 * 1000)) guess -= 15 * 60 * 1000
  return new Date(guess)
}

export const dateOfInstant = (instant: Date, timeZone: string): CalendarDate => {
  const { year, month, day } = wallClock(instant, timeZone)
  return { year, month, day }
}

export const toIsoInstant = (instant: Date): string => instant.toISOString()

export const parseInstant = (text: string): Date | undefined => {
  const instant = new Date(text)
  return Number.isNaN(instant.getTime()) ? undefined : instant
}

/** Paperless `created` → Papra `documentDate`. Versions ≤ 8 gave a datetime at local midnight: its date part is the date. */
export const paperlessCreatedToPapra = (created: string, timeZone: string): string | undefined => {
  const date = parseCalendarDate(created.slice(0, 10))
  return date === undefined ? undefined : toIsoInstant(startOfDate(date, timeZone))
}

export interface PapraDateToPaperless {
  readonly created: string
  /** True when the instant was not the start of its date in the zone: the time of day is dropped. */
  readonly timeDropped: boolean
}

/** Papra `documentDate` → Paperless `created`. */
export const papraDocumentDateToPaperless = (
  documentDate: string,
  timeZone: string,
): PapraDateToPaperless | undefined => {
  const instant = parseInstant(documentDate)
  if (instant === undefined) return undefined
  const date = dateOfInstant(instant, timeZone)
  return {
    created: formatCalendarDate(date),
    timeDropped: startOfDate(date, timeZone).getTime() !== instant.getTime(),
  }
}

/**
 * Papra stores a `date` property value as UTC midnight ("2026-02-28" came back as
 * "2026-02-28T00:00:00.000Z", papra-server-behaviour.md), whatever the zone: read its UTC date.
 */
export const papraDateValueToPaperless = (value: string): PapraDateToPaperless | undefined => {
  const instant = parseInstant(value)
  if (instant === undefined) return undefined
  const date = dateOfInstant(instant, "UTC")
  return {
    created: formatCalendarDate(date),
    timeDropped: startOfDate(date, "UTC").getTime() !== instant.getTime(),
  }
}
