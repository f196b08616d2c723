import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type PapraSimulator, startPapraSimulator } from "../../src/index.js"
import { allFixtureNames, loadExchange, type RecordedExchange, uploadBytes } from "./recorded.js"

/**
 * Replays the recorded Papra session against one simulator, in the order it was recorded, and
 * checks each answer against the fixture: status, the key set at every level, every value except
 * ids (which must map consistently onto the simulator's own ids) and timestamps (which must be ISO).
 */

// Recorded with a session cookie (sign-up, creating keys, restores): not reachable with an API key.
const SESSION_ONLY = new Set([
  "auth.get-session",
  "auth.sign-in.email",
  "auth.sign-in.email.wrong-password",
  "auth.sign-up.email",
  "auth.sign-up.email.existing",
  "auth.sign-up.email.no-origin",
  "api-keys.create",
  "api-keys.create.empty-permissions",
  "api-keys.create.invalid-permission",
  "api-keys.create.read-only",
  "api-keys.list.session",
  "api-keys.current.with-session",
  "organizations.create.session",
  "organizations.restore.session",
  "documents.restore.session",
  "documents.restore.session.not-deleted",
  "users.me.session",
  // Follows a session-only restore of the organization.
  "organizations.list.after-restore",
])

const SESSION = [
  "api-keys.current",
  "api-keys.current.no-auth",
  "api-keys.current.invalid-key",
  "api-keys.current.malformed-header",
  "ping",
  "health",
  "config",
  "not-found.route",
  "not-found.route.no-auth",
  "organizations.list",
  "organizations.create",
  "organizations.create.invalid-name",
  "organizations.get",
  "organizations.get.not-found",
  "organizations.get.invalid-id",
  "organizations.update",
  "organizations.list.after-create",
  "documents.create",
  "documents.create.pdf",
  "documents.get",
  "documents.get.pdf",
  "documents.get.not-found",
  "documents.statistics",
  "documents.list",
  "documents.list.paged",
  "documents.list.paged-page2",
  "documents.list.page-out-of-range",
  "documents.list.sorted",
  "documents.list.invalid-page-size",
  "documents.list.invalid-sort-field",
  "documents.list.unknown-query-param",
  "documents.list.search",
  "documents.list.search-pdf-content",
  "documents.list.search-by-name",
  "documents.list.search-no-match",
  "documents.list.search-malformed",
  "documents.create.duplicate",
  "documents.create.duplicate-same-name",
  "documents.update.name",
  "documents.update.content",
  "documents.update.name-and-content",
  "documents.update.document-date-and-notes",
  "documents.update.empty-body",
  "documents.update.unknown-field",
  "documents.get.after-update",
  "documents.list.search-after-content-update",
  "documents.file",
  "documents.file.pdf",
  "documents.activity",
  "documents.activity.paged",
  "tags.create",
  "tags.create.no-description",
  "tags.create.duplicate-name",
  "tags.create.invalid-color",
  "tags.create.form-data",
  "tags.list",
  "tags.update",
  "tags.update.partial",
  "tags.update.not-found",
  "documents.tags.add",
  "documents.tags.add.second",
  "documents.tags.add.again",
  "documents.get.with-tags",
  "tags.list.with-documents",
  "documents.list.search-tag-filter",
  "documents.tags.remove",
  "documents.tags.remove.not-attached",
  "tags.delete",
  "tags.delete.again",
  "documents.activity.after-tags",
  "custom-properties.create.text",
  "custom-properties.create.number",
  "custom-properties.create.date",
  "custom-properties.create.boolean",
  "custom-properties.create.select",
  "custom-properties.create.multi_select",
  "custom-properties.create.document_relation",
  "custom-properties.create.user_relation",
  "custom-properties.create.duplicate-name",
  "custom-properties.create.select-without-options",
  "custom-properties.create.unknown-type",
  "custom-properties.list",
  "custom-properties.get",
  "documents.custom-properties.set.text",
  "documents.custom-properties.set.number",
  "documents.custom-properties.set.date",
  "documents.custom-properties.set.boolean",
  "documents.custom-properties.set.select",
  "documents.custom-properties.set.multi_select",
  "documents.custom-properties.set.document_relation",
  "documents.custom-properties.set.user_relation",
  "documents.custom-properties.set.boolean.invalid",
  "documents.custom-properties.set.date.invalid",
  "documents.custom-properties.set.number.invalid",
  "documents.custom-properties.set.select.invalid-option",
  "documents.custom-properties.set.document_relation.single-id",
  "documents.custom-properties.set.document_relation.unknown-doc",
  "documents.custom-properties.set.user_relation.single-id",
  "documents.custom-properties.set.user_relation.non-member",
  "documents.custom-properties.set.missing-value",
  "documents.custom-properties.set.null-value",
  "documents.custom-properties.list",
  "documents.get.with-custom-properties",
  "documents.list.with-custom-properties",
  "documents.custom-properties.set.multi_select.empty",
  "documents.custom-properties.clear.text",
  "documents.custom-properties.clear.boolean",
  "documents.custom-properties.clear.multi_select",
  "documents.custom-properties.clear.not-set",
  "documents.custom-properties.list.after-clear",
  "documents.list.search-date-filter",
  "documents.list.search-has-tags",
  "documents.list.search-not-has-tags",
  "documents.list.search-name-filter",
  "custom-properties.update",
  "documents.custom-properties.list.after-definition-update",
  "custom-properties.update.display-order",
  "custom-properties.update.change-type",
  "custom-properties.update.not-found",
  "custom-properties.delete",
  "custom-properties.delete.again",
  "custom-properties.get.not-found",
  "documents.custom-properties.list.after-definition-delete",
  "custom-properties.update.select-options",
  "custom-properties.update.select-options-with-name",
  "custom-properties.get.after-options-update",
  "documents.custom-properties.list.after-options-update",
  "documents.activity.after-custom-properties",
  "documents.delete",
  "documents.get.deleted",
  "documents.file.deleted",
  "documents.delete.again",
  "documents.update.deleted",
  "documents.statistics.after-delete",
  "documents.list.after-delete",
  "documents.deleted.list",
  "documents.deleted.list.paged",
  "documents.restore.with-api-key",
  "documents.trash.delete-one.with-api-key",
  "documents.trash.empty.with-api-key",
  "documents.get.after-restore",
  "documents.delete.before-reupload",
  "documents.create.duplicate-of-trashed",
  "documents.deleted.list.after-reupload",
  "documents.activity.after-reupload",
  "documents.create.same-bytes-other-org",
  "documents.get.other-org",
  "tagging-rules.list.with-api-key",
  "tagging-rules.apply.with-api-key",
  "api-keys.list.with-api-key",
  "api-keys.current.read-only",
  "permissions.read-only-key.documents.list",
  "permissions.read-only-key.documents.create",
  "permissions.read-only-key.documents.update",
  "permissions.read-only-key.organizations.list",
  "permissions.read-only-key.tags.list",
  "documents.create.unicode-filename",
  "documents.create.with-ocr-languages-field",
  "documents.create.octet-stream",
  "documents.create.empty-file",
  "documents.create.wrong-field-name",
  "documents.create.no-file-part",
  "documents.create.not-multipart",
  "documents.file.unicode-filename",
  "documents.get.json-file-after-extraction",
  "documents.batch.tags.add",
  "documents.batch.tags.remove",
  "documents.batch.tags.by-query",
  "documents.batch.trash",
  "documents.deleted.list.after-batch-trash",
  "documents.list.final",
  "documents.statistics.final",
  "organizations.delete",
  "organizations.get.after-delete",
  "organizations.list.after-delete",
  "organizations.deleted.list",
  "organizations.restore.with-api-key",
]

// State the recording reached through a session restore, which an API key cannot do: the
// simulator's document is still in the trash there, so only the key set is compared.
const KEYS_ONLY = new Set(["documents.get.after-restore", "documents.activity.after-reupload", "config"])

// Our invoice PDF is not byte-identical to the recorded one, so its size and hash differ.
const PDF_DEPENDENT = new Set(["originalSize", "originalSha256Hash", "documentsSize", "totalDocumentsSize"])

const ID = /^(org|doc|tag|cpd|cpso|usr|ak|doc_act)_[a-z0-9]{24}$/
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/

class Replay {
  readonly ids = new Map<string, string>()
  readOnlyKey = ""

  constructor(readonly simulator: PapraSimulator) {}

  private mapIds(text: string): string {
    return text.replace(/(org|doc|tag|cpd|cpso|usr|ak)_[a-z0-9]{24}/g, (id) => this.ids.get(id) ?? id)
  }

  private authorization(auth: string | undefined): string | undefined {
    if (auth === undefined || auth === "none" || auth.startsWith("none")) return undefined
    if (auth.includes("only documents:read")) return `Bearer ${this.readOnlyKey}`
    if (auth.includes("64 'A'")) return `Bearer ppapi_${"A".repeat(64)}`
    if (auth.startsWith("Authorization: Token")) return "Token abc"
    return `Bearer ${this.simulator.apiKey}`
  }

  private body(exchange: RecordedExchange): { body?: string | FormData; contentType?: string } {
    const { body, contentType } = exchange.request
    if (body === undefined) return {}
    if (contentType === "application/json") {
      return { body: this.mapIds(JSON.stringify(body)), contentType: "application/json" }
    }
    const form = new FormData()
    for (const [field, value] of Object.entries(body as Record<string, unknown>)) {
      const file = value as { fileName: string | null; size: number; mimeType: string | null } | string
      if (typeof file === "string") form.append(field, file)
      else if (file.fileName === null) form.append(field, "eng")
      else {
        const bytes = uploadBytes(file.fileName, file.size)
        form.append(field, new Blob([bytes], { type: file.mimeType ?? "" }), file.fileName)
      }
    }
    return { body: form }
  }

  async send(exchange: RecordedExchange): Promise<Response> {
    // Background extraction has long finished between two recorded requests.
    this.simulator.flushExtraction()
    const url = new URL(this.mapIds(exchange.request.path), this.simulator.url)
    for (const [key, value] of Object.entries(exchange.request.query ?? {}))
      url.searchParams.set(key, String(value))
    const { body, contentType } = this.body(exchange)
    const headers: Record<string, string> = {}
    const authorization = this.authorization(exchange.request.auth)
    if (authorization !== undefined) headers.authorization = authorization
    if (contentType !== undefined) headers["content-type"] = contentType
    return fetch(url, { method: exchange.request.method, headers, ...(body === undefined ? {} : { body }) })
  }

  /**
   * A document's tags and its set property values come back in the database's id order, and the
   * simulator's ids are not the recorded ones: order the recording by the ids mapped onto ours.
   */
  private inIdOrder(items: ReadonlyArray<unknown>, path: string): ReadonlyArray<unknown> {
    const field =
      path !== "$.tags" && path.endsWith(".tags")
        ? "id"
        : path.endsWith(".customProperties")
          ? "propertyDefinitionId"
          : ""
    const idOf = (item: unknown) => {
      const id =
        typeof item === "object" && item !== null ? (item as Record<string, unknown>)[field] : undefined
      return typeof id === "string" ? (this.ids.get(id) ?? id) : undefined
    }
    if (field === "" || items.some((item) => idOf(item) === undefined)) return items
    return [...items].sort((a, b) => ((idOf(a) ?? "") < (idOf(b) ?? "") ? -1 : 1))
  }

  /** Differences between the recorded and the simulated value, as readable paths. */
  compare(recorded: unknown, actual: unknown, path: string, keysOnly: boolean, out: Array<string>): void {
    if (recorded === null || actual === null) {
      if (!keysOnly && recorded !== actual && !PDF_DEPENDENT.has(path.split(".").pop() ?? "")) {
        out.push(`${path}: recorded ${JSON.stringify(recorded)}, got ${JSON.stringify(actual)}`)
      }
      return
    }
    if (Array.isArray(recorded)) {
      if (!Array.isArray(actual)) return void out.push(`${path}: expected an array`)
      const ordered = this.inIdOrder(recorded, path)
      if (!keysOnly && ordered.length !== actual.length) {
        return void out.push(`${path}: ${ordered.length} items recorded, ${actual.length} simulated`)
      }
      ordered.forEach((item, index) => {
        if (index < actual.length) this.compare(item, actual[index], `${path}[${index}]`, keysOnly, out)
      })
      return
    }
    if (typeof recorded === "object") {
      if (typeof actual !== "object" || Array.isArray(actual))
        return void out.push(`${path}: expected an object`)
      const want = Object.keys(recorded).sort().join(",")
      const have = Object.keys(actual).sort().join(",")
      if (want !== have) return void out.push(`${path}: keys ${have} instead of ${want}`)
      for (const [key, value] of Object.entries(recorded)) {
        this.compare(value, (actual as Record<string, unknown>)[key], `${path}.${key}`, keysOnly, out)
      }
      return
    }
    if (typeof recorded === "string" && ID.test(recorded)) {
      if (typeof actual !== "string" || !ID.test(actual)) return void out.push(`${path}: expected an id`)
      const known = this.ids.get(recorded)
      if (known === undefined) this.ids.set(recorded, actual)
      else if (known !== actual && !keysOnly)
        out.push(`${path}: id ${actual} is not the one mapped for ${recorded}`)
      return
    }
    if (typeof recorded === "string" && ISO.test(recorded)) {
      if (typeof actual !== "string" || !ISO.test(actual)) out.push(`${path}: expected an ISO timestamp`)
      return
    }
    if (typeof recorded !== typeof actual) return void out.push(`${path}: expected a ${typeof recorded}`)
    if (keysOnly || PDF_DEPENDENT.has(path.split(".").pop() ?? "") || recorded === actual) return
    out.push(`${path}: recorded ${JSON.stringify(recorded)}, got ${JSON.stringify(actual)}`)
  }
}

describe("the simulator replays the recorded Papra session", () => {
  let replay: Replay

  beforeAll(async () => {
    const simulator = await startPapraSimulator({
      owner: { name: "API Tester", email: "tester@example.com" },
      apiKeyName: "fixture-capture-key",
      extractionDelayMs: 60_000,
    })
    replay = new Replay(simulator)
    replay.readOnlyKey = simulator.createApiKey(["documents:read"], "read-only-key")
    replay.ids.set("usr_dzts5wchftmne4z5tbg4b5j9", simulator.userId)
    replay.ids.set("usr_noo3edlup793pashwj7vrpj7", simulator.outsiderUserId)
    replay.ids.set("org_fa68o5a2jqdnezdfgahznvl6", simulator.organizationId)
  })
  afterAll(() => replay.simulator.close())

  it("covers every fixture an API key can produce", () => {
    const missing = allFixtureNames().filter((name) => !SESSION.includes(name) && !SESSION_ONLY.has(name))
    expect(missing).toEqual([])
  })

  // Sequential on purpose: each exchange depends on the state the previous ones left.
  it.each(SESSION)("%s", async (name) => {
    const exchange = loadExchange(name)
    const response = await replay.send(exchange)
    expect(response.status, name).toBe(exchange.status)
    const contentType = response.headers.get("content-type") ?? ""
    if (exchange.responseHeaders["content-disposition"] !== undefined) {
      expect(response.headers.get("content-disposition")).toBe(
        exchange.responseHeaders["content-disposition"],
      )
      expect(contentType).toBe("application/octet-stream")
      const bytes = Buffer.from(await response.arrayBuffer())
      expect(response.headers.get("content-length")).toBe(String(bytes.length))
      if (typeof exchange.response === "string") expect(bytes.toString("utf8")).toBe(exchange.response)
      return
    }
    if (exchange.response === null) {
      expect(await response.text()).toBe("")
      return
    }
    expect(contentType).toContain("application/json")
    const differences: Array<string> = []
    replay.compare(exchange.response, await response.json(), "$", KEYS_ONLY.has(name), differences)
    expect(differences).toEqual([])
  })
})
