import { filenameFromContentDisposition } from "@paperbridge/http"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { describe, expect, it } from "vitest"
import {
  apiKeyRoutes,
  customPropertyRoutes,
  documentRoutes,
  organizationRoutes,
  PapraAnyErrorBody,
  PapraDocument,
  type Route,
  serverRoutes,
  tagRoutes,
} from "../src/index.js"
import { loadExchanges, type RecordedExchange } from "./recorded.js"

const routes: ReadonlyArray<Route<unknown, unknown>> = [
  ...Object.values(organizationRoutes),
  ...Object.values(documentRoutes),
  ...Object.values(tagRoutes),
  ...Object.values(customPropertyRoutes),
  ...Object.values(apiKeyRoutes),
  ...Object.values(serverRoutes),
] as ReadonlyArray<Route<unknown, unknown>>

const routeOf = (exchange: RecordedExchange) =>
  routes.find(
    (route) => route.method === exchange.request.method && route.path === exchange.request.pathTemplate,
  )

/**
 * Successful answers of routes only a browser session can call (better-auth, key management,
 * restore): the client has no route for them, because an API key always gets 401 there.
 */
const sessionOnly = new Set([
  "GET /api/auth/get-session",
  "POST /api/auth/sign-in/email",
  "POST /api/auth/sign-up/email",
  "GET /api/users/me",
  "GET /api/api-keys",
  "POST /api/api-keys",
  "POST /api/organizations/:organizationId/documents/:documentId/restore",
  "POST /api/organizations/:organizationId/restore",
])

const decode = <A, I>(schema: Schema.Schema<A, I>, value: unknown) =>
  Schema.decodeUnknownEither(schema, { onExcessProperty: "preserve" })(value)

const exchanges = loadExchanges()

describe("every recorded Papra answer decodes with the client's schemas", () => {
  it("finds all 195 recorded exchanges", () => {
    expect(exchanges.length).toBe(195)
  })

  it.each(exchanges.map((exchange) => [exchange.file, exchange] as const))("%s", (_, exchange) => {
    const endpoint = `${exchange.request.method} ${exchange.request.pathTemplate}`
    if (exchange.status >= 400) {
      const result = decode(PapraAnyErrorBody, exchange.response)
      expect(
        Either.isRight(result),
        `${exchange.file}: ${String(Either.isLeft(result) && result.left)}`,
      ).toBe(true)
      return
    }
    const route = routeOf(exchange)
    if (route === undefined) {
      expect(sessionOnly.has(endpoint), `no client route for ${endpoint}`).toBe(true)
      expect(exchange.request.auth ?? "").not.toContain("Bearer")
      return
    }
    if (route === documentRoutes.download) {
      expect(filenameFromContentDisposition(exchange.responseHeaders["content-disposition"])).toMatch(/\S/)
      return
    }
    if (route.response === undefined) {
      expect(exchange.status).toBe(204)
      expect(exchange.response).toBeNull()
      return
    }
    const result = decode(route.response, exchange.response)
    expect(Either.isRight(result), `${exchange.file}: ${String(Either.isLeft(result) && result.left)}`).toBe(
      true,
    )
  })

  it("has a fixture for every route of the client", () => {
    const recorded = new Set(
      exchanges.map((exchange) => `${exchange.request.method} ${exchange.request.pathTemplate}`),
    )
    const missing = routes
      .map((route) => `${route.method} ${route.path}`)
      .filter((name) => !recorded.has(name))
    expect(missing).toEqual([])
  })
})

describe("decoded values", () => {
  const getWithProperties = exchanges.find(
    (exchange) => exchange.file === "documents.get.with-custom-properties.json",
  )

  it("keeps fields the client does not know about", () => {
    const body = getWithProperties?.response as { document: Record<string, unknown> }
    const extended = { ...body.document, pageCount: 3 }
    const decoded = Schema.decodeUnknownSync(PapraDocument, { onExcessProperty: "preserve" })(extended)
    expect((decoded as unknown as Record<string, unknown>).pageCount).toBe(3)
  })

  it("types each embedded custom property value by its type", () => {
    const body = getWithProperties?.response as { document: unknown }
    const document = Schema.decodeUnknownSync(PapraDocument)(body.document)
    const byKey = new Map(document.customProperties.map((property) => [property.key, property]))
    const status = byKey.get("status")
    expect(status?.type === "select" && status.value?.optionId).toBe("cpso_jpwkj5cqd88c5xjx1kt2zwj4")
    const owner = byKey.get("owner")
    expect(owner?.type === "user_relation" && owner.value?.[0]?.email).toBe("tester@example.com")
    expect(byKey.get("duedate")?.value).toBe("2026-02-28T00:00:00.000Z")
  })

  it("refuses a value whose shape does not match its type", () => {
    const body = getWithProperties?.response as {
      document: { customProperties: Array<Record<string, unknown>> }
    }
    const broken = {
      ...body.document,
      customProperties: [{ key: "amount", name: "Amount", type: "number", displayOrder: 0, value: "12" }],
    }
    expect(Either.isLeft(Schema.decodeUnknownEither(PapraDocument)(broken))).toBe(true)
  })

  it("reads a property definition under either wrapper Papra has used for get", () => {
    const recorded = exchanges.find((exchange) => exchange.file === "custom-properties.get.json")
    const { definition } = (recorded?.response ?? {}) as { definition?: unknown }
    const schema = customPropertyRoutes.get.response
    if (schema === undefined) throw new Error("get has a body")
    const decoded = Schema.decodeUnknownSync(schema)({ propertyDefinition: definition })
    expect(decoded.definition.options.map((option) => option.name)).toEqual(["Open", "Closed"])
  })

  it("reads the unicode download name from filename*", () => {
    const file = exchanges.find((exchange) => exchange.file === "documents.file.unicode-filename.json")
    expect(filenameFromContentDisposition(file?.responseHeaders["content-disposition"])).toBe(
      "résumé ü €.txt",
    )
    expect(filenameFromContentDisposition('attachment; filename="plain \\"q\\".pdf"')).toBe('plain "q".pdf')
    expect(filenameFromContentDisposition(undefined)).toBeUndefined()
  })
})
