/**
 * Paperless timestamps carry microseconds (`2026-11-23T18:00:12.435954Z`) and sync engines compare
 * them with `modified__gt`, which is strict on the µs value (`documents.list.modified__gt.exact-timestamp.json`).
 * The simulator therefore keeps times as integer microseconds since the epoch and never hands out
 * the same instant twice, so two saves are always distinguishable.
 */
export type Micros = number

export class Clock {
  private last: Micros = 0

  now(): Micros {
    const wall = Date.now() * 1000 + Math.floor((performance.now() % 1) * 1000)
    this.last = Math.max(wall, this.last + 1)
    return this.last
  }
}

export const formatMicros = (micros: Micros): string => {
  const millis = Math.floor(micros / 1000)
  const fraction = String(micros % 1_000_000).padStart(6, "0")
  return `${new Date(millis).toISOString().slice(0, 19)}.${fraction}Z`
}

export const todayUtc = (micros: Micros): string =>
  new Date(Math.floor(micros / 1000)).toISOString().slice(0, 10)

export const httpDate = (micros: Micros): string => new Date(Math.floor(micros / 1000)).toUTCString()

const isoDateTime =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/

const validCalendarDate = (year: number, month: number, day: number) => {
  const date = new Date(Date.UTC(year, month - 1, day))
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
}

/**
 * Parses what Django's DateTimeField filter accepts: a date, or a datetime with optional seconds,
 * fraction and offset (naive values are in the server zone, UTC). Returns µs since the epoch.
 */
export const parseDateTimeMicros = (raw: string): Micros | undefined => {
  const match = isoDateTime.exec(raw.trim())
  if (!match) return undefined
  const [, y, mo, d, h, mi, s, fraction, zone] = match
  const year = Number(y)
  const month = Number(mo)
  const day = Number(d)
  if (!validCalendarDate(year, month, day)) return undefined
  const hours = Number(h ?? 0)
  const minutes = Number(mi ?? 0)
  const seconds = Number(s ?? 0)
  if (hours > 23 || minutes > 59 || seconds > 59) return undefined
  let offsetMinutes = 0
  if (zone !== undefined && zone !== "Z") {
    const sign = zone.startsWith("-") ? -1 : 1
    const digits = zone.slice(1).replace(":", "")
    offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)))
  }
  const millis = Date.UTC(year, month - 1, day, hours, minutes, seconds) - offsetMinutes * 60_000
  const micros = Number((fraction ?? "").padEnd(6, "0"))
  return millis * 1000 + micros
}

/** `YYYY-MM-DD` only, as DRF's DateField accepts. */
export const parseDateOnly = (raw: string): string | undefined => {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw)
  if (!match) return undefined
  return validCalendarDate(Number(match[1]), Number(match[2]), Number(match[3])) ? raw : undefined
}

/**
 * `created` accepts a date or a datetime; a datetime is converted to the server zone (UTC) and
 * truncated (`2023-07-04T23:30:00-05:00` → `2023-07-05`, `documents.patch.created-datetime*.json`).
 */
export const parseCreated = (raw: string): string | undefined => {
  const dateOnly = parseDateOnly(raw)
  if (dateOnly !== undefined) return dateOnly
  if (!/[T ]\d{2}:\d{2}/.test(raw)) return undefined
  const micros = parseDateTimeMicros(raw)
  return micros === undefined ? undefined : todayUtc(micros)
}
