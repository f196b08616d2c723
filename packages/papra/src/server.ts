import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { PapraError } from "./errors.js"
import { route, type Transport } from "./transport.js"

export const PapraHealth = Schema.Struct({
  isDatabaseHealthy: Schema.Boolean,
  isEverythingOk: Schema.Boolean,
  status: Schema.String,
})
export type PapraHealth = typeof PapraHealth.Type

/** The public server configuration; only what a migration checks is typed, the rest is kept as sent. */
export const PapraServerConfig = Schema.Struct({
  version: Schema.String,
  gitCommitSha: Schema.optional(Schema.String),
  gitCommitDate: Schema.optional(Schema.String),
  documents: Schema.optional(Schema.Struct({ deletedDocumentsRetentionDays: Schema.Number })),
})
export type PapraServerConfig = typeof PapraServerConfig.Type

export const serverRoutes = {
  ping: route("GET", "/api/ping", Schema.Struct({ status: Schema.String })),
  health: route("GET", "/api/health", PapraHealth),
  config: route("GET", "/api/config", Schema.Struct({ config: PapraServerConfig })),
} as const

/** Routes that need no key: reachability, health and the server's version before a run. */
export interface PapraServer {
  readonly ping: () => Effect.Effect<void, PapraError>
  readonly health: () => Effect.Effect<PapraHealth, PapraError>
  readonly config: () => Effect.Effect<PapraServerConfig, PapraError>
}

export const makeServer = (transport: Transport): PapraServer => ({
  ping: () => Effect.asVoid(transport.call(serverRoutes.ping)),
  health: () => transport.call(serverRoutes.health),
  config: () => Effect.map(transport.call(serverRoutes.config), (body) => body.config),
})
