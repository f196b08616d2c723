import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { PapraError } from "./errors.js"
import { PapraApiKeyId } from "./ids.js"
import { route, type Transport } from "./transport.js"

/** The key the client authenticates with, as `/api/api-keys/current` describes it. */
export const PapraCurrentApiKey = Schema.Struct({
  id: PapraApiKeyId,
  name: Schema.String,
  /** e.g. `documents:read`; a call outside them fails with 401 `auth.unauthorized`, never 403. */
  permissions: Schema.Array(Schema.String),
})
export type PapraCurrentApiKey = typeof PapraCurrentApiKey.Type

export const apiKeyRoutes = {
  current: route("GET", "/api/api-keys/current", Schema.Struct({ apiKey: PapraCurrentApiKey })),
} as const

/**
 * Listing, creating and deleting keys need a browser session: an API key always gets 401
 * (api-keys.list.with-api-key.json), so this client offers only `current`.
 */
export interface PapraApiKeys {
  readonly current: () => Effect.Effect<PapraCurrentApiKey, PapraError>
}

export const makeApiKeys = (transport: Transport): PapraApiKeys => ({
  current: () => Effect.map(transport.call(apiKeyRoutes.current), (body) => body.apiKey),
})
