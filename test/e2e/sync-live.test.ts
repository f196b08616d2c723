import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { DocumentId, PaperlessAuth, PaperlessClient, TagId } from "@paperbridge/paperless"
import { PapraClient, PapraDocumentId } from "@paperbridge/papra"
import type { Servers, SyncEvent, SyncResult } from "@paperbridge/sync"
import { makePdf } from "@paperbridge/testkit"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { describe, expect, it, onTestFinished } from "vitest"
import { newRunId } from "../contract/papra-target.js"
import { type EngineWorld, runMigration } from "./harness.js"
import { bothSides, onServers, runSync } from "./sync-world.js"

/**
 * Issue 11's live scenario, against the servers the environment names (skipped unless all five
 * variables are set): two documents made on Paperless-ngx, migrated to Papra, then one edit on
 * each side, a sync, both edits on both sides, and a second sync that writes nothing.
 *
 * A live pair holds other documents, and `sync` has no filter: it carries everything unlinked,
 * both ways. The migration is scoped to this run's tag; whatever the syncs carry besides is
 * recorded from their events and deleted afterwards, with this run's documents and tags.
 */

const { PAPERLESS_URL, PAPERLESS_TOKEN, PAPRA_URL, PAPRA_API_KEY, PAPRA_ORG_ID } = process.env
const servers: Servers | undefined =
  PAPERLESS_URL && PAPERLESS_TOKEN && PAPRA_URL && PAPRA_API_KEY && PAPRA_ORG_ID
    ? {
        paperless: { url: PAPERLESS_URL, auth: PaperlessAuth.token(PAPERLESS_TOKEN) },
        papra: { url: PAPRA_URL, apiKey: Redacted.make(PAPRA_API_KEY), organizationId: PAPRA_ORG_ID },
      }
    : undefined

/** What this run made on each server, to be deleted whatever the outcome. */
interface Made {
  readonly paperless: Set<number>
  readonly papra: Set<string>
}

// A Paperless id is a number; Papra's are `doc_…`.
const isPaperlessId = (id: string) => /^\d+$/.test(id)

/** Documents an engine run created: the target ids of what it uploaded (or carried anew). */
const recordCarried = (events: ReadonlyArray<SyncEvent>, made: Made) => {
  for (const event of events)
    if (
      event.type === "document" &&
      event.targetId !== undefined &&
      (event.outcome === "uploaded" || event.outcome === "carried-again" || event.outcome === "file-replaced")
    ) {
      if (isPaperlessId(event.targetId)) made.paperless.add(Number(event.targetId))
      else made.papra.add(event.targetId)
    }
}

/**
 * Deletes what the run made. Paperless's trash is emptied of them too: its consumer refuses a file
 * still in the trash, so the next run could not carry the same file again. Papra's trash cannot be
 * emptied with an API key, and needs not be: an upload of trashed bytes restores the document.
 * Each delete stands alone: a document a failed step never made is no reason to keep the rest.
 */
const deleteMade = (world: EngineWorld, made: Made, marker: string) =>
  onServers(
    world,
    Effect.gen(function* () {
      const paperless = yield* PaperlessClient
      const papra = yield* PapraClient
      const paperlessIds = [...made.paperless].map((id) => DocumentId.make(id))
      yield* Effect.forEach(paperlessIds, (id) => Effect.ignore(paperless.documents.delete(id)), {
        concurrency: 4,
      })
      if (paperlessIds.length > 0) yield* Effect.ignore(paperless.trash.empty(paperlessIds))
      yield* Effect.forEach(
        [...made.papra],
        (id) => Effect.ignore(papra.documents.delete(PapraDocumentId.make(id))),
        { concurrency: 4 },
      )
      const paperlessTags = yield* Stream.runCollect(paperless.tags.stream({ name__icontains: marker }))
      yield* Effect.forEach(Chunk.toReadonlyArray(paperlessTags), (tag) =>
        Effect.ignore(paperless.tags.delete(tag.id)),
      )
      const papraTags = (yield* papra.tags.list()).filter((tag) => tag.name.includes(marker))
      yield* Effect.forEach(papraTags, (tag) => Effect.ignore(papra.tags.delete(tag.id)))
    }),
  )

/**
 * The writes (every method but GET) sent through `fetch` to either server. Streamed uploads go
 * through `node:http` instead (`@paperbridge/http`), so a run's own report must say it uploaded
 * nothing as well.
 */
const watchWrites = (bases: ReadonlyArray<string>) => {
  const original = globalThis.fetch
  const writes: Array<string> = []
  const prefixes = bases.map((base) => base.replace(/\/+$/, ""))
  globalThis.fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input)
    const method = (init?.method ?? (input instanceof Request ? input.method : "GET")).toUpperCase()
    if (method !== "GET" && prefixes.some((prefix) => url.startsWith(prefix)))
      writes.push(`${method} ${new URL(url).pathname}`)
    return original(input, init)
  }
  return {
    mark: () => writes.length,
    since: (mark: number) => writes.slice(mark),
    restore: () => {
      globalThis.fetch = original
    },
  }
}

/**
 * Uploads one file to Paperless and waits for its consumption task: a live consumer takes seconds
 * per document, and the document exists only once the task succeeded.
 */
const uploadToPaperless = (
  world: EngineWorld,
  file: {
    readonly bytes: Uint8Array
    readonly fileName: string
    readonly title: string
    readonly tag: number
  },
) =>
  onServers(
    world,
    Effect.gen(function* () {
      const paperless = yield* PaperlessClient
      const task = yield* paperless.upload.post(
        { file: new Blob([file.bytes], { type: "application/pdf" }), filename: file.fileName },
        { title: file.title, tags: [TagId.make(file.tag)] },
      )
      return (yield* paperless.tasks.await(task, { timeout: "5 minutes" })) as number
    }),
  )

/**
 * Every count of documents a sync carried as new, each way, that is not zero. A byte-identical
 * twin of a document already carried stays unlinked (Papra keeps one copy per file), so every
 * sync meets it again and reports it `duplicate`, writing nothing.
 */
const carriedAtAll = (result: SyncResult) =>
  [
    ...Object.entries(result.carried.toPapra).map(
      ([outcome, count]) => [`to Papra ${outcome}`, count] as const,
    ),
    ...Object.entries(result.carried.toPaperless).map(
      ([outcome, count]) => [`to Paperless ${outcome}`, count] as const,
    ),
  ].filter(([label, count]) => count > 0 && !label.endsWith(" duplicate"))

describe.skipIf(servers === undefined)(
  "live Paperless-ngx and Papra: an edit on each side, synced",
  { timeout: 900_000 },
  () => {
    it("carries both edits to both sides, and a second sync writes nothing", async () => {
      if (servers === undefined) return
      // Letters only, lower case: one search word, and a tag name no mapping recases. The marker is
      // in the bytes too, so no earlier run's file (kept in Papra's trash) is the same file.
      const marker = newRunId()
      const directory = await Fs.mkdtemp(Path.join(Os.tmpdir(), "paperbridge-live-sync-"))
      const world: EngineWorld = {
        servers,
        directory,
        statePath: Path.join(directory, "state.db"),
        events: [],
      }
      const made: Made = { paperless: new Set(), papra: new Set() }
      const writes = watchWrites([servers.paperless.url, servers.papra.url])
      // A delete at a time, for as many documents as the syncs carried: more than a hook's minute.
      onTestFinished(async () => {
        writes.restore()
        recordCarried(world.events, made)
        await deleteMade(world, made, marker)
        await Fs.rm(directory, { recursive: true, force: true })
      }, 600_000)

      const scopeTag = `pb-live-${marker}`
      const addedTag = `pb-live-${marker}-added`
      const titles = [`pb-live-${marker}-one`, `pb-live-${marker}-two`] as const
      const renamed = `pb-live-${marker}-one-renamed`
      const scopeTagId = await onServers(
        world,
        Effect.flatMap(PaperlessClient, (paperless) =>
          Effect.map(paperless.tags.create({ name: scopeTag }), (tag) => tag.id as number),
        ),
      )
      for (const [index, title] of titles.entries()) {
        const id = await uploadToPaperless(world, {
          bytes: makePdf([`paperbridge live sync ${marker}`, `document ${index + 1}`]),
          fileName: `${title}.pdf`,
          title,
          tag: scopeTagId,
        })
        made.paperless.add(id)
      }

      const migrated = await runMigration(world, "paperless-to-papra", { tags: [scopeTag] })
      expect(migrated.failures).toEqual([])
      expect(migrated.documents.uploaded).toBe(2)
      const [one, two] = await Promise.all(titles.map((title) => bothSides(world, title)))
      if (one === undefined || two === undefined) throw new Error("the two documents were not migrated")

      await onServers(
        world,
        Effect.gen(function* () {
          const paperless = yield* PaperlessClient
          const papra = yield* PapraClient
          yield* paperless.documents.update(DocumentId.make(one.paperless.id), { title: renamed })
          const tag = yield* papra.tags.create({ name: addedTag, color: "#3b82f6" })
          yield* papra.documents.addTag(PapraDocumentId.make(two.papra.id), tag.id)
        }),
      )

      const beforeFirst = writes.mark()
      const first = await runSync(world)
      // Only this run's two documents are linked in its fresh state; the rest was carried as new.
      expect(first.failures).toEqual([])
      expect(first.linked).toMatchObject({ updated: 2, conflicts: 0, failed: 0 })
      // The watch sees the sync's writes: its silence on the second sync means something.
      expect(writes.since(beforeFirst).length).toBeGreaterThan(0)

      const renamedSides = await bothSides(world, renamed)
      expect(renamedSides.paperless.id).toBe(one.paperless.id)
      expect(renamedSides.papra.id).toBe(one.papra.id)
      const taggedSides = await bothSides(world, titles[1])
      // A live Paperless may add its own inbox tag: this run's tags are there either way.
      expect(taggedSides.paperless.tags).toEqual(expect.arrayContaining([scopeTag, addedTag]))
      expect(taggedSides.papra.tags).toEqual(expect.arrayContaining([scopeTag, addedTag]))

      const beforeSecond = writes.mark()
      const second = await runSync(world)
      expect(writes.since(beforeSecond)).toEqual([])
      expect(second.failures).toEqual([])
      expect(second.linked).toMatchObject({
        updated: 0,
        fileReplaced: 0,
        conflicts: 0,
        trashed: { paperless: 0, papra: 0 },
        keptEdited: 0,
        forgotten: 0,
        failed: 0,
      })
      expect(carriedAtAll(second)).toEqual([])
    })
  },
)
