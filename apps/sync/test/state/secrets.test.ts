import * as Fs from "node:fs/promises"
import * as Path from "node:path"
import { NodeContext } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { loadConfig, statePathOf } from "../../src/config/load.js"
import { resolveSecrets } from "../../src/config/secrets.js"
import { paperlessEndpoint, papraEndpoint } from "../../src/state/endpoints.js"
import { StateStore } from "../../src/state/store.js"
import { tempDirectory } from "./temp.js"

const secrets = [
  "tok-0123456789abcdef",
  "ppapi_live_9f8e7d6c5b4a",
  "hunter2-password",
  "ppapi_in_config_file",
]

describe("the state file holds no secrets", () => {
  it.scoped("even when the config carries them and a full run's worth of state is written", () =>
    Effect.gen(function* () {
      const directory = yield* tempDirectory
      const configFile = Path.join(directory, "paperbridge.json")
      yield* Effect.promise(() =>
        Fs.writeFile(
          configFile,
          JSON.stringify({
            paperless: { url: "https://paperless.example.org", auth: "password" },
            papra: { url: "https://papra.example.org", organizationId: "org_abcdefghijklmnopqrstuvwx" },
            secrets: {
              PAPERLESS_USERNAME: "admin",
              PAPERLESS_PASSWORD: "hunter2-password",
              PAPRA_API_KEY: "ppapi_in_config_file",
            },
            mapping: { note: "mapping options are copied nowhere either" },
          }),
        ),
      )
      const loaded = yield* loadConfig(configFile)
      const resolved = yield* resolveSecrets(loaded).pipe(
        Effect.withConfigProvider(
          ConfigProvider.fromMap(
            new Map([
              ["PAPRA_API_KEY", "ppapi_live_9f8e7d6c5b4a"],
              ["PAPERLESS_TOKEN", "tok-0123456789abcdef"],
            ]),
          ),
        ),
      )
      expect(Redacted.value(resolved.papraApiKey)).toBe("ppapi_live_9f8e7d6c5b4a")

      const { config } = loaded
      // Endpoints drop anything after the host and path, should a caller build one from a URL with credentials.
      const pair = {
        source: paperlessEndpoint(`https://admin:${secrets[2]}@paperless.example.org/?token=${secrets[0]}`),
        target: papraEndpoint(config.papra?.url ?? "", config.papra?.organizationId ?? ""),
      }
      expect(pair.source).toBe("paperless:https://paperless.example.org")
      const path = statePathOf(loaded)
      yield* Effect.gen(function* () {
        const store = yield* Effect.map(Layer.build(StateStore.layer({ path })), Context.get(StateStore))
        const run = yield* store.runs.start(pair, "migrate")
        const { entry } = yield* store.journal.begin(pair, {
          kind: "document",
          operation: "upload",
          sourceId: "1",
          sha256: "ab",
          runId: run.id,
        })
        yield* store.journal.recordTask(entry.id, "5d5c2f0e-task")
        yield* store.journal.complete(entry.id, {
          targetId: "doc_1",
          link: {},
          snapshot: { title: "Invoice", config },
        })
        yield* store.failures.record(pair, {
          kind: "document",
          sourceId: "2",
          reason: "413 from Papra",
          runId: run.id,
        })
        yield* store.checkpoints.save(pair, { runId: run.id, phase: "done" })
        yield* store.runs.finish(run.id, { outcome: "partial", counts: { created: 1, failed: 1 } })
      }).pipe(Effect.scoped)

      const files = (yield* Effect.promise(() => Fs.readdir(Path.dirname(path)))).filter((name) =>
        name.startsWith("state.db"),
      )
      expect(files).toContain("state.db")
      for (const name of files) {
        const bytes = yield* Effect.promise(() => Fs.readFile(Path.join(Path.dirname(path), name)))
        for (const secret of secrets)
          expect(bytes.includes(Buffer.from(secret)), `${secret} in ${name}`).toBe(false)
      }
    }).pipe(Effect.provide(NodeContext.layer)),
  )
})
