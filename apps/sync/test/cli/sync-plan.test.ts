import * as Fs from "node:fs/promises"
import { afterEach, describe, expect, it } from "vitest"
import { type CliWorld, papraApi, runPaperbridge, startCliWorld } from "./run.js"

let world: CliWorld | undefined
afterEach(async () => {
  await world?.close()
  world = undefined
})

const paperlessApi = (w: CliWorld, path: string, init: { method: string; body: unknown }) =>
  fetch(`${w.paperless.url}${path}`, {
    method: init.method,
    headers: { authorization: `Token ${w.paperless.token}`, "content-type": "application/json" },
    body: JSON.stringify(init.body),
  })

interface PlanJson {
  readonly type: string
  readonly linked: {
    readonly updated: number
    readonly trashed: { readonly paperless: number; readonly papra: number }
    readonly conflicts: number
  }
  readonly newDocuments: { readonly toPapra: number; readonly toPaperless: number }
}

describe("paperbridge sync --plan", { timeout: 60_000 }, () => {
  it("shows the sync a delete on Papra and a rename on Paperless call for, writing nothing; the sync then does that", async () => {
    const w = await startCliWorld()
    world = w
    expect((await runPaperbridge(["migrate", ...w.serverFlags], { env: w.env })).exitCode).toBe(0)
    const listed = (await (await papraApi(w, "/documents?pageSize=100")).json()) as {
      documents: ReadonlyArray<{ id: string }>
    }
    const gone = listed.documents[0]
    if (gone === undefined) throw new Error("nothing on Papra after the migration")
    expect((await papraApi(w, `/documents/${gone.id}`, "DELETE")).ok).toBe(true)
    const paperlessDocuments = (await (
      await fetch(`${w.paperless.url}/api/documents/?page_size=100`, {
        headers: { authorization: `Token ${w.paperless.token}` },
      })
    ).json()) as { results: ReadonlyArray<{ id: number }> }
    const renamed = paperlessDocuments.results.at(-1)
    if (renamed === undefined) throw new Error("nothing on Paperless")
    expect(
      (
        await paperlessApi(w, `/api/documents/${renamed.id}/`, {
          method: "PATCH",
          body: { title: "Renamed" },
        })
      ).ok,
    ).toBe(true)

    const writes = w.writes()
    const state = await Fs.readFile(w.statePath)
    const text = await runPaperbridge(["sync", "--plan", "--force-delete", ...w.serverFlags], { env: w.env })
    expect(text.exitCode).toBe(0)
    const shown = text.stdout.join("\n")
    expect(shown).toContain("nothing was written to either server or the state file")
    expect(shown).toContain("1 to trash in Paperless, 0 to trash in Papra")
    expect(shown).toMatch(/1 to update: 0 on Paperless, 1 on Papra \(title 1\)/)
    const json = await runPaperbridge(["sync", "--plan", "--json", "--force-delete", ...w.serverFlags], {
      env: w.env,
    })
    const plan = JSON.parse(json.stdout.join("\n")) as PlanJson
    expect(plan).toMatchObject({
      type: "sync-plan",
      linked: { updated: 1, trashed: { paperless: 1, papra: 0 }, conflicts: 0 },
      // The corpus's oversized file, refused by Papra, stays unlinked: it is listed as new each time.
      newDocuments: { toPaperless: 0 },
    })
    expect(w.writes()).toEqual(writes)
    expect(await Fs.readFile(w.statePath)).toEqual(state)

    // The sync it previewed: one delete on Paperless, one rename on Papra, and then nothing left to plan.
    const synced = await runPaperbridge(["sync", "--force-delete", "--json", ...w.serverFlags], {
      env: w.env,
    })
    expect(synced.exitCode).toBe(0)
    expect(JSON.parse(synced.stdout.join("\n"))).toMatchObject({
      linked: { updated: 1, trashed: { paperless: 1, papra: 0 } },
    })
    const after = await runPaperbridge(["sync", "--plan", "--json", ...w.serverFlags], { env: w.env })
    expect(JSON.parse(after.stdout.join("\n"))).toMatchObject({
      linked: { updated: 0, trashed: { paperless: 0, papra: 0 } },
    })
    for (const run of [text, json, synced, after])
      for (const secret of [w.paperless.token, w.papra.apiKey])
        expect([...run.stdout, ...run.stderr].join("\n")).not.toContain(secret)
  })

  it("cannot be combined with --every", async () => {
    const w = await startCliWorld()
    world = w
    const refused = await runPaperbridge(["sync", "--plan", "--every", "15m", ...w.serverFlags], {
      env: w.env,
    })
    expect(refused.exitCode).toBe(2)
    expect(refused.stderr.join("\n")).toContain("--plan previews one sync")
    expect(w.writes()).toEqual({ paperless: 0, papra: 0 })
  })
})
