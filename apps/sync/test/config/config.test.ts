import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import { configJsonSchemaText } from "../../src/config/config.js"
import { ExitCode } from "../../src/config/errors.js"
import { parseConfig } from "../../src/config/load.js"

const org = "org_abcdefghijklmnopqrstuvwx"
const minimal = {
  paperless: { url: "https://paperless.example.org" },
  papra: { url: "https://papra.example.org", organizationId: org },
}

const problemsOf = (json: unknown, text = JSON.stringify(json)) =>
  Either.match(parseConfig(text, "paperbridge.json"), {
    onLeft: (error) => error.message.split("\n"),
    onRight: () => [],
  })

describe("paperbridge.json", () => {
  it("fills in defaults and accepts a $schema property", () => {
    const config = Either.getOrThrow(
      parseConfig(JSON.stringify({ $schema: "./paperbridge.schema.json", ...minimal }), "paperbridge.json"),
    )
    expect(config).toMatchObject({
      paperless: { url: "https://paperless.example.org", auth: "token" },
      papra: { organizationId: org },
      direction: "paperless-to-papra",
      file: "original",
      versions: "newest",
      concurrency: 4,
      statePath: "./.paperbridge/state.db",
      filters: {},
      mapping: {},
    })
    expect(config.rate).toBeUndefined()
  })

  it("keeps every option it is given, mapping included as it is", () => {
    const full = {
      ...minimal,
      paperless: { url: "http://localhost:8000/", auth: "password" },
      direction: "papra-to-paperless",
      file: "archive",
      concurrency: 8,
      rate: 2.5,
      statePath: "state/sync.db",
      filters: { query: "invoice", tags: ["Tax", "2024"], since: "2024-01-31", limit: 100 },
      mapping: { correspondents: "property", anything: [1, { nested: true }] },
      secretsFile: "secrets.json",
    }
    expect(Either.getOrThrow(parseConfig(JSON.stringify(full), "paperbridge.json"))).toMatchObject(full)
  })

  it("names the file, the field and what is expected", () => {
    expect(problemsOf({ ...minimal, papra: { url: "papra.example.org", organizationId: org } })).toEqual([
      "paperbridge.json: papra.url: expected a URL like https://papra.example.org",
    ])
  })

  it("reports every problem at once, typos included", () => {
    const problems = problemsOf({
      paperless: { url: "ftp://paperless" },
      papra: { url: "https://papra.example.org", orgId: org },
      concurrency: 0,
      file: "pdf",
      filters: { since: "last week", limit: 1.5 },
    })
    expect(problems).toEqual(
      expect.arrayContaining([
        "paperbridge.json: paperless.url: expected a URL like https://paperless.example.org",
        expect.stringMatching(/^paperbridge\.json: papra\.organizationId: is missing/),
        expect.stringMatching(/^paperbridge\.json: papra\.orgId: is unexpected/),
        "paperbridge.json: concurrency: expected a whole number from 1 to 32",
        'paperbridge.json: file: expected "original" or "archive"',
        "paperbridge.json: filters.since: expected a date like 2024-01-31",
        expect.stringMatching(/^paperbridge\.json: filters\.limit: /),
      ]),
    )
    expect(problems).toHaveLength(7)
  })

  it("refuses credentials in a URL without repeating them", () => {
    const problems = problemsOf({
      ...minimal,
      paperless: { url: "https://admin:hunter2@paperless.example.org" },
    })
    expect(problems).toEqual([
      "paperbridge.json: paperless.url: must not contain a user name, password or query: give secrets through the environment or a secrets file",
    ])
    expect(
      problemsOf({ ...minimal, paperless: { url: "https://paperless.example.org/?token=abc123" } }),
    ).toHaveLength(1)
  })

  it("never quotes a secret's value in an error, even when it has the wrong type", () => {
    const problems = problemsOf({ ...minimal, secrets: { PAPRA_API_KEY: ["ppapi_supersecret"] } })
    expect(problems).toEqual(["paperbridge.json: secrets.PAPRA_API_KEY: expected a string"])
  })

  it("says where invalid JSON breaks without quoting the text", () => {
    const text = '{\n  "papra": { "url": "https://x", "apiKey": ppapi_secret }\n}'
    const error = Either.getLeft(parseConfig(text, "conf/paperbridge.json"))
    expect(error._tag).toBe("Some")
    if (error._tag === "Some") {
      expect(error.value.message).toMatch(
        /^conf\/paperbridge\.json: is not valid JSON \(line 2, column \d+\)$/,
      )
      expect(error.value.message).not.toContain("ppapi_secret")
      expect(error.value.exitCode).toBe(ExitCode.usage)
    }
  })

  it("takes an export instead of a Paperless server, carried to Papra or into a Paperless-ngx, and wants a source", () => {
    const papra = minimal.papra
    const config = Either.getOrThrow(
      parseConfig(JSON.stringify({ papra, export: "exports/paperless.zip" }), "paperbridge.json"),
    )
    expect(config).toMatchObject({ export: "exports/paperless.zip", direction: "paperless-to-papra" })
    expect(config.paperless).toBeUndefined()
    expect(problemsOf({ papra })).toEqual([
      "paperbridge.json: paperless: is missing (or name a Paperless-ngx export with export)",
    ])
    expect(problemsOf({ papra, export: "e.zip", direction: "papra-to-paperless" })).toEqual([
      "paperbridge.json: direction: an export is carried to Papra (paperless-to-papra) or into a Paperless-ngx (paperless-to-paperless)",
    ])
    // Into Paperless-ngx: no Papra is reached, so none is asked for; the target Paperless is.
    const paperless = { url: "https://paperless.example.org" }
    const into = Either.getOrThrow(
      parseConfig(
        JSON.stringify({ paperless, export: "e.zip", direction: "paperless-to-paperless" }),
        "paperbridge.json",
      ),
    )
    expect(into).toMatchObject({ export: "e.zip", direction: "paperless-to-paperless", paperless })
    expect(into.papra).toBeUndefined()
    expect(problemsOf({ export: "e.zip", direction: "paperless-to-paperless" })).toEqual([
      "paperbridge.json: paperless: is missing: the Paperless-ngx the export is carried into",
    ])
    expect(problemsOf({ paperless, direction: "paperless-to-paperless" })).toEqual([
      "paperbridge.json: direction: paperless-to-paperless carries an export: name the document_exporter output with export",
    ])
    expect(problemsOf({ paperless })).toEqual(["paperbridge.json: papra: is missing"])
  })

  it("publishes a JSON Schema that describes every field", () => {
    const schema = JSON.parse(configJsonSchemaText()) as {
      properties: Record<string, { properties?: Record<string, unknown> }>
      required: Array<string>
      additionalProperties: boolean
    }
    expect(Object.keys(schema.properties)).toEqual([
      "$schema",
      "paperless",
      "export",
      "papra",
      "direction",
      "file",
      "versions",
      "concurrency",
      "rate",
      "statePath",
      "filters",
      "sync",
      "mapping",
      "secretsFile",
      "secrets",
    ])
    // paperless or export: the one the run reads Paperless documents from (checked on load).
    // Papra is required unless an export goes into Paperless-ngx: the schema's filter says so, not `required`.
    expect(schema.required ?? []).toEqual([])
    expect(schema.additionalProperties).toBe(false)
    expect(schema.properties.papra?.properties?.url).toMatchObject({ format: "uri" })
    expect(schema.properties.papra?.properties?.organizationId).toMatchObject({
      pattern: "^org_[a-z0-9]{24}$",
    })
  })
})
