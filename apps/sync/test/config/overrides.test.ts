import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import { parseConfig } from "../../src/config/load.js"
import { applyOverrides } from "../../src/config/overrides.js"

const org = "org_abcdefghijklmnopqrstuvwx"
const fromFile = Either.getOrThrow(
  parseConfig(
    JSON.stringify({
      paperless: { url: "https://paperless.example.org" },
      papra: { url: "https://papra.example.org", organizationId: org },
      concurrency: 2,
      filters: { tags: ["Tax"], limit: 10 },
      secrets: { PAPRA_API_KEY: "ppapi_in_file" },
    }),
    "paperbridge.json",
  ),
)

describe("command-line overrides", () => {
  it("replace only the fields they name, and leave the file's settings untouched", () => {
    const merged = Either.getOrThrow(
      applyOverrides(fromFile, {
        concurrency: 16,
        since: "2024-06-01",
        papraUrl: "https://other.example.org",
      }),
    )
    expect(merged).toMatchObject({
      concurrency: 16,
      papra: { url: "https://other.example.org", organizationId: org },
      filters: { tags: ["Tax"], limit: 10, since: "2024-06-01" },
      direction: "paperless-to-papra",
    })
    expect(merged.secrets).toEqual(fromFile.secrets)
    expect(fromFile.concurrency).toBe(2)
    expect(fromFile.filters.since).toBeUndefined()
  })

  it("an absent flag changes nothing", () => {
    expect(Either.getOrThrow(applyOverrides(fromFile, { concurrency: undefined }))).toEqual(fromFile)
  })

  it("name the flag that is wrong", () => {
    const error = Either.getLeft(
      applyOverrides(fromFile, { concurrency: 0, direction: "sideways", tags: [""] }),
    )
    expect(Either.isLeft(applyOverrides(fromFile, { concurrency: 0 }))).toBe(true)
    expect(error._tag === "Some" ? error.value.message.split("\n") : []).toEqual([
      'command line: --direction: expected "paperless-to-papra", "papra-to-paperless" or "paperless-to-paperless"',
      "command line: --concurrency: expected a whole number from 1 to 32",
      expect.stringMatching(/^command line: --tag: /),
    ])
  })

  it("can stand in for a config file entirely", () => {
    const merged = applyOverrides(undefined, {
      paperlessUrl: "http://localhost:8000",
      papraUrl: "http://localhost:1221",
      papraOrganizationId: org,
    })
    expect(Either.getOrThrow(merged)).toMatchObject({
      file: "original",
      concurrency: 4,
      papra: { organizationId: org },
    })
    const missing = Either.getLeft(applyOverrides(undefined, { paperlessUrl: "http://localhost:8000" }))
    expect(missing._tag === "Some" ? missing.value.message : "").toContain(
      "command line: --papra-url: is missing",
    )
  })
})
