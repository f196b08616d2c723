import type { Document } from "@paperbridge/paperless"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { carriedVersion, versionLoss } from "../../src/engine/paperless-versions.js"

/** A 3.0 document with its root (id 10) and `later` versions, listed newest first as the server does. */
const withVersions = (later: ReadonlyArray<number>): Document =>
  ({
    id: 10,
    versions: [
      ...[...later]
        .sort((a, b) => b - a)
        .map((id) => ({ id, added: "", version_label: null, checksum: `sha-${id}`, is_root: false })),
      { id: 10, added: "", version_label: null, checksum: "sha-10", is_root: true },
    ],
  }) as unknown as Document

const laterIds = fc.uniqueArray(fc.integer({ min: 11, max: 10_000 }), { maxLength: 6 })

describe("which Paperless 3.0 version a run carries", () => {
  it("newest: the highest id (the one /download/ serves), whatever order the list is in", () =>
    fc.assert(
      fc.property(laterIds, fc.boolean(), (later, shuffled) => {
        const document = withVersions(later)
        const listed = shuffled
          ? { ...document, versions: [...(document.versions ?? [])].reverse() }
          : document
        const newest = Math.max(10, ...later)
        expect(carriedVersion(listed as Document)).toEqual({
          id: newest,
          sha256: `sha-${newest}`,
          leftBehind: later.length,
        })
      }),
    ))

  it("root: always the first file", () =>
    fc.assert(
      fc.property(laterIds, (later) => {
        expect(carriedVersion(withVersions(later), "root")?.sha256).toBe("sha-10")
      }),
    ))

  it("says in the lossiness report that the other versions stay behind, only when there are some", () =>
    fc.assert(
      fc.property(laterIds, fc.constantFrom("newest" as const, "root" as const), (later, choice) => {
        const losses = versionLoss(withVersions(later), choice)
        expect(losses.length).toBe(later.length > 0 ? 1 : 0)
        if (later.length > 0) expect(losses[0]?.reason).toMatch(/stay behind on Paperless/)
      }),
    ))

  it("a 2.20 document (no versions listed) has a single file", () => {
    expect(carriedVersion({ id: 3 } as unknown as Document)).toBeUndefined()
    expect(versionLoss({ id: 3 } as unknown as Document)).toEqual([])
  })
})
