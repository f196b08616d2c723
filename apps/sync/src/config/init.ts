import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import {
  CONFIG_FILE_NAME,
  configJsonSchemaText,
  type Direction,
  type FileChoice,
  type Filters,
  PaperbridgeConfig,
  type PaperlessAuthMethod,
  SCHEMA_FILE_NAME,
  SecretValues,
} from "./config.js"
import { ConfigError, describeParseError } from "./errors.js"

export const SECRETS_FILE_NAME = "paperbridge.secrets.json"

/** What `paperbridge init` learnt from its questions or flags. */
export interface InitAnswers {
  /** Absent when Paperless documents come from an export. */
  readonly paperless?: { readonly url: string; readonly auth?: PaperlessAuthMethod | undefined } | undefined
  /** A Paperless-ngx export (folder or ZIP), relative to the config file's directory. */
  readonly export?: string | undefined
  /** Absent when an export is carried into Paperless-ngx. */
  readonly papra?: { readonly url: string; readonly organizationId: string } | undefined
  readonly direction?: Direction | undefined
  readonly file?: FileChoice | undefined
  readonly concurrency?: number | undefined
  readonly rate?: number | undefined
  readonly statePath?: string | undefined
  readonly filters?: Filters | undefined
  readonly mapping?: Record<string, unknown> | undefined
  readonly secrets?: SecretValues | undefined
  /**
   * `environment` (the default) writes no secret anywhere; `file` writes them to a separate secrets
   * file the config points to; `config` writes them into paperbridge.json itself.
   */
  readonly secretsPlacement?: "environment" | "file" | "config" | undefined
  readonly secretsFile?: string | undefined
}

export interface InitFile {
  readonly name: string
  readonly text: string
}

export interface InitFiles {
  readonly config: InitFile
  readonly schema: InitFile
  /** Only with `secretsPlacement: "file"`; write it readable by its owner alone. */
  readonly secrets?: InitFile | undefined
}

const toJsonText = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`

/** Pure: the files `paperbridge init` writes, or what is wrong with the answers. */
export const renderInit = (answers: InitAnswers): Either.Either<InitFiles, ConfigError> => {
  const placement = answers.secretsPlacement ?? "environment"
  const secretsFile = answers.secretsFile ?? SECRETS_FILE_NAME
  const secrets = Schema.encodeSync(SecretValues)(answers.secrets ?? {})
  const hasSecrets = Object.keys(secrets).length > 0
  const candidate = {
    $schema: `./${SCHEMA_FILE_NAME}`,
    paperless:
      answers.paperless === undefined
        ? undefined
        : { url: answers.paperless.url, auth: answers.paperless.auth ?? "token" },
    export: answers.export,
    papra: answers.papra,
    direction: answers.direction,
    file: answers.file,
    concurrency: answers.concurrency,
    rate: answers.rate,
    statePath: answers.statePath,
    filters: answers.filters,
    mapping: answers.mapping,
    secretsFile: placement === "file" ? secretsFile : undefined,
    secrets: placement === "config" && hasSecrets ? secrets : undefined,
  }
  return Schema.decodeUnknownEither(PaperbridgeConfig, { errors: "all", onExcessProperty: "error" })(
    JSON.parse(JSON.stringify(candidate)),
  ).pipe(
    Either.mapLeft(
      (error) => new ConfigError({ source: "paperbridge init", problems: describeParseError(error) }),
    ),
    Either.map((config) => {
      // Empty `filters` and `mapping` are left out: the file shows only what was chosen.
      const text = Object.fromEntries(
        Object.entries(Schema.encodeSync(PaperbridgeConfig)(config)).filter(
          ([key, value]) =>
            !(
              (key === "filters" || key === "mapping") &&
              typeof value === "object" &&
              Object.keys(value).length === 0
            ),
        ),
      )
      return {
        config: { name: CONFIG_FILE_NAME, text: toJsonText(text) },
        schema: { name: SCHEMA_FILE_NAME, text: configJsonSchemaText() },
        ...(placement === "file" ? { secrets: { name: secretsFile, text: toJsonText(secrets) } } : {}),
      }
    }),
  )
}
