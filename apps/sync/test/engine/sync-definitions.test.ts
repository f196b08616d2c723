import * as Path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { defaultMappingConfig, type MappingConfig } from "@paperbridge/mapping"
import { CorrespondentId, PaperlessAuth, PaperlessClient, TagId } from "@paperbridge/paperless"
import { PapraClient, PapraTagId } from "@paperbridge/papra"
import {
  type PaperlessCorpus,
  type PapraCorpus,
  paperlessSimulator,
  papraSimulator,
  type RecordedRequest,
} from "@paperbridge/testkit"
import * as Chunk from "effect/Chunk"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { prepareDefinitions } from "../../src/engine/definitions.js"
import { pairOf, type Servers, serverLayers } from "../../src/engine/servers.js"
import { syncDefinitions } from "../../src/engine/sync-definitions.js"
import { StateStore } from "../../src/state/store.js"
import { tempDirectory } from "../state/temp.js"

const quiet = () => Effect.void
const writes = (requests: ReadonlyArray<RecordedRequest>) =>
  requests.filter((request) => request.method !== "GET")

/**
 * Both simulators with their corpora, the definitions made and linked both ways as a sync does
 * before this phase, and a first `syncDefinitions` that records the bases.
 */
const syncedPair = (
  generation: "3.0" | "2.20",
  corpora: { readonly paperless?: PaperlessCorpus; readonly papra?: PapraCorpus },
  config: MappingConfig = defaultMappingConfig,
) =>
  Effect.gen(function* () {
    const paperlessServer = yield* paperlessSimulator({
      generation,
      ...(corpora.paperless ? { corpus: corpora.paperless } : {}),
    })
    const papraServer = yield* papraSimulator(corpora.papra ? { corpus: corpora.papra } : {})
    const directory = yield* tempDirectory
    const servers: Servers = {
      paperless: { url: paperlessServer.url, auth: PaperlessAuth.token(paperlessServer.token) },
      papra: {
        url: papraServer.url,
        apiKey: Redacted.make(papraServer.apiKey),
        organizationId: papraServer.organizationId,
      },
    }
    const context = yield* Layer.build(
      Layer.merge(serverLayers(servers), StateStore.layer({ path: Path.join(directory, "state.db") })),
    )
    const pair = pairOf(servers, "paperless-to-papra")
    const run = <A, E>(
      effect: Effect.Effect<A, E, Layer.Layer.Success<ReturnType<typeof serverLayers>> | StateStore>,
    ) => Effect.provide(effect, context)
    yield* run(prepareDefinitions(pair, "paperless-to-papra", config, quiet))
    yield* run(prepareDefinitions(pairOf(servers, "papra-to-paperless"), "papra-to-paperless", config, quiet))
    const sync = (options: { readonly dryRun?: boolean } = {}) =>
      run(syncDefinitions(pair, config, { dryRun: options.dryRun ?? false, onEvent: quiet }))
    const first = yield* sync()
    const paperless = Context.get(context, PaperlessClient)
    const papra = Context.get(context, PapraClient)
    const papraTag = (name: string) =>
      Effect.map(papra.tags.list(), (tags) => {
        const found = tags.find((tag) => tag.name === name)
        if (found === undefined) throw new Error(`no Papra tag "${name}"`)
        return found
      })
    const paperlessTags = Effect.map(Stream.runCollect(paperless.tags.stream()), Chunk.toReadonlyArray)
    /** Requests that change something on either server since the last call. */
    const writesSince = () => {
      const marks = { paperless: paperlessServer.requests.length, papra: papraServer.requests.length }
      return () => [
        ...writes(paperlessServer.requests.slice(marks.paperless)),
        ...writes(papraServer.requests.slice(marks.papra)),
      ]
    }
    return { first, sync, paperless, papra, papraTag, paperlessTags, writesSince, paperlessServer }
  })

const tagCorpus: PaperlessCorpus = { tags: [{ name: "Finance", color: "#ff0000" }, { name: "Tax" }] }

describe.each(["3.0", "2.20"] as const)("syncing definitions with Paperless %s", (generation) => {
  it.scoped("a first sync records the bases and writes nothing", () =>
    Effect.gen(function* () {
      const world = yield* syncedPair(generation, { paperless: tagCorpus })
      expect(world.first.basesRecorded).toBe(2)
      const written = world.writesSince()
      const again = yield* world.sync()
      expect(again).toMatchObject({
        renamed: [],
        recoloured: [],
        deleted: [],
        kept: [],
        held: [],
        basesRecorded: 0,
      })
      expect(written()).toEqual([])
    }),
  )

  it.scoped("a tag renamed on Papra is renamed on Paperless, and a second sync writes nothing", () =>
    Effect.gen(function* () {
      const world = yield* syncedPair(generation, { paperless: tagCorpus })
      const finance = yield* world.papraTag("Finance")
      yield* world.papra.tags.update(PapraTagId.make(finance.id), { name: "Money" })
      const summary = yield* world.sync()
      expect(summary.renamed).toEqual([{ kind: "tag", on: "paperless", from: "Finance", to: "Money" }])
      expect((yield* world.paperlessTags).map((tag) => tag.name).sort()).toEqual(["Money", "Tax"])
      const written = world.writesSince()
      const again = yield* world.sync()
      expect(again.renamed).toEqual([])
      expect(written()).toEqual([])
    }),
  )

  it.scoped("a colour changed on Paperless reaches Papra upper-case", () =>
    Effect.gen(function* () {
      const world = yield* syncedPair(generation, { paperless: tagCorpus })
      const tax = (yield* world.paperlessTags).find((tag) => tag.name === "Tax")
      yield* world.paperless.tags.update(TagId.make(tax?.id ?? 0), { color: "#12ab34" })
      const summary = yield* world.sync()
      expect(summary.recoloured).toMatchObject([{ kind: "tag", on: "papra", to: "#12ab34" }])
      expect((yield* world.papraTag("Tax")).color).toBe("#12AB34")
      const written = world.writesSince()
      yield* world.sync()
      expect(written()).toEqual([])
    }),
  )

  it.scoped(
    "a tag renamed differently on both sides is a conflict: nothing is written, and it stays reported",
    () =>
      Effect.gen(function* () {
        const world = yield* syncedPair(generation, { paperless: tagCorpus })
        const tax = (yield* world.paperlessTags).find((tag) => tag.name === "Tax")
        yield* world.paperless.tags.update(TagId.make(tax?.id ?? 0), { name: "Taxes" })
        yield* world.papra.tags.update(PapraTagId.make((yield* world.papraTag("Tax")).id), {
          name: "Tax 2024",
        })
        const written = world.writesSince()
        const summary = yield* world.sync()
        expect(summary.held).toMatchObject([{ kind: "tag", attribute: "name", why: "conflict" }])
        expect(summary.held[0]?.detail).toMatch(/"Taxes" on Paperless, "Tax 2024" on Papra/)
        expect(written()).toEqual([])
        expect((yield* world.sync()).held).toHaveLength(1)
      }),
  )

  it.scoped("a rename onto a name Papra already has (in another case) is reported, not a crash", () =>
    Effect.gen(function* () {
      const world = yield* syncedPair(generation, { paperless: tagCorpus })
      const tax = (yield* world.paperlessTags).find((tag) => tag.name === "Tax")
      yield* world.paperless.tags.update(TagId.make(tax?.id ?? 0), { name: "finance" })
      const summary = yield* world.sync()
      expect(summary.renamed).toEqual([])
      expect(summary.held).toMatchObject([{ kind: "tag", attribute: "name", why: "refused" }])
      expect(summary.held[0]?.detail).toMatch(/409/)
      expect((yield* world.papraTag("Tax")).name).toBe("Tax")
    }),
  )

  it.scoped("a tag deleted on Papra and used by no Paperless document is deleted on Paperless", () =>
    Effect.gen(function* () {
      const world = yield* syncedPair(generation, { paperless: tagCorpus })
      yield* world.papra.tags.delete(PapraTagId.make((yield* world.papraTag("Tax")).id))
      const summary = yield* world.sync()
      expect(summary.deleted).toEqual([{ kind: "tag", name: "Tax", on: "paperless" }])
      expect((yield* world.paperlessTags).map((tag) => tag.name)).toEqual(["Finance"])
      const written = world.writesSince()
      expect(yield* world.sync()).toMatchObject({ deleted: [], kept: [] })
      expect(written()).toEqual([])
    }),
  )

  it.scoped("a tag deleted on Paperless but still on a Papra document is kept there and reported", () =>
    Effect.gen(function* () {
      const world = yield* syncedPair(generation, {
        paperless: tagCorpus,
        papra: {
          tags: [{ name: "Tax" }],
          documents: [{ name: "return.txt", bytes: "tax return\n", tags: ["Tax"] }],
        },
      })
      const tax = (yield* world.paperlessTags).find((tag) => tag.name === "Tax")
      yield* world.paperless.tags.delete(TagId.make(tax?.id ?? 0))
      const summary = yield* world.sync()
      expect(summary.deleted).toEqual([])
      expect(summary.kept).toMatchObject([{ kind: "tag", name: "Tax", on: "papra" }])
      expect(summary.kept[0]?.reason).toMatch(/1 document on papra still use it/)
      expect((yield* world.papraTag("Tax")).name).toBe("Tax")
      const written = world.writesSince()
      expect((yield* world.sync()).kept).toEqual([])
      expect(written()).toEqual([])
    }),
  )

  it.scoped("a dry run answers what it would do and writes nothing; the real run then does it", () =>
    Effect.gen(function* () {
      const world = yield* syncedPair(generation, { paperless: tagCorpus })
      yield* world.papra.tags.update(PapraTagId.make((yield* world.papraTag("Finance")).id), {
        name: "Money",
      })
      yield* world.papra.tags.delete(PapraTagId.make((yield* world.papraTag("Tax")).id))
      const written = world.writesSince()
      const planned = yield* world.sync({ dryRun: true })
      expect(written()).toEqual([])
      expect(planned).toMatchObject({
        dryRun: true,
        renamed: [{ kind: "tag", on: "paperless", from: "Finance", to: "Money" }],
        deleted: [{ kind: "tag", name: "Tax", on: "paperless" }],
      })
      expect((yield* world.paperlessTags).map((tag) => tag.name).sort()).toEqual(["Finance", "Tax"])
      const done = yield* world.sync()
      expect({ renamed: done.renamed, deleted: done.deleted }).toEqual({
        renamed: planned.renamed,
        deleted: planned.deleted,
      })
    }),
  )
})

describe("syncing classifiers and options", () => {
  it.scoped("a correspondent renamed on Paperless renames its Papra select option (mode property)", () =>
    Effect.gen(function* () {
      const world = yield* syncedPair("3.0", {
        paperless: { correspondents: [{ name: "ACME" }, { name: "Bank" }] },
      })
      const acme = (yield* Stream.runCollect(world.paperless.correspondents.stream())).pipe(
        Chunk.findFirst((object) => object.name === "ACME"),
      )
      if (acme._tag === "None") throw new Error("no ACME")
      yield* world.paperless.correspondents.update(CorrespondentId.make(acme.value.id), { name: "ACME Corp" })
      const summary = yield* world.sync()
      expect(summary.renamed).toEqual([{ kind: "correspondent", on: "papra", from: "ACME", to: "ACME Corp" }])
      const property = (yield* world.papra.customProperties.list()).find(
        (item) => item.name === "Correspondent",
      )
      expect(property?.options.map((option) => option.name).sort()).toEqual(["ACME Corp", "Bank"])
      const written = world.writesSince()
      yield* world.sync()
      expect(written()).toEqual([])
    }),
  )

  it.scoped("a correspondent renamed on Paperless renames its prefixed Papra tag (mode tag), and back", () =>
    Effect.gen(function* () {
      const config: MappingConfig = {
        ...defaultMappingConfig,
        correspondent: { ...defaultMappingConfig.correspondent, as: "tag" },
      }
      const world = yield* syncedPair("2.20", { paperless: { correspondents: [{ name: "ACME" }] } }, config)
      const [acme] = Chunk.toReadonlyArray(yield* Stream.runCollect(world.paperless.correspondents.stream()))
      yield* world.paperless.correspondents.update(CorrespondentId.make(acme?.id ?? 0), { name: "ACME Corp" })
      expect((yield* world.sync()).renamed).toMatchObject([{ on: "papra", to: "Correspondent: ACME Corp" }])
      const tag = yield* world.papraTag("Correspondent: ACME Corp")
      yield* world.papra.tags.update(PapraTagId.make(tag.id), { name: "Correspondent: Acme" })
      expect((yield* world.sync()).renamed).toMatchObject([{ on: "paperless", to: "Acme" }])
      expect((yield* world.paperless.correspondents.get(CorrespondentId.make(acme?.id ?? 0))).name).toBe(
        "Acme",
      )
    }),
  )

  it.scoped("a select option renamed on Papra is relabelled on Paperless, keeping the option's id", () =>
    Effect.gen(function* () {
      const world = yield* syncedPair("3.0", {
        paperless: {
          customFields: [{ name: "Status", dataType: "select", selectOptions: ["Open", "Paid"] }],
        },
      })
      const property = (yield* world.papra.customProperties.list()).find((item) => item.name === "Status")
      if (property === undefined) throw new Error("no Status property")
      const fieldBefore = (yield* Stream.runCollect(world.paperless.customFields.stream())).pipe(
        Chunk.toReadonlyArray,
      )[0]
      yield* world.papra.customProperties.update(property.id, {
        options: property.options.map((option) => ({
          id: option.id,
          name: option.name === "Paid" ? "Settled" : option.name,
        })),
      })
      const summary = yield* world.sync()
      expect(summary.renamed).toEqual([
        { kind: "select-option", on: "paperless", from: "Paid", to: "Settled" },
      ])
      const [field] = Chunk.toReadonlyArray(yield* Stream.runCollect(world.paperless.customFields.stream()))
      expect(field?.extra_data?.select_options).toEqual(
        fieldBefore?.extra_data?.select_options?.map((option) => ({
          ...option,
          label: option.label === "Paid" ? "Settled" : option.label,
        })),
      )
    }),
  )
})
