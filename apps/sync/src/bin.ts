import { NodeContext, NodeRuntime } from "@effect/platform-node"
import * as Effect from "effect/Effect"
import { runCli } from "./cli.js"

runCli(process.argv).pipe(Effect.provide(NodeContext.layer), NodeRuntime.runMain)
