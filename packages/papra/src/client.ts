import type * as HttpClient from "@effect/platform/HttpClient"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { makeApiKeys, type PapraApiKeys } from "./api-keys.js"
import { makeCustomProperties, type PapraCustomProperties } from "./custom-properties.js"
import { makeDocuments, type PapraDocuments } from "./documents.js"
import { type PapraError, PapraRequestError } from "./errors.js"
import { PapraOrganizationId } from "./ids.js"
import { makeOrganizations, type PapraOrganizations } from "./organizations.js"
import { defaultRetryPolicy, type RetryPolicy } from "./retry.js"
import { makeServer, type PapraServer } from "./server.js"
import { makeTags, type PapraTags } from "./tags.js"
import { makeTransport } from "./transport.js"

export interface PapraClientConfig {
  /** The server's base URL, e.g. `https://papra.example.org` (routes live under `/api`). */
  readonly baseUrl: string
  /** A `ppapi_…` key. A plain string is wrapped in `Redacted` at once. */
  readonly apiKey: Redacted.Redacted<string> | string
  /** The organization that `documents`, `tags` and `customProperties` work in. */
  readonly organizationId?: string
  /** Requests in flight at once from this client (default 8). */
  readonly concurrency?: number
  readonly retry?: Partial<RetryPolicy>
  /** Per attempt, until the answer has arrived (default 60 s); downloads count until their headers. */
  readonly timeoutMs?: number
  /** Per upload attempt, which sends the whole file (default 15 minutes). */
  readonly uploadTimeoutMs?: number
  readonly userAgent?: string
}

/** The routes of one organization. */
export interface PapraOrganizationScope {
  readonly organizationId: PapraOrganizationId
  readonly documents: PapraDocuments
  readonly tags: PapraTags
  readonly customProperties: PapraCustomProperties
}

export interface PapraClientShape {
  readonly server: PapraServer
  readonly apiKeys: PapraApiKeys
  readonly organizations: PapraOrganizations
  /** In the configured organization; without one, every call fails with a `PapraRequestError`. */
  readonly documents: PapraDocuments
  readonly tags: PapraTags
  readonly customProperties: PapraCustomProperties
  /** The same resources in another organization. */
  readonly organization: (id: PapraOrganizationId) => PapraOrganizationScope
}

export class PapraClient extends Context.Tag("@paperbridge/papra/PapraClient")<
  PapraClient,
  PapraClientShape
>() {}

const decodeOrganizationId = Schema.decodeUnknownEither(PapraOrganizationId)

/** Builds a client over the `HttpClient` in context. */
export const make = (
  config: PapraClientConfig,
): Effect.Effect<PapraClientShape, never, HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const semaphore = yield* Effect.makeSemaphore(Math.max(1, config.concurrency ?? 8))
    const transport = yield* makeTransport(
      {
        baseUrl: config.baseUrl,
        apiKey: typeof config.apiKey === "string" ? Redacted.make(config.apiKey) : config.apiKey,
        retry: { ...defaultRetryPolicy, ...config.retry },
        timeoutMs: config.timeoutMs ?? 60_000,
        userAgent: config.userAgent ?? "paperbridge-papra",
      },
      semaphore,
    )
    const scope = (organizationId: Effect.Effect<PapraOrganizationId, PapraError>) => ({
      documents: makeDocuments(transport, organizationId, {
        uploadTimeoutMs: config.uploadTimeoutMs ?? 900_000,
      }),
      tags: makeTags(transport, organizationId),
      customProperties: makeCustomProperties(transport, organizationId),
    })
    const configured: Effect.Effect<PapraOrganizationId, PapraError> =
      config.organizationId === undefined
        ? Effect.fail(
            new PapraRequestError({
              endpoint: "(client)",
              field: "organizationId",
              problem: "no organization configured; use client.organization(id)",
            }),
          )
        : // Decoded once here, not on every request that names the organization.
          Either.mapLeft(
            decodeOrganizationId(config.organizationId),
            () =>
              new PapraRequestError({
                endpoint: "(client)",
                field: "organizationId",
                problem: "not a Papra organization id (org_ and 24 lower-case letters or digits)",
              }),
          )
    return {
      server: makeServer(transport),
      apiKeys: makeApiKeys(transport),
      organizations: makeOrganizations(transport),
      ...scope(configured),
      organization: (id) => ({ organizationId: id, ...scope(Effect.succeed(id)) }),
    }
  })

export const layer = (config: PapraClientConfig): Layer.Layer<PapraClient, never, HttpClient.HttpClient> =>
  Layer.effect(PapraClient, make(config))

/** Reads `PAPRA_URL`, `PAPRA_API_KEY` (kept redacted) and, optionally, `PAPRA_ORG_ID`. */
export const papraClientConfig: Config.Config<PapraClientConfig> = Config.all({
  baseUrl: Config.string("PAPRA_URL"),
  apiKey: Config.redacted("PAPRA_API_KEY"),
  organizationId: Config.option(Config.string("PAPRA_ORG_ID")),
}).pipe(
  Config.map(({ organizationId, ...rest }) =>
    Option.match(organizationId, {
      onNone: () => rest,
      onSome: (id) => ({ ...rest, organizationId: id }),
    }),
  ),
)

export const layerConfig = (
  overrides: Omit<Partial<PapraClientConfig>, "baseUrl" | "apiKey" | "organizationId"> = {},
): Layer.Layer<PapraClient, ConfigError.ConfigError, HttpClient.HttpClient> =>
  Layer.effect(
    PapraClient,
    Effect.flatMap(papraClientConfig, (config) => make({ ...overrides, ...config })),
  )
