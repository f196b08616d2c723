import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"

/**
 * How the client proves who it is. Secrets stay `Redacted` until the moment the header is built,
 * so they never reach an error, a log line or a span.
 */
export type PaperlessAuth =
  | { readonly _tag: "Token"; readonly token: Redacted.Redacted<string> }
  | { readonly _tag: "Basic"; readonly username: string; readonly password: Redacted.Redacted<string> }
  /** Exchanged once for the user's token through `POST /api/token/`. */
  | { readonly _tag: "Credentials"; readonly username: string; readonly password: Redacted.Redacted<string> }

const secret = (value: string | Redacted.Redacted<string>) =>
  typeof value === "string" ? Redacted.make(value) : value

export const PaperlessAuth = {
  token: (token: string | Redacted.Redacted<string>): PaperlessAuth => ({
    _tag: "Token",
    token: secret(token),
  }),
  basic: (username: string, password: string | Redacted.Redacted<string>): PaperlessAuth => ({
    _tag: "Basic",
    username,
    password: secret(password),
  }),
  credentials: (username: string, password: string | Redacted.Redacted<string>): PaperlessAuth => ({
    _tag: "Credentials",
    username,
    password: secret(password),
  }),
} as const

export const tokenHeader = (token: Redacted.Redacted<string>) => `Token ${Redacted.value(token)}`

export const basicHeader = (username: string, password: Redacted.Redacted<string>) =>
  `Basic ${Buffer.from(`${username}:${Redacted.value(password)}`, "utf8").toString("base64")}`

/** `POST /api/token/` request and answer; the same key comes back every time (`token.obtain*.json`). */
export const TokenRequest = Schema.Struct({
  username: Schema.String,
  password: Schema.Redacted(Schema.String),
})
export const TokenResponse = Schema.Struct({ token: Schema.Redacted(Schema.String) })
