/**
 * Paperless-ngx selects the API version from the Accept header only. 3.0.x accepts 9 and 10,
 * 2.20.x accepts 1 to 9; anything else is a 406 before authentication
 * (paperless-2.20-differences.md, paperless-server-behaviour.md).
 */
export const SUPPORTED_API_VERSIONS = [9, 10] as const
export type ApiVersion = (typeof SUPPORTED_API_VERSIONS)[number]

/** The highest version both we and the server speak, from the server's `X-Api-Version` (its maximum). */
export const negotiateVersion = (serverMax: number): ApiVersion | undefined =>
  [...SUPPORTED_API_VERSIONS].reverse().find((version) => version <= serverMax)

export const acceptHeader = (version: ApiVersion) => `application/json; version=${version}`
