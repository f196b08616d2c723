import type * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { PaperlessError } from "./errors.js"
import type { Transport } from "./transport.js"

export const Statistics = Schema.Struct({
  documents_total: Schema.Int,
  documents_inbox: Schema.NullOr(Schema.Int),
  inbox_tag: Schema.NullOr(Schema.Int),
  inbox_tags: Schema.NullOr(Schema.Array(Schema.Int)),
  document_file_type_counts: Schema.Array(
    Schema.Struct({ mime_type: Schema.String, mime_type_count: Schema.Int }),
  ),
  /** `null` on an empty 2.20 install, 0 on 3.0 (`statistics.get.empty.json`). */
  character_count: Schema.NullOr(Schema.Int),
  tag_count: Schema.Int,
  correspondent_count: Schema.Int,
  document_type_count: Schema.Int,
  storage_path_count: Schema.Int,
  current_asn: Schema.NullOr(Schema.Int),
})
export type Statistics = typeof Statistics.Type

export const RemoteVersion = Schema.Struct({ version: Schema.String, update_available: Schema.Boolean })
export type RemoteVersion = typeof RemoteVersion.Type

/** Superuser only. Its sections differ by generation (no AI fields on 2.20), so only the version is typed. */
export const SystemStatus = Schema.extend(
  Schema.Struct({ pngx_version: Schema.String }),
  Schema.Record({ key: Schema.String, value: Schema.Unknown }),
)
export type SystemStatus = typeof SystemStatus.Type

export interface System {
  readonly statistics: () => Effect.Effect<Statistics, PaperlessError>
  /** The names of the server's logs, e.g. `["paperless","celery"]`. */
  readonly logNames: () => Effect.Effect<ReadonlyArray<string>, PaperlessError>
  readonly log: (name: string) => Effect.Effect<ReadonlyArray<string>, PaperlessError>
  /** The server asks GitHub, even with the update check disabled; offline it answers "0.0.0". */
  readonly remoteVersion: () => Effect.Effect<RemoteVersion, PaperlessError>
  readonly status: () => Effect.Effect<SystemStatus, PaperlessError>
  readonly uiSettings: () => Effect.Effect<UiSettings, PaperlessError>
}

export const makeSystem = (transport: Transport): System => ({
  statistics: () => transport.json({ method: "GET", path: "/api/statistics/" }, Statistics),
  logNames: () => transport.json({ method: "GET", path: "/api/logs/" }, Schema.Array(Schema.String)),
  log: (name) =>
    transport.json(
      { method: "GET", path: `/api/logs/${encodeURIComponent(name)}/` },
      Schema.Array(Schema.String),
    ),
  remoteVersion: () => transport.json({ method: "GET", path: "/api/remote_version/" }, RemoteVersion),
  status: () => transport.json({ method: "GET", path: "/api/status/" }, SystemStatus),
  uiSettings: () => transport.json({ method: "GET", path: "/api/ui_settings/" }, UiSettings),
})

/** `/api/ui_settings/` and `/api/config/` differ by generation (AI fields on 3.0 only); passed through. */
export const UiSettings = Schema.Struct({
  user: Schema.Struct({ id: Schema.Int, username: Schema.String }),
  settings: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  permissions: Schema.Array(Schema.String),
})
export type UiSettings = typeof UiSettings.Type
