import type { ConflictPolicy, DocumentSnapshot } from "@paperbridge/mapping"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  defaultDeleteGuard,
  type LinkedState,
  planSync,
  type SideState,
  type SyncAction,
} from "../../src/engine/sync-plan.js"

const base: DocumentSnapshot = {
  title: "ACME invoice 4711",
  originalFileName: "invoice.pdf",
  created: "2024-03-12",
  contentSha256: "c0",
  correspondent: 1,
  documentType: null,
  storagePath: null,
  tags: [1, 2],
  archiveSerialNumber: null,
  customFields: { "3": "hello" },
  notes: ["first"],
}
const FILE = "f".repeat(64)
const present = (snapshot: DocumentSnapshot, fileSha256 = FILE): SideState => ({
  _tag: "Present",
  snapshot,
  fileSha256,
})
const linked = (paperless: SideState, papra: SideState, id = 1): LinkedState => ({
  paperlessId: String(id),
  papraId: `doc_${id}`,
  base,
  baseFileSha256: FILE,
  paperless,
  papra,
})
const plan = (
  links: ReadonlyArray<LinkedState>,
  guard = defaultDeleteGuard,
  policy: ConflictPolicy = "fail",
) => planSync(links, { policy, guard })
const actions = (
  links: ReadonlyArray<LinkedState>,
  guard = defaultDeleteGuard,
  policy: ConflictPolicy = "fail",
) => {
  const planned = plan(links, guard, policy)
  if (planned._tag !== "Planned") throw new Error(planned.reason)
  return planned.actions
}
const only = (links: ReadonlyArray<LinkedState>): SyncAction => {
  const [action] = actions(links)
  if (action === undefined) throw new Error("no action")
  return action
}

describe("planning a sync", () => {
  it("does nothing for a document neither side changed (no echo after a sync)", () => {
    expect(only([linked(present(base), present(base))])._tag).toBe("Unchanged")
  })

  it("writes a title edited on Paperless to Papra only, naming the field", () => {
    const edited = { ...base, title: "ACME invoice 4711 (paid)" }
    const action = only([linked(present(edited), present(base))])
    expect(action).toMatchObject({
      _tag: "Write",
      snapshot: edited,
      to: [{ side: "papra", fields: ["title"] }],
    })
  })

  it("merges disjoint edits and writes each side what it lacks", () => {
    const action = only([linked(present({ ...base, title: "new" }), present({ ...base, tags: [1, 2, 5] }))])
    expect(action).toMatchObject({
      _tag: "Write",
      snapshot: { ...base, title: "new", tags: [1, 2, 5] },
      to: [
        { side: "paperless", fields: ["tags"] },
        { side: "papra", fields: ["title"] },
      ],
    })
  })

  it("holds a conflict under --conflict fail and writes nothing for it", () => {
    const action = only([linked(present({ ...base, title: "A" }), present({ ...base, title: "B" }))])
    expect(action).toMatchObject({
      _tag: "Conflict",
      conflicts: [{ field: "title", base: base.title, paperless: "A", papra: "B" }],
    })
  })

  it("trashes on the other side a document deleted on one side and untouched on the other", () => {
    // Among others still on both sides: a side that lists none of them is refused (below).
    const others = Array.from({ length: 9 }, (_, index) => linked(present(base), present(base), index + 2))
    expect(actions([linked({ _tag: "Trashed" }, present(base)), ...others])[0]).toMatchObject({
      _tag: "Trash",
      on: "papra",
    })
    expect(actions([linked(present(base), { _tag: "Gone" }), ...others])[0]).toMatchObject({
      _tag: "Trash",
      on: "paperless",
    })
  })

  it("keeps a document deleted on one side while the other edited it", () => {
    const action = only([linked({ _tag: "Trashed" }, present({ ...base, notes: ["first", "second"] }))])
    expect(action).toMatchObject({ _tag: "KeepEdited", deletedOn: "paperless" })
  })

  it("replaces the file on the other side when one side has a new file (a Paperless 3.0 version)", () => {
    const action = only([linked(present(base, "a".repeat(64)), present(base))])
    expect(action).toMatchObject({ _tag: "ReplaceFile", from: "paperless" })
  })

  it("forgets a document gone from both sides", () => {
    expect(only([linked({ _tag: "Gone" }, { _tag: "Trashed" })])._tag).toBe("Forget")
  })

  it("refuses a run that would trash more than the guard allows on one side, and goes ahead with --force-delete", () => {
    const links = Array.from({ length: 30 }, (_, index) =>
      linked(index < 4 ? { _tag: "Trashed" } : present(base), present(base), index),
    )
    // 10% of 30 is 3: four deletes trip the guard.
    expect(plan(links)).toMatchObject({ _tag: "Refused", side: "papra", deletes: 4, linked: 30 })
    expect(plan(links.slice(1))._tag).toBe("Planned")
    expect(plan(links, { ...defaultDeleteGuard, force: true })._tag).toBe("Planned")
    expect(plan(links, { ...defaultDeleteGuard, maxDocuments: 2, maxShare: 1 })._tag).toBe("Refused")
  })

  it("refuses to delete anything when one side lists none of the linked documents", () => {
    const links = Array.from({ length: 3 }, (_, index) => linked({ _tag: "Gone" }, present(base), index))
    const planned = plan(links, { ...defaultDeleteGuard, maxDocuments: 100, maxShare: 1 })
    expect(planned._tag).toBe("Refused")
    if (planned._tag === "Refused") expect(planned.reason).toContain("lists none")
  })
})

// Small pools, so that sides often agree with the base or with each other.
const snapshot: fc.Arbitrary<DocumentSnapshot> = fc.record({
  title: fc.constantFrom("ACME invoice 4711", "b", "c"),
  originalFileName: fc.constant("invoice.pdf"),
  created: fc.constantFrom("2024-03-12", "2024-02-02"),
  contentSha256: fc.constantFrom("c0", "c1"),
  correspondent: fc.constantFrom(1, 2, null),
  documentType: fc.constant(null),
  storagePath: fc.constant(null),
  tags: fc.constantFrom([1, 2], [1], [1, 2, 3]),
  archiveSerialNumber: fc.constant(null),
  customFields: fc.constantFrom({ "3": "hello" }, { "3": "bye" }, {}),
  notes: fc.constantFrom(["first"], [], ["first", "second"]),
})
const side: fc.Arbitrary<SideState> = fc.oneof(
  { arbitrary: fc.constant<SideState>({ _tag: "Trashed" }), weight: 1 },
  { arbitrary: fc.constant<SideState>({ _tag: "Gone" }), weight: 1 },
  { arbitrary: fc.constant(present(base)), weight: 3 },
  { arbitrary: snapshot.map((edited) => present(edited)), weight: 4 },
  { arbitrary: fc.constant(present(base, "a".repeat(64))), weight: 1 },
)
const link = fc.tuple(side, side).map(([paperless, papra]) => linked(paperless, papra))
const unguarded = { ...defaultDeleteGuard, force: true }

describe("sync planning properties", () => {
  it("never trashes a side that changed the document, and never deletes on both sides", () => {
    fc.assert(
      fc.property(link, (state) => {
        const [action] = actions([state], unguarded)
        if (action?._tag !== "Trash") return
        const kept = action.on === "paperless" ? state.paperless : state.papra
        expect(kept).toEqual(present(base))
      }),
    )
  })

  it("a change on one side only is written to the other side and nowhere else", () => {
    fc.assert(
      fc.property(snapshot, (edited) => {
        const [action] = actions([linked(present(edited), present(base))])
        if (JSON.stringify(edited) === JSON.stringify(base)) expect(action?._tag).toBe("Unchanged")
        else {
          expect(action).toMatchObject({ _tag: "Write", snapshot: edited })
          if (action?._tag === "Write") expect(action.to.map((target) => target.side)).toEqual(["papra"])
        }
      }),
    )
  })

  it("after a write lands on both sides, the next run does nothing (no echo)", () => {
    fc.assert(
      fc.property(link, (state) => {
        const [action] = actions([state], unguarded, "newest")
        if (action?._tag !== "Write") return
        const next = {
          ...state,
          base: action.snapshot,
          paperless: present(action.snapshot),
          papra: present(action.snapshot),
        }
        expect(actions([next])[0]?._tag).toBe("Unchanged")
      }),
    )
  })
})
