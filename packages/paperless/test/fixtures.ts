import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import type * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"

/** The recorded exchanges are vendored in `test/fixtures` (refreshed by `pnpm fixtures:refresh`). */
const here = Path.dirname(fileURLToPath(import.meta.url))
export const FIXTURE_DIRS = {
  "3.0": Path.resolve(here, "../../../test/fixtures/paperless"),
  "2.20": Path.resolve(here, "../../../test/fixtures/paperless-2.20"),
} as const
export type Generation = keyof typeof FIXTURE_DIRS

export interface Fixture {
  readonly generation: Generation
  readonly file: string
  readonly apiVersion: number | string | undefined
  readonly request: {
    readonly method: string
    readonly path: string
    readonly pathTemplate: string
    readonly headers?: Record<string, string>
    readonly body?: unknown
  }
  readonly status: number
  readonly responseHeaders: Record<string, string>
  readonly response: unknown
}

interface IndexEntry {
  readonly file: string
  readonly apiVersion?: number | string
}

const loaded = new Map<Generation, ReadonlyArray<Fixture>>()

export const loadFixtures = (generation: Generation): ReadonlyArray<Fixture> => {
  const cached = loaded.get(generation)
  if (cached !== undefined) return cached
  const fixtures = readFixtures(generation)
  loaded.set(generation, fixtures)
  return fixtures
}

const readFixtures = (generation: Generation): ReadonlyArray<Fixture> => {
  const dir = FIXTURE_DIRS[generation]
  const index = JSON.parse(Fs.readFileSync(Path.join(dir, "_index.json"), "utf8")) as {
    exchanges: ReadonlyArray<IndexEntry>
  }
  return index.exchanges.map((entry) => {
    const raw = JSON.parse(Fs.readFileSync(Path.join(dir, entry.file), "utf8")) as Omit<
      Fixture,
      "generation" | "file" | "apiVersion"
    >
    return { ...raw, generation, file: entry.file, apiVersion: entry.apiVersion }
  })
}

export const loadFixture = (generation: Generation, file: string): Fixture => {
  const found = loadFixtures(generation).find((fixture) => fixture.file === file)
  if (found === undefined) throw new Error(`no fixture ${generation}/${file}`)
  return found
}

const isSummary = (body: unknown, key: "_binary" | "_text"): body is Record<string, unknown> =>
  typeof body === "object" && body !== null && key in body

/** The recorded body as the server sent it (binary and long HTML bodies were stored as summaries). */
export const fixtureBody = (fixture: Fixture): string | Uint8Array | null => {
  const body = fixture.response
  if (body === null || body === undefined) return null
  if (isSummary(body, "_binary")) return Buffer.from(String(body.first_bytes ?? ""), "latin1")
  if (isSummary(body, "_text")) return String(body.first_chars ?? "")
  const contentType = fixture.responseHeaders["content-type"] ?? ""
  if (typeof body === "string" && !contentType.includes("json")) return body
  return JSON.stringify(body)
}

export const fixtureResponse = (fixture: Fixture): Response => {
  const noBody = fixture.status === 204 || fixture.status === 304 || fixture.request.method === "HEAD"
  const headers = new Headers()
  for (const [key, value] of Object.entries(fixture.responseHeaders)) {
    if (key !== "content-length") headers.set(key, value)
  }
  const body = noBody ? null : fixtureBody(fixture)
  return new Response(body, { status: fixture.status, headers })
}

/** A request as the replay client saw it, for assertions on what the client sent. */
export interface SeenRequest {
  readonly method: string
  readonly url: URL
  readonly headers: Readonly<Record<string, string>>
  readonly body: unknown
  readonly contentType: string | undefined
}

/** Text bodies as text, multipart ones as a real parser (undici's `Response.formData()`) reads them. */
const sentBody = (body: HttpBody.HttpBody): Effect.Effect<unknown> => {
  if (body._tag === "Uint8Array") return Effect.succeed(new TextDecoder().decode(body.body))
  if (body._tag !== "Stream") return Effect.succeed(body)
  return Stream.runCollect(body.stream).pipe(
    Effect.orDie,
    Effect.flatMap((chunks) =>
      Effect.promise(() =>
        new Response(Buffer.concat(Chunk.toReadonlyArray(chunks) as Array<Uint8Array>), {
          headers: { "content-type": body.contentType },
        }).formData(),
      ),
    ),
  )
}

/**
 * An HttpClient that answers each request with the fixture `route` picks (or a plain Response),
 * recording what was sent.
 */
export const replayLayer = (
  route: (request: SeenRequest) => Fixture | Response,
  seen: Array<SeenRequest> = [],
): Layer.Layer<HttpClient.HttpClient> =>
  Layer.succeed(
    HttpClient.HttpClient,
    HttpClient.make((request, url) =>
      Effect.flatMap(sentBody(request.body), (body) => {
        const seenRequest: SeenRequest = {
          method: request.method,
          url,
          headers: request.headers,
          body,
          contentType: "contentType" in request.body ? request.body.contentType : undefined,
        }
        seen.push(seenRequest)
        const answer = route(seenRequest)
        // `Response.error()` stands for a connection that failed before any answer.
        if (answer instanceof Response && answer.type === "error") {
          return Effect.fail(
            new HttpClientError.RequestError({
              request,
              reason: "Transport",
              cause: new Error("socket hang up"),
            }),
          )
        }
        return Effect.succeed(
          HttpClientResponse.fromWeb(request, answer instanceof Response ? answer : fixtureResponse(answer)),
        )
      }),
    ),
  )

/** What the version probe (`GET /api/documents/?fields=id`) gets from each generation. */
export const probeAnswer = (generation: Generation): Response =>
  new Response(JSON.stringify({ count: 0, next: null, previous: null, results: [] }), {
    headers: {
      "content-type": "application/json",
      "x-api-version": generation === "3.0" ? "10" : "9",
      "x-version": generation === "3.0" ? "3.0.5" : "2.20.15",
    },
  })

export const isProbe = (request: SeenRequest) =>
  request.url.pathname === "/api/documents/" && request.url.searchParams.get("fields") === "id"
