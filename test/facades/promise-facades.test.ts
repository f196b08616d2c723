import {
  connectPaperless,
  PaperlessApiError,
  PaperlessAuth,
  PaperlessInvalidRequest,
} from "@paperbridge/paperless"
import { connectPapra, PapraApiError, PapraRequestError } from "@paperbridge/papra"
import {
  type PaperlessSimulator,
  type PapraSimulator,
  startPaperlessSimulator,
  startPapraSimulator,
} from "@paperbridge/testkit"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

/**
 * One table of behaviours, run against both Promise facades over their simulators: the same
 * constructor shape, plain ids checked before sending, `undefined` for absent, async iterables for
 * lists, web streams for files and the Effect API's error classes. (The concurrency bound is the
 * shared helper's, tested in packages/http.)
 */
interface Side {
  readonly name: string
  /** Starts a simulator holding two documents and connects the facade with this concurrency. */
  readonly start: (concurrency: number) => Promise<Connected>
}

interface Connected {
  readonly documentIds: ReadonlyArray<string | number>
  readonly missingId: string | number
  readonly malformedId: string | number
  readonly requestCount: () => number
  readonly listNames: () => Promise<ReadonlyArray<string>>
  readonly getName: (id: string | number) => Promise<string>
  readonly findByUnknownChecksum: () => Promise<unknown>
  readonly downloadText: (
    id: string | number,
  ) => Promise<{ readonly name: string | undefined; readonly text: string }>
  readonly apiError: new (...args: never) => unknown
  readonly requestError: new (...args: never) => unknown
  readonly close: () => Promise<void>
}

const names = ["Invoice 4711", "Letter 0815"]

const paperlessSide: Side = {
  name: "Paperless-ngx",
  start: async (concurrency) => {
    const sim: PaperlessSimulator = await startPaperlessSimulator({
      corpus: {
        documents: names.map((title) => ({ title, fileName: `${title}.txt`, bytes: `${title} text` })),
      },
    })
    const client = await connectPaperless({
      baseUrl: sim.url,
      auth: PaperlessAuth.token(sim.token),
      concurrency,
    })
    const documentIds = (await client.documents.list({ ordering: "id" })).results.map(
      (document) => document.id,
    )
    return {
      documentIds,
      missingId: 999,
      malformedId: -1,
      requestCount: () => sim.requests.length,
      listNames: async () => {
        const titles: Array<string> = []
        for await (const document of client.documents.stream({ ordering: "title" }))
          titles.push(document.title)
        return titles
      },
      getName: async (id) => (await client.documents.get(Number(id))).title,
      findByUnknownChecksum: () => client.documents.findByChecksum("0".repeat(64)),
      downloadText: async (id) => {
        const file = await client.files.download(Number(id), { original: true })
        return { name: file.filename?.replace(/\.txt$/, ""), text: await new Response(file.stream).text() }
      },
      apiError: PaperlessApiError,
      requestError: PaperlessInvalidRequest,
      close: async () => {
        await client.close()
        await sim.close()
      },
    }
  },
}

const papraSide: Side = {
  name: "Papra",
  start: async (concurrency) => {
    const sim: PapraSimulator = await startPapraSimulator()
    const seeded = sim.seed({
      documents: names.map((name) => ({ name: `${name}.txt`, bytes: `${name} text` })),
    })
    const client = await connectPapra({
      baseUrl: sim.url,
      apiKey: sim.apiKey,
      organizationId: sim.organizationId,
      concurrency,
    })
    return {
      documentIds: seeded.documents,
      missingId: `doc_${"z".repeat(24)}`,
      malformedId: "doc_short",
      requestCount: () => sim.requests.length,
      listNames: async () => {
        const found: Array<string> = []
        for await (const document of client.documents.stream())
          found.push(document.name.replace(/\.txt$/, ""))
        return found.sort()
      },
      getName: async (id) => (await client.documents.get(String(id))).name.replace(/\.txt$/, ""),
      findByUnknownChecksum: () => client.documents.findBySha256("0".repeat(64)),
      downloadText: async (id) => {
        const file = await client.documents.download(String(id))
        return { name: file.fileName?.replace(/\.txt$/, ""), text: await new Response(file.stream).text() }
      },
      apiError: PapraApiError,
      requestError: PapraRequestError,
      close: async () => {
        await client.close()
        await sim.close()
      },
    }
  },
}

describe.each([paperlessSide, papraSide])("the $name Promise facade", (side) => {
  let connected: Connected
  beforeAll(async () => {
    connected = await side.start(2)
  })
  afterAll(() => connected.close())

  it("lists as an async iterable", async () => {
    expect(await connected.listNames()).toEqual(names)
  })

  it("takes a plain id", async () => {
    const [first] = connected.documentIds
    expect(await connected.getName(first ?? "")).toBe(names[0])
  })

  it("answers undefined for absent, not an Option", async () => {
    expect(await connected.findByUnknownChecksum()).toBeUndefined()
  })

  it("rejects a missing document with the Effect API's error class", async () => {
    const failure = await connected.getName(connected.missingId).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(connected.apiError)
    expect(failure).toMatchObject({ status: 404 })
  })

  it("rejects a malformed plain id before sending it", async () => {
    const before = connected.requestCount()
    const failure = await connected.getName(connected.malformedId).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(connected.requestError)
    expect(connected.requestCount()).toBe(before)
  })

  it("hands a download over as a web stream with its file name", async () => {
    const [first] = connected.documentIds
    const downloaded = await connected.downloadText(first ?? "")
    expect(downloaded.text).toBe(`${names[0]} text`)
    // Paperless-ngx names the file by its filename format (date first), Papra by the document's name.
    expect(downloaded.name).toContain(names[0])
  })
})
