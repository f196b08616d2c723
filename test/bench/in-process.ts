import * as Path from "node:path"
import { defaultMappingConfig } from "@paperbridge/mapping"
import {
  type BridgeDirection,
  migrate,
  pairOf,
  type Servers,
  StateStore,
  serverLayers,
} from "@paperbridge/sync"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

/**
 * `migrate` in this process, as the CLI runs it with its defaults: the state file and reports in
 * `directory`, so a second call there resumes the first.
 */
export const migrateInProcess = (
  servers: Servers,
  directory: string,
  direction: BridgeDirection,
  concurrency: number,
) =>
  migrate({
    pair: pairOf(servers, direction),
    direction,
    file: "original",
    concurrency,
    filters: {},
    mapping: defaultMappingConfig,
    reportDirectory: Path.join(directory, "reports"),
    onEvent: () => Effect.void,
  }).pipe(
    Effect.provide(
      Layer.mergeAll(
        serverLayers(servers, { concurrency }),
        StateStore.layer({ path: Path.join(directory, "state.db") }),
      ),
    ),
    Effect.runPromise,
  )
