import { describe, expect, it } from "vitest"
import { createPapraClient, PapraApiError } from "../src/index.js"
import { loadExchange } from "./recorded.js"
import { docId, orgId, replay, secret } from "./scripted-client.js"
import { json, type Script, scriptedHttp } from "./scripted-http.js"

const promiseClient = (script: Script, concurrency = 8) => {
  const http = scriptedHttp(script)
  const client = createPapraClient({
    baseUrl: "http://papra.test",
    apiKey: secret,
    organizationId: orgId,
    concurrency,
    retry: { maxRetries: 0 },
    httpClient: http.layer,
  })
  return { seen: http.seen, client }
}

describe("the Promise facade", () => {
  it("resolves with decoded values and iterates lists", async () => {
    const { client } = promiseClient(() => replay("documents.list.json"))
    const names: Array<string> = []
    for await (const document of client.documents.list()) names.push(document.name)
    const { documents } = loadExchange("documents.list.json").response as {
      documents: Array<{ name: string }>
    }
    expect(names).toEqual(documents.map((document) => document.name))
    await client.close()
  })

  it("rejects with the same tagged errors", async () => {
    const { client } = promiseClient(() => replay("documents.get.not-found.json"))
    const failure = await client.documents.get(docId).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(PapraApiError)
    expect(failure).toMatchObject({ code: "document.not_found", status: 404 })
    expect(JSON.stringify(failure)).not.toContain(secret)
    await client.close()
  })

  it("turns Option into undefined and a download into a web stream", async () => {
    const { client } = promiseClient((request) =>
      request.url.pathname.endsWith("/file")
        ? replay("documents.file.json")
        : json(200, { documents: [], documentsCount: 0 }),
    )
    expect(await client.documents.findBySha256("0".repeat(64))).toBeUndefined()
    const file = await client.documents.download(docId)
    expect(file.fileName).toBe("renamed-notes.txt")
    const text = await new Response(file.stream).text()
    expect(text).toContain("marmalade")
    await client.close()
  })

  it("runs at most `concurrency` calls at once", async () => {
    let inFlight = 0
    let highest = 0
    const { client } = promiseClient(async () => {
      inFlight += 1
      highest = Math.max(highest, inFlight)
      await new Promise((resolve) => setTimeout(resolve, 5))
      inFlight -= 1
      return replay("tags.list.json")
    }, 3)
    const lists = await Promise.all(Array.from({ length: 9 }, () => client.tags.list()))
    expect(lists.every((tags) => tags.length === 2)).toBe(true)
    expect(highest).toBe(3)
    await client.close()
  })
})
