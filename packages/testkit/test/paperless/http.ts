import type { PaperlessSimulator } from "../../src/index.js"

/** A tiny raw HTTP client for the simulator tests: the status, headers and decoded body of each call. */
export interface Answer {
  readonly status: number
  readonly headers: Headers
  // biome-ignore lint/suspicious/noExplicitAny: test assertions walk arbitrary JSON
  readonly body: any
  readonly text: string
}

export interface RawClientOptions {
  readonly token?: string | undefined
  readonly version?: number | undefined
  readonly authorization?: string | undefined
}

export const rawClient = (simulator: PaperlessSimulator, options: RawClientOptions = {}) => {
  const authorization =
    options.authorization ??
    (options.token === undefined
      ? `Token ${simulator.token}`
      : options.token === ""
        ? undefined
        : `Token ${options.token}`)
  const send = async (
    method: string,
    path: string,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
  ): Promise<Answer> => {
    const headers: Record<string, string> = { ...extraHeaders }
    if (authorization !== undefined) headers.authorization = authorization
    if (options.version !== undefined) headers.accept = `application/json; version=${options.version}`
    const init: RequestInit = { method, headers }
    if (body instanceof FormData) init.body = body
    else if (typeof body === "string") init.body = body
    else if (body !== undefined) {
      headers["content-type"] = "application/json"
      init.body = JSON.stringify(body)
    }
    const response = await fetch(`${simulator.url}${path}`, init)
    const text = await response.text()
    const isJson = (response.headers.get("content-type") ?? "").startsWith("application/json")
    return {
      status: response.status,
      headers: response.headers,
      body: isJson && text !== "" ? JSON.parse(text) : text,
      text,
    }
  }
  return {
    get: (path: string, headers?: Record<string, string>) => send("GET", path, undefined, headers),
    post: (path: string, body?: unknown, headers?: Record<string, string>) =>
      send("POST", path, body, headers),
    patch: (path: string, body: unknown) => send("PATCH", path, body),
    put: (path: string, body: unknown) => send("PUT", path, body),
    delete: (path: string) => send("DELETE", path),
    send,
    /** `post_document` with a file and form fields (arrays repeat the field); answers the task UUID. */
    upload: async (
      fileName: string,
      bytes: Buffer | string,
      fields: Record<string, string | ReadonlyArray<string>> = {},
    ) => {
      const form = new FormData()
      form.append("document", new Blob([typeof bytes === "string" ? Buffer.from(bytes) : bytes]), fileName)
      for (const [key, value] of Object.entries(fields)) {
        for (const item of typeof value === "string" ? [value] : value) form.append(key, item)
      }
      return send("POST", "/api/documents/post_document/", form)
    },
  }
}

export type RawClient = ReturnType<typeof rawClient>

/** The task row for an upload, whatever shape the generation and version give it. */
export const taskOf = async (client: RawClient, taskId: string) => {
  const answer = await client.get(`/api/tasks/?task_id=${taskId}`)
  return Array.isArray(answer.body) ? answer.body[0] : answer.body.results[0]
}
