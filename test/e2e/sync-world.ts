import * as Path from "node:path"
import { type ConflictPolicy, defaultMappingConfig } from "@paperbridge/mapping"
import { PaperlessClient } from "@paperbridge/paperless"
import { PapraClient } from "@paperbridge/papra"
import {
  defaultDeleteGuard,
  pairOf,
  StateStore,
  type SyncMode,
  type SyncResult,
  serverLayers,
  sync,
} from "@paperbridge/sync"
import { makePdf } from "@paperbridge/testkit"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { runMigration, startWorld, type World } from "./harness.js"

/**
 * Sync scenarios start from a pair that `migrate` linked: three Paperless documents (one tagged,
 * one with a custom field) carried to Papra, in either direction of migration.
 */

export interface SyncWorld extends World {
  /** Paperless ids of the seeded documents, by their title. */
  readonly paperlessIds: Readonly<Record<"invoice" | "receipt" | "letter", number>>
}

const invoice = makePdf(["Invoice 4711", "ACME Corp", "total 120.00 EUR"])
const receipt = makePdf(["Receipt 0815", "Corner shop"])
const letter = makePdf(["Dear customer", "your contract"])

/** A Paperless instance of `generation` with three documents, migrated to Papra; nothing pending. */
export const migratedPair = async (generation: "3.0" | "2.20"): Promise<SyncWorld> => {
  const world = await startWorld({ generation })
  const ids = world.paperless.seed({
    tags: [{ name: "Finance" }, { name: "Home" }],
    correspondents: [{ name: "ACME" }],
    customFields: [{ name: "Status", dataType: "select", selectOptions: ["Open", "Paid"] }],
    documents: [
      {
        fileName: "invoice.pdf",
        bytes: invoice,
        title: "ACME invoice",
        tags: ["Finance"],
        correspondent: "ACME",
        customFields: { Status: "Open" },
        notes: ["to be paid by March"],
      },
      { fileName: "receipt.pdf", bytes: receipt, title: "Corner shop receipt", tags: ["Home"] },
      { fileName: "letter.pdf", bytes: letter, title: "Contract letter" },
    ],
  })
  const [invoiceId, receiptId, letterId] = ids.documents as [number, number, number]
  await runMigration(world, "paperless-to-papra")
  return { ...world, paperlessIds: { invoice: invoiceId, receipt: receiptId, letter: letterId } }
}

export interface SyncOverrides {
  readonly mode?: SyncMode
  readonly conflict?: ConflictPolicy
  readonly forceDelete?: boolean
  readonly maxDelete?: number
  readonly resync?: boolean
}

/** One `sync` run between the world's simulators. */
export const runSync = (world: World, overrides: SyncOverrides = {}): Promise<SyncResult> =>
  sync({
    pair: pairOf(world.servers, "paperless-to-papra"),
    mode: overrides.mode ?? "two-way",
    conflict: overrides.conflict ?? "fail",
    guard: {
      ...defaultDeleteGuard,
      ...(overrides.maxDelete === undefined ? {} : { maxDocuments: overrides.maxDelete }),
      force: overrides.forceDelete ?? false,
    },
    resync: overrides.resync ?? false,
    file: "original",
    concurrency: 4,
    mapping: defaultMappingConfig,
    reportDirectory: Path.join(world.directory, "reports"),
    onEvent: (event) => Effect.sync(() => void world.events.push(event)),
  }).pipe(
    Effect.provide(Layer.mergeAll(serverLayers(world.servers), StateStore.layer({ path: world.statePath }))),
    Effect.runPromise,
  )

/** Runs `effect` against the world's two servers, as a person editing them would. */
export const onServers = <A, E>(world: World, effect: Effect.Effect<A, E, PaperlessClient | PapraClient>) =>
  effect.pipe(Effect.provide(serverLayers(world.servers)), Effect.runPromise)

/** Requests that change something on either server, counted from `since` (a length of each log). */
export const writesSince = (world: World, since: { readonly paperless: number; readonly papra: number }) =>
  [...world.paperless.requests.slice(since.paperless), ...world.papra.requests.slice(since.papra)].filter(
    (request) => request.method !== "GET",
  )

export const requestMarks = (world: World) => ({
  paperless: world.paperless.requests.length,
  papra: world.papra.requests.length,
})

export { PaperlessClient, PapraClient }
