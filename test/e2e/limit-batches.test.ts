import type { BridgeDirection as Direction, MigrationResult } from "@paperbridge/sync"
import { makeDemoCorpus } from "@paperbridge/sync/demo"
import { afterEach, describe, expect, it } from "vitest"
import { runMigration, runPlan, startWorld, type World } from "./harness.js"
import { papraCorpusFrom } from "./world.js"

/**
 * `--limit N` is "the next N documents that need work": runs with a limit migrate an archive batch
 * by batch, and `plan --limit N` names the same batch before each of them.
 */

let world: World | undefined
afterEach(async () => {
  await world?.close()
  world = undefined
})

const LIMIT = 5

/** Documents a run carried or tried to: everything but "unchanged". */
const worked = (run: MigrationResult) =>
  run.documents.uploaded +
  run.documents["linked-existing"] +
  run.documents.duplicate +
  run.documents.updated +
  run.documents.failed

/** Three limited runs carry three batches (the last one short), then a fourth carries nothing new. */
const migrateInBatches = async (w: World, direction: Direction, distinct: number, twins: number) => {
  const total = distinct + twins
  const batches = [LIMIT, LIMIT, total - 2 * LIMIT]
  let carried = 0
  for (const batch of batches) {
    const plan = await runPlan(w, direction, LIMIT)
    expect(plan.documents.toCopy).toBe(batch)
    const run = await runMigration(w, direction, { limit: LIMIT })
    expect(run.failures).toEqual([])
    expect(worked(run)).toBe(batch)
    // The batch is new documents, never ones an earlier batch already carried.
    expect(run.documents.unchanged).toBe(carried)
    carried += run.documents.uploaded + run.documents["linked-existing"]
  }
  expect(carried).toBe(distinct)
  const last = await runMigration(w, direction, { limit: LIMIT })
  expect(last.documents).toMatchObject({ uploaded: 0, "linked-existing": 0, updated: 0, failed: 0 })
  // A twin is never linked (the target keeps one copy), so it is the only document looked at again.
  expect(last.documents.duplicate).toBe(twins)
  return carried
}

describe("--limit migrates in batches", () => {
  it.each(["3.0", "2.20"] as const)("Paperless %s → Papra", async (generation) => {
    // 12 documents and a byte-identical twin of one of them, appended last.
    const corpus = makeDemoCorpus({ documents: 12, oversized: false })
    world = await startWorld({ generation, corpus })
    const twins =
      corpus.documents.length - new Set(corpus.documents.map((d) => d.bytes.toString("base64"))).size
    expect(twins).toBe(1)
    await migrateInBatches(world, "paperless-to-papra", corpus.documents.length - twins, twins)
    expect(
      world.papra.requests.filter(
        (request) => request.method === "POST" && /\/documents$/.test(request.path),
      ),
    ).toHaveLength(12)
  })

  it.each(["3.0", "2.20"] as const)("Papra → Paperless %s", async (generation) => {
    world = await startWorld({ generation })
    const papraCorpus = papraCorpusFrom(makeDemoCorpus({ documents: 12, oversized: false }))
    world.papra.seed(papraCorpus)
    await migrateInBatches(world, "papra-to-paperless", papraCorpus.documents.length, 0)
    expect(
      world.paperless.requests.filter((request) => request.path === "/api/documents/post_document/"),
    ).toHaveLength(papraCorpus.documents.length)
  })
})
