import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import {
  hasPapraCode,
  layerConfig,
  PapraApiError,
  PapraClient,
  type PapraError,
  PapraTransportError,
} from "../src/index.js"
import { clientWith, docId, orgId, replay, secret } from "./scripted-client.js"
import { json, scriptedHttp } from "./scripted-http.js"

describe("error mapping", () => {
  it.effect("keeps Papra's error code and names the endpoint by its template", () =>
    Effect.gen(function* () {
      const { client } = clientWith(() => replay("documents.create.duplicate.json"))
      const papra = yield* client
      const error = yield* Effect.flip(
        papra.documents.upload({ blob: new Blob(["x"]), fileName: "notes-copy.txt", mimeType: "text/plain" }),
      )
      expect(error).toBeInstanceOf(PapraApiError)
      expect(error).toMatchObject({
        status: 409,
        code: "document.already_exists",
        endpoint: "POST /api/organizations/:organizationId/documents",
      })
    }),
  )

  it.effect("lets a caller catch one Papra code and let the others through", () =>
    Effect.gen(function* () {
      const { client } = clientWith(() => replay("documents.tags.add.again.json"))
      const papra = yield* client
      const tagId = "tag_bi8zu2l4j1qoj5wnu6u6azn5" as Parameters<typeof papra.documents.addTag>[1]
      const tolerated = papra.documents
        .addTag(docId, tagId)
        .pipe(
          Effect.catchIf(hasPapraCode("documents.already_has_tag"), () => Effect.succeed("already there")),
        )
      expect(yield* tolerated).toBe("already there")
      const other = papra.documents
        .addTag(docId, tagId)
        .pipe(Effect.catchIf(hasPapraCode("tags.not_found"), () => Effect.succeed("missing")))
      expect(yield* Effect.flip(other)).toMatchObject({ code: "documents.already_has_tag", status: 409 })
    }),
  )

  it.effect("maps an unknown organization to 403 user.not_in_organization and keeps validation details", () =>
    Effect.gen(function* () {
      const forbidden = clientWith(() => replay("organizations.get.not-found.json"))
      const error = yield* Effect.flip((yield* forbidden.client).organizations.get(orgId))
      expect(error).toMatchObject({ status: 403, code: "user.not_in_organization" })

      const invalid = clientWith(() => replay("documents.list.invalid-sort-field.json"))
      const validation = yield* Effect.flip(
        (yield* invalid.client).documents.list({ pageIndex: 0, pageSize: 5 }),
      )
      expect(validation).toMatchObject({ status: 400, code: "server.invalid_request.query" })
      expect(validation._tag === "PapraApiError" && validation.details[0]?.path).toBe("sortField")
      expect(validation.message).toContain("sortField")
    }),
  )

  it.effect("gives a body that is not Papra's error shape an http.<status> code", () =>
    Effect.gen(function* () {
      const { client } = clientWith(
        () =>
          new Response("<html>Bad gateway</html>", { status: 502, headers: { "content-type": "text/html" } }),
        { retry: { maxRetries: 0 } },
      )
      const error = yield* Effect.flip((yield* client).organizations.list())
      expect(error).toMatchObject({
        status: 502,
        code: "http.502",
        serverMessage: "<html>Bad gateway</html>",
      })
    }),
  )

  it.effect("names the endpoint and the field when an answer does not match the schema", () =>
    Effect.gen(function* () {
      const { document } = (yield* Effect.promise(() => replay("documents.get.json").json())) as {
        document: Record<string, unknown>
      }
      const { originalSha256Hash: _dropped, ...withoutHash } = document
      const { client } = clientWith(() => json(200, { document: withoutHash }))
      const error = yield* Effect.flip((yield* client).documents.get(docId))
      expect(error).toMatchObject({
        _tag: "PapraDecodeError",
        endpoint: "GET /api/organizations/:organizationId/documents/:documentId",
        field: "document.originalSha256Hash",
      })

      const notJson = clientWith(() => new Response("not json", { status: 200 }))
      const bodyError = yield* Effect.flip((yield* notJson.client).documents.get(docId))
      expect(bodyError).toMatchObject({ _tag: "PapraDecodeError", field: "(body)" })
    }),
  )

  it.effect("reports a lost connection as a transport error of the endpoint", () =>
    Effect.gen(function* () {
      const { client } = clientWith(() => "reset", { retry: { maxRetries: 0 } })
      const error = yield* Effect.flip((yield* client).tags.list())
      expect(error).toBeInstanceOf(PapraTransportError)
      expect(error).toMatchObject({
        endpoint: "GET /api/organizations/:organizationId/tags",
        reason: "Transport",
      })
    }),
  )
})

describe("the API key stays secret", () => {
  const leaks = (value: unknown) => {
    const rendered = [
      String(value),
      value instanceof Error ? value.message : "",
      JSON.stringify(value),
      Cause.pretty(Cause.fail(value)),
    ]
    return rendered.some((text) => text.includes(secret) || text.includes("s3cr3t"))
  }

  it.live("appears in no error and no log line, though every request carries it", () => {
    const lines: Array<string> = []
    const capture = Logger.make(({ message, annotations }) => {
      lines.push(JSON.stringify({ message, annotations: [...annotations] }))
    })
    return Effect.gen(function* () {
      const answers = [
        () => replay("api-keys.current.invalid-key.json"),
        () => json(200, { apiKey: { id: "nope" } }),
        () => "reset" as const,
        () => new Response(`echo ${secret}`.replace(secret, "[server text]"), { status: 500 }),
      ]
      const errors: Array<PapraError> = []
      for (const answer of answers) {
        const { seen, client } = clientWith(answer, { retry: { maxRetries: 1, baseDelayMs: 1 } })
        const papra = yield* client
        errors.push(yield* Effect.flip(papra.apiKeys.current()))
        expect(seen[0]?.headers.authorization).toBe(`Bearer ${secret}`)
      }
      const badArgument = yield* Effect.flip(
        (yield* clientWith(() => "reset").client).tags.create({ name: "", color: "x" }),
      )
      errors.push(badArgument)

      expect(errors.map((error) => error._tag)).toEqual([
        "PapraApiError",
        "PapraDecodeError",
        "PapraTransportError",
        "PapraApiError",
        "PapraRequestError",
      ])
      for (const error of errors) expect(leaks(error), error.message).toBe(false)
      expect(lines.length).toBeGreaterThan(0)
      expect(lines.some((line) => line.includes("s3cr3t"))).toBe(false)
    }).pipe(
      Effect.provide(Logger.replace(Logger.defaultLogger, capture)),
      Logger.withMinimumLogLevel(LogLevel.All),
    )
  })

  it.effect("is read from PAPRA_API_KEY as a Redacted value by layerConfig", () =>
    Effect.gen(function* () {
      const http = scriptedHttp(() => replay("api-keys.current.json"))
      const provider = ConfigProvider.fromMap(
        new Map([
          ["PAPRA_URL", "http://papra.test"],
          ["PAPRA_API_KEY", secret],
          ["PAPRA_ORG_ID", orgId],
        ]),
      )
      const layer = layerConfig().pipe(
        Layer.provide(http.layer),
        Layer.provide(Layer.setConfigProvider(provider)),
      )
      const key = yield* Effect.flatMap(PapraClient, (papra) => papra.apiKeys.current()).pipe(
        Effect.provide(layer),
      )
      expect(key.permissions).toContain("documents:create")
      expect(http.seen[0]?.headers.authorization).toBe(`Bearer ${secret}`)
    }),
  )
})
