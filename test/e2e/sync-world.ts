import * as Path from "node:path"
import { PaperlessClient } from "@paperbridge/paperless"
import { PapraClient } from "@paperbridge/papra"
import { type SyncResult, serverLayers } from "@paperbridge/sync"
import { makePdf } from "@paperbridge/testkit"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { afterEach, expect } from "vitest"
import { type EngineTarget, runSyncEngine, type SyncOverrides } from "./child/engine.js"
import { type EngineWorld, runMigration, startWorld, type World } from "./harness.js"

/** Sync scenarios start from a pair that `migrate` linked, in either direction. */

export type Titles = "invoice" | "receipt" | "letter"

export const TITLES: Readonly<Record<Titles, string>> = {
  invoice: "ACME invoice",
  receipt: "Corner shop receipt",
  letter: "Contract letter",
}

export interface SyncWorld extends World {
  readonly generation: "3.0" | "2.20"
  /** The ids of the seeded documents on each side, by name. */
  readonly ids: {
    readonly paperless: Readonly<Record<Titles, number>>
    readonly papra: Readonly<Record<Titles, string>>
  }
}

const files: Readonly<Record<Titles, Uint8Array>> = {
  invoice: makePdf(["Invoice 4711", "ACME Corp", "total 120.00 EUR"]),
  receipt: makePdf(["Receipt 0815", "Corner shop"]),
  letter: makePdf(["Dear customer", "your contract"]),
}

export const fileOf = (title: Titles) => files[title]

/** Runs `effect` against the world's two servers, as a person editing them would. */
export const onServers = <A, E>(
  world: EngineWorld,
  effect: Effect.Effect<A, E, PaperlessClient | PapraClient>,
) => effect.pipe(Effect.provide(serverLayers(world.servers)), Effect.runPromise)

/** Every active Paperless document, as a person would look at it: names for ids. */
export const paperlessList = (world: EngineWorld) =>
  onServers(
    world,
    Effect.gen(function* () {
      const paperless = yield* PaperlessClient
      const [documents, tags, fields] = yield* Effect.all([
        Stream.runCollect(paperless.documents.stream()),
        Stream.runCollect(paperless.tags.stream()),
        Stream.runCollect(paperless.customFields.stream()),
      ])
      const tagName = new Map(Chunk.toReadonlyArray(tags).map((tag) => [tag.id as number, tag.name]))
      const fieldOf = new Map(Chunk.toReadonlyArray(fields).map((field) => [field.id as number, field]))
      return Chunk.toReadonlyArray(documents).map((document) => ({
        id: document.id as number,
        name: document.title,
        tags: document.tags.map((id) => tagName.get(id) ?? `#${id}`).sort(),
        notes: document.notes.map((note) => note.note),
        fields: Object.fromEntries(
          document.custom_fields.map((entry) => {
            const field = fieldOf.get(entry.field)
            const options = field?.extra_data?.select_options ?? []
            const label = options.find((option) => option?.id === entry.value)?.label
            return [field?.name ?? `#${entry.field}`, label ?? entry.value]
          }),
        ),
      }))
    }),
  )

/** Every active Papra document: name, tag names, set property values by name. */
export const papraList = (world: EngineWorld) =>
  onServers(
    world,
    Effect.gen(function* () {
      const papra = yield* PapraClient
      const documents = Chunk.toReadonlyArray(yield* Stream.runCollect(papra.documents.stream()))
      return documents.map((document) => ({
        id: document.id as string,
        name: document.name,
        tags: document.tags.map((tag) => tag.name).sort(),
        notes: document.notes,
        sha256: document.originalSha256Hash,
        properties: Object.fromEntries(
          document.customProperties
            .filter((property) => property.value !== null)
            .map((property) => {
              const value = property.value as unknown
              const named =
                typeof value === "object" && value !== null && "name" in value
                  ? (value as { readonly name: unknown }).name
                  : value
              return [property.name, named]
            }),
        ),
      }))
    }),
  )

/** The document named `title` on each side (exactly one there). */
export const bothSides = async (world: EngineWorld, title: string) => {
  const [paperless, papra] = await Promise.all([paperlessList(world), papraList(world)])
  const one = <A extends { readonly name: string }>(side: string, documents: ReadonlyArray<A>) => {
    const found = documents.filter((document) => document.name === title)
    expect(found, `${side} documents named ${title}`).toHaveLength(1)
    return found[0] as A
  }
  return { paperless: one("Paperless", paperless), papra: one("Papra", papra) }
}

const idOf = <A>(documents: ReadonlyArray<{ readonly name: string; readonly id: A }>, title: string): A => {
  const found = documents.filter((document) => document.name === title)
  if (found.length !== 1) throw new Error(`${found.length} documents named ${title} after the migration`)
  return (found[0] as { readonly id: A }).id
}

/**
 * For a suite whose tests each start from a migrated pair: `start` makes one, and it is closed
 * after its test whatever the outcome.
 */
export const migratedPairPerTest = () => {
  let world: SyncWorld | undefined
  afterEach(async () => {
    await world?.close()
    world = undefined
  })
  return async (generation: "3.0" | "2.20", direction: "paperless-to-papra" | "papra-to-paperless") => {
    world = await migratedPair(generation, direction)
    return world
  }
}

/**
 * A Paperless instance of `generation` and a Papra organization holding the same three documents
 * (the invoice tagged Finance with a Status of Open and a note, the receipt tagged Home, a bare
 * letter), put there by `migrate` in `direction`; nothing is pending.
 */
export const migratedPair = async (
  generation: "3.0" | "2.20",
  direction: "paperless-to-papra" | "papra-to-paperless" = "paperless-to-papra",
): Promise<SyncWorld> => {
  const world = await startWorld({ generation })
  if (direction === "paperless-to-papra")
    world.paperless.seed({
      tags: [{ name: "Finance" }, { name: "Home" }],
      customFields: [{ name: "Status", dataType: "select", selectOptions: ["Open", "Paid"] }],
      documents: [
        {
          fileName: "invoice.pdf",
          bytes: Buffer.from(files.invoice),
          title: TITLES.invoice,
          tags: ["Finance"],
          customFields: { Status: "Open" },
          notes: ["to be paid by March"],
        },
        { fileName: "receipt.pdf", bytes: Buffer.from(files.receipt), title: TITLES.receipt, tags: ["Home"] },
        { fileName: "letter.pdf", bytes: Buffer.from(files.letter), title: TITLES.letter },
      ],
    })
  else
    world.papra.seed({
      tags: [{ name: "Finance" }, { name: "Home" }],
      customProperties: [{ name: "Status", type: "select", options: ["Open", "Paid"] }],
      documents: [
        {
          name: TITLES.invoice,
          bytes: files.invoice,
          mimeType: "application/pdf",
          tags: ["Finance"],
          properties: { Status: "Open" },
          notes: "to be paid by March",
        },
        { name: TITLES.receipt, bytes: files.receipt, mimeType: "application/pdf", tags: ["Home"] },
        { name: TITLES.letter, bytes: files.letter, mimeType: "application/pdf" },
      ],
    })
  await runMigration(world, direction)
  const [paperless, papra] = await Promise.all([paperlessList(world), papraList(world)])
  return {
    ...world,
    generation,
    ids: {
      paperless: {
        invoice: idOf(paperless, TITLES.invoice),
        receipt: idOf(paperless, TITLES.receipt),
        letter: idOf(paperless, TITLES.letter),
      },
      papra: {
        invoice: idOf(papra, TITLES.invoice),
        receipt: idOf(papra, TITLES.receipt),
        letter: idOf(papra, TITLES.letter),
      },
    },
  }
}

export type { SyncOverrides }

/** The files a world's runs write besides the state: reports. */
export const engineTarget = (world: EngineWorld): EngineTarget => ({
  servers: world.servers,
  statePath: world.statePath,
  reportDirectory: Path.join(world.directory, "reports"),
})

/** One `sync` run between the world's simulators. */
export const runSync = (world: EngineWorld, overrides: SyncOverrides = {}): Promise<SyncResult> =>
  runSyncEngine(engineTarget(world), {
    ...overrides,
    onEvent: (event) => void world.events.push(event),
  })

/** Requests that change something on either server since `since` (the lengths of both logs). */
export const writesSince = (world: World, since: { readonly paperless: number; readonly papra: number }) =>
  [...world.paperless.requests.slice(since.paperless), ...world.papra.requests.slice(since.papra)].filter(
    (request) => request.method !== "GET",
  )

export const requestMarks = (world: World) => ({
  paperless: world.paperless.requests.length,
  papra: world.papra.requests.length,
})

/** A second sync right after finds nothing to do and sends no write to either server. */
export const expectNoEcho = async (world: World) => {
  const before = requestMarks(world)
  const again = await runSync(world)
  expect(again.linked).toMatchObject({ updated: 0, failed: 0 })
  expect(writesSince(world, before)).toEqual([])
  return again
}

export { PaperlessClient, PapraClient }
