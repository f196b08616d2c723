import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  type DefinitionBase,
  type DefinitionDecision,
  type DefinitionFace,
  type DefinitionLinkState,
  decideDefinition,
  type NameRule,
  type SyncSide,
} from "../src/index.js"

const identity: NameRule = { _tag: "Carried", papraPrefix: "", papraMax: 64, paperlessMax: 128 }
const prefixed: NameRule = { ...identity, papraPrefix: "Correspondent: " }

const face = (name: string, color?: string): DefinitionFace =>
  color === undefined ? { name } : { name, color }
const linked = (
  base: DefinitionBase | undefined,
  paperless: DefinitionFace | undefined,
  papra: DefinitionFace | undefined,
  names: NameRule = identity,
  inUse?: DefinitionLinkState["inUse"],
): DefinitionLinkState => ({ base, paperless, papra, names, inUse })

/** The state after the decision's writes succeeded and its base was stored; `undefined` once unlinked. */
const applied = (
  state: DefinitionLinkState,
  decision: DefinitionDecision,
): DefinitionLinkState | undefined => {
  if (decision._tag === "Delete" || decision._tag === "Unlink") return undefined
  if (decision._tag === "Unchanged") return state
  const after = { paperless: state.paperless, papra: state.papra }
  for (const write of decision.writes) {
    const current = after[write.side]
    if (current !== undefined)
      after[write.side] =
        write.attribute === "name" ? { ...current, name: write.face } : { ...current, color: write.face }
  }
  return { ...state, ...after, base: decision.base ?? state.base }
}

const writesOf = (decision: DefinitionDecision) => (decision._tag === "Sync" ? decision.writes : [])

// Few names and colours, so that both sides often land on the same value.
const name = fc.constantFrom("Finance", "finance", "Tax", "Taxes 2024", "Bank", "Correspondent: Bank")
const color = fc.constantFrom("#ff0000", "#00ff00", "#a6cee3")
const arbitraryFace = fc.record(
  { name, color: fc.option(color, { nil: undefined }) },
  { requiredKeys: ["name"] },
)
const arbitraryRule: fc.Arbitrary<NameRule> = fc.oneof(
  fc.constant(identity),
  fc.constant(prefixed),
  fc.constant<NameRule>({ ...identity, papraMax: 6 }),
  fc.constant<NameRule>({ ...identity, path: { separator: "/", parent: "Finance" } }),
  fc.constant<NameRule>({ _tag: "NotCarried", reason: "a config override names the property" }),
)
const arbitraryState: fc.Arbitrary<DefinitionLinkState> = fc.record({
  base: fc.option(fc.record({ paperless: arbitraryFace, papra: arbitraryFace }), { nil: undefined }),
  paperless: fc.option(arbitraryFace, { nil: undefined }),
  papra: fc.option(arbitraryFace, { nil: undefined }),
  names: arbitraryRule,
  inUse: fc.record({ paperless: fc.nat(2), papra: fc.nat(2) }),
})

describe("deciding what a linked definition needs", () => {
  it("is idempotent: once its writes and base are stored, planning again writes nothing and moves no base", () =>
    fc.assert(
      fc.property(arbitraryState, (state) => {
        const after = applied(state, decideDefinition(state))
        if (after === undefined) return
        const again = decideDefinition(after)
        expect(writesOf(again)).toEqual([])
        expect(again._tag === "Sync" ? again.base : undefined).toBeUndefined()
      }),
    ))

  it("carries a change made on one side only, whatever it is, to the other side", () =>
    fc.assert(
      fc.property(
        name,
        color,
        name,
        color,
        fc.constantFrom<SyncSide>("paperless", "papra"),
        (n, c, n2, c2, side) => {
          const base = { paperless: face(n, c), papra: face(n, c) }
          const changed = face(n2, c2)
          const state = linked(
            base,
            side === "paperless" ? changed : base.paperless,
            side === "papra" ? changed : base.papra,
          )
          const after = applied(state, decideDefinition(state))
          expect(after?.paperless).toEqual(changed)
          expect(after?.papra).toEqual(changed)
        },
      ),
    ))

  it("invents nothing: with names carried as they are, every write is the other side's current value", () =>
    fc.assert(
      fc.property(arbitraryState, (generated) => {
        const state = { ...generated, names: identity }
        for (const write of writesOf(decideDefinition(state))) {
          const source = write.side === "paperless" ? state.papra : state.paperless
          expect(write.face).toBe(source?.[write.attribute])
          expect(write.value.toLowerCase()).toBe(source?.[write.attribute]?.toLowerCase())
        }
      }),
    ))

  it("never writes over an attribute both sides changed differently", () =>
    fc.assert(
      fc.property(arbitraryState, (state) => {
        const decision = decideDefinition(state)
        if (decision._tag !== "Sync") return
        for (const held of decision.held.filter((change) => change.why === "conflict"))
          expect(decision.writes.some((write) => write.attribute === held.attribute)).toBe(false)
      }),
    ))

  it("deletes only a survivor nobody changed since the base and no document uses", () =>
    fc.assert(
      fc.property(arbitraryState, (state) => {
        const decision = decideDefinition(state)
        if (decision._tag !== "Delete") return
        const gone = decision.side === "paperless" ? state.papra : state.paperless
        expect(gone).toBeUndefined()
        expect(state.base?.[decision.side]).toEqual(state[decision.side])
        expect(state.inUse?.[decision.side]).toBe(0)
      }),
    ))

  it("records the first base and writes nothing", () => {
    expect(decideDefinition(linked(undefined, face("Tax", "#ff0000"), face("Taxes", "#00FF00")))).toEqual({
      _tag: "Sync",
      writes: [],
      held: [],
      base: { paperless: face("Tax", "#ff0000"), papra: face("Taxes", "#00FF00") },
    })
  })

  it("sends Papra its colour upper-case and compares colours without case", () => {
    const base = { paperless: face("Tax", "#ff0000"), papra: face("Tax", "#ff0000") }
    const decision = decideDefinition(linked(base, face("Tax", "#00ff00"), base.papra))
    expect(writesOf(decision)).toEqual([
      { side: "papra", attribute: "color", value: "#00FF00", face: "#00ff00" },
    ])
  })

  it("puts the classifier prefix on and takes it off", () => {
    const base = { paperless: face("ACME"), papra: face("Correspondent: ACME") }
    expect(writesOf(decideDefinition(linked(base, face("ACME Corp"), base.papra, prefixed)))).toEqual([
      {
        side: "papra",
        attribute: "name",
        value: "Correspondent: ACME Corp",
        face: "Correspondent: ACME Corp",
      },
    ])
    expect(
      writesOf(decideDefinition(linked(base, base.paperless, face("Correspondent: Acme"), prefixed))),
    ).toEqual([{ side: "paperless", attribute: "name", value: "Acme", face: "Acme" }])
    const unprefixed = decideDefinition(linked(base, base.paperless, face("ACME"), prefixed))
    expect(unprefixed).toMatchObject({
      _tag: "Sync",
      writes: [],
      held: [{ why: "not-carried" }],
      base: undefined,
    })
  })

  it("cuts a long Paperless name to Papra's limit, and the cut is no change the next time", () => {
    const long = "x".repeat(100)
    const state = linked({ paperless: face("short"), papra: face("short") }, face(long), face("short"))
    const decision = decideDefinition(state)
    expect(writesOf(decision)[0]?.face).toHaveLength(64)
    const after = applied(state, decision)
    expect(after === undefined ? undefined : decideDefinition(after)).toEqual({ _tag: "Unchanged" })
  })

  it("renames a child tag's own name from the Papra path, and holds a move to another parent", () => {
    const rule: NameRule = { ...identity, path: { separator: "/", parent: "Finance" } }
    const base = { paperless: face("Finance/Tax"), papra: face("Finance/Tax") }
    expect(writesOf(decideDefinition(linked(base, base.paperless, face("Finance/Taxes"), rule)))).toEqual([
      { side: "paperless", attribute: "name", value: "Taxes", face: "Finance/Taxes" },
    ])
    expect(decideDefinition(linked(base, base.paperless, face("Home/Tax"), rule))).toMatchObject({
      writes: [],
      held: [{ why: "not-carried" }],
    })
  })

  it("holds a rename made differently on both sides as a conflict, and settles the same rename on both", () => {
    const base = { paperless: face("Tax", "#ff0000"), papra: face("Tax", "#ff0000") }
    expect(
      decideDefinition(linked(base, face("Taxes", "#00ff00"), face("Tax 2024", "#ff0000"))),
    ).toMatchObject({
      _tag: "Sync",
      writes: [{ side: "papra", attribute: "color", value: "#00FF00" }],
      held: [{ attribute: "name", why: "conflict", paperless: "Taxes", papra: "Tax 2024" }],
      base: { paperless: face("Tax", "#00ff00"), papra: face("Tax", "#00ff00") },
    })
    expect(decideDefinition(linked(base, face("Taxes", "#ff0000"), face("Taxes", "#ff0000")))).toMatchObject({
      writes: [],
      held: [],
      base: { paperless: face("Taxes", "#ff0000"), papra: face("Taxes", "#ff0000") },
    })
  })

  it("keeps a survivor that documents still use, that changed since the base, or that has no base", () => {
    const base = { paperless: face("Tax"), papra: face("Tax") }
    expect(decideDefinition(linked(base, face("Tax"), undefined, identity, { paperless: 0 }))).toEqual({
      _tag: "Delete",
      side: "paperless",
    })
    expect(decideDefinition(linked(base, undefined, face("Tax"), identity, { papra: 3 }))).toMatchObject({
      _tag: "Unlink",
      kept: "papra",
      reason: expect.stringMatching(/3 documents on papra still use it/),
    })
    expect(
      decideDefinition(linked(base, face("Taxes"), undefined, identity, { paperless: 0 })),
    ).toMatchObject({
      _tag: "Unlink",
      kept: "paperless",
    })
    expect(
      decideDefinition(linked(undefined, face("Tax"), undefined, identity, { paperless: 0 })),
    ).toMatchObject({
      _tag: "Unlink",
      kept: "paperless",
    })
  })
})
