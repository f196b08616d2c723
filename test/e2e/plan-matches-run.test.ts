import * as Fs from "node:fs/promises"
import type { MigrationResult, PlanReport } from "@paperbridge/sync"
import { afterEach, describe, expect, it } from "vitest"
import { runMigration, runPlan, smallCorpus, startWorld, type World } from "./harness.js"
import { papraCorpusFrom, whenRequestArrives } from "./world.js"

/**
 * `plan` says what `migrate` will do: the definitions it creates and reuses (select options
 * included), the lossiness report and the documents it copies. A run that follows a plan with
 * nothing changed in between reports the same figures, and a plan after it has nothing to create.
 */

let world: World | undefined
afterEach(async () => {
  await world?.close()
  world = undefined
})

const expectRunMatchesPlan = (plan: PlanReport, run: MigrationResult) => {
  expect(run.failures).toEqual([])
  expect(run.definitions).toEqual(plan.definitions)
  expect(plan.definitions.create).toBeGreaterThan(0)
  // The run's report starts with the plan's findings (then adds what it met document by document).
  expect(run.lossiness.slice(0, plan.lossiness.length)).toEqual(plan.lossiness)
  const copied = run.documents.uploaded + run.documents["linked-existing"] + run.documents.duplicate
  expect(copied).toBe(plan.documents.toCopy)
  expect(run.documents.updated).toBe(plan.documents.toUpdate)
  expect(run.documents.unchanged).toBe(plan.documents.unchanged)
}

const expectNothingLeftToCreate = (before: PlanReport, run: MigrationResult, after: PlanReport) => {
  expect(after.definitions.create).toBe(0)
  expect(after.definitions.reuse).toBe(before.definitions.create + before.definitions.reuse)
  // A byte-identical twin stays unlinked (the target keeps one copy): the only thing "to copy" again.
  expect(after.documents.toCopy).toBe(run.documents.duplicate)
}

describe("plan and migrate agree: Paperless → Papra", () => {
  it("the demo corpus into an empty Papra", async () => {
    world = await startWorld({ generation: "3.0", corpus: smallCorpus() })
    const plan = await runPlan(world, "paperless-to-papra")
    // Select options are definitions too: a correspondent becomes an option of one select property.
    expect(plan.definitions.createByKind["select-option"]).toBeGreaterThan(0)
    const run = await runMigration(world, "paperless-to-papra")
    expectRunMatchesPlan(plan, run)
    expect(run.lossiness.join("\n")).not.toMatch(/already exists? on Papra and will be reused/)
    expectNothingLeftToCreate(plan, run, await runPlan(world, "paperless-to-papra"))
  })

  it("into a Papra that already has some of the tags, properties and options", async () => {
    const corpus = smallCorpus()
    world = await startWorld({ generation: "3.0", corpus })
    world.papra.seed({
      tags: [{ name: "finance", color: "#000000" }, { name: "Personal" }],
      customProperties: [{ name: "Correspondent", type: "select", options: ["ACME Corp"] }],
      documents: corpus.documents.slice(0, 3).map((document, index) => ({
        name: `hand upload ${index}`,
        bytes: document.bytes,
        mimeType: document.mimeType,
      })),
    })
    const plan = await runPlan(world, "paperless-to-papra")
    expect(plan.definitions.reuse).toBeGreaterThanOrEqual(3)
    expect(plan.lossiness).toContain(
      `${plan.definitions.reuse} definitions already exist on Papra and will be reused`,
    )
    const run = await runMigration(world, "paperless-to-papra")
    expectRunMatchesPlan(plan, run)
    expect(run.documents["linked-existing"]).toBe(plan.documents.identicalOnTarget)
    expectNothingLeftToCreate(plan, run, await runPlan(world, "paperless-to-papra"))
  })
})

describe("a create that the target answers 'already exists'", () => {
  it("counts as reused, not created: another writer made the tags between the plan and the run", async () => {
    const corpus = smallCorpus()
    world = await startWorld({ generation: "3.0", corpus })
    const w = world
    const plan = await runPlan(w, "paperless-to-papra")
    // The moment the run sends its first tag, someone else creates the corpus's tags on Papra.
    // (Synchronously, before the simulator handles that first create, so it meets the 409 too.)
    whenRequestArrives(
      w.papra.faults,
      { method: "POST", path: /^\/api\/organizations\/[^/]+\/tags$/ },
      1,
      // Papra tag names are unique case-insensitively ("Receipts" and "receipts"): one seed per name.
      () =>
        w.papra.seed({
          tags: [...new Map(corpus.tags.map((tag) => [tag.name.toLowerCase(), { name: tag.name }])).values()],
        }),
    )
    const run = await runMigration(w, "paperless-to-papra")
    const answeredExists = w.papra.requests.filter(
      (request) => request.method === "POST" && request.path.endsWith("/tags") && request.status === 409,
    ).length
    expect(answeredExists).toBeGreaterThan(0)
    expect(run.definitions.create).toBe(plan.definitions.create - answeredExists)
    expect(run.definitions.reuse).toBe(plan.definitions.reuse + answeredExists)
    expect(run.definitions.createByKind.tag).toBe((plan.definitions.createByKind.tag ?? 0) - answeredExists)
    expect(run.failures).toEqual([])
  })
})

describe("plan and migrate agree: Papra → Paperless", () => {
  it.each(["3.0", "2.20"] as const)("Paperless %s that already has a tag and a field", async (generation) => {
    world = await startWorld({ generation })
    world.papra.seed(papraCorpusFrom(smallCorpus()))
    world.paperless.seed({
      tags: [{ name: "finance" }],
      customFields: [{ name: "Reference", dataType: "longtext" }],
    })
    const plan = await runPlan(world, "papra-to-paperless")
    expect(plan.definitions.reuse).toBeGreaterThanOrEqual(2)
    const run = await runMigration(world, "papra-to-paperless")
    expectRunMatchesPlan(plan, run)
    expectNothingLeftToCreate(plan, run, await runPlan(world, "papra-to-paperless"))
  })
})

describe("the JSON report", () => {
  it("carries the definition counts", async () => {
    world = await startWorld({ generation: "3.0", corpus: smallCorpus() })
    const plan = await runPlan(world, "paperless-to-papra")
    const run = await runMigration(world, "paperless-to-papra")
    const report = JSON.parse(await Fs.readFile(run.reportPath, "utf8")) as MigrationResult
    expect(report.definitions).toEqual(plan.definitions)
  })
})
