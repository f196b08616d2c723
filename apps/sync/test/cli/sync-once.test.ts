import { afterEach, describe, expect, it } from "vitest"
import { type CliWorld, papraApi, runPaperbridge, startCliWorld } from "./run.js"

let world: CliWorld | undefined
afterEach(async () => {
  await world?.close()
  world = undefined
})

describe("paperbridge sync, once", { timeout: 60_000 }, () => {
  it("carries a delete made on Papra, remembers it in status, and `forget --tombstone` drops that memory", async () => {
    const w = await startCliWorld()
    world = w
    expect((await runPaperbridge(["migrate", ...w.serverFlags], { env: w.env })).exitCode).toBe(0)
    const listed = (await (await papraApi(w, "/documents?pageSize=100")).json()) as {
      documents: ReadonlyArray<{ id: string; name: string }>
    }
    const gone = listed.documents[0]
    if (gone === undefined) throw new Error("nothing on Papra after the migration")
    expect((await papraApi(w, `/documents/${gone.id}`, "DELETE")).ok).toBe(true)
    const paperlessBefore = w.paperless.requests.length

    const synced = await runPaperbridge(["sync", ...w.serverFlags], { env: w.env })
    expect(synced.exitCode).toBe(0)
    const deletes = w.paperless.requests
      .slice(paperlessBefore)
      .filter((request) => request.method === "DELETE" && /^\/api\/documents\/\d+\/$/.test(request.path))
    expect(deletes).toHaveLength(1)

    const status = await runPaperbridge(["status", ...w.serverFlags], { env: w.env })
    const statusText = status.stdout.join("\n")
    expect(statusText).toContain("Tombstones (deleted documents a sync will not bring back): 1")
    expect(statusText).toContain(`Papra ${gone.id}`)

    const forget = await runPaperbridge(["forget", "--tombstone", gone.id, "doc_unknown", ...w.serverFlags], {
      env: w.env,
    })
    expect(forget.exitCode).toBe(0)
    const forgetText = forget.stdout.join("\n")
    expect(forgetText).toMatch(new RegExp(`document ${gone.id} \\(.*\\): tombstone dropped`))
    expect(forgetText).toContain("document doc_unknown: no tombstone")
    const after = await runPaperbridge(["status", ...w.serverFlags], { env: w.env })
    expect(after.stdout.join("\n")).not.toContain("Tombstones")

    // A second sync has nothing to write; no run said a secret.
    const writes = w.writes()
    expect((await runPaperbridge(["sync", ...w.serverFlags], { env: w.env })).exitCode).toBe(0)
    expect(w.writes()).toEqual(writes)
    for (const run of [synced, status, forget, after])
      for (const secret of [w.paperless.token, w.papra.apiKey])
        expect([...run.stdout, ...run.stderr].join("\n")).not.toContain(secret)
  })
})
