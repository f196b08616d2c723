import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import { describe, expect } from "vitest"
import {
  type CustomFieldId,
  type DocumentId,
  layer,
  layerConfig,
  PaperlessAuth,
  PaperlessClient,
  type PaperlessClientConfig,
  type TagId,
} from "../src/index.js"
import { type Fixture, loadFixture, replayLayer, type SeenRequest } from "./fixtures.js"

const TOKEN = "0123456789abcdef0123456789abcdef01234567"
const base: PaperlessClientConfig = {
  baseUrl: "http://paperless.test/",
  auth: PaperlessAuth.token(TOKEN),
  retry: { baseDelayMs: 1, maxDelayMs: 2 },
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "x-api-version": "10", "x-version": "3.0.5", ...headers },
  })

const emptyPage = { count: 0, next: null, previous: null, results: [] }

/** A client over a routing function; `seen` collects every request it sent. */
const clientLayer = (
  route: (request: SeenRequest) => Fixture | Response,
  seen: Array<SeenRequest> = [],
  config: Partial<PaperlessClientConfig> = {},
) => layer({ ...base, ...config }).pipe(Layer.provide(replayLayer(route, seen)))

const isProbe = (request: SeenRequest) =>
  request.url.pathname === "/api/documents/" && request.url.searchParams.get("fields") === "id"

const withProbe =
  (generation: "3.0" | "2.20", route: (request: SeenRequest) => Fixture | Response) =>
  (request: SeenRequest) =>
    isProbe(request)
      ? json(200, emptyPage, generation === "3.0" ? {} : { "x-api-version": "9", "x-version": "2.20.15" })
      : route(request)

describe("version negotiation", () => {
  it.effect("uses 10 on 3.0 and 9 on 2.20, probing with version 9, which both accept", () =>
    Effect.gen(function* () {
      for (const [generation, fixture, expected] of [
        ["3.0", "versions.documents.v9.json", 10],
        ["2.20", "versions.no-accept-header.json", 9],
      ] as const) {
        const seen: Array<SeenRequest> = []
        const recorded = loadFixture(generation, fixture)
        const info = yield* Effect.flatMap(PaperlessClient, (client) =>
          Effect.zipRight(client.system.statistics(), client.server),
        ).pipe(
          Effect.provide(
            clientLayer(
              (request) => (isProbe(request) ? recorded : loadFixture(generation, "statistics.get.json")),
              seen,
            ),
          ),
        )
        expect(info.apiVersion).toBe(expected)
        expect(info.generation).toBe(generation)
        expect(seen[0]?.headers.accept).toBe("application/json; version=9")
        expect(seen[1]?.headers.accept).toBe(`application/json; version=${expected}`)
        expect(seen[1]?.headers.authorization).toBe(`Token ${TOKEN}`)
      }
    }),
  )

  it.effect("fails with a typed error when the server knows neither 9 nor 10 (406)", () =>
    Effect.gen(function* () {
      const refused = loadFixture("3.0", "versions.unsupported.v99.json")
      const error = yield* Effect.flip(
        Effect.flatMap(PaperlessClient, (client) => client.server).pipe(
          Effect.provide(clientLayer(() => refused)),
        ),
      )
      expect(error._tag).toBe("PaperlessUnsupportedServer")
      expect(error.message).toContain("406")
    }),
  )

  it.effect("refuses a server whose maximum is below 9", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        Effect.flatMap(PaperlessClient, (client) => client.server).pipe(
          Effect.provide(
            clientLayer(() => json(200, emptyPage, { "x-api-version": "8", "x-version": "2.15.3" })),
          ),
        ),
      )
      expect(error._tag).toBe("PaperlessUnsupportedServer")
      expect(error).toMatchObject({ serverApiVersion: 8, serverVersion: "2.15.3" })
    }),
  )

  it.effect("reads the version from statistics when the user may not list documents (403)", () =>
    Effect.gen(function* () {
      const info = yield* Effect.flatMap(PaperlessClient, (client) => client.server).pipe(
        Effect.provide(
          clientLayer((request) =>
            request.url.pathname === "/api/statistics/"
              ? loadFixture("2.20", "auth.limited.statistics.json")
              : loadFixture("2.20", "auth.limited.documents.json"),
          ),
        ),
      )
      expect(info).toMatchObject({ apiVersion: 9, generation: "2.20", serverVersion: "2.20.15" })
    }),
  )

  it.effect("exchanges username and password for the token once", () =>
    Effect.gen(function* () {
      const seen: Array<SeenRequest> = []
      yield* Effect.flatMap(PaperlessClient, (client) =>
        Effect.zipRight(client.system.statistics(), client.system.statistics()),
      ).pipe(
        Effect.provide(
          clientLayer(
            (request) =>
              request.url.pathname === "/api/token/"
                ? json(200, { token: TOKEN })
                : isProbe(request)
                  ? json(200, emptyPage)
                  : loadFixture("3.0", "statistics.get.json"),
            seen,
            { auth: PaperlessAuth.credentials("admin", "s3cret-password") },
          ),
        ),
      )
      expect(seen.filter((request) => request.url.pathname === "/api/token/")).toHaveLength(1)
      expect(seen.at(-1)?.headers.authorization).toBe(`Token ${TOKEN}`)
    }),
  )
})

describe("retries", () => {
  it.live("retries an idempotent GET on 503 and on a dropped connection, then succeeds", () =>
    Effect.gen(function* () {
      const seen: Array<SeenRequest> = []
      let calls = 0
      const result = yield* Effect.flatMap(PaperlessClient, (client) => client.system.logNames()).pipe(
        Effect.provide(
          clientLayer(
            withProbe("3.0", () => {
              calls += 1
              if (calls === 1) return json(503, { detail: "busy" })
              if (calls === 2) return Response.error()
              return json(200, ["paperless", "celery"])
            }),
            seen,
          ),
        ),
      )
      expect(result).toEqual(["paperless", "celery"])
      expect(calls).toBe(3)
    }),
  )

  it.effect("never repeats a POST (an upload or a PATCH could be applied twice)", () =>
    Effect.gen(function* () {
      let posts = 0
      const error = yield* Effect.flip(
        Effect.flatMap(PaperlessClient, (client) => client.tags.create({ name: "x" })).pipe(
          Effect.provide(
            clientLayer(
              withProbe("3.0", () => {
                posts += 1
                return json(503, { detail: "busy" })
              }),
            ),
          ),
        ),
      )
      expect(posts).toBe(1)
      expect(error).toMatchObject({ _tag: "PaperlessApiError", status: 503, endpoint: "/api/tags/" })
    }),
  )

  it.effect("waits as long as Retry-After asks on 429", () =>
    Effect.gen(function* () {
      let calls = 0
      const fiber = yield* Effect.fork(
        Effect.flatMap(PaperlessClient, (client) => client.system.logNames()).pipe(
          Effect.provide(
            clientLayer(
              withProbe("3.0", () => {
                calls += 1
                return calls === 1
                  ? json(429, { detail: "Request was throttled." }, { "retry-after": "30" })
                  : json(200, ["paperless"])
              }),
            ),
          ),
        ),
      )
      yield* TestClock.adjust("29 seconds")
      expect(calls).toBe(1)
      yield* TestClock.adjust("2 seconds")
      expect(yield* Fiber.join(fiber)).toEqual(["paperless"])
      expect(calls).toBe(2)
    }),
  )

  it.live("gives up after the configured number of retries", () =>
    Effect.gen(function* () {
      let calls = 0
      const error = yield* Effect.flip(
        Effect.flatMap(PaperlessClient, (client) => client.system.logNames()).pipe(
          Effect.provide(
            clientLayer(
              withProbe("3.0", () => {
                calls += 1
                return new Response("<h1>Server Error (500)</h1>", {
                  status: 500,
                  headers: { "content-type": "text/html" },
                })
              }),
              [],
              { retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 1 } },
            ),
          ),
        ),
      )
      expect(calls).toBe(3)
      expect(error).toMatchObject({ status: 500, text: "Server Error (500)" })
    }),
  )
})

describe("secrets stay out of errors", () => {
  const leaks = (error: unknown, secret: string) =>
    [String(error), JSON.stringify(error), (error as Error).message, (error as Error).stack ?? ""].some(
      (text) => text.includes(secret),
    )

  it.effect("a rejected token, a network failure and a bad password do not show the secret", () =>
    Effect.gen(function* () {
      const unauthorized = yield* Effect.flip(
        Effect.flatMap(PaperlessClient, (client) => client.server).pipe(
          Effect.provide(clientLayer(() => json(401, { detail: "Invalid token." }))),
        ),
      )
      expect(unauthorized).toMatchObject({ status: 401, detail: "Invalid token." })
      expect(leaks(unauthorized, TOKEN)).toBe(false)

      const network = yield* Effect.flip(
        Effect.flatMap(PaperlessClient, (client) => client.server).pipe(
          Effect.provide(clientLayer(() => Response.error(), [], { retry: { maxRetries: 0 } })),
        ),
      )
      expect(network._tag).toBe("PaperlessTransportError")
      expect(leaks(network, TOKEN)).toBe(false)

      const password = "correct horse battery staple"
      const badLogin = yield* Effect.flip(
        Effect.flatMap(PaperlessClient, (client) => client.server).pipe(
          Effect.provide(
            clientLayer(
              () => json(400, { non_field_errors: ["Unable to log in with provided credentials."] }),
              [],
              { auth: PaperlessAuth.basic("admin", password) },
            ),
          ),
        ),
      )
      expect(leaks(badLogin, password)).toBe(false)
      expect(leaks(badLogin, Buffer.from(`admin:${password}`).toString("base64"))).toBe(false)
      expect(JSON.stringify(PaperlessAuth.credentials("admin", password))).not.toContain(password)
    }),
  )

  it.effect("the profile's API token is decoded as Redacted", () =>
    Effect.gen(function* () {
      const profile = yield* Effect.flatMap(PaperlessClient, (client) => client.profile.get()).pipe(
        Effect.provide(
          clientLayer(
            withProbe("3.0", () => {
              const fixture = loadFixture("3.0", "profile.get.json")
              return json(200, { ...(fixture.response as object), auth_token: TOKEN })
            }),
          ),
        ),
      )
      expect(Redacted.value(profile.auth_token)).toBe(TOKEN)
      expect(JSON.stringify(profile)).not.toContain(TOKEN)
      expect(String(profile.auth_token)).not.toContain(TOKEN)
    }),
  )
})

describe("error bodies", () => {
  const failWith = (generation: "3.0" | "2.20", file: string) =>
    Effect.flip(
      Effect.flatMap(PaperlessClient, (client) =>
        client.documents.update(2 as DocumentId, {
          custom_fields: [{ field: 5 as CustomFieldId, value: "abc" }],
        }),
      ).pipe(Effect.provide(clientLayer(withProbe(generation, () => loadFixture(generation, file))))),
    )

  it.effect("3.0's index-keyed and 2.20's list-shaped custom-field errors read the same", () =>
    Effect.gen(function* () {
      const modern = yield* failWith("3.0", "documents.patch.custom_fields.invalid.integer.json")
      const older = yield* failWith("2.20", "documents.patch.custom_fields.invalid-second-entry.json")
      if (modern._tag !== "PaperlessApiError" || older._tag !== "PaperlessApiError")
        throw new Error("wrong error")
      expect(modern.messages).toEqual([
        { field: "custom_fields.0.non_field_errors", message: "Enter a valid integer." },
      ])
      expect(older.messages).toEqual([
        { field: "custom_fields.1.non_field_errors", message: "Enter a valid integer." },
      ])
      expect(modern.fieldErrors).toBeDefined()
    }),
  )

  it.effect("an HTML 500 becomes a readable error", () =>
    Effect.gen(function* () {
      const error = yield* failWith("3.0", "documents.patch.custom_fields.invalid.boolean.json")
      expect(error).toMatchObject({ status: 500, text: "Server Error (500)" })
    }),
  )

  it.effect("a 200 note answer that is an error fails", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        Effect.flatMap(PaperlessClient, (client) => client.notes.add(2, "")).pipe(
          Effect.provide(
            clientLayer(withProbe("3.0", () => loadFixture("3.0", "documents.notes.create.missing.json"))),
          ),
        ),
      )
      expect(error).toMatchObject({ status: 200, detail: "Error saving note, check logs for more detail." })
    }),
  )

  it.effect("plain-text search errors keep their text", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        Effect.flatMap(PaperlessClient, (client) => client.search.global("a")).pipe(
          Effect.provide(
            clientLayer(withProbe("3.0", () => loadFixture("3.0", "search.global.short-query.json"))),
          ),
        ),
      )
      expect(error).toMatchObject({ status: 400, text: "Query must be at least 3 characters" })
    }),
  )

  it.effect("an answer of the wrong shape names endpoint and field", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        Effect.flatMap(PaperlessClient, (client) => client.tags.get(1 as TagId)).pipe(
          Effect.provide(clientLayer(withProbe("3.0", () => json(200, { id: "one", name: "x" })))),
        ),
      )
      expect(error).toMatchObject({ _tag: "PaperlessDecodeError", endpoint: "/api/tags/1/", field: "id" })
    }),
  )
})

describe("pagination", () => {
  it.effect("streams every page by number, whatever host `next` names", () =>
    Effect.gen(function* () {
      const seen: Array<SeenRequest> = []
      const tag = (id: number) => ({
        id,
        slug: `t${id}`,
        name: `t${id}`,
        color: "#a6cee3",
        text_color: "#000000",
        match: "",
        matching_algorithm: 1,
        is_insensitive: true,
        is_inbox_tag: false,
        owner: null,
        parent: null,
        children: [],
      })
      const ids = yield* Effect.flatMap(PaperlessClient, (client) =>
        Stream.runCollect(client.tags.stream({ page_size: 2 })),
      ).pipe(
        Effect.provide(
          clientLayer(
            withProbe("3.0", (request) => {
              const page = Number(request.url.searchParams.get("page"))
              const results = page === 3 ? [tag(5)] : [tag(page * 2 - 1), tag(page * 2)]
              const next = page < 3 ? `http://internal:8000/api/tags/?page=${page + 1}` : null
              return json(200, { count: 5, next, previous: null, results })
            }),
            seen,
          ),
        ),
      )
      expect(Chunk.toArray(ids).map((t) => t.id)).toEqual([1, 2, 3, 4, 5])
      const pages = seen.filter((request) => !isProbe(request))
      expect(pages.map((request) => request.url.searchParams.get("page"))).toEqual(["1", "2", "3"])
      expect(pages.every((request) => request.url.host === "paperless.test")).toBe(true)
    }),
  )
})

describe("concurrency bound", () => {
  it.live("never has more requests in flight than configured", () =>
    Effect.gen(function* () {
      let inFlight = 0
      let peak = 0
      const counting = Layer.succeed(
        HttpClient.HttpClient,
        HttpClient.make((request) =>
          Effect.gen(function* () {
            inFlight += 1
            peak = Math.max(peak, inFlight)
            yield* Effect.sleep("5 millis")
            inFlight -= 1
            const body = request.url.includes("fields=id")
              ? { count: 0, next: null, previous: null, results: [] }
              : ["x"]
            return HttpClientResponse.fromWeb(request, json(200, body))
          }),
        ),
      )
      yield* Effect.flatMap(PaperlessClient, (client) =>
        Effect.all(
          Array.from({ length: 12 }, () => client.system.logNames()),
          { concurrency: "unbounded" },
        ),
      ).pipe(Effect.provide(layer({ ...base, concurrency: 3 }).pipe(Layer.provide(counting))))
      expect(peak).toBe(3)
    }),
  )
})

describe("configuration from the environment", () => {
  const fromEnv = (env: Record<string, string>) =>
    Effect.withConfigProvider(
      Effect.flatMap(PaperlessClient, (client) => client.server).pipe(
        Effect.provide(
          layerConfig.pipe(
            Layer.provide(
              replayLayer((request) =>
                request.url.pathname === "/api/token/" ? json(200, { token: TOKEN }) : json(200, emptyPage),
              ),
            ),
          ),
        ),
      ),
      ConfigProvider.fromMap(new Map(Object.entries(env))),
    )

  it.effect("takes PAPERLESS_URL with PAPERLESS_TOKEN, or a username and password", () =>
    Effect.gen(function* () {
      const withToken = yield* fromEnv({ PAPERLESS_URL: "http://paperless.test", PAPERLESS_TOKEN: TOKEN })
      expect(withToken.apiVersion).toBe(10)
      const withPassword = yield* fromEnv({
        PAPERLESS_URL: "http://paperless.test",
        PAPERLESS_USERNAME: "admin",
        PAPERLESS_PASSWORD: "hunter2-hunter2",
      })
      expect(withPassword.apiVersion).toBe(10)
      const missing = yield* Effect.flip(fromEnv({ PAPERLESS_URL: "http://paperless.test" }))
      expect(String(missing)).toContain("PAPERLESS_TOKEN")
    }),
  )
})
