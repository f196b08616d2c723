import { spawn } from "node:child_process"
import { createHash } from "node:crypto"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { createInterface } from "node:readline"
import { fileURLToPath } from "node:url"
import { PaperlessAuth, PaperlessClient } from "@paperbridge/paperless"
import { PapraClient, type PapraDocument } from "@paperbridge/papra"
import {
  type BridgeDirection as Direction,
  type EntityFailure,
  type JournalEntry,
  pairOf,
  type Servers,
  StateStore,
  type SyncEvent,
  serverLayers,
} from "@paperbridge/sync"
import { type DemoCorpus, seedPaperless } from "@paperbridge/sync/demo"
import {
  type Fault,
  type FaultPlan,
  type PaperlessSimulator,
  type PapraSeedDocument,
  type PapraSimulator,
  startPaperlessSimulator,
  startPapraSimulator,
} from "@paperbridge/testkit"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { type ChildCommand, childEnvironment, type EngineTarget } from "./child/engine.js"

export { type EngineTarget, type MigrationResult, runEngine } from "./child/engine.js"

/**
 * Crash/resume and fault suites: the engine run in a child process that the test can SIGKILL, the
 * same run in-process, and what to look at afterwards on both servers and in the state file.
 */

export const simulatorServers = (paperless: PaperlessSimulator, papra: PapraSimulator): Servers => ({
  paperless: { url: paperless.url, auth: PaperlessAuth.token(paperless.token) },
  papra: { url: papra.url, apiKey: Redacted.make(papra.apiKey), organizationId: papra.organizationId },
})

const here = Path.dirname(fileURLToPath(import.meta.url))
const testPackage = Path.resolve(here, "..")
const childScript = Path.join(here, "child", "run.ts")

export interface RequestMatch {
  /** A method, or a pattern of methods (e.g. every write: /^(POST|PUT|PATCH|DELETE)$/). */
  readonly method: string | RegExp
  readonly path: RegExp | string
}

/**
 * Adds `extra` faults to the `nth` request matching `matches` (once), when it reaches the simulator.
 * The returned function takes the tap away if it has not fired yet.
 */
const tapRequest = (
  faults: FaultPlan,
  matches: RequestMatch,
  nth: number,
  extra: () => ReadonlyArray<Fault>,
) => {
  const draw = faults.draw.bind(faults)
  let seen = 0
  let done = false
  faults.draw = (method, path) => {
    if (done) return draw(method, path)
    const hit =
      (typeof matches.method === "string" ? method === matches.method : matches.method.test(method)) &&
      (typeof matches.path === "string" ? path === matches.path : matches.path.test(path))
    if (hit) seen += 1
    if (!hit || seen !== nth) return draw(method, path)
    done = true
    return [...draw(method, path), ...extra()]
  }
  return () => {
    done = true
  }
}

/**
 * Resolves when the `nth` request matching `method` and `path` reaches the simulator (before it is
 * answered: the simulator still acts on it after a client that sent it is gone).
 */
export const requestArrives = (faults: FaultPlan, matches: RequestMatch, nth: number) =>
  new Promise<void>((resolve) => whenRequestArrives(faults, matches, nth, resolve))

/**
 * Runs `act` at the instant the `nth` matching request reaches the simulator, before the simulator
 * acts on it: another writer's change that the request is certain to meet, whatever the load.
 */
export const whenRequestArrives = (faults: FaultPlan, matches: RequestMatch, nth: number, act: () => void) =>
  void tapRequest(faults, matches, nth, () => {
    act()
    return []
  })

/**
 * A gate at the `nth` matching request: `acted` resolves once the simulator has acted on it (an
 * upload accepted, a tag created), and its answer is held until `release`, so a client killed at
 * `acted` never learns the outcome. Exact, whatever the machine's load.
 */
export const requestActedOn = (faults: FaultPlan, matches: RequestMatch, nth: number) => {
  let release = () => {}
  const released = new Promise<void>((resolve) => {
    release = resolve
  })
  let cancel = () => {}
  const acted = new Promise<void>((resolve) => {
    cancel = tapRequest(faults, matches, nth, () => [
      {
        kind: "hold",
        until: () => {
          resolve()
          return released
        },
      },
    ])
  })
  /** Lets the held answer go, or takes the gate away if no request reached it. */
  const open = () => {
    cancel()
    release()
  }
  return { acted, release: open }
}

export interface ChildRun {
  readonly killed: boolean
  readonly events: ReadonlyArray<SyncEvent>
  readonly exitCode: number | null
  readonly stderr: string
}

export interface MigrationChild {
  /** Starts the migration the child was prepared for; SIGKILLs it when `killAt` resolves. */
  run(killAt?: Promise<void>): Promise<ChildRun>
  /** Kills the child if it is still there (a prepared child that was never run). */
  dispose(): void
}

/**
 * A child process that will run one migration between the simulators (which stay here and outlive
 * it). It loads the engine at once and waits for `run`, so its start-up (seconds under tsx) can
 * overlap with the test's other work.
 */
export const prepareChild = (
  paperless: PaperlessSimulator,
  papra: PapraSimulator,
  target: EngineTarget,
  direction: Direction,
  options: {
    readonly concurrency?: number
    readonly timeoutMs?: number
    /** A migration in `direction` (the default), or a two-way sync. */
    readonly command?: ChildCommand
  } = {},
): MigrationChild => {
  const child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", childScript], {
    cwd: testPackage,
    env: {
      ...process.env,
      ...childEnvironment({
        paperless: { url: paperless.url, token: paperless.token },
        papra: { url: papra.url, apiKey: papra.apiKey, organizationId: papra.organizationId },
        statePath: target.statePath,
        reportDirectory: target.reportDirectory,
        direction,
        concurrency: options.concurrency ?? 4,
        command: options.command ?? "migrate",
      }),
    },
    stdio: ["pipe", "pipe", "pipe"],
  })
  let stderr = ""
  child.stderr.on("data", (chunk) => {
    stderr += String(chunk)
  })
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))
  const alive = () => child.exitCode === null && child.signalCode === null
  const lines = createInterface({ input: child.stdout })
  return {
    dispose: () => {
      if (alive()) child.kill("SIGKILL")
    },
    run: (killAt) =>
      new Promise<ChildRun>((resolve, reject) => {
        const events: Array<SyncEvent> = []
        let killed = false
        const killNow = () => {
          if (!alive()) return
          killed = true
          child.kill("SIGKILL")
        }
        const timeoutMs = options.timeoutMs ?? 150_000
        const timer = setTimeout(() => {
          killNow()
          reject(new Error(`the child migration did not finish in ${timeoutMs} ms: ${stderr}`))
        }, timeoutMs)
        lines.on("line", (line) => {
          if (!line.startsWith("{")) return
          events.push(JSON.parse(line) as SyncEvent)
        })
        killAt?.then(killNow)
        child.on("error", reject)
        exited.then((exitCode) => {
          clearTimeout(timer)
          resolve({ killed, events, exitCode, stderr })
        })
        child.stdin.end("go\n")
      }),
  }
}

// ---------------------------------------------------------------------------------------------
// What is on the servers and in the state file afterwards.

const collect = <A, E, R>(stream: Stream.Stream<A, E, R>) =>
  Effect.map(Stream.runCollect(stream), Chunk.toReadonlyArray)

/** Every active Papra document, with its tags and property values. */
export const papraDocuments = (servers: Servers) =>
  Effect.gen(function* () {
    const papra = yield* PapraClient
    const listed = yield* collect(papra.documents.stream())
    return yield* Effect.forEach(listed, (document) => papra.documents.get(document.id), { concurrency: 8 })
  }).pipe(Effect.provide(serverLayers(servers)), Effect.runPromise)

const sortedNames = (items: ReadonlyArray<{ readonly name: string }>) => items.map((item) => item.name).sort()

const papraValue = (property: PapraDocument["customProperties"][number]): unknown => {
  switch (property.type) {
    case "select":
      return property.value?.name ?? null
    case "multi_select":
    case "user_relation":
    case "document_relation":
      return sortedNames(property.value ?? [])
    default:
      return property.value
  }
}

/**
 * Every Papra document by the SHA-256 of its file, with names in place of ids, so two servers that
 * went through different histories can be compared field by field.
 */
export const papraView = async (servers: Servers) => {
  const documents = await papraDocuments(servers)
  const view = new Map<string, unknown>()
  for (const document of documents)
    view.set(document.originalSha256Hash, {
      name: document.name,
      originalName: document.originalName,
      mimeType: document.mimeType,
      documentDate: document.documentDate?.slice(0, 10) ?? null,
      notes: document.notes ?? "",
      content: document.content,
      tags: sortedNames(document.tags),
      properties: Object.fromEntries(
        document.customProperties
          .filter((property) => property.value !== null)
          .map((property) => [property.name, papraValue(property)]),
      ),
    })
  return { count: documents.length, view }
}

/**
 * Every Paperless document by the checksum of its original (MD5 on 2.20, SHA-256 on 3.0), with
 * names in place of ids (tags, classifiers, fields, select options, linked documents).
 */
export const paperlessView = (servers: Servers) =>
  Effect.gen(function* () {
    const paperless = yield* PaperlessClient
    const [documents, tags, correspondents, documentTypes, storagePaths, fields] = yield* Effect.all(
      [
        collect(paperless.documents.stream({ ordering: "id", page_size: 100 })),
        collect(paperless.tags.stream()),
        collect(paperless.correspondents.stream()),
        collect(paperless.documentTypes.stream()),
        collect(paperless.storagePaths.stream()),
        collect(paperless.customFields.stream()),
      ],
      { concurrency: 6 },
    )
    const nameOf = (items: ReadonlyArray<{ readonly id: number; readonly name: string }>) => {
      const names = new Map(items.map((item) => [item.id, item.name]))
      return (id: number | null) => (id === null ? null : (names.get(id) ?? `#${id}`))
    }
    const tagName = nameOf(tags)
    const titles = new Map(documents.map((document) => [document.id as number, document.title]))
    const fieldValue = (fieldId: number, value: unknown): unknown => {
      const field = fields.find((candidate) => candidate.id === fieldId)
      if (field?.data_type === "select")
        return field.extra_data?.select_options?.find((option) => option.id === value)?.label ?? value
      if (field?.data_type === "documentlink" && Array.isArray(value))
        return value.map((id: number) => titles.get(id) ?? `#${id}`).sort()
      return value
    }
    const fieldName = nameOf(fields)
    const view = new Map<string, unknown>()
    for (const document of documents) {
      const metadata = yield* paperless.documents.metadata(document.id)
      view.set(metadata.original_checksum, {
        title: document.title,
        created: document.created.slice(0, 10),
        originalFileName: document.original_file_name,
        mimeType: document.mime_type,
        content: document.content,
        asn: document.archive_serial_number,
        correspondent: nameOf(correspondents)(document.correspondent),
        documentType: nameOf(documentTypes)(document.document_type),
        storagePath: nameOf(storagePaths)(document.storage_path),
        tags: document.tags.map((tag) => tagName(tag)).sort(),
        fields: Object.fromEntries(
          document.custom_fields.map((entry) => [
            fieldName(entry.field),
            fieldValue(entry.field, entry.value),
          ]),
        ),
        notes: document.notes.map((note) => note.note).sort(),
      })
    }
    return { count: documents.length, view }
  }).pipe(Effect.provide(serverLayers(servers)), Effect.runPromise)

export interface StoredState {
  readonly pending: ReadonlyArray<JournalEntry>
  readonly failures: ReadonlyArray<EntityFailure>
  readonly documentLinks: number
  /** How the latest run of the pair ended. */
  readonly lastOutcome: string | undefined
}

/** The journal's unsettled entries, the recorded failures and the document links of one pair. */
export const storedState = (target: EngineTarget, direction: Direction) =>
  Effect.gen(function* () {
    const store = yield* StateStore
    const pair = pairOf(target.servers, direction)
    return {
      pending: yield* store.journal.halfDone(pair),
      failures: yield* store.failures.list(pair),
      documentLinks: (yield* store.links.list(pair)).filter((link) => link.kind === "document").length,
      lastOutcome: (yield* store.runs.list({ pair, limit: 1 }))[0]?.outcome,
    } satisfies StoredState
  }).pipe(Effect.provide(StateStore.layer({ path: target.statePath })), Effect.scoped, Effect.runPromise)

export const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex")
export const md5 = (bytes: Uint8Array) => createHash("md5").update(bytes).digest("hex")

/** Upload POSTs each server answered, by status (0 = connection reset by a fault). */
export const papraUploads = (papra: PapraSimulator) =>
  papra.requests.filter(
    (request) =>
      request.method === "POST" && /^\/api\/organizations\/[^/]+\/documents\/?$/.test(request.path),
  )

export const paperlessUploads = (paperless: PaperlessSimulator) =>
  paperless.requests.filter(
    (request) => request.method === "POST" && request.path === "/api/documents/post_document/",
  )

/** The requests a server accepted (answered 2xx): uploads that took, not those refused or cut off. */
export const accepted = <A extends { readonly status: number }>(requests: ReadonlyArray<A>) =>
  requests.filter((request) => request.status >= 200 && request.status < 300)

/** The distinct files of a corpus (byte-identical twins count once). */
export const distinctFiles = (corpus: DemoCorpus) =>
  new Set(corpus.documents.map((document) => sha256(document.bytes)))

// ---------------------------------------------------------------------------------------------
// A Papra corpus for the Papra → Paperless direction, built from the demo corpus.

/** Properties a Papra user typically has, one of each type the mapping carries to Paperless. */
const papraProperties = [
  { name: "Correspondent", type: "select", options: ["ACME Corp", "Bäckerei Müller", "City Utilities"] },
  { name: "Reference", type: "text" },
  { name: "Amount", type: "number" },
  { name: "Due date", type: "date" },
  { name: "Paid", type: "boolean" },
  { name: "Labels", type: "multi_select", options: ["blue", "green", "red"] },
] as const

/**
 * The demo corpus as Papra documents: flat tags, properties of every type, notes and dates. Papra
 * keeps one document per file, so byte-identical twins are left out.
 */
export const papraCorpusFrom = (corpus: DemoCorpus) => {
  const seen = new Set<string>()
  const documents: Array<PapraSeedDocument> = []
  for (const [index, document] of corpus.documents.entries()) {
    const hash = sha256(document.bytes)
    if (seen.has(hash)) continue
    seen.add(hash)
    const correspondent = papraProperties[0].options.find((option) => option === document.correspondent)
    documents.push({
      name: document.fileName,
      bytes: document.bytes,
      mimeType: document.mimeType,
      documentDate: document.created,
      tags: [...new Set(document.tags.map((tag) => tag.toLowerCase()))],
      notes: document.notes.length === 0 ? null : document.notes.join("\n\n"),
      properties: {
        Reference: `REF-${index}`,
        ...(correspondent === undefined ? {} : { Correspondent: correspondent }),
        ...(index % 2 === 0 ? { Amount: index * 1.5, Paid: index % 4 === 0 } : {}),
        ...(index % 3 === 0 ? { "Due date": `${document.created}T00:00:00.000Z` } : {}),
        ...(index % 5 === 0 ? { Labels: ["blue", "red"] } : {}),
      },
    })
  }
  const tagNames = new Set(documents.flatMap((document) => document.tags ?? []))
  return {
    tags: [...tagNames].map((name) => ({ name })),
    customProperties: papraProperties.map((property) => ({
      name: property.name,
      type: property.type,
      ...("options" in property ? { options: property.options } : {}),
    })),
    documents,
  }
}

// ---------------------------------------------------------------------------------------------
// Two simulators with a corpus on the source side, and a state directory.

export interface SimulatorPair {
  readonly paperless: PaperlessSimulator
  readonly papra: PapraSimulator
  readonly target: EngineTarget
  readonly corpus: DemoCorpus
  close(): Promise<void>
}

/**
 * Starts both simulators and loads `corpus` into the source of `direction`: the demo corpus as it
 * is into Paperless, or its Papra form (`papraCorpusFrom`) into Papra.
 */
export const startPair = async (options: {
  readonly direction: Direction
  readonly generation: "3.0" | "2.20"
  readonly corpus: DemoCorpus
  readonly seed?: number
  readonly consumeMs?: number
  readonly maxUploadSize?: number
}): Promise<SimulatorPair> => {
  const paperless = await startPaperlessSimulator({
    generation: options.generation,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.consumeMs === undefined ? {} : { consumeMs: options.consumeMs }),
  })
  const papra = await startPapraSimulator({
    extractionDelayMs: 5,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.maxUploadSize === undefined ? {} : { maxUploadSize: options.maxUploadSize }),
  })
  if (options.direction === "paperless-to-papra") seedPaperless(paperless, options.corpus)
  else papra.seed(papraCorpusFrom(options.corpus))
  const directory = await Fs.mkdtemp(Path.join(Os.tmpdir(), "paperbridge-e2e-"))
  return {
    paperless,
    papra,
    corpus: options.corpus,
    target: {
      servers: simulatorServers(paperless, papra),
      statePath: Path.join(directory, "state.db"),
      reportDirectory: Path.join(directory, "reports"),
    },
    close: async () => {
      await Promise.all([paperless.close(), papra.close()])
      await Fs.rm(directory, { recursive: true, force: true })
    },
  }
}
