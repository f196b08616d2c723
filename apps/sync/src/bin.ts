// Deep imports: the package index loads cluster, rpc and worker modules too (~35 MiB of RSS).
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import { CliConsole } from "./cli/console.js"
import { runCli } from "./cli.js"

// runCli answers the exit code itself; a defect (or an interruption) still ends with 1.
runCli(process.argv).pipe(
  Effect.provide(Layer.merge(NodeContext.layer, CliConsole.node)),
  NodeRuntime.runMain({
    teardown: (exit, onExit) =>
      onExit(Exit.isSuccess(exit) && typeof exit.value === "number" ? exit.value : 1),
  }),
)
