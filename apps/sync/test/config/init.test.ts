import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import { configJsonSchemaText } from "../../src/config/config.js"
import { renderInit } from "../../src/config/init.js"
import { parseConfig } from "../../src/config/load.js"

const org = "org_abcdefghijklmnopqrstuvwx"
const answers = {
  paperless: { url: "https://paperless.example.org" },
  papra: { url: "https://papra.example.org", organizationId: org },
  secrets: { PAPERLESS_TOKEN: Redacted.make("tok-secret"), PAPRA_API_KEY: Redacted.make("ppapi_secret") },
}

describe("paperbridge init output", () => {
  it("writes a config that loads back, points at its JSON Schema, and holds no secret", () => {
    const files = Either.getOrThrow(renderInit(answers))
    expect(files.config.name).toBe("paperbridge.json")
    expect(files.schema).toEqual({ name: "paperbridge.schema.json", text: configJsonSchemaText() })
    expect(files.secrets).toBeUndefined()
    expect(JSON.parse(files.config.text)).toEqual({
      $schema: "./paperbridge.schema.json",
      paperless: { url: "https://paperless.example.org", auth: "token" },
      papra: { url: "https://papra.example.org", organizationId: org },
      direction: "paperless-to-papra",
      file: "original",
      versions: "newest",
      concurrency: 4,
      statePath: "./.paperbridge/state.db",
    })
    expect(files.config.text).not.toContain("secret")
    expect(Either.isRight(parseConfig(files.config.text, "paperbridge.json"))).toBe(true)
  })

  it("puts secrets in a separate file when asked, and into the config only when asked for that", () => {
    const separate = Either.getOrThrow(renderInit({ ...answers, secretsPlacement: "file" }))
    expect(JSON.parse(separate.config.text).secretsFile).toBe("paperbridge.secrets.json")
    expect(separate.config.text).not.toContain("tok-secret")
    expect(separate.config.text).not.toContain("ppapi_secret")
    expect(JSON.parse(separate.secrets?.text ?? "{}")).toEqual({
      PAPERLESS_TOKEN: "tok-secret",
      PAPRA_API_KEY: "ppapi_secret",
    })
    const inline = Either.getOrThrow(renderInit({ ...answers, secretsPlacement: "config" }))
    expect(JSON.parse(inline.config.text).secrets).toEqual({
      PAPERLESS_TOKEN: "tok-secret",
      PAPRA_API_KEY: "ppapi_secret",
    })
  })

  it("refuses answers that would not load", () => {
    const error = Either.getLeft(renderInit({ ...answers, papra: { url: "papra", organizationId: "org_1" } }))
    expect(error._tag === "Some" ? error.value.problems : []).toEqual([
      "papra.url: expected a URL like https://papra.example.org",
      "papra.organizationId: expected a Papra organization id like org_ followed by 24 lower-case letters and digits",
    ])
  })
})
