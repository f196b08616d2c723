import * as Path from "node:path"
import { Command, Options, Prompt } from "@effect/cli"
import * as FileSystem from "@effect/platform/FileSystem"
import { PaperlessAuth } from "@paperbridge/paperless"
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { CONFIG_FILE_NAME, type Direction, type PaperlessAuthMethod } from "../config/config.js"
import { ConfigError, ExitCode } from "../config/errors.js"
import { type InitAnswers, renderInit } from "../config/init.js"
import { exportDocuments } from "../export/documents.js"
import { readExport } from "../export/manifest.js"
import { CliConsole } from "./console.js"
import { CliFailure } from "./failures.js"
import { checkPaperless, checkPapra, requiredPapraPermissions } from "./preflight.js"

const initOptions = {
  config: Options.text("config").pipe(
    Options.withDescription("Where to write the configuration (default: ./paperbridge.json)"),
    Options.withDefault(CONFIG_FILE_NAME),
  ),
  paperlessUrl: Options.text("paperless-url").pipe(Options.optional),
  paperlessAuth: Options.choice("paperless-auth", ["token", "password"]).pipe(Options.optional),
  papraUrl: Options.text("papra-url").pipe(Options.optional),
  papraOrg: Options.text("papra-org").pipe(
    Options.withDescription("Papra organization id; without it, the key's only organization or a choice"),
    Options.optional,
  ),
  to: Options.choice("to", ["papra", "paperless"]).pipe(Options.withDefault("papra" as const)),
  fromExport: Options.text("from-export").pipe(
    Options.withDescription(
      "A Paperless-ngx document_exporter output (folder or ZIP) to read instead of a Paperless server",
    ),
    Options.optional,
  ),
  state: Options.text("state").pipe(Options.optional),
  secretsFile: Options.text("secrets-file").pipe(
    Options.withDescription("Write the secrets to this separate file (readable by you alone)"),
    Options.optional,
  ),
  writeSecrets: Options.boolean("write-secrets").pipe(
    Options.withDescription("Write the secrets into paperbridge.json itself"),
  ),
  force: Options.boolean("force").pipe(Options.withDescription("Replace an existing configuration")),
}

type InitFlags = {
  readonly [K in keyof typeof initOptions]: (typeof initOptions)[K] extends Options.Options<infer A>
    ? A
    : never
}

const environment = (name: string) =>
  Config.option(Config.redacted(name)).pipe(
    Effect.map(Option.filter((value) => Redacted.value(value).trim() !== "")),
    Effect.orElseSucceed(() => Option.none<Redacted.Redacted<string>>()),
  )

/** A value from its flag, else asked for on a terminal, else a usage error naming the flag. */
const answer = <A>(given: Option.Option<A>, flag: string, ask: Prompt.Prompt<A>) =>
  Effect.gen(function* () {
    if (Option.isSome(given)) return given.value
    const console = yield* CliConsole
    if (console.stdinIsTTY) return yield* ask
    return yield* new ConfigError({
      source: "paperbridge init",
      problems: [`${flag} is required (or run init in a terminal to be asked)`],
    })
  })

const secretAnswer = (name: string, message: string) =>
  Effect.flatMap(environment(name), (fromEnvironment) =>
    answer(fromEnvironment, name, Prompt.password({ message })),
  )

const paperlessCredentials = (method: PaperlessAuthMethod) =>
  Effect.gen(function* () {
    if (method === "token") {
      const token = yield* secretAnswer("PAPERLESS_TOKEN", "Paperless-ngx API token")
      return { auth: PaperlessAuth.token(token), secrets: { PAPERLESS_TOKEN: token } }
    }
    const username = yield* answer(
      Option.map(yield* environment("PAPERLESS_USERNAME"), Redacted.value),
      "PAPERLESS_USERNAME",
      Prompt.text({ message: "Paperless-ngx user name" }),
    )
    const password = yield* secretAnswer("PAPERLESS_PASSWORD", "Paperless-ngx password")
    return {
      auth: PaperlessAuth.credentials(username, password),
      secrets: { PAPERLESS_USERNAME: username, PAPERLESS_PASSWORD: password },
    }
  })

const pickOrganization = (
  given: Option.Option<string>,
  organizations: ReadonlyArray<{ readonly id: string; readonly name: string }>,
) =>
  Effect.gen(function* () {
    const listed = organizations.map((organization) => `${organization.id} (${organization.name})`).join(", ")
    if (Option.isSome(given)) {
      if (organizations.some((organization) => organization.id === given.value)) return given.value
      return yield* new CliFailure({
        exitCode: ExitCode.unreachable,
        lines: [
          `Papra: the API key cannot see organization ${given.value}. It can see: ${listed || "none"}.`,
        ],
      })
    }
    const [only, ...others] = organizations
    if (only === undefined)
      return yield* new CliFailure({
        exitCode: ExitCode.unreachable,
        lines: ["Papra: the API key's user belongs to no organization; create one in Papra first."],
      })
    if (others.length === 0) return only.id
    return yield* answer(
      Option.none(),
      `--papra-org (one of ${listed})`,
      Prompt.select({
        message: "Papra organization",
        choices: organizations.map((organization) => ({
          title: `${organization.name} (${organization.id})`,
          value: organization.id,
        })),
      }),
    )
  })

/** Papra's URL and key, checked, and the organization to write into. */
const papraAnswers = (flags: InitFlags, use: Direction) =>
  Effect.gen(function* () {
    const papraUrl = yield* answer(
      flags.papraUrl,
      "--papra-url",
      Prompt.text({ message: "Papra URL", default: "http://localhost:1221" }),
    )
    const apiKey = yield* secretAnswer("PAPRA_API_KEY", "Papra API key (ppapi_…)")
    const papra = yield* checkPapra({ url: papraUrl, apiKey })
    const missing = requiredPapraPermissions(use, "write").filter(
      (permission) => !papra.papraKey.permissions.includes(permission),
    )
    if (missing.length > 0)
      return yield* new CliFailure({
        exitCode: ExitCode.unreachable,
        lines: [`PAPRA_API_KEY lacks ${missing.join(", ")}: create a key with these permissions in Papra.`],
      })
    const organizationId = yield* pickOrganization(flags.papraOrg, papra.organizations)
    return { papraUrl, apiKey, keyName: papra.papraKey.name, organizationId }
  })

const writeInitFiles = (configPath: string, answers: InitAnswers) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const files = yield* renderInit(answers)
    const directory = Path.dirname(configPath)
    yield* fs.makeDirectory(directory, { recursive: true })
    yield* fs.writeFileString(configPath, files.config.text)
    yield* fs.writeFileString(Path.join(directory, files.schema.name), files.schema.text)
    if (files.secrets !== undefined)
      yield* fs.writeFileString(Path.resolve(directory, files.secrets.name), files.secrets.text, {
        mode: 0o600,
      })
    return files
  })

const placementOf = (flags: InitFlags) =>
  flags.writeSecrets ? "config" : Option.isSome(flags.secretsFile) ? "file" : "environment"

/** Paperless's URL and credentials, checked. */
const paperlessAnswers = (flags: InitFlags) =>
  Effect.gen(function* () {
    const console = yield* CliConsole
    const url = yield* answer(
      flags.paperlessUrl,
      "--paperless-url",
      Prompt.text({ message: "Paperless-ngx URL", default: "http://localhost:8000" }),
    )
    const method: PaperlessAuthMethod = Option.getOrElse(flags.paperlessAuth, () => "token" as const)
    const credentials = yield* paperlessCredentials(method)
    const server = yield* checkPaperless({ url, auth: credentials.auth })
    yield* console.out(
      `Paperless-ngx ${server.serverVersion ?? "(version not given)"} (API ${server.apiVersion}) at ${url}: credentials accepted.`,
    )
    return { url, method, secrets: credentials.secrets }
  })

/** Writes the files and says where the secrets are, or which to set. */
const finishInit = (
  flags: InitFlags,
  configPath: string,
  answers: InitAnswers,
  needed: ReadonlyArray<string>,
) =>
  Effect.gen(function* () {
    const console = yield* CliConsole
    const placement = placementOf(flags)
    const files = yield* writeInitFiles(configPath, {
      ...answers,
      statePath: Option.getOrUndefined(flags.state),
      secretsPlacement: placement,
      secretsFile: Option.getOrUndefined(flags.secretsFile),
    })
    const organization = answers.papra === undefined ? "" : ` (organization ${answers.papra.organizationId})`
    yield* console.out(`Wrote ${configPath} and ${files.schema.name}${organization}.`)
    if (placement === "environment")
      yield* console.out(
        `No secret was written: set ${needed.join(" and ")} in the environment before running paperbridge (or re-run init with --secrets-file).`,
      )
    else if (files.secrets !== undefined)
      yield* console.out(`Secrets are in ${files.secrets.name} (mode 600).`)
    yield* console.out("Next: `paperbridge plan` to see what a migration would do.")
  })

const paperlessSecretNames = (method: PaperlessAuthMethod) =>
  method === "token" ? "PAPERLESS_TOKEN" : "PAPERLESS_USERNAME, PAPERLESS_PASSWORD"

/**
 * `init --from-export`: the export is read through (so a bad one is refused now, naming the
 * problem), the target is checked (Papra, or with `--to paperless` a Paperless-ngx), and the
 * config names the export instead of a Paperless source server.
 */
const initFromExport = (flags: InitFlags, location: string, configPath: string) =>
  Effect.gen(function* () {
    const console = yield* CliConsole
    const absolute = Path.resolve(location)
    const contents = yield* Effect.scoped(readExport(absolute))
    const { live, trashed } = exportDocuments(contents)
    yield* console.out(
      `Paperless-ngx ${contents.version} export at ${absolute}: ${live.length} documents${trashed.length > 0 ? ` (and ${trashed.length} in the trash, not carried)` : ""}.`,
    )
    const exported = Path.relative(Path.dirname(configPath), absolute) || "."
    if (flags.to === "paperless") {
      const paperless = yield* paperlessAnswers(flags)
      return yield* finishInit(
        flags,
        configPath,
        {
          export: exported,
          paperless: { url: paperless.url, auth: paperless.method },
          direction: "paperless-to-paperless",
          secrets: paperless.secrets,
        },
        [paperlessSecretNames(paperless.method)],
      )
    }
    const papra = yield* papraAnswers(flags, "paperless-to-papra")
    yield* console.out(`Papra at ${papra.papraUrl}: API key "${papra.keyName}" accepted.`)
    yield* finishInit(
      flags,
      configPath,
      {
        export: exported,
        papra: { url: papra.papraUrl, organizationId: papra.organizationId },
        direction: "paperless-to-papra",
        secrets: { PAPRA_API_KEY: papra.apiKey },
      },
      ["PAPRA_API_KEY"],
    )
  })

const directionOf = (to: "papra" | "paperless"): Direction =>
  to === "papra" ? "paperless-to-papra" : "papra-to-paperless"

/**
 * Asks for (or takes from flags) both servers, checks that both answer to the credentials,
 * lists Papra's organizations to pick from and writes paperbridge.json with its JSON Schema.
 * Secrets are never written unless asked for: `--secrets-file` (a separate file) or `--write-secrets`.
 */
export const initCommand = Command.make("init", initOptions, (flags: InitFlags) =>
  Effect.gen(function* () {
    const console = yield* CliConsole
    const fs = yield* FileSystem.FileSystem
    const configPath = Path.resolve(flags.config)
    if (!flags.force && (yield* fs.exists(configPath).pipe(Effect.orElseSucceed(() => false))))
      return yield* new ConfigError({
        source: flags.config,
        problems: ["already exists; pass --force to replace it"],
      })
    if (Option.isSome(flags.fromExport))
      return yield* initFromExport(flags, flags.fromExport.value, configPath)
    const paperless = yield* paperlessAnswers(flags)
    const direction = directionOf(flags.to)
    const papra = yield* papraAnswers(flags, direction)
    yield* console.out(`Papra at ${papra.papraUrl}: API key "${papra.keyName}" accepted.`)
    yield* finishInit(
      flags,
      configPath,
      {
        paperless: { url: paperless.url, auth: paperless.method },
        papra: { url: papra.papraUrl, organizationId: papra.organizationId },
        direction,
        secrets: { ...paperless.secrets, PAPRA_API_KEY: papra.apiKey },
      },
      [paperlessSecretNames(paperless.method), "PAPRA_API_KEY"],
    )
  }),
).pipe(
  Command.withDescription(
    "Write paperbridge.json after checking both servers (or an export and its target) and choosing a Papra organization.",
  ),
)
