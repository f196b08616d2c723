import type { MappingConfig } from "@paperbridge/mapping"
import type * as Effect from "effect/Effect"
import type { Pair } from "../state/endpoints.js"
import type { Direction, SyncEvent } from "./events.js"

export interface DocumentFilters {
  /** Source-side full-text search. */
  readonly query?: string | undefined
  /** Only documents carrying every one of these tags (by name, any letter case) on the source. */
  readonly tags?: ReadonlyArray<string> | undefined
  /** Only documents changed on the source since this date or instant (ISO 8601). */
  readonly since?: string | undefined
  /** At most this many documents per run. */
  readonly limit?: number | undefined
}

export interface EngineOptions {
  readonly pair: Pair
  readonly direction: Direction
  /** Paperless only: its original upload, or the archived PDF/A it made (when there is one). */
  readonly file: "original" | "archive"
  /** Paperless 3.0 documents with versions: the newest file (the default) or the root's. */
  readonly versions?: "newest" | "root" | undefined
  /** Documents in flight at once. */
  readonly concurrency: number
  /** At most this many documents started per second. */
  readonly rate?: number | undefined
  readonly filters: DocumentFilters
  /** Try files the target refused for good in an earlier run again (its upload limit may have changed). */
  readonly retryRefused?: boolean | undefined
  readonly mapping: MappingConfig
  readonly onEvent: (event: SyncEvent) => Effect.Effect<void>
}
