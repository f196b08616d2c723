import * as Effect from "effect/Effect"
import type { SyncEvent } from "../engine/events.js"
import { CliConsole } from "./console.js"
import { type OutputMode, type ProgressState, plainLine, progressLine } from "./output.js"

export const outputModeOf = (
  flags: { readonly json: boolean; readonly quiet: boolean },
  stdoutIsTTY: boolean,
): OutputMode => (flags.json ? "json" : flags.quiet ? "quiet" : stdoutIsTTY ? "tty" : "plain")

// Redrawing on every event would spend more time painting than copying on a fast link.
const REDRAW_EVERY_MS = 100

/**
 * The engine's `onEvent` for one output mode, and `finish` to close the progress line. `total`
 * (documents the run will visit, when known) gives the bar and the ETA.
 */
export const makeEventSink = (mode: OutputMode, total: number | undefined) =>
  Effect.map(CliConsole, (console) => {
    const progress: ProgressState = { startedAtMs: Date.now(), total, done: 0, failed: 0, bytes: 0 }
    let lastDrawMs = 0
    let drawn = false
    const draw = (force: boolean) =>
      Effect.suspend(() => {
        const now = Date.now()
        if (!force && now - lastDrawMs < REDRAW_EVERY_MS) return Effect.void
        lastDrawMs = now
        drawn = true
        return console.redraw(progressLine(progress, now))
      })
    // A line printed while the bar is on screen first clears it, then the bar comes back below.
    const above = (line: string) =>
      Effect.zipRight(drawn ? console.redraw("") : Effect.void, console.err(line)).pipe(
        Effect.zipRight(Effect.suspend(() => (drawn ? draw(true) : Effect.void))),
      )
    const count = (event: SyncEvent) =>
      Effect.sync(() => {
        if (event.type !== "document") return
        progress.done += 1
        if (event.outcome === "failed") progress.failed += 1
        progress.bytes += event.bytes ?? 0
      })

    const onEvent = (event: SyncEvent): Effect.Effect<void> => {
      switch (mode) {
        case "json":
          return console.out(JSON.stringify(event))
        case "plain": {
          const line = plainLine(event)
          return line === undefined ? Effect.void : console.out(line)
        }
        case "quiet":
          return event.type === "document" && event.outcome === "failed"
            ? console.err(plainLine(event) ?? "")
            : Effect.void
        case "tty":
          return Effect.zipRight(
            count(event),
            event.type === "document" && event.outcome === "failed"
              ? above(plainLine(event) ?? "")
              : event.type === "warning"
                ? above(`warning: ${event.message}`)
                : draw(event.type === "run-finished"),
          )
      }
    }
    const finish = Effect.suspend(() =>
      mode === "tty" && drawn ? Effect.zipRight(draw(true), console.out("")) : Effect.void,
    )
    return { onEvent, finish, progress }
  })
