import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Paperless from "@paperbridge/paperless"
import * as Papra from "@paperbridge/papra"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import { ExitCode } from "../config/errors.js"
import type { Direction } from "../engine/events.js"
import { CliFailure, explainFailure } from "./failures.js"

/** What a command will do with Papra, which decides the permissions its key needs. */
export type PapraUse = "read" | "write"

/**
 * The permissions a run needs. Papra answers every missing one with the same 401
 * `auth.unauthorized` (packages/papra README), so they are checked up front to name the missing one.
 */
export const requiredPapraPermissions = (direction: Direction, use: PapraUse): ReadonlyArray<string> => {
  const read = ["documents:read", "tags:read", "custom-properties:read"]
  if (use === "read" || direction === "papra-to-paperless") return read
  return [
    ...read,
    "documents:create",
    "documents:update",
    "tags:create",
    "tags:update",
    "custom-properties:create",
    "custom-properties:update",
  ]
}

export interface ServerReport {
  readonly paperless: Paperless.ServerInfo
  readonly papraKey: Papra.PapraCurrentApiKey
  readonly organizations: ReadonlyArray<Papra.PapraOrganization>
}

interface ServerAccess {
  readonly paperless: { readonly url: string; readonly auth: Paperless.PaperlessAuth }
  readonly papra: { readonly url: string; readonly apiKey: Redacted.Redacted<string> }
}

// A person waiting for "cannot reach" is better served by one quick retry than by a minute of backoff.
/**
 * Reaches both servers with the credentials: Paperless's version and auth (`server`), Papra's key
 * (`apiKeys.current`) and the organizations it can see. Fails with exit code 3 saying what to fix.
 */
export const checkServers = (access: ServerAccess) =>
  Effect.gen(function* () {
    const paperless = yield* checkPaperless(access.paperless)
    const papra = yield* checkPapra(access.papra)
    return { paperless, ...papra } satisfies ServerReport
  })

export const checkPaperless = (access: ServerAccess["paperless"]) =>
  Effect.flatMap(Paperless.PaperlessClient, (client) =>
    // `server` only negotiates the version; listing a page proves the credentials.
    Effect.zipLeft(client.server, client.documents.list({ page_size: 1 })),
  ).pipe(
    Effect.provide(
      Paperless.layer({
        baseUrl: access.url,
        auth: access.auth,
        retry: { maxRetries: 1, baseDelayMs: 200 },
      }).pipe(Layer.provide(FetchHttpClient.layer)),
    ),
    Effect.mapError(explainFailure),
  )

export const checkPapra = (access: ServerAccess["papra"]) =>
  Effect.flatMap(Papra.PapraClient, (client) =>
    Effect.all({ key: client.apiKeys.current(), organizations: client.organizations.list() }),
  ).pipe(
    Effect.map(({ key, organizations }) => ({ papraKey: key, organizations })),
    Effect.provide(
      Papra.layer({
        baseUrl: access.url,
        apiKey: access.apiKey,
        retry: { maxRetries: 1, baseDelayMs: 200 },
      }).pipe(Layer.provide(FetchHttpClient.layer)),
    ),
    Effect.mapError(explainFailure),
  )

/**
 * The check before a run: both servers answer (for an export, its target alone), the key holds
 * what the run needs, the organization is the key's.
 */
export const preflight = (
  access: ServerAccess & { readonly papra: { readonly organizationId: string } },
  direction: Direction,
  use: PapraUse,
  options: { readonly fromExport?: boolean } = {},
) =>
  Effect.gen(function* () {
    if (options.fromExport === true && direction === "paperless-to-paperless") {
      yield* checkPaperless(access.paperless)
      return
    }
    const report = options.fromExport === true ? yield* checkPapra(access.papra) : yield* checkServers(access)
    const missing = requiredPapraPermissions(direction, use).filter(
      (permission) => !report.papraKey.permissions.includes(permission),
    )
    if (missing.length > 0)
      return yield* new CliFailure({
        exitCode: ExitCode.unreachable,
        lines: [
          `PAPRA_API_KEY lacks ${missing.join(", ")}.`,
          "Create a Papra API key with these permissions (Settings → API keys) and set PAPRA_API_KEY to it.",
        ],
      })
    if (!report.organizations.some((organization) => organization.id === access.papra.organizationId))
      return yield* new CliFailure({
        exitCode: ExitCode.unreachable,
        lines: [
          `Papra: the API key cannot see organization ${access.papra.organizationId}.`,
          `Check papra.organizationId (--papra-org); the key can see: ${report.organizations.map((organization) => `${organization.id} (${organization.name})`).join(", ") || "none"}.`,
        ],
      })
  })
