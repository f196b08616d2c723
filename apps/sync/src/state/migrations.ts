import * as Migrator from "@effect/sql/Migrator"
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"

/** Each statement runs on its own: the libsql driver prepares exactly one statement per call. */
const statements = (...sql: ReadonlyArray<string>) =>
  Effect.flatMap(SqlClient.SqlClient, (client) =>
    Effect.forEach(sql, (statement) => client.unsafe(statement), { discard: true }),
  )

// Links are stored once per pair of endpoints, whatever the direction that created them
// (left_endpoint < right_endpoint), so a Papra → Paperless run after a Paperless → Papra run
// finds the same links instead of copying everything back.
const initial = statements(
  `CREATE TABLE links (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    left_endpoint TEXT NOT NULL,
    left_id TEXT NOT NULL,
    right_endpoint TEXT NOT NULL,
    right_id TEXT NOT NULL,
    sha256 TEXT,
    md5 TEXT,
    linked_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (left_endpoint < right_endpoint),
    UNIQUE (left_endpoint, right_endpoint, kind, left_id),
    UNIQUE (left_endpoint, right_endpoint, kind, right_id)
  )`,
  "CREATE INDEX links_by_sha256 ON links (left_endpoint, right_endpoint, sha256) WHERE sha256 IS NOT NULL",
  `CREATE TABLE base_snapshots (
    link_id INTEGER PRIMARY KEY REFERENCES links (id) ON DELETE CASCADE,
    metadata TEXT NOT NULL,
    hash TEXT NOT NULL,
    updated_at TEXT NOT NULL
  )`,
  `CREATE TABLE journal (
    id INTEGER PRIMARY KEY,
    run_id TEXT,
    source_endpoint TEXT NOT NULL,
    target_endpoint TEXT NOT NULL,
    kind TEXT NOT NULL,
    operation TEXT NOT NULL,
    source_id TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed')),
    sha256 TEXT,
    md5 TEXT,
    size INTEGER,
    task_id TEXT,
    target_id TEXT,
    error TEXT,
    attempts INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (source_endpoint, target_endpoint, idempotency_key)
  )`,
  "CREATE INDEX journal_half_done ON journal (source_endpoint, target_endpoint) WHERE state = 'pending'",
  `CREATE TABLE failures (
    source_endpoint TEXT NOT NULL,
    target_endpoint TEXT NOT NULL,
    kind TEXT NOT NULL,
    source_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    run_id TEXT,
    first_failed_at TEXT NOT NULL,
    last_failed_at TEXT NOT NULL,
    PRIMARY KEY (source_endpoint, target_endpoint, kind, source_id)
  )`,
  `CREATE TABLE checkpoints (
    source_endpoint TEXT NOT NULL,
    target_endpoint TEXT NOT NULL,
    run_id TEXT NOT NULL,
    phase TEXT NOT NULL,
    cursor TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (source_endpoint, target_endpoint)
  )`,
  `CREATE TABLE runs (
    id TEXT PRIMARY KEY,
    source_endpoint TEXT NOT NULL,
    target_endpoint TEXT NOT NULL,
    direction TEXT NOT NULL,
    command TEXT NOT NULL,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    outcome TEXT NOT NULL,
    counts TEXT NOT NULL,
    report_path TEXT
  )`,
  "CREATE INDEX runs_by_start ON runs (source_endpoint, target_endpoint, started_at)",
)

// Which process owns a running run, so a second `migrate` on the same pair can be refused while
// the first is alive, instead of both uploading the same documents.
const runOwner = statements(
  "ALTER TABLE runs ADD COLUMN pid INTEGER",
  "ALTER TABLE runs ADD COLUMN host TEXT",
)

// The run lock is a lease any machine sharing the state file respects (runs.ts): who holds it and
// until when; a run left "running" whose lease ran out counts as interrupted. The pid namespace
// tells whether a pid recorded on this host name is one this process can ask about.
const runLease = statements(
  "ALTER TABLE runs ADD COLUMN lease_holder TEXT",
  "ALTER TABLE runs ADD COLUMN lease_expires_at TEXT",
  "ALTER TABLE runs ADD COLUMN pid_namespace TEXT",
)

// What the last run learnt about a source file that spares the next one a download: a twin of
// another carried document, or a file the target refused for good (over Papra's upload limit).
const knownSourceFiles = statements(
  `CREATE TABLE known_source_files (
    source_endpoint TEXT NOT NULL,
    target_endpoint TEXT NOT NULL,
    source_id TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('duplicate', 'refused')),
    detail TEXT NOT NULL,
    target_id TEXT,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (source_endpoint, target_endpoint, source_id)
  )`,
)

// What `sync` remembers between runs besides links and bases: documents whose deletion it carried
// (tombstones, so a rebuild never brings them back) and the conflicts it left for the user to settle.
const syncRecords = statements(
  `CREATE TABLE tombstones (
    paperless_endpoint TEXT NOT NULL,
    papra_endpoint TEXT NOT NULL,
    paperless_id TEXT NOT NULL,
    papra_id TEXT NOT NULL,
    sha256 TEXT,
    md5 TEXT,
    deleted_on TEXT NOT NULL CHECK (deleted_on IN ('paperless', 'papra', 'both')),
    title TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (paperless_endpoint, papra_endpoint, paperless_id)
  )`,
  "CREATE INDEX tombstones_by_sha256 ON tombstones (paperless_endpoint, papra_endpoint, sha256)",
  `CREATE TABLE sync_conflicts (
    paperless_endpoint TEXT NOT NULL,
    papra_endpoint TEXT NOT NULL,
    paperless_id TEXT NOT NULL,
    papra_id TEXT NOT NULL,
    title TEXT NOT NULL,
    fields TEXT NOT NULL,
    detected_at TEXT NOT NULL,
    PRIMARY KEY (paperless_endpoint, papra_endpoint, paperless_id)
  )`,
)

// How each side's linked definition (tag, classifier, field/property, select option) looked after
// the last sync, so a rename on one side can be told from a name the mapping changes on the way.
// Keyed by the link like base_snapshots, so dropping the link drops its base.
const definitionBases = statements(
  `CREATE TABLE definition_bases (
    link_id INTEGER PRIMARY KEY REFERENCES links (id) ON DELETE CASCADE,
    base TEXT NOT NULL,
    updated_at TEXT NOT NULL
  )`,
)

/** Migrations live in code, not in files, so they ship inside the build. Append; never edit. */
// One row per pair: only the next run of a continuous sync matters, the past ones are in runs.
const syncSchedule = statements(
  `CREATE TABLE sync_schedule (
    source_endpoint TEXT NOT NULL,
    target_endpoint TEXT NOT NULL,
    schedule TEXT NOT NULL,
    next_due_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (source_endpoint, target_endpoint)
  )`,
)

export const migrations = {
  "1_initial": initial,
  "2_run_owner": runOwner,
  "3_run_lease": runLease,
  "4_known_source_files": knownSourceFiles,
  "5_sync": syncRecords,
  "6_definition_bases": definitionBases,
  "7_sync_schedule": syncSchedule,
} satisfies Record<string, Effect.Effect<void, unknown, SqlClient.SqlClient>>

export const MIGRATIONS_TABLE = "paperbridge_migrations"

/** Applies the migrations this build knows and the file lacks; returns the ones it applied. */
export const runMigrations = Migrator.make({})({
  loader: Migrator.fromRecord(migrations),
  table: MIGRATIONS_TABLE,
})

const latestMigration = Math.max(...Object.keys(migrations).map((key) => Number.parseInt(key, 10)))

/**
 * Applies what the file lacks, after a plain read says anything is missing: the migrator always
 * takes the write lock, so a file already current opens for reading (`status`) even while another
 * process holds that lock, which WAL allows.
 */
export const migrateIfBehind = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const applied = yield* sql
    .unsafe<{ readonly latest: number | null }>(`SELECT max(migration_id) AS latest FROM ${MIGRATIONS_TABLE}`)
    .pipe(
      Effect.map((rows) => rows[0]?.latest ?? 0),
      // A new file has no migrations table yet.
      Effect.orElseSucceed(() => 0),
    )
  if (applied < latestMigration) yield* runMigrations
})
