import { NodeContext } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { runCli } from "../src/index.js"

describe("paperbridge CLI", () => {
  it.effect("knows the demo command", () =>
    Effect.gen(function* () {
      const logged: Array<unknown> = []
      const original = console.log
      console.log = (...args: Array<unknown>) => void logged.push(args.join(" "))
      yield* runCli(["node", "paperbridge", "demo"]).pipe(
        Effect.ensuring(Effect.sync(() => (console.log = original))),
      )
      expect(logged.join("\n")).toContain("paperbridge demo")
    }).pipe(Effect.provide(NodeContext.layer)),
  )
})
