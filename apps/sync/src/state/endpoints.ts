import * as Schema from "effect/Schema"

export const Side = Schema.Literal("paperless", "papra")
export type Side = typeof Side.Type

/**
 * Which server (and, for Papra, which organization) a row belongs to, e.g.
 * `paperless:https://paperless.example.org` or `papra:https://papra.example.org#org_…`. It is part
 * of every key so one state file can serve several pairs of servers.
 */
export const Endpoint = Schema.String.pipe(
  Schema.pattern(/^(paperless|papra):\S+$/),
  Schema.brand("Endpoint"),
)
export type Endpoint = typeof Endpoint.Type

/** One direction of travel between two endpoints. */
export interface Pair {
  readonly source: Endpoint
  readonly target: Endpoint
}

/** The same two endpoints travelled the other way. */
export const reversed = (pair: Pair): Pair => ({ source: pair.target, target: pair.source })

export const EntityKind = Schema.Literal(
  "document",
  "tag",
  "custom_field",
  "correspondent",
  "document_type",
  "storage_path",
  "select_option",
)
export type EntityKind = typeof EntityKind.Type

export type PairDirection = `${Side}-to-${Side}`

/**
 * Only scheme, host, port and path identify a server: credentials and query strings are dropped so
 * a URL like `https://user:secret@host/?token=…` can never carry a secret into the state file.
 */
const serverAddress = (url: string): string => {
  if (!URL.canParse(url))
    return url
      .trim()
      .replace(/[?#].*$/, "")
      .replace(/\/\/[^/@]*@/, "//")
  const parsed = new URL(url)
  return `${parsed.protocol}//${parsed.host}${parsed.pathname.replace(/\/+$/, "")}`
}

export const paperlessEndpoint = (url: string): Endpoint => Endpoint.make(`paperless:${serverAddress(url)}`)

export const papraEndpoint = (url: string, organizationId: string): Endpoint =>
  Endpoint.make(`papra:${serverAddress(url)}#${organizationId}`)

export const sideOf = (endpoint: Endpoint): Side =>
  endpoint.startsWith("paperless:") ? "paperless" : "papra"

export const directionOf = (pair: Pair): PairDirection => `${sideOf(pair.source)}-to-${sideOf(pair.target)}`
