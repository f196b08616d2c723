import * as Path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { type Pair, paperlessEndpoint, papraEndpoint } from "../../src/state/endpoints.js"
import { StateStore } from "../../src/state/store.js"
import { tempDirectory } from "./temp.js"

const paperless = paperlessEndpoint("https://paperless.example.org/")
const papra = papraEndpoint("https://papra.example.org", "org_aaaaaaaaaaaaaaaaaaaaaaaa")
const toPapra: Pair = { source: paperless, target: papra }
const toPaperless: Pair = { source: papra, target: paperless }

const openStore = Effect.gen(function* () {
  const directory = yield* tempDirectory
  const context = yield* Layer.build(StateStore.layer({ path: Path.join(directory, "state.db") }))
  return Context.get(context, StateStore)
})

const base = {
  paperless: { name: "Finance/Tax", color: "#ff0000" },
  papra: { name: "Finance/Tax", color: "#ff0000" },
}

describe("definition bases", () => {
  it.scoped("are kept per link, read the same from either direction, and go with the link", () =>
    Effect.gen(function* () {
      const store = yield* openStore
      expect(yield* store.definitionBases.save(toPapra, "tag", "4", base)).toBe(false)
      yield* store.links.link(toPapra, { kind: "tag", sourceId: "4", targetId: "tag_a" })
      yield* store.links.link(toPapra, { kind: "correspondent", sourceId: "4", targetId: "tag_b" })
      expect(yield* store.definitionBases.save(toPapra, "tag", "4", base)).toBe(true)
      const renamed = { ...base, papra: { ...base.papra, name: "Taxes" } }
      expect(yield* store.definitionBases.save(toPapra, "tag", "4", renamed)).toBe(true)
      expect(yield* store.definitionBases.list(toPapra)).toEqual([
        { kind: "tag", sourceId: "4", base: renamed },
      ])
      expect(yield* store.definitionBases.list(toPaperless)).toEqual([
        { kind: "tag", sourceId: "tag_a", base: renamed },
      ])
      yield* store.links.unlink(toPapra, "tag", "4")
      expect(yield* store.definitionBases.list(toPapra)).toEqual([])
    }),
  )
})
