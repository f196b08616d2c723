import * as Path from "node:path"
import type * as FileSystem from "@effect/platform/FileSystem"
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { SecretValues } from "./config.js"
import { ConfigError } from "./errors.js"
import { decodeWith, type LoadedConfig, parseJson, readTextFile } from "./load.js"

export type PaperlessCredentials =
  | { readonly _tag: "Token"; readonly token: Redacted.Redacted<string> }
  | { readonly _tag: "Password"; readonly username: string; readonly password: Redacted.Redacted<string> }

export interface Secrets {
  readonly paperless: PaperlessCredentials
  readonly papraApiKey: Redacted.Redacted<string>
}

type SecretName = keyof SecretValues

const fromEnvironment = (name: SecretName) =>
  Config.option(Config.string(name)).pipe(
    Effect.map(Option.filter((value) => value.trim() !== "")),
    Effect.orElseSucceed(() => Option.none<string>()),
  )

const readSecretsFile = (loaded: LoadedConfig) =>
  Effect.gen(function* () {
    const relative = loaded.config.secretsFile
    if (relative === undefined) return {}
    const file = Path.resolve(loaded.directory, relative)
    const text = yield* readTextFile(file, `${loaded.file} names it in secretsFile`)
    const json = yield* parseJson(text, file)
    return yield* decodeWith(SecretValues)(json, file)
  })

/**
 * Every secret from where it is found first: the environment, then the secrets file named in the
 * config, then the config's own `secrets` (written there only when asked for).
 */
export const secretValues = (
  loaded: LoadedConfig,
): Effect.Effect<SecretValues, ConfigError, FileSystem.FileSystem> =>
  Effect.gen(function* () {
    const file = yield* readSecretsFile(loaded)
    const inline = loaded.config.secrets ?? {}
    const stored = (name: SecretName): string | undefined => {
      const value = file[name] ?? inline[name]
      return value === undefined || typeof value === "string" ? value : Redacted.value(value)
    }
    const pick = (name: SecretName) =>
      Effect.map(
        fromEnvironment(name),
        Option.getOrElse(() => stored(name)),
      )
    const [token, username, password, apiKey] = yield* Effect.all([
      pick("PAPERLESS_TOKEN"),
      pick("PAPERLESS_USERNAME"),
      pick("PAPERLESS_PASSWORD"),
      pick("PAPRA_API_KEY"),
    ])
    return {
      ...(token === undefined ? {} : { PAPERLESS_TOKEN: Redacted.make(token) }),
      ...(username === undefined ? {} : { PAPERLESS_USERNAME: username }),
      ...(password === undefined ? {} : { PAPERLESS_PASSWORD: Redacted.make(password) }),
      ...(apiKey === undefined ? {} : { PAPRA_API_KEY: Redacted.make(apiKey) }),
    }
  })

const whereToPut = (loaded: LoadedConfig) =>
  `set it in the environment${loaded.config.secretsFile === undefined ? " or in a secrets file named by secretsFile" : ` or in ${loaded.config.secretsFile}`}`

const paperlessFrom = (loaded: LoadedConfig, values: SecretValues): PaperlessCredentials | string => {
  if (loaded.config.paperless === undefined) return "paperless is not configured"
  if (loaded.config.paperless.auth === "token") {
    return values.PAPERLESS_TOKEN === undefined
      ? `paperless.auth is "token" but PAPERLESS_TOKEN is not set: ${whereToPut(loaded)}`
      : { _tag: "Token", token: values.PAPERLESS_TOKEN }
  }
  if (values.PAPERLESS_USERNAME === undefined || values.PAPERLESS_PASSWORD === undefined) {
    const missing = [
      values.PAPERLESS_USERNAME === undefined ? "PAPERLESS_USERNAME" : [],
      values.PAPERLESS_PASSWORD === undefined ? "PAPERLESS_PASSWORD" : [],
    ].flat()
    return `paperless.auth is "password" but ${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} not set: ${whereToPut(loaded)}`
  }
  return { _tag: "Password", username: values.PAPERLESS_USERNAME, password: values.PAPERLESS_PASSWORD }
}

/** The credentials for both servers, or one problem per missing secret. */
export const resolveSecrets = (
  loaded: LoadedConfig,
): Effect.Effect<Secrets, ConfigError, FileSystem.FileSystem> =>
  Effect.gen(function* () {
    const values = yield* secretValues(loaded)
    const paperless = paperlessFrom(loaded, values)
    const papraApiKey = values.PAPRA_API_KEY
    const problems = [
      typeof paperless === "string" ? [paperless] : [],
      papraApiKey === undefined ? [`PAPRA_API_KEY is not set: ${whereToPut(loaded)}`] : [],
    ].flat()
    if (typeof paperless === "string" || papraApiKey === undefined) {
      return yield* new ConfigError({ source: loaded.file, problems })
    }
    return { paperless, papraApiKey }
  })

/** A run from an export into Paperless-ngx reaches Paperless only: its credentials are the one secret it needs. */
export const resolvePaperlessSecret = (
  loaded: LoadedConfig,
): Effect.Effect<PaperlessCredentials, ConfigError, FileSystem.FileSystem> =>
  Effect.flatMap(secretValues(loaded), (values) => {
    const paperless = paperlessFrom(loaded, values)
    return typeof paperless === "string"
      ? new ConfigError({ source: loaded.file, problems: [paperless] })
      : Effect.succeed(paperless)
  })

/** A run from an export to Papra reaches Papra only: its key is the one secret it needs. */
export const resolvePapraSecret = (
  loaded: LoadedConfig,
): Effect.Effect<Redacted.Redacted<string>, ConfigError, FileSystem.FileSystem> =>
  Effect.flatMap(secretValues(loaded), (values) =>
    values.PAPRA_API_KEY === undefined
      ? new ConfigError({
          source: loaded.file,
          problems: [`PAPRA_API_KEY is not set: ${whereToPut(loaded)}`],
        })
      : Effect.succeed(values.PAPRA_API_KEY),
  )
