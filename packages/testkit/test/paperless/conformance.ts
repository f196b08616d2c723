import { writeFileSync } from "node:fs"
import {
  buildPaperlessServer,
  type PaperlessGeneration as Generation,
  limitedPassword,
  makePdf,
} from "../../src/index.js"
import { type Fixture, fixtureWorld, loadFixtures, pngBytes } from "./fixture-world.js"

type Server = ReturnType<typeof buildPaperlessServer>

const origin = "http://127.0.0.1:8000"

/**
 * Calls the simulated server's handler without a socket: a thousand replays over real HTTP cost a
 * minute on a busy CI machine, and the transport is covered by the other simulator tests.
 */
const dispatch = async (server: Server, path: string, init: RequestInit = {}): Promise<Response> => {
  const request = new Request(`${origin}${path}`, init)
  const headers: Record<string, string> = { host: "127.0.0.1:8000" }
  request.headers.forEach((value, name) => {
    headers[name] = value
  })
  const answer = await server.handler({
    method: request.method,
    url: new URL(request.url),
    headers,
    body: Buffer.from(await request.arrayBuffer()),
  })
  const responseHeaders = new Headers()
  for (const [name, value] of Object.entries(answer.headers ?? {})) responseHeaders.set(name, String(value))
  let body: Buffer | null = null
  if (Buffer.isBuffer(answer.body)) body = answer.body
  else if (typeof answer.body === "string" && responseHeaders.has("content-type"))
    body = Buffer.from(answer.body)
  else if (answer.body !== undefined) {
    body = Buffer.from(JSON.stringify(answer.body))
    if (!responseHeaders.has("content-type")) responseHeaders.set("content-type", "application/json")
  }
  const empty = [204, 304].includes(answer.status) || request.method === "HEAD"
  return new Response(empty ? null : body, { status: answer.status, headers: responseHeaders })
}

/**
 * Fixture conformance harness: every recorded exchange of the real 3.0.5 and 2.20.15 servers is replayed
 * against a fresh simulator seeded with the capture's state, and the status code, the content type
 * and the JSON shape (key sets and value kinds, ids and timestamps aside) must match. Exchanges that
 * depend on a history the seeded world cannot reproduce get a `prepare` step or are listed in
 * `notReplayed` with the reason.
 */

interface FileStub {
  readonly fileName: string
  readonly size: number
  readonly mimeType: string
}

const fileBytes = (stub: FileStub, salt: string): Buffer => {
  if (stub.size === 0) return Buffer.alloc(0)
  if (stub.mimeType === "application/pdf") return makePdf([`Uploaded ${stub.fileName}`, salt, "2024-05-05"])
  if (stub.mimeType === "image/png") return pngBytes
  if (stub.mimeType.startsWith("text/")) return Buffer.from(`Plain text upload ${salt}\n`)
  if (stub.mimeType === "application/zip") return Buffer.from("PK\u0003\u0004\u0014\u0000\u0000\u0000")
  return Buffer.from(Array.from({ length: 64 }, (_, index) => (index * 37 + 11) % 256))
}

const isFileStub = (value: unknown): value is FileStub =>
  value !== null && typeof value === "object" && "fileName" in value && "mimeType" in value

const authHeader = (simulator: Server, fixture: Fixture, tokens: Record<string, string>) => {
  const auth = fixture.request.auth
  const basic = (user: string, password: string) =>
    `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`
  if (fixture.file.startsWith("auth.malformed-header")) return "Bearer abc"
  if (auth === "none") return fixture.request.headers?.Authorization === "REDACTED" ? "Token" : undefined
  if (auth.includes("unknown token")) return "Token 0000000000000000000000000000000000000000"
  if (auth.includes("wrong-password")) return basic("admin", "wrong-password")
  if (auth.startsWith("Authorization: Basic")) return basic(simulator.username, simulator.password)
  if (auth.includes('"limited"')) return `Token ${simulator.limitedToken}`
  if (auth.includes('"reader"')) return `Token ${tokens.reader}`
  if (fixture.request.headers?.Authorization === "REDACTED") return "Token"
  return `Token ${simulator.token}`
}

const passwords: Record<string, (simulator: Server) => string> = {
  admin: (simulator) => simulator.password,
  limited: () => limitedPassword,
}

const buildBody = (
  simulator: Server,
  fixture: Fixture,
): { body?: RequestInit["body"]; contentType?: string } => {
  const { body, contentType } = fixture.request
  if (body === undefined || body === null) return {}
  const record = body as Record<string, unknown>
  if (
    fixture.request.path === "/api/token/" &&
    record.password === "REDACTED" &&
    !fixture.file.includes("wrong")
  ) {
    const username = String(record.username)
    record.password = passwords[username]?.(simulator) ?? "x"
  }
  if (contentType === "multipart/form-data") {
    const form = new FormData()
    for (const [key, value] of Object.entries(record)) {
      if (isFileStub(value)) {
        const salt = fixture.file.includes("duplicate") ? "ACME" : fixture.file
        form.append(key, new Blob([fileBytes(value, salt)], { type: value.mimeType }), value.fileName)
      } else if (Array.isArray(value)) for (const item of value) form.append(key, String(item))
      else form.append(key, String(value))
    }
    return { body: form }
  }
  if (contentType === "application/x-www-form-urlencoded") {
    return {
      body: new URLSearchParams(
        Object.entries(record).map(([key, value]): [string, string] => [key, String(value)]),
      ).toString(),
      contentType,
    }
  }
  return { body: JSON.stringify(body), contentType: "application/json" }
}

const freeForm = new Set([
  "actions",
  "changes",
  "overrides",
  "original_metadata",
  "archive_metadata",
  "settings",
  "permissions",
  "storage",
  "database",
  "tasks",
  "extra_data",
  "input_data",
  "result_data",
])

/** Differences between the recorded and the simulated JSON shape; null matches anything. */
const shapeDifferences = (recorded: unknown, actual: unknown, path: string): Array<string> => {
  if (recorded === null || actual === null) return []
  if (Array.isArray(recorded)) {
    if (!Array.isArray(actual)) return [`${path}: expected array, got ${typeof actual}`]
    if (recorded.length === 0 || actual.length === 0) return []
    return shapeDifferences(recorded[0], actual[0], `${path}[0]`)
  }
  if (typeof recorded === "object") {
    if (typeof actual !== "object" || Array.isArray(actual))
      return [`${path}: expected object, got ${JSON.stringify(actual)?.slice(0, 80)}`]
    const expectedKeys = Object.keys(recorded as object)
    const actualKeys = Object.keys(actual as object)
    if (expectedKeys.every((key) => /^\d+$/.test(key)) && expectedKeys.length > 0) return []
    const missing = expectedKeys.filter((key) => !actualKeys.includes(key))
    const extra = actualKeys.filter((key) => !expectedKeys.includes(key))
    const problems = [
      ...missing.map((key) => `${path}.${key} missing`),
      ...extra.map((key) => `${path}.${key} unexpected`),
    ]
    for (const key of expectedKeys) {
      if (freeForm.has(key) || !actualKeys.includes(key)) continue
      problems.push(
        ...shapeDifferences(
          (recorded as Record<string, unknown>)[key],
          (actual as Record<string, unknown>)[key],
          `${path}.${key}`,
        ),
      )
    }
    return problems
  }
  if (typeof recorded !== typeof actual) return [`${path}: expected ${typeof recorded}, got ${typeof actual}`]
  return []
}

export interface Replay {
  readonly status: number
  readonly contentType: string
  readonly body: unknown
  readonly headers: Headers
}

export const replay = async (
  simulator: Server,
  fixture: Fixture,
  tokens: Record<string, string>,
  override: Override = {},
): Promise<Replay> => {
  const headers = new Headers()
  for (const [name, value] of Object.entries(fixture.request.headers ?? {})) {
    if (name !== "Authorization") headers.set(name, value)
  }
  const authorization = authHeader(simulator, fixture, tokens)
  if (authorization) headers.set("authorization", authorization)
  const { body, contentType } = buildBody(simulator, fixture)
  if (contentType) headers.set("content-type", contentType)
  const init: RequestInit = { method: fixture.request.method, headers, redirect: "manual" }
  if (body !== undefined) init.body = body
  for (const [name, value] of Object.entries(override.headers ?? {})) headers.set(name, value)
  const response = await dispatch(simulator, `${override.path ?? fixture.request.path}`, init)
  const type = response.headers.get("content-type") ?? ""
  const raw = Buffer.from(await response.arrayBuffer())
  let parsed: unknown = raw
  if (type.startsWith("application/json")) parsed = JSON.parse(raw.toString("utf8"))
  return { status: response.status, contentType: type, body: parsed, headers: response.headers }
}

/** Error bodies that depend on timing or on libmagic's guess about random bytes. */
const inexactBodies = new Set([
  "token.obtain.throttled.json",
  "documents.post_document.unsupported-binary.json",
  "documents.patch.custom_fields.select-index-v9.json",
])

export const conformance = (fixture: Fixture, result: Replay): Array<string> => {
  const problems: Array<string> = []
  if (result.status !== fixture.status) problems.push(`status ${result.status} (expected ${fixture.status})`)
  const expectedType = (fixture.responseHeaders["content-type"] ?? "").split(";")[0] ?? ""
  const actualType = result.contentType.split(";")[0] ?? ""
  if (
    expectedType !== "" &&
    fixture.response !== null &&
    expectedType.split("/")[0] !== actualType.split("/")[0]
  ) {
    problems.push(`content-type ${actualType} (expected ${expectedType})`)
  }
  // A long body was stored as a `{_text, length, first_chars}` summary (the OpenAPI document): no shape to compare.
  const summarised =
    typeof fixture.response === "object" && fixture.response !== null && "_text" in fixture.response
  if (expectedType === "application/json" && problems.length === 0 && !summarised) {
    problems.push(...shapeDifferences(fixture.response, result.body, "$"))
    // Error bodies carry no ids or timestamps of their own: they must match word for word.
    if (
      fixture.status >= 400 &&
      !inexactBodies.has(fixture.file) &&
      JSON.stringify(fixture.response) !== JSON.stringify(result.body)
    ) {
      problems.push(
        `body ${JSON.stringify(result.body).slice(0, 300)} (expected ${JSON.stringify(fixture.response).slice(0, 300)})`,
      )
    }
  }
  if (
    expectedType === "text/html" &&
    fixture.status >= 400 &&
    typeof fixture.response === "string" &&
    fixture.response.length < 100
  ) {
    const text = Buffer.isBuffer(result.body) ? result.body.toString("utf8") : String(result.body)
    if (text !== fixture.response) problems.push(`text ${text.slice(0, 100)} (expected ${fixture.response})`)
  }
  const bug = result.headers.get("x-simulator-bug")
  if (bug !== null) problems.push(`simulator bug: ${decodeURIComponent(bug)}`)
  for (const header of ["x-api-version", "x-version"]) {
    const expected = fixture.responseHeaders[header]
    if ((expected ?? null) !== result.headers.get(header))
      problems.push(`${header} ${result.headers.get(header)} (expected ${expected})`)
  }
  return problems
}

interface Override {
  readonly path?: string
  readonly headers?: Record<string, string>
}

const call = async (simulator: Server, method: string, path: string, body?: unknown) => {
  const init: RequestInit = {
    method,
    headers: { authorization: `Token ${simulator.token}`, "content-type": "application/json" },
  }
  if (body !== undefined) init.body = JSON.stringify(body)
  const response = await dispatch(simulator, `${path}`, init)
  const text = await response.text()
  return {
    status: response.status,
    body: text.startsWith("{") || text.startsWith("[") || text.startsWith('"') ? JSON.parse(text) : text,
    headers: response.headers,
  }
}

const listAll = async (simulator: Server, resource: string) =>
  (
    (await call(simulator, "GET", `/api/${resource}/?page_size=100000`)).body as {
      results: Array<Record<string, unknown>>
    }
  ).results

const creatable = new Set(["tags", "correspondents", "document_types", "storage_paths", "custom_fields"])

/** Creates filler objects until `id` exists, so a fixture addressing a later-created id finds it. */
const ensureObject = async (simulator: Server, resource: string, id: number) => {
  for (let attempt = 0; attempt < 40; attempt++) {
    if ((await call(simulator, "GET", `/api/${resource}/${id}/`)).status === 200) return
    const body =
      resource === "custom_fields"
        ? { name: `filler ${attempt}`, data_type: "string" }
        : resource === "storage_paths"
          ? { name: `filler ${attempt}`, path: "{{ title }}" }
          : { name: `filler ${attempt}` }
    await call(simulator, "POST", `/api/${resource}/`, body)
  }
}

const ensureTasks = async (simulator: Server, ids: ReadonlyArray<number>) => {
  const highest = Math.max(0, ...ids)
  for (let index = 0; index < highest; index++) {
    const form = new FormData()
    form.append("document", new Blob([`task filler ${index}`]), `filler-${index}.txt`)
    await dispatch(simulator, `/api/documents/post_document/`, {
      method: "POST",
      headers: { authorization: `Token ${simulator.token}` },
      body: form,
    })
  }
  await simulator.settle()
}

/** Recreates the bit of history an exchange depended on. */
const prepare = async (
  simulator: Server,
  fixture: Fixture,
  tokens: Record<string, string>,
): Promise<Override> => {
  const { file } = fixture
  const { method, path } = fixture.request
  const body = (fixture.request.body ?? {}) as Record<string, unknown>
  const documentId = /^\/api\/documents\/(\d+)\//.exec(path)?.[1]
  const trashedFirst =
    /trashed|\.deleted|delete\.again|already-trashed|after-trash-empty/.test(file) &&
    !/duplicate-of-trashed|for-trashed-access/.test(file)
  if (documentId && trashedFirst) {
    await call(simulator, "DELETE", `/api/documents/${documentId}/`)
    if (file.includes("after-trash-empty"))
      await call(simulator, "POST", "/api/trash/", { action: "empty", documents: [Number(documentId)] })
  }
  if (
    path === "/api/trash/" &&
    method === "POST" &&
    Array.isArray(body.documents) &&
    !/not-in-trash|unknown|invalid\./.test(file)
  ) {
    for (const id of body.documents) await call(simulator, "DELETE", `/api/documents/${id}/`)
  }
  const resource = /^\/api\/(\w+)\/(?:(\d+)\/)?$/.exec(path.split("?")[0] ?? "")
  if (resource && creatable.has(resource[1] ?? "") && method === "POST" && fixture.status === 201) {
    for (const object of await listAll(simulator, resource[1] ?? "")) {
      if (object.name === body.name) await call(simulator, "DELETE", `/api/${resource[1]}/${object.id}/`)
    }
  }
  if (resource?.[2] !== undefined && creatable.has(resource[1] ?? "") && fixture.status < 400) {
    await ensureObject(simulator, resource[1] ?? "", Number(resource[2]))
  }
  if (path === "/api/bulk_edit_objects/" && fixture.status === 200 && Array.isArray(body.objects)) {
    for (const id of body.objects) await ensureObject(simulator, String(body.object_type), Number(id))
  }
  if (path === "/api/users/" && method === "POST" && fixture.status === 201) {
    for (const user of await listAll(simulator, "users")) {
      if (user.username === body.username) await call(simulator, "DELETE", `/api/users/${user.id}/`)
    }
  }
  if (/create\.duplicate-name\.json$/.test(file) && resource) await call(simulator, "POST", path, body)
  if (
    JSON.stringify(fixture.response).includes("Some documents in documents don't exist") &&
    Array.isArray(body.documents)
  ) {
    for (const id of body.documents) await call(simulator, "DELETE", `/api/documents/${id}/`)
  }
  if (file === "ui_settings.get.v3.json")
    await call(simulator, "PATCH", "/api/profile/", { first_name: "Ada" })
  if (file.startsWith("documents.versions.patch-label") && documentId) {
    const form = new FormData()
    form.append("document", new Blob([makePdf(["a new version"])]), "v2.pdf")
    await dispatch(simulator, `/api/documents/${documentId}/update_version/`, {
      method: "POST",
      headers: { authorization: `Token ${simulator.token}` },
      body: form,
    })
    await simulator.settle()
    const versions = (await call(simulator, "GET", `/api/documents/${documentId}/`)).body.versions as Array<{
      id: number
    }>
    return { path: `/api/documents/${documentId}/versions/${versions[0]?.id}/` }
  }
  if (file.startsWith("groups.create.duplicate"))
    await call(simulator, "POST", "/api/groups/", { name: body.name, permissions: [] })
  const taskId = /^\/api\/tasks\/(\d+)\/$/.exec(path)?.[1]
  if (taskId) await ensureTasks(simulator, [Number(taskId)])
  if (path === "/api/tasks/acknowledge/" && fixture.status === 200 && Array.isArray(body.tasks))
    await ensureTasks(simulator, body.tasks.map(Number))
  const noteId = /notes\/\?id=(\d+)$/.exec(path)?.[1]
  if (documentId && noteId && fixture.status === 200) {
    for (let index = 0; index < Number(noteId); index++)
      await call(simulator, "POST", `/api/documents/${documentId}/notes/`, { note: `note ${index}` })
  }
  if (file.includes("reader-shared") && documentId) {
    const reader = (await listAll(simulator, "users")).find((user) => user.username === "reader")
    await call(simulator, "PATCH", `/api/documents/${documentId}/`, {
      owner: simulator.limitedToken ? 2 : null,
      set_permissions: { view: { users: [reader?.id], groups: [] }, change: { users: [], groups: [] } },
    })
  }
  if (file.startsWith("token.obtain.throttled")) {
    for (let index = 0; index < 5; index++)
      await call(simulator, "POST", "/api/token/", {
        username: simulator.username,
        password: simulator.password,
      })
  }
  if (file.includes("after-field-type-changed"))
    await call(simulator, "PATCH", "/api/custom_fields/1/", { data_type: "integer" })
  if (file.includes("thumb.if-none-match-matching") && documentId) {
    const etag =
      (await call(simulator, "GET", `/api/documents/${documentId}/thumb/`)).headers.get("etag") ?? ""
    return { headers: { "If-None-Match": etag } }
  }
  const shareLinkId = /^\/api\/share_links\/(\d+)\/$/.exec(path)?.[1]
  if (shareLinkId || path.startsWith("/share/REDACTED")) {
    let link: { slug?: string } = {}
    for (let index = 0; index < Number(shareLinkId ?? 1); index++)
      link = (await call(simulator, "POST", "/api/share_links/", { document: 2, file_version: "archive" }))
        .body
    if (path.startsWith("/share/")) return { path: `/share/${link.slug}` }
  }
  void tokens
  return {}
}

/** Exchanges whose outcome depends on server history or environment that a fresh world cannot have. */
const notReplayed: Record<Generation, Record<string, string>> = {
  "3.0": {
    "documents.get.version-child.json":
      "id 30 is a hidden version row in the capture; seeded ids are all documents",
    "users.create.duplicate.json": "the recorded password errors depend on the redacted password",
  },
  "2.20": {},
}

const world = { "3.0": fixtureWorld("3.0"), "2.20": fixtureWorld("2.20") }

export const replayOne = async (generation: Generation, fixture: Fixture): Promise<Array<string>> => {
  const simulator = buildPaperlessServer({ generation, consumeMs: 1, bulkUpdateMs: 1 })
  try {
    const seeded = simulator.seed(world[generation])
    const tokens = { reader: seeded.users.reader?.token ?? "" }
    const override = await prepare(simulator, fixture, tokens)
    return conformance(fixture, await replay(simulator, fixture, tokens, override))
  } finally {
    simulator.stop()
  }
}

/** Replays every fixture of a generation (8 at a time); answers the differences and how many ran. */
export const conformanceFailures = async (generation: Generation) => {
  const fixtures = loadFixtures(generation).filter(
    (fixture) => notReplayed[generation][fixture.file] === undefined,
  )
  const failures: Array<string> = []
  const queue = [...fixtures]
  const work = async () => {
    for (let fixture = queue.shift(); fixture !== undefined; fixture = queue.shift()) {
      const problems = await replayOne(generation, fixture)
      if (problems.length > 0) failures.push(`${fixture.file}: ${problems.join("; ")}`)
    }
  }
  await Promise.all(Array.from({ length: 8 }, work))
  failures.sort()
  if (process.env.CONFORMANCE_REPORT)
    writeFileSync(`${process.env.CONFORMANCE_REPORT}.${generation}`, failures.join("\n"))
  return { failures, replayed: fixtures.length }
}
