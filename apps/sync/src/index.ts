/**
 * The paperbridge engine as a library: configuration, migrate/plan/verify, sync and its preview, their
 * events and reports, and the state store that links the two servers' entities.
 *
 * @packageDocumentation
 * @module @paperbridge/sync
 */
export { paperbridge, runCli } from "./cli.js"
export {
  CONFIG_FILE_NAME,
  configJsonSchemaText,
  Direction,
  FileChoice,
  Filters,
  PaperbridgeConfig,
  type PaperbridgeConfigJson,
  PaperlessAuthMethod,
  SCHEMA_FILE_NAME,
  SecretValues,
  VersionChoice,
} from "./config/config.js"
export { ConfigError, ExitCode } from "./config/errors.js"
export {
  type InitAnswers,
  type InitFile,
  type InitFiles,
  renderInit,
  SECRETS_FILE_NAME,
} from "./config/init.js"
export { type LoadedConfig, loadConfig, parseConfig, statePathOf } from "./config/load.js"
export { applyOverrides, type ConfigOverrides, OVERRIDE_FLAGS } from "./config/overrides.js"
export { type PaperlessCredentials, resolveSecrets, type Secrets } from "./config/secrets.js"
export * from "./engine/events.js"
export { forgetDocument } from "./engine/forget.js"
export { type MigrationResult, migrate } from "./engine/migrate.js"
export type { DocumentFilters, EngineOptions } from "./engine/options.js"
export {
  exportEndpoint,
  PaperlessSource,
  type PaperlessSourceError,
  type PaperlessSourceShape,
  paperlessApiSource,
  paperlessExportSource,
} from "./engine/paperless-source.js"
export { planMigration } from "./engine/plan.js"
export type { DriftProblem, PlanReport, VerifyConflict, VerifyReport } from "./engine/reports.js"
export {
  exportLayers,
  noPaperlessServer,
  noPapraServer,
  pairOf,
  type Servers,
  serverLayers,
} from "./engine/servers.js"
export { sync } from "./engine/sync.js"
export type {
  ConflictReport,
  LinkedCounts,
  SyncMode,
  SyncOptions,
  SyncResult,
  SyncSummary,
} from "./engine/sync-options.js"
export { type DeleteGuard, defaultDeleteGuard } from "./engine/sync-plan.js"
export { previewSync, type SideWrites, type SyncPreview } from "./engine/sync-preview.js"
export { verify } from "./engine/verify.js"
export * from "./export/errors.js"
export { DEFAULT_STATE_PATH } from "./state/database.js"
export {
  directionOf,
  Endpoint,
  EntityKind,
  type Pair,
  type PairDirection,
  paperlessEndpoint,
  papraEndpoint,
  Side,
  sideOf,
} from "./state/endpoints.js"
export { LinkConflictError, RunInProgressError, RunLeaseLost, StateStoreError } from "./state/errors.js"
export { EntityFailure, type FailureOperations, type NewFailure } from "./state/failures.js"
export {
  defaultIdempotencyKey,
  type JournalBegin,
  type JournalCompletion,
  JournalEntry,
  JournalOperation,
  type JournalOperations,
  JournalState,
  type NewJournalEntry,
} from "./state/journal.js"
export {
  KnownFile,
  type KnownFileOperations,
  KnownFileOutcome,
  type NewKnownFile,
} from "./state/known-files.js"
export type { Link, LinkOperations, NewLink } from "./state/links.js"
export { MIGRATIONS_TABLE, runMigrations } from "./state/migrations.js"
export {
  Checkpoint,
  type CheckpointOperations,
  CheckpointPhase,
  LEASE_DURATION,
  LEASE_RENEWAL,
  Run,
  RunCounts,
  type RunEnd,
  type RunHistory,
  RunId,
  RunOutcome,
} from "./state/runs.js"
export {
  type BaseSnapshot,
  type JsonValue,
  type SnapshotOperations,
  snapshotHash,
} from "./state/snapshots.js"
export { StateStore, type StateStoreService } from "./state/store.js"
