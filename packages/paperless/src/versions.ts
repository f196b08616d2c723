/**
 * Paperless-ngx selects the API version from the Accept header only. 3.0.x accepts 9 and 10,
 * 2.20.x accepts 1 to 9; anything else is a 406 before authentication
 * (paperless-2.20-differences.md, paperless-server-behaviour.md).
 */
export const SUPPORTED_API_VERSIONS = [9, 10] as const
export type ApiVersion = (typeof SUPPORTED_API_VERSIONS)[number]

/** The only version both 2.20 and 3.0 accept, so the probe that discovers the server uses it. */
export const PROBE_API_VERSION: ApiVersion = 9

/** The highest version both we and the server speak, from the server's `X-Api-Version` (its maximum). */
export const negotiateVersion = (serverMax: number): ApiVersion | undefined =>
  [...SUPPORTED_API_VERSIONS].reverse().find((version) => version <= serverMax)

export const acceptHeader = (version: ApiVersion) => `application/json; version=${version}`

/** What the client learned about the server on its first authenticated request. */
export interface ServerInfo {
  /** The version the client sends on every request. */
  readonly apiVersion: ApiVersion
  /** The server's maximum (`X-Api-Version`). */
  readonly serverApiVersion: number
  /** `X-Version`, e.g. "3.0.5" or "2.20.15"; undefined when the server did not send it. */
  readonly serverVersion: string | undefined
  /** The server generation, which decides behaviour the API version does not show (duplicates). */
  readonly generation: "3.0" | "2.20"
}

/**
 * 2.20 refuses duplicates and has no `/api/tasks/active/` nor the v10 document endpoints; the
 * API maximum (9 vs 10) separates the two generations even when `X-Version` is missing.
 */
export const generationOf = (serverApiVersion: number, serverVersion: string | undefined): "3.0" | "2.20" => {
  const major = serverVersion === undefined ? Number.NaN : Number.parseInt(serverVersion, 10)
  if (Number.isFinite(major)) return major >= 3 ? "3.0" : "2.20"
  return serverApiVersion >= 10 ? "3.0" : "2.20"
}
