import { Args, Command, Options } from "@effect/cli"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { statePathOf } from "../config/load.js"
import { forgetDocument } from "../engine/forget.js"
import type { Pair } from "../state/endpoints.js"
import { StateStore } from "../state/store.js"
import { CliConsole } from "./console.js"
import { outputOptions, sharedOptions } from "./flags.js"
import { loadSettingsConfig, pairOfConfig, syncPairOfConfig } from "./settings.js"

const sourceIds = Args.text({ name: "source-id" }).pipe(
  Args.withDescription("A source document's id (Paperless: the number; Papra: doc_…)"),
  Args.atLeast(1),
)

const tombstone = Options.boolean("tombstone").pipe(
  Options.withDescription(
    "Forget the tombstones of these documents (a Paperless or a Papra id) instead: `sync --resync` may carry them again",
  ),
)

/**
 * A sync remembers each document it deleted so that `sync --resync` never brings it back; a person
 * who restored one by hand and wants it synced again drops that memory here.
 */
const forgetTombstones = (statePath: string, pair: Pair, ids: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const store = yield* StateStore
    const tombstones = yield* store.sync.tombstones(pair)
    return yield* Effect.forEach(ids, (id) =>
      Effect.gen(function* () {
        const found = tombstones.find((entry) => entry.paperlessId === id || entry.papraId === id)
        // The same id named twice finds the tombstone gone the second time.
        const dropped = found !== undefined && (yield* store.sync.forgetTombstone(pair, found.paperlessId))
        return { id, title: dropped ? found.title : undefined }
      }),
    )
  }).pipe(Effect.provide(StateStore.layer({ path: statePath })))

/**
 * Drops the links of the given source documents, so the next `migrate` carries them anew. Reads
 * and writes the state file only: no server is contacted and nothing is deleted on either side.
 * A copy still on the target is found again by its file and linked, never duplicated.
 */
export const forgetCommand = Command.make(
  "forget",
  { ...sharedOptions, json: outputOptions.json, tombstone, sourceIds },
  (flags) =>
    Effect.gen(function* () {
      const console = yield* CliConsole
      const fs = yield* FileSystem.FileSystem
      const loaded = yield* loadSettingsConfig(flags)
      const statePath = statePathOf(loaded)
      const pair = yield* pairOfConfig(loaded)
      const exists = yield* fs.exists(statePath).pipe(Effect.orElseSucceed(() => false))
      if (flags.tombstone) {
        const dropped = exists
          ? yield* forgetTombstones(statePath, yield* syncPairOfConfig(loaded), flags.sourceIds)
          : flags.sourceIds.map((id) => ({ id, title: undefined }))
        if (flags.json) return yield* console.out(JSON.stringify({ statePath, tombstones: dropped }))
        for (const { id, title } of dropped)
          yield* console.out(
            title === undefined
              ? `document ${id}: no tombstone in ${statePath}; nothing to forget`
              : `document ${id} (${title}): tombstone dropped; \`sync --resync\` may carry it again`,
          )
        return
      }
      const forgotten = exists
        ? yield* Effect.forEach(flags.sourceIds, (sourceId) =>
            Effect.gen(function* () {
              const store = yield* StateStore
              const link = yield* store.links.findTarget(pair, "document", sourceId)
              yield* forgetDocument(pair, sourceId)
              return {
                sourceId,
                targetId: Option.getOrUndefined(Option.map(link, (found) => found.targetId)),
              }
            }),
          ).pipe(Effect.provide(StateStore.layer({ path: statePath })))
        : flags.sourceIds.map((sourceId) => ({ sourceId, targetId: undefined }))
      if (flags.json) return yield* console.out(JSON.stringify({ statePath, forgotten }))
      for (const { sourceId, targetId } of forgotten)
        yield* console.out(
          targetId === undefined
            ? `document ${sourceId}: not linked in ${statePath}; nothing to forget`
            : `document ${sourceId}: link to ${targetId} dropped; the next migrate carries it anew (a copy still on the target is linked again, not duplicated)`,
        )
    }),
).pipe(
  Command.withDescription(
    "Drop the links of these source documents so the next migrate carries them anew, or with --tombstone what a sync deleted (state file only).",
  ),
)
