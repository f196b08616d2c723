import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { NodeContext } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { loadConfig, statePathOf } from "../../src/config/load.js"
import { resolveSecrets } from "../../src/config/secrets.js"

const org = "org_abcdefghijklmnopqrstuvwx"

/** Writes the files into a fresh directory removed with the scope; returns the directory. */
const directoryWith = (files: Record<string, unknown>) =>
  Effect.acquireRelease(
    Effect.promise(async () => {
      const directory = await Fs.mkdtemp(Path.join(Os.tmpdir(), "paperbridge-config-"))
      for (const [name, content] of Object.entries(files)) {
        await Fs.mkdir(Path.dirname(Path.join(directory, name)), { recursive: true })
        await Fs.writeFile(
          Path.join(directory, name),
          typeof content === "string" ? content : JSON.stringify(content),
        )
      }
      return directory
    }),
    (directory) => Effect.promise(() => Fs.rm(directory, { recursive: true, force: true })),
  )

const config = (extra: Record<string, unknown> = {}) => ({
  paperless: { url: "https://paperless.example.org" },
  papra: { url: "https://papra.example.org", organizationId: org },
  ...extra,
})

const environment = (variables: Record<string, string>) =>
  Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(variables))))

describe("loading paperbridge.json", () => {
  it.scoped("reads paths relative to the file's own directory", () =>
    Effect.gen(function* () {
      const directory = yield* directoryWith({
        "conf/paperbridge.json": config({ statePath: "db/state.db" }),
      })
      const loaded = yield* loadConfig(Path.join(directory, "conf/paperbridge.json"))
      expect(loaded.config.papra?.organizationId).toBe(org)
      expect(statePathOf(loaded)).toBe(Path.join(directory, "conf/db/state.db"))
    }).pipe(Effect.provide(NodeContext.layer)),
  )

  it.scoped("a missing file says how to create one, with exit code 2", () =>
    Effect.gen(function* () {
      const directory = yield* directoryWith({})
      const file = Path.join(directory, "paperbridge.json")
      const error = yield* Effect.flip(loadConfig(file))
      expect(error.message).toBe(`${file}: not found; run \`paperbridge init\` to create it`)
      expect(error.exitCode).toBe(2)
    }).pipe(Effect.provide(NodeContext.layer)),
  )
})

describe("secrets", () => {
  it.scoped("come from the environment and stay redacted", () =>
    Effect.gen(function* () {
      const directory = yield* directoryWith({ "paperbridge.json": config() })
      const loaded = yield* loadConfig(Path.join(directory, "paperbridge.json"))
      const secrets = yield* resolveSecrets(loaded).pipe(
        environment({ PAPERLESS_TOKEN: "tok-123", PAPRA_API_KEY: "ppapi_abc" }),
      )
      expect(secrets.paperless._tag).toBe("Token")
      if (secrets.paperless._tag === "Token") expect(Redacted.value(secrets.paperless.token)).toBe("tok-123")
      expect(Redacted.value(secrets.papraApiKey)).toBe("ppapi_abc")
      const shown = `${String(secrets.papraApiKey)} ${JSON.stringify(secrets)} ${JSON.stringify(loaded)}`
      expect(shown).not.toContain("ppapi_abc")
      expect(shown).not.toContain("tok-123")
    }).pipe(Effect.provide(NodeContext.layer)),
  )

  it.scoped("the environment wins over the secrets file, which wins over the config", () =>
    Effect.gen(function* () {
      const directory = yield* directoryWith({
        "paperbridge.json": config({
          paperless: { url: "https://paperless.example.org", auth: "password" },
          secretsFile: "private/secrets.json",
          secrets: {
            PAPERLESS_USERNAME: "from-config",
            PAPERLESS_PASSWORD: "pw-config",
            PAPRA_API_KEY: "key-config",
          },
        }),
        "private/secrets.json": { PAPERLESS_PASSWORD: "pw-file", PAPRA_API_KEY: "key-file" },
      })
      const loaded = yield* loadConfig(Path.join(directory, "paperbridge.json"))
      const secrets = yield* resolveSecrets(loaded).pipe(environment({ PAPRA_API_KEY: "key-env" }))
      expect(secrets.paperless).toMatchObject({ _tag: "Password", username: "from-config" })
      if (secrets.paperless._tag === "Password")
        expect(Redacted.value(secrets.paperless.password)).toBe("pw-file")
      expect(Redacted.value(secrets.papraApiKey)).toBe("key-env")
    }).pipe(Effect.provide(NodeContext.layer)),
  )

  it.scoped("a missing secret is named, with where to put it", () =>
    Effect.gen(function* () {
      const directory = yield* directoryWith({
        "paperbridge.json": config({ paperless: { url: "https://paperless.example.org", auth: "password" } }),
      })
      const loaded = yield* loadConfig(Path.join(directory, "paperbridge.json"))
      const error = yield* Effect.flip(resolveSecrets(loaded).pipe(environment({ PAPERLESS_USERNAME: "me" })))
      expect(error.problems).toEqual([
        'paperless.auth is "password" but PAPERLESS_PASSWORD is not set: set it in the environment or in a secrets file named by secretsFile',
        "PAPRA_API_KEY is not set: set it in the environment or in a secrets file named by secretsFile",
      ])
      expect(error.exitCode).toBe(2)
    }).pipe(Effect.provide(NodeContext.layer)),
  )

  it.scoped("a broken secrets file is reported without its content", () =>
    Effect.gen(function* () {
      const directory = yield* directoryWith({
        "paperbridge.json": config({ secretsFile: "secrets.json" }),
        "secrets.json": { PAPRA_API_KEY: 12345678, PAPERLESS_TOKN: "tok-typo" },
      })
      const loaded = yield* loadConfig(Path.join(directory, "paperbridge.json"))
      const error = yield* Effect.flip(resolveSecrets(loaded).pipe(environment({})))
      expect(error.message).toContain("secrets.json: PAPRA_API_KEY: expected a string")
      expect(error.message).toContain("secrets.json: PAPERLESS_TOKN: is unexpected")
      expect(error.message).not.toContain("12345678")
      expect(error.message).not.toContain("tok-typo")
    }).pipe(Effect.provide(NodeContext.layer)),
  )
})
