import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { PaperbridgeConfig, type PaperbridgeConfigJson } from "./config.js"
import { ConfigError, describeParseError } from "./errors.js"

/** Settings given as command-line flags; each one present replaces the file's value. */
export interface ConfigOverrides {
  readonly paperlessUrl?: string | undefined
  readonly paperlessAuth?: string | undefined
  readonly papraUrl?: string | undefined
  readonly papraOrganizationId?: string | undefined
  readonly direction?: string | undefined
  /**
   * `--to`: where documents go. Into Paperless that is from Papra, or from the export when the run
   * reads one. `direction`, when also given, wins.
   */
  readonly to?: "papra" | "paperless" | undefined
  readonly file?: string | undefined
  readonly versions?: string | undefined
  readonly concurrency?: number | undefined
  readonly rate?: number | undefined
  readonly statePath?: string | undefined
  readonly secretsFile?: string | undefined
  readonly query?: string | undefined
  readonly tags?: ReadonlyArray<string> | undefined
  readonly since?: string | undefined
  readonly limit?: number | undefined
  readonly exportLocation?: string | undefined
}

/** The flag each overridable field comes from, so an error names what the user typed. */
export const OVERRIDE_FLAGS: Readonly<Record<string, string>> = {
  "paperless.url": "--paperless-url",
  "paperless.auth": "--paperless-auth",
  "papra.url": "--papra-url",
  "papra.organizationId": "--papra-org",
  direction: "--direction",
  file: "--file",
  versions: "--versions",
  concurrency: "--concurrency",
  rate: "--rate",
  statePath: "--state",
  secretsFile: "--secrets-file",
  export: "--from-export",
  "filters.query": "--query",
  "filters.tags": "--tag",
  "filters.since": "--since",
  "filters.limit": "--limit",
}

const defined = <A extends Record<string, unknown>>(record: A): Partial<A> =>
  Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as Partial<A>

const fieldName = (path: ReadonlyArray<PropertyKey>) => {
  const joined = path.map(String).join(".")
  return OVERRIDE_FLAGS[joined] ?? OVERRIDE_FLAGS[path.slice(0, 2).map(String).join(".")] ?? joined
}

/**
 * Pure: the file's settings (or none, when every required setting comes from flags) with the flags
 * laid over them, checked again as a whole.
 */
export const applyOverrides = (
  base: PaperbridgeConfig | undefined,
  overrides: ConfigOverrides,
): Either.Either<PaperbridgeConfig, ConfigError> => {
  const encoded: Partial<PaperbridgeConfigJson> =
    base === undefined ? {} : Schema.encodeSync(PaperbridgeConfig)(base)
  const exportLocation = overrides.exportLocation ?? encoded.export
  const towards =
    overrides.to === undefined
      ? undefined
      : overrides.to === "papra"
        ? "paperless-to-papra"
        : exportLocation === undefined
          ? "papra-to-paperless"
          : "paperless-to-paperless"
  const papra = defined({ url: overrides.papraUrl, organizationId: overrides.papraOrganizationId })
  const merged = {
    ...encoded,
    ...defined({
      direction: overrides.direction ?? towards,
      file: overrides.file,
      versions: overrides.versions,
      concurrency: overrides.concurrency,
      rate: overrides.rate,
      statePath: overrides.statePath,
      secretsFile: overrides.secretsFile,
      export: overrides.exportLocation,
    }),
    ...(encoded.paperless === undefined &&
    overrides.paperlessUrl === undefined &&
    overrides.paperlessAuth === undefined
      ? {}
      : {
          paperless: {
            ...encoded.paperless,
            ...defined({ url: overrides.paperlessUrl, auth: overrides.paperlessAuth }),
          },
        }),
    // Papra's settings are missing, and said so field by field, unless the run does not reach Papra.
    ...(encoded.papra === undefined &&
    Object.keys(papra).length === 0 &&
    (overrides.direction ?? towards ?? encoded.direction) === "paperless-to-paperless"
      ? {}
      : { papra: { ...encoded.papra, ...papra } }),
    filters: {
      ...encoded.filters,
      ...defined({
        query: overrides.query,
        tags: overrides.tags,
        since: overrides.since,
        limit: overrides.limit,
      }),
    },
  }
  return Schema.decodeUnknownEither(PaperbridgeConfig, { errors: "all", onExcessProperty: "error" })(
    merged,
  ).pipe(
    Either.mapLeft(
      (error) => new ConfigError({ source: "command line", problems: describeParseError(error, fieldName) }),
    ),
  )
}
