import { invalidRequest, malformedJson, type PapraError, type ValidationIssue } from "./errors.js"

/**
 * Just enough of valibot's behaviour and wording to answer Papra's validation errors word for word
 * (`server.invalid_request.*`, fixtures such as documents.update.unknown-field.json).
 */

/** How valibot prints a received value inside its messages. */
export const received = (value: unknown): string => {
  if (typeof value === "string") return `"${value}"`
  if (value === null || value === undefined) return String(value)
  if (typeof value === "object") return Array.isArray(value) ? "Array" : "Object"
  return String(value)
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** Collects issues for one validation target and fails with Papra's 400 when any were found. */
export class Issues {
  readonly list: Array<ValidationIssue> = []

  add(path: string | null, message: string): void {
    this.list.push({ path, message })
  }

  get ok(): boolean {
    return this.list.length === 0
  }

  failure(target: "body" | "query" | "params"): PapraError {
    return invalidRequest(target, this.list)
  }
}

export const missingKey = (issues: Issues, key: string) =>
  issues.add(key, `Invalid key: Expected "${key}" but received undefined`)

/** valibot `strictObject`: every key that is not known is an issue, after the known ones. */
export const rejectUnknownKeys = (
  issues: Issues,
  input: Record<string, unknown>,
  known: ReadonlyArray<string>,
) => {
  for (const key of Object.keys(input)) {
    if (!known.includes(key)) issues.add(key, `Invalid key: Expected never but received "${key}"`)
  }
}

/** A root value that must be an object; returns undefined (after noting the issue) when it is not. */
export const objectAtRoot = (issues: Issues, input: unknown): Record<string, unknown> | undefined => {
  if (isRecord(input)) return input
  issues.add(null, `Invalid type: Expected Object but received ${received(input)}`)
  return undefined
}

export interface StringRules {
  readonly trim?: boolean
  readonly min?: number
  readonly max?: number
}

/** valibot `pipe(string(), trim()?, minLength()?, maxLength()?)`; undefined when invalid. */
export const stringField = (
  issues: Issues,
  path: string,
  value: unknown,
  rules: StringRules = {},
): string | undefined => {
  if (typeof value !== "string") {
    issues.add(path, `Invalid type: Expected string but received ${received(value)}`)
    return undefined
  }
  const text = rules.trim ? value.trim() : value
  if (rules.min !== undefined && text.length < rules.min) {
    issues.add(path, `Invalid length: Expected >=${rules.min} but received ${text.length}`)
    return undefined
  }
  if (rules.max !== undefined && text.length > rules.max) {
    issues.add(path, `Invalid length: Expected <=${rules.max} but received ${text.length}`)
    return undefined
  }
  return text
}

export const picklistField = <const T extends string>(
  issues: Issues,
  path: string,
  value: unknown,
  options: ReadonlyArray<T>,
): T | undefined => {
  const found = options.find((option) => option === value)
  if (found !== undefined) return found
  const expected = options.map((option) => `"${option}"`).join(" | ")
  issues.add(path, `Invalid type: Expected (${expected}) but received ${received(value)}`)
  return undefined
}

/** valibot `pipe(string(), toNumber(), safeInteger(), minValue(), maxValue())` on a query value. */
export const integerQueryField = (
  issues: Issues,
  path: string,
  raw: string,
  bounds: { readonly min: number; readonly max?: number },
): number | undefined => {
  const value = Number(raw)
  if (Number.isNaN(value)) return void issues.add(path, `Invalid number: Received ${received(raw)}`)
  if (!Number.isSafeInteger(value)) return void issues.add(path, `Invalid safe integer: Received ${value}`)
  if (value < bounds.min)
    return void issues.add(path, `Invalid value: Expected >=${bounds.min} but received ${value}`)
  if (bounds.max !== undefined && value > bounds.max) {
    return void issues.add(path, `Invalid value: Expected <=${bounds.max} but received ${value}`)
  }
  return value
}

export interface Page {
  readonly pageIndex: number
  readonly pageSize: number
}

/** Papra's `createQueryPaginationSchemaKeys({ maxPageSize: 100, defaultPageSize: 100 })`. */
export const pageQuery = (issues: Issues, query: URLSearchParams): Page => {
  const pageIndex = query.get("pageIndex")
  const pageSize = query.get("pageSize")
  return {
    pageIndex: pageIndex === null ? 0 : (integerQueryField(issues, "pageIndex", pageIndex, { min: 0 }) ?? 0),
    pageSize:
      pageSize === null
        ? 100
        : (integerQueryField(issues, "pageSize", pageSize, { min: 1, max: 100 }) ?? 100),
  }
}

export const paginate = <T>(items: ReadonlyArray<T>, page: Page): Array<T> =>
  items.slice(page.pageIndex * page.pageSize, (page.pageIndex + 1) * page.pageSize)

const jsonContentType = /^application\/([a-z-.]+\+)?json(;\s*[a-zA-Z0-9-]+=([^;]+))*$/

/**
 * The body as Hono's json validator sees it: a body that is not declared as JSON reads as `{}`
 * (tags.create.form-data.json reports the keys as missing) and malformed JSON is a 400.
 */
export const jsonBody = (contentType: string | undefined, body: Buffer): unknown => {
  if (contentType === undefined || !jsonContentType.test(contentType)) return {}
  try {
    return JSON.parse(body.toString("utf8"))
  } catch {
    throw malformedJson()
  }
}

export const strictQueryKeys = (issues: Issues, query: URLSearchParams, known: ReadonlyArray<string>) => {
  for (const key of new Set(query.keys())) {
    if (!known.includes(key)) issues.add(key, `Invalid key: Expected never but received "${key}"`)
  }
}
