import type { SimRequest, SimResponse } from "../http-server.js"
import { detail, json } from "./responses.js"
import type { Generation, PaperlessStore, UserRecord } from "./store.js"

/**
 * Version negotiation and authentication, in the order the real server applies them: the Accept
 * version is checked first (406 even without credentials, `versions.unsupported.v99.no-auth.json`),
 * then the credentials.
 */

export const serverVersion = (generation: Generation) => (generation === "3.0" ? "3.0.5" : "2.20.15")

/** 3.0 allows 9 and 10 (default 10); 2.20 allows 1–9 (default 9, despite its docs saying 1). */
export const allowedVersions = (generation: Generation): ReadonlyArray<number> =>
  generation === "3.0" ? [9, 10] : [1, 2, 3, 4, 5, 6, 7, 8, 9]

export const maxVersion = (generation: Generation) => (generation === "3.0" ? 10 : 9)

export const negotiateVersion = (request: SimRequest, generation: Generation): number | SimResponse => {
  const accept = String(request.headers.accept ?? "")
  const match = /(?:^|;)\s*version\s*=\s*"?([^;,"\s]*)"?/i.exec(accept)
  if (!match) return maxVersion(generation)
  const raw = match[1] ?? ""
  const version = /^\d+$/.test(raw) ? Number(raw) : Number.NaN
  return allowedVersions(generation).includes(version)
    ? version
    : detail(406, 'Invalid version in "Accept" header.')
}

export type Authentication =
  | { readonly kind: "anonymous" }
  | { readonly kind: "user"; readonly user: UserRecord }
  | { readonly kind: "failed"; readonly response: SimResponse }

const unauthorized = (message: string, challenge: string): SimResponse =>
  json(401, { detail: message }, { "www-authenticate": challenge })

export const notAuthenticated = () => unauthorized("Authentication credentials were not provided.", "Token")

export const authenticate = (request: SimRequest, store: PaperlessStore): Authentication => {
  const header = String(request.headers.authorization ?? "").trim()
  if (header === "") return { kind: "anonymous" }
  const [scheme = "", ...rest] = header.split(/\s+/)
  if (scheme.toLowerCase() === "token") {
    if (rest.length === 0) {
      return {
        kind: "failed",
        response: unauthorized("Invalid token header. No credentials provided.", "Token"),
      }
    }
    if (rest.length > 1) {
      const message = "Invalid token header. Token string should not contain spaces."
      return { kind: "failed", response: unauthorized(message, "Token") }
    }
    const user = store.userByToken(rest[0] ?? "")
    return user
      ? { kind: "user", user }
      : { kind: "failed", response: unauthorized("Invalid token.", "Token") }
  }
  if (scheme.toLowerCase() === "basic") {
    const decoded = rest.length === 1 ? Buffer.from(rest[0] ?? "", "base64").toString("utf8") : ""
    const colon = decoded.indexOf(":")
    const user = colon < 0 ? undefined : store.userByName(decoded.slice(0, colon))
    if (user?.isActive && user.password === decoded.slice(colon + 1)) return { kind: "user", user }
    return { kind: "failed", response: unauthorized("Invalid username/password.", 'Basic realm="api"') }
  }
  // Other schemes (Bearer…) are not recognised by any authenticator: treated as no credentials.
  return { kind: "anonymous" }
}

/** Headers the real server's middleware adds to every response for an authenticated user. */
export const versionHeaders = (generation: Generation): Record<string, string> => ({
  "x-api-version": String(maxVersion(generation)),
  "x-version": serverVersion(generation),
})
