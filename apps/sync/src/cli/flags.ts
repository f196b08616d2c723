import { Options } from "@effect/cli"
import * as Option from "effect/Option"
import type { ConfigOverrides } from "../config/overrides.js"

/** The options every command that talks to the servers shares; each one replaces paperbridge.json's value. */
export const sharedOptions = {
  config: Options.text("config").pipe(
    Options.withDescription("The configuration file (default: ./paperbridge.json)"),
    Options.optional,
  ),
  state: Options.text("state").pipe(
    Options.withDescription("The state file (default: statePath in the config, ./.paperbridge/state.db)"),
    Options.optional,
  ),
  to: Options.choice("to", ["papra", "paperless"]).pipe(
    Options.withDescription(
      "Which server documents travel to (with --from-export: papra, or paperless for a Paperless-ngx that may already hold documents)",
    ),
    Options.optional,
  ),
  file: Options.choice("file", ["original", "archive"]).pipe(
    Options.withDescription("Carry Paperless's original upload or its archived PDF/A"),
    Options.optional,
  ),
  versions: Options.choice("versions", ["newest", "root"]).pipe(
    Options.withDescription("Paperless 3.0 documents with several versions: carry the newest or the root"),
    Options.optional,
  ),
  query: Options.text("query").pipe(
    Options.withDescription("Source-side full-text search"),
    Options.optional,
  ),
  tag: Options.text("tag").pipe(Options.withDescription("Only documents with this tag"), Options.optional),
  since: Options.text("since").pipe(
    Options.withDescription("Only documents changed since this date (YYYY-MM-DD or ISO 8601)"),
    Options.optional,
  ),
  limit: Options.integer("limit").pipe(
    Options.withDescription("At most this many documents"),
    Options.optional,
  ),
  concurrency: Options.integer("concurrency").pipe(
    Options.withDescription("Documents in flight at once (1 to 32)"),
    Options.optional,
  ),
  rate: Options.float("rate").pipe(
    Options.withDescription("At most this many documents started per second"),
    Options.optional,
  ),
  paperlessUrl: Options.text("paperless-url").pipe(
    Options.withDescription("Paperless-ngx base URL"),
    Options.optional,
  ),
  papraUrl: Options.text("papra-url").pipe(Options.withDescription("Papra base URL"), Options.optional),
  papraOrg: Options.text("papra-org").pipe(
    Options.withDescription("Papra organization id (org_…)"),
    Options.optional,
  ),
  fromExport: Options.text("from-export").pipe(
    Options.withDescription(
      "Read Paperless-ngx documents from a document_exporter output (its folder or ZIP) instead of the Paperless API",
    ),
    Options.optional,
  ),
  secretsFile: Options.text("secrets-file").pipe(
    Options.withDescription("A JSON file with PAPERLESS_TOKEN, PAPRA_API_KEY, … (the environment wins)"),
    Options.optional,
  ),
}

export interface SharedFlags {
  readonly config: Option.Option<string>
  readonly state: Option.Option<string>
  readonly to: Option.Option<"papra" | "paperless">
  readonly file: Option.Option<"original" | "archive">
  readonly versions: Option.Option<"newest" | "root">
  readonly query: Option.Option<string>
  readonly tag: Option.Option<string>
  readonly since: Option.Option<string>
  readonly limit: Option.Option<number>
  readonly concurrency: Option.Option<number>
  readonly rate: Option.Option<number>
  readonly paperlessUrl: Option.Option<string>
  readonly papraUrl: Option.Option<string>
  readonly papraOrg: Option.Option<string>
  readonly secretsFile: Option.Option<string>
  readonly fromExport: Option.Option<string>
}

export const outputOptions = {
  json: Options.boolean("json").pipe(Options.withDescription("One JSON object per line on stdout")),
  quiet: Options.boolean("quiet").pipe(Options.withDescription("Print nothing but errors")),
}

/** Pure: the flags as overrides of the config file. */
export const overridesOf = (flags: SharedFlags): ConfigOverrides => ({
  paperlessUrl: Option.getOrUndefined(flags.paperlessUrl),
  papraUrl: Option.getOrUndefined(flags.papraUrl),
  papraOrganizationId: Option.getOrUndefined(flags.papraOrg),
  to: Option.getOrUndefined(flags.to),
  file: Option.getOrUndefined(flags.file),
  versions: Option.getOrUndefined(flags.versions),
  concurrency: Option.getOrUndefined(flags.concurrency),
  rate: Option.getOrUndefined(flags.rate),
  statePath: Option.getOrUndefined(flags.state),
  secretsFile: Option.getOrUndefined(flags.secretsFile),
  query: Option.getOrUndefined(flags.query),
  tags: Option.getOrUndefined(Option.map(flags.tag, (tag) => [tag])),
  since: Option.getOrUndefined(flags.since),
  limit: Option.getOrUndefined(flags.limit),
  exportLocation: Option.getOrUndefined(flags.fromExport),
})
