/**
 * The baselines `migrate` is measured against: plain-`fetch` copies that carry the same fields
 * with the fewest calls the two APIs allow. No schemas, no state, no retries: what a careful
 * one-off script would do.
 *
 * Paperless-ngx → Papra: definitions once; per document: download, upload, one batch tag call,
 * one PATCH for name/date/content/notes, one PUT per non-empty property value; document links in
 * a second pass once both ends exist.
 *
 * Papra → Paperless-ngx: definitions once (tags, custom fields); per document: download, post with
 * title and created, follow its task, one PATCH for tags and custom fields.
 */
import { maxPageSize } from "@paperbridge/papra"

export interface BareServers {
  readonly paperless: { readonly url: string; readonly token: string }
  readonly papra: { readonly url: string; readonly apiKey: string; readonly organizationId: string }
}

interface Page<A> {
  readonly next: string | null
  readonly results: ReadonlyArray<A>
}
interface Named {
  readonly id: number
  readonly name: string
}
interface Field extends Named {
  readonly data_type: string
  readonly extra_data?: {
    readonly select_options?: ReadonlyArray<{ readonly id: string; readonly label: string }>
  }
}
interface SourceDocument {
  readonly id: number
  readonly title: string
  readonly created: string
  readonly content: string
  readonly tags: ReadonlyArray<number>
  readonly correspondent: number | null
  readonly document_type: number | null
  readonly storage_path: number | null
  readonly archive_serial_number: number | null
  readonly original_file_name: string | null
  readonly mime_type: string
  readonly notes?: ReadonlyArray<{ readonly note: string }>
  readonly custom_fields: ReadonlyArray<{ readonly field: number; readonly value: unknown }>
}

const papraTypeOf: Record<string, string> = {
  string: "text",
  longtext: "text",
  url: "text",
  monetary: "text",
  date: "date",
  boolean: "boolean",
  integer: "number",
  float: "number",
  select: "select",
  documentlink: "document_relation",
}

/** Runs `work` over `items` with at most `concurrency` in flight. */
const eachLimited = async <A>(
  items: ReadonlyArray<A>,
  concurrency: number,
  work: (item: A) => Promise<void>,
) => {
  let next = 0
  const worker = async () => {
    while (next < items.length) await work(items[next++] as A)
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker))
}

/** `fetch` that fails on an unexpected status, with what both directions need of either server. */
const apis = (servers: BareServers) => {
  const counted = { requests: 0 }
  const call = async (
    url: string,
    init: RequestInit & { readonly headers: Record<string, string> },
    accept: (status: number) => boolean = () => false,
  ) => {
    counted.requests += 1
    const response = await fetch(url, init)
    if (!response.ok && !accept(response.status))
      throw new Error(`${init.method ?? "GET"} ${url}: ${response.status} ${await response.text()}`)
    return response
  }
  const paperlessHeaders = {
    authorization: `Token ${servers.paperless.token}`,
    accept: "application/json; version=9",
  }
  const paperlessAll = async <A>(path: string): Promise<Array<A>> => {
    const all: Array<A> = []
    let url: string | null = `${servers.paperless.url}${path}${path.includes("?") ? "&" : "?"}page_size=100`
    while (url !== null) {
      const page = (await (await call(url, { headers: paperlessHeaders })).json()) as Page<A>
      all.push(...page.results)
      url = page.next
    }
    return all
  }
  const paperlessJson = async <A>(method: string, path: string, body: unknown): Promise<A> =>
    (await (
      await call(`${servers.paperless.url}${path}`, {
        method,
        headers: { ...paperlessHeaders, "content-type": "application/json" },
        body: JSON.stringify(body),
      })
    ).json()) as A
  const org = `${servers.papra.url}/api/organizations/${servers.papra.organizationId}`
  const papraAuth = { authorization: `Bearer ${servers.papra.apiKey}` }
  const papraGet = async <A>(path: string): Promise<A> =>
    (await (await call(`${org}${path}`, { headers: papraAuth })).json()) as A
  const papraJson = (method: string, path: string, body: unknown) =>
    call(`${org}${path}`, {
      method,
      headers: { ...papraAuth, "content-type": "application/json" },
      body: JSON.stringify(body),
    })
  return { counted, call, paperlessHeaders, paperlessAll, paperlessJson, org, papraAuth, papraGet, papraJson }
}

const bareCopyToPapra = async (servers: BareServers, concurrency: number) => {
  const { counted, call, paperlessHeaders, paperlessAll, org, papraJson } = apis(servers)

  const [tags, correspondents, types, paths, fields, documents] = await Promise.all([
    paperlessAll<Named>("/api/tags/"),
    paperlessAll<Named>("/api/correspondents/"),
    paperlessAll<Named>("/api/document_types/"),
    paperlessAll<Named>("/api/storage_paths/"),
    paperlessAll<Field>("/api/custom_fields/"),
    paperlessAll<SourceDocument>("/api/documents/?ordering=id"),
  ])

  // Definitions: tags (Papra names are unique case-insensitively), one select per classifier.
  const tagIds = new Map<number, string>()
  const tagByName = new Map<string, string>()
  for (const tag of tags) {
    const key = tag.name.toLowerCase()
    let id = tagByName.get(key)
    if (id === undefined) {
      const made = (await (
        await papraJson("POST", "/tags", { name: tag.name, color: "#000000" })
      ).json()) as {
        tag: { id: string }
      }
      id = made.tag.id
      tagByName.set(key, id)
    }
    tagIds.set(tag.id, id)
  }
  const createProperty = async (name: string, type: string, options?: ReadonlyArray<string>) => {
    const made = (await (
      await papraJson("POST", "/custom-properties", {
        name,
        type,
        ...(options === undefined ? {} : { options: options.map((option) => ({ name: option })) }),
      })
    ).json()) as { propertyDefinition: { id: string } }
    const id = made.propertyDefinition.id
    if (options === undefined) return { id, options: new Map<string, string>() }
    const listed = (await (
      await call(`${org}/custom-properties/${id}`, {
        headers: { authorization: `Bearer ${servers.papra.apiKey}` },
      })
    ).json()) as { definition: { options: ReadonlyArray<{ id: string; name: string }> } }
    return { id, options: new Map(listed.definition.options.map((option) => [option.name, option.id])) }
  }
  const classifier = async (name: string, items: ReadonlyArray<Named>) => {
    const property = await createProperty(
      name,
      "select",
      items.map((item) => item.name),
    )
    return {
      id: property.id,
      optionOf: new Map(items.map((item) => [item.id, property.options.get(item.name)])),
    }
  }
  const correspondent = await classifier("Correspondent", correspondents)
  const documentType = await classifier("Document type", types)
  const storagePath = await classifier("Storage path", paths)
  const asn = await createProperty("ASN", "number")
  const properties = new Map<
    number,
    { readonly id: string; readonly field: Field; readonly options: Map<string, string> }
  >()
  for (const field of fields) {
    const type = papraTypeOf[field.data_type] ?? "text"
    const labels = field.extra_data?.select_options?.map((option) => option.label)
    const made = await createProperty(field.name, type, type === "select" ? labels : undefined)
    properties.set(field.id, { id: made.id, field, options: made.options })
  }

  const carried = new Map<number, string>()
  const links: Array<{
    readonly target: string
    readonly property: string
    readonly sources: ReadonlyArray<number>
  }> = []
  let bytes = 0
  await eachLimited(documents, concurrency, async (document) => {
    const file = await call(`${servers.paperless.url}/api/documents/${document.id}/download/?original=true`, {
      headers: paperlessHeaders,
    })
    const body = await file.arrayBuffer()
    bytes += body.byteLength
    const form = new FormData()
    form.append(
      "file",
      new Blob([body], { type: document.mime_type }),
      document.original_file_name ?? `${document.id}.pdf`,
    )
    // A byte-identical twin is answered 409: Papra keeps one copy per file, as the engine reports.
    const uploaded = await call(
      `${org}/documents`,
      { method: "POST", headers: { authorization: `Bearer ${servers.papra.apiKey}` }, body: form },
      (status) => status === 409,
    )
    if (uploaded.status === 409) return
    const id = ((await uploaded.json()) as { document: { id: string } }).document.id
    carried.set(document.id, id)
    const addTagIds = [...new Set(document.tags.flatMap((tag) => tagIds.get(tag) ?? []))]
    if (addTagIds.length > 0)
      await papraJson("POST", "/documents/batch/tags", { filter: { documentIds: [id] }, addTagIds })
    const notes = (document.notes ?? []).map((note) => note.note).join("\n\n")
    await papraJson("PATCH", `/documents/${id}`, {
      name: document.title,
      documentDate: document.created.slice(0, 10),
      content: document.content,
      ...(notes === "" ? {} : { notes }),
    })
    const values: Array<readonly [string, unknown]> = []
    const option = (of: { id: string; optionOf: Map<number, string | undefined> }, source: number | null) => {
      const chosen = source === null ? undefined : of.optionOf.get(source)
      if (chosen !== undefined) values.push([of.id, chosen])
    }
    option(correspondent, document.correspondent)
    option(documentType, document.document_type)
    option(storagePath, document.storage_path)
    if (document.archive_serial_number !== null) values.push([asn.id, document.archive_serial_number])
    for (const entry of document.custom_fields) {
      const property = properties.get(entry.field)
      if (property === undefined || entry.value === null || entry.value === "") continue
      if (property.field.data_type === "documentlink") {
        links.push({ target: id, property: property.id, sources: entry.value as ReadonlyArray<number> })
      } else if (property.field.data_type === "select") {
        const label = property.field.extra_data?.select_options?.find(
          (item) => item.id === entry.value,
        )?.label
        const optionId = label === undefined ? undefined : property.options.get(label)
        if (optionId !== undefined) values.push([property.id, optionId])
      } else values.push([property.id, entry.value])
    }
    for (const [property, value] of values)
      await papraJson("PUT", `/documents/${id}/custom-properties/${property}`, { value })
  })
  await eachLimited(links, concurrency, async (link) => {
    const value = link.sources.flatMap((source) => carried.get(source) ?? [])
    if (value.length > 0)
      await papraJson("PUT", `/documents/${link.target}/custom-properties/${link.property}`, { value })
  })
  return { documents: carried.size, bytes, requests: counted.requests }
}

interface PapraTag {
  readonly id: string
  readonly name: string
}
interface PapraProperty {
  readonly id: string
  readonly key: string
  readonly name: string
  readonly type: string
}
interface PapraListed {
  readonly id: string
  readonly name: string
  readonly originalName: string
  readonly mimeType: string
  readonly documentDate: string | null
  readonly tags: ReadonlyArray<{ readonly id: string }>
  readonly customProperties: ReadonlyArray<{ readonly key: string; readonly value: unknown }>
}

/** Paperless's type for a Papra property's, as the engine's default mapping has it (longtext for text). */
const paperlessTypeOf: Record<string, string> = {
  text: "longtext",
  number: "float",
  date: "date",
  boolean: "boolean",
}
/** A Papra value as the Paperless field of that type takes it; other types carried as text. */
const paperlessValue = (type: string, value: unknown) =>
  type === "date" && typeof value === "string"
    ? value.slice(0, 10)
    : paperlessTypeOf[type] === undefined
      ? JSON.stringify(value)
      : value

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

const bareCopyToPaperless = async (servers: BareServers, concurrency: number) => {
  const { counted, call, paperlessHeaders, paperlessJson, papraAuth, org, papraGet } = apis(servers)
  const listed: Array<PapraListed> = []
  for (let pageIndex = 0; ; pageIndex++) {
    const page = await papraGet<{ documents: ReadonlyArray<PapraListed>; documentsCount: number }>(
      `/documents?pageIndex=${pageIndex}&pageSize=${maxPageSize}`,
    )
    listed.push(...page.documents)
    if (page.documents.length < maxPageSize || listed.length >= page.documentsCount) break
  }
  const [{ tags }, { propertyDefinitions }] = await Promise.all([
    papraGet<{ tags: ReadonlyArray<PapraTag> }>("/tags"),
    papraGet<{ propertyDefinitions: ReadonlyArray<PapraProperty> }>("/custom-properties"),
  ])
  // Definitions: one Paperless tag per Papra tag, one custom field per property, none matching
  // automatically (the PATCH sets the tags whole anyway).
  const tagIds = new Map<string, number>()
  for (const tag of tags) {
    const made = await paperlessJson<{ id: number }>("POST", "/api/tags/", {
      name: tag.name,
      matching_algorithm: 0,
    })
    tagIds.set(tag.id, made.id)
  }
  const fields = new Map<string, { readonly id: number; readonly type: string }>()
  for (const property of propertyDefinitions) {
    const made = await paperlessJson<{ id: number }>("POST", "/api/custom_fields/", {
      name: property.name,
      data_type: paperlessTypeOf[property.type] ?? "longtext",
    })
    fields.set(property.key, { id: made.id, type: property.type })
  }

  /**
   * The consumer's answer for one upload, polled as the Paperless client does by default (after
   * 250 ms, then 1.5 times longer each time, at most 5 s), so that the ratio measures the
   * engine, not a choice of polling interval.
   */
  const consumed = async (taskId: string) => {
    for (let delay = 250; ; delay = Math.min(5000, delay * 1.5)) {
      await sleep(delay)
      const [task] = (await (
        await call(`${servers.paperless.url}/api/tasks/?task_id=${taskId}`, { headers: paperlessHeaders })
      ).json()) as ReadonlyArray<{ status: string; related_document: number | string | null; result: string }>
      if (task?.status === "SUCCESS") return Number(task.related_document)
      if (task?.status === "FAILURE") throw new Error(`consuming failed: ${task.result}`)
    }
  }

  let documents = 0
  let bytes = 0
  await eachLimited(listed, concurrency, async (document) => {
    const file = await call(`${org}/documents/${document.id}/file`, { headers: papraAuth })
    const body = await file.arrayBuffer()
    bytes += body.byteLength
    const form = new FormData()
    form.append("document", new Blob([body], { type: document.mimeType }), document.originalName)
    form.append("title", document.name.trim())
    if (document.documentDate !== null) form.append("created", document.documentDate.slice(0, 10))
    const posted = await call(`${servers.paperless.url}/api/documents/post_document/`, {
      method: "POST",
      headers: paperlessHeaders,
      body: form,
    })
    const id = await consumed((await posted.json()) as string)
    // The consumer adds inbox tags and matches: the PATCH sets the carried ones whole.
    await paperlessJson("PATCH", `/api/documents/${id}/`, {
      tags: document.tags.flatMap((tag) => tagIds.get(tag.id) ?? []),
      custom_fields: document.customProperties.flatMap((entry) => {
        const field = fields.get(entry.key)
        return field === undefined || entry.value === null
          ? []
          : [{ field: field.id, value: paperlessValue(field.type, entry.value) }]
      }),
    })
    documents += 1
  })
  return { documents, bytes, requests: counted.requests }
}

export type BareDirection = "paperless-to-papra" | "papra-to-paperless"

/** The bare copy from the documents' side to the other, with at most `concurrency` documents in flight. */
export const bareCopy = (direction: BareDirection, servers: BareServers, concurrency: number) =>
  direction === "paperless-to-papra"
    ? bareCopyToPapra(servers, concurrency)
    : bareCopyToPaperless(servers, concurrency)
