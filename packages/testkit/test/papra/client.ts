import { afterEach, beforeEach } from "vitest"
import { type PapraSimulator, type PapraSimulatorOptions, startPapraSimulator } from "../../src/index.js"

/** A thin fetch wrapper for the simulator tests: JSON in, status and parsed JSON out. */
export interface Answer {
  readonly status: number
  readonly headers: Headers
  readonly body: unknown
}

/** Reads a nested value of a JSON answer: `at(body, "document", "id")`. */
export const at = (value: unknown, ...path: ReadonlyArray<string | number>): unknown =>
  path.reduce<unknown>(
    (current, key) =>
      typeof current === "object" && current !== null ? (current as Record<string, unknown>)[key] : undefined,
    value,
  )

export const text = (value: unknown, ...path: ReadonlyArray<string | number>): string =>
  String(at(value, ...path))

export const papraHttp = (simulator: PapraSimulator, key = simulator.apiKey) => {
  const org = `/api/organizations/${simulator.organizationId}`
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    init: RequestInit = {},
  ): Promise<Answer> => {
    const headers: Record<string, string> = { authorization: `Bearer ${key}` }
    let payload: RequestInit["body"] = init.body ?? null
    if (body !== undefined) {
      headers["content-type"] = "application/json"
      payload = JSON.stringify(body)
    }
    const response = await fetch(new URL(path.startsWith("/") ? path : `${org}/${path}`, simulator.url), {
      method,
      headers: { ...headers, ...(init.headers as Record<string, string> | undefined) },
      body: payload,
    })
    const text = await response.text()
    let parsed: unknown = text
    try {
      parsed = text === "" ? null : JSON.parse(text)
    } catch {
      // a file download
    }
    return { status: response.status, headers: response.headers, body: parsed }
  }
  const upload = (
    name: string,
    bytes: Uint8Array | string,
    type = "text/plain",
    field = "file",
    path = "documents",
  ) => {
    const form = new FormData()
    form.append(field, new Blob([typeof bytes === "string" ? Buffer.from(bytes) : bytes], { type }), name)
    return call("POST", path, undefined, { body: form })
  }
  return { org, call, upload }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** A fresh simulator for every test of the calling file, and an HTTP helper bound to it. */
export const useSimulator = (options: PapraSimulatorOptions = {}) => {
  const current = {} as { simulator: PapraSimulator; http: ReturnType<typeof papraHttp> }
  beforeEach(async () => {
    current.simulator = await startPapraSimulator(options)
    current.http = papraHttp(current.simulator)
  })
  afterEach(() => current.simulator.close())
  return current
}
