import { PapraOrganizationId } from "@paperbridge/papra"
import * as DateTime from "effect/DateTime"
import * as JSONSchema from "effect/JSONSchema"
import * as Schema from "effect/Schema"
import { DEFAULT_STATE_PATH } from "../state/database.js"

export const CONFIG_FILE_NAME = "paperbridge.json"
export const SCHEMA_FILE_NAME = "paperbridge.schema.json"

const hasCredentials = (url: URL) => url.username !== "" || url.password !== "" || url.search !== ""

/** The base URL of a server; credentials in it would end up in logs and the state file, so they are refused. */
const serverUrl = (example: string) =>
  Schema.String.pipe(
    Schema.filter((text) => {
      if (!URL.canParse(text)) return `expected a URL like ${example}`
      const url = new URL(text)
      if (url.protocol !== "https:" && url.protocol !== "http:") return `expected a URL like ${example}`
      if (hasCredentials(url)) {
        return "must not contain a user name, password or query: give secrets through the environment or a secrets file"
      }
      return true
    }),
  ).annotations({
    jsonSchema: { type: "string", format: "uri", examples: [example], description: "Base URL of the server" },
  })

/** Secret values are never quoted back in an error, whatever was written in their place. */
const secret = Schema.Redacted(Schema.String.annotations({ message: () => "expected a string" }))

/** A union's default message names only its first member; these name them all. */
const oneOf = <const Literals extends ReadonlyArray<string>>(...literals: Literals) =>
  Schema.Literal(...literals).annotations({
    message: () => ({
      message: `expected ${literals
        .map((literal) => `"${literal}"`)
        .join(", ")
        .replace(/, ([^,]*)$/, " or $1")}`,
      override: true,
    }),
  })

export const PaperlessAuthMethod = oneOf("token", "password").annotations({
  description: "token: PAPERLESS_TOKEN; password: PAPERLESS_USERNAME and PAPERLESS_PASSWORD",
})
export type PaperlessAuthMethod = typeof PaperlessAuthMethod.Type

export const PaperlessSettings = Schema.Struct({
  url: serverUrl("https://paperless.example.org"),
  auth: Schema.optionalWith(PaperlessAuthMethod, { default: () => "token" as const }),
})

export const PapraSettings = Schema.Struct({
  url: serverUrl("https://papra.example.org"),
  organizationId: PapraOrganizationId.annotations({
    message: () => "expected a Papra organization id like org_ followed by 24 lower-case letters and digits",
  }),
})

/** `paperless-to-paperless` carries an export (`export`) into the Paperless-ngx at `paperless`. */
export const Direction = oneOf("paperless-to-papra", "papra-to-paperless", "paperless-to-paperless")
export type Direction = typeof Direction.Type

/** Which of a Paperless document's files is carried: the upload as it was, or Paperless's archived PDF/A. */
export const FileChoice = oneOf("original", "archive")
export type FileChoice = typeof FileChoice.Type

/** Which file of a Paperless 3.0 document with several versions is carried: its newest, or its first. */
export const VersionChoice = oneOf("newest", "root")
export type VersionChoice = typeof VersionChoice.Type

const positiveInt = (what: string, max?: number) =>
  Schema.Int.pipe(
    Schema.filter((n) => (n >= 1 && (max === undefined || n <= max)) || `expected ${what}`),
  ).annotations({
    jsonSchema: { type: "integer", minimum: 1, ...(max === undefined ? {} : { maximum: max }) },
  })

const isDate = (text: string) => /^\d{4}-\d{2}-\d{2}(T.*)?$/.test(text) && DateTime.make(text)._tag === "Some"

export const Filters = Schema.Struct({
  /** Source-side full-text query. */
  query: Schema.optional(
    Schema.NonEmptyTrimmedString.annotations({ message: () => "expected a non-empty query" }),
  ),
  /** Only documents carrying one of these tag names. */
  tags: Schema.optional(Schema.Array(Schema.NonEmptyTrimmedString)),
  /** Only documents modified on or after this date (YYYY-MM-DD or an ISO 8601 date-time). */
  since: Schema.optional(
    Schema.String.pipe(
      Schema.filter((text) => isDate(text) || "expected a date like 2024-01-31"),
    ).annotations({
      jsonSchema: { type: "string", examples: ["2024-01-31"] },
    }),
  ),
  /** At most this many documents. */
  limit: Schema.optional(positiveInt("a whole number of at least 1")),
})
export type Filters = typeof Filters.Type

/** The secrets, when they are written into a file: keys are the environment variables' names. */
export const SecretValues = Schema.Struct({
  PAPERLESS_TOKEN: Schema.optional(secret),
  PAPERLESS_USERNAME: Schema.optional(Schema.String),
  PAPERLESS_PASSWORD: Schema.optional(secret),
  PAPRA_API_KEY: Schema.optional(secret),
})
export type SecretValues = typeof SecretValues.Type

/** `paperbridge sync`'s defaults; its flags win. `every` and `cron` are checked by the command (one at most). */
export const SyncSettings = Schema.Struct({
  conflict: Schema.optional(
    oneOf("newest", "paperless", "papra", "fail").annotations({
      description: "How a field changed differently on both sides is settled (default fail: left for you)",
    }),
  ),
  maxDelete: Schema.optional(
    Schema.Int.pipe(
      Schema.filter((n) => n >= 0 || "expected a whole number of documents, 0 or more"),
    ).annotations({
      description:
        "At most this many documents trashed on one side in one run (default 50; also at most 10%)",
    }),
  ),
  every: Schema.optional(
    Schema.NonEmptyTrimmedString.annotations({ description: "Continuous mode: run every 30s, 15m, 1h30m…" }),
  ),
  cron: Schema.optional(
    Schema.NonEmptyTrimmedString.annotations({
      description: 'Continuous mode: a cron expression ("*/15 * * * *")',
    }),
  ),
})

const PaperbridgeConfigFields = Schema.Struct({
  $schema: Schema.optional(Schema.String),
  /** Absent when the source is an export: then no Paperless server is reached. */
  paperless: Schema.optional(PaperlessSettings),
  export: Schema.optional(
    Schema.NonEmptyTrimmedString.annotations({
      description:
        "A Paperless-ngx document_exporter output (its folder or ZIP) read instead of the Paperless API, relative to this file's directory",
    }),
  ),
  /** Absent when an export is carried into Paperless-ngx: then no Papra server is reached. */
  papra: Schema.optional(PapraSettings),
  direction: Schema.optionalWith(Direction.annotations({ description: "Which way documents travel" }), {
    default: () => "paperless-to-papra" as const,
  }),
  file: Schema.optionalWith(
    FileChoice.annotations({ description: "Carry Paperless's original upload or its archived PDF/A" }),
    { default: () => "original" as const },
  ),
  versions: Schema.optionalWith(
    VersionChoice.annotations({
      description:
        "Paperless 3.0 documents with several versions: carry the newest (older ones stay behind) or the root",
    }),
    { default: () => "newest" as const },
  ),
  concurrency: Schema.optionalWith(
    positiveInt("a whole number from 1 to 32", 32).annotations({
      description: "Documents in flight at once",
    }),
    { default: () => 4 },
  ),
  rate: Schema.optional(
    Schema.Number.pipe(
      Schema.filter((n) => n > 0 || "expected a number of requests per second above 0"),
    ).annotations({
      jsonSchema: {
        type: "number",
        exclusiveMinimum: 0,
        description: "Requests per second to each server; unlimited when absent",
      },
    }),
  ),
  statePath: Schema.optionalWith(
    Schema.NonEmptyTrimmedString.annotations({
      description: "The state file, relative to this file's directory",
    }),
    { default: () => DEFAULT_STATE_PATH },
  ),
  filters: Schema.optionalWith(Filters, { default: () => ({}) }),
  sync: Schema.optional(SyncSettings),
  mapping: Schema.optionalWith(
    Schema.Record({ key: Schema.String, value: Schema.Unknown }).annotations({
      description: "Options for @paperbridge/mapping, passed through as they are",
    }),
    {
      default: () => ({}),
    },
  ),
  secretsFile: Schema.optional(
    Schema.NonEmptyTrimmedString.annotations({
      description:
        "A JSON file holding the secrets (keys as in `secrets`), relative to this file's directory",
    }),
  ),
  secrets: Schema.optional(
    SecretValues.annotations({
      description: "Secrets written into this file, only when asked for; the environment and secretsFile win",
    }),
  ),
})
/**
 * Paperless is the source either through its API (`paperless`) or through an export (`export`);
 * an export is carried to Papra, or (`paperless-to-paperless`) into the Paperless-ngx at `paperless`.
 */
export const PaperbridgeConfig = PaperbridgeConfigFields.pipe(
  Schema.filter((config) => {
    const intoPaperless = config.direction === "paperless-to-paperless"
    if (intoPaperless && config.export === undefined)
      return {
        path: ["direction"],
        message: "paperless-to-paperless carries an export: name the document_exporter output with export",
      }
    if (config.paperless === undefined && (config.export === undefined || intoPaperless))
      return {
        path: ["paperless"],
        message: intoPaperless
          ? "is missing: the Paperless-ngx the export is carried into"
          : "is missing (or name a Paperless-ngx export with export)",
      }
    if (config.export !== undefined && config.direction === "papra-to-paperless")
      return {
        path: ["direction"],
        message:
          "an export is carried to Papra (paperless-to-papra) or into a Paperless-ngx (paperless-to-paperless)",
      }
    if (config.papra === undefined && !intoPaperless) return { path: ["papra"], message: "is missing" }
    return true
  }),
)
export type PaperbridgeConfig = typeof PaperbridgeConfig.Type
export type PaperbridgeConfigJson = typeof PaperbridgeConfig.Encoded

/** The JSON Schema of paperbridge.json, for editor completion (`"$schema": "./paperbridge.schema.json"`). */
export const configJsonSchemaText = (): string =>
  `${JSON.stringify(
    { ...JSONSchema.make(PaperbridgeConfig), title: "paperbridge configuration" },
    null,
    2,
  )}\n`
