import { makePdf } from "@paperbridge/testkit"

/**
 * The built-in demo corpus: a few hundred documents that exercise everything a migration must
 * carry (tag hierarchy, correspondents, types, storage paths, every custom field type, notes,
 * ASNs), plus byte-identical twins and a file over Papra's upload limit. Deterministic, so two
 * demo runs print the same report.
 */
export interface DemoTag {
  readonly name: string
  readonly color: string
  readonly parent?: string
  readonly inbox?: boolean
}

export type DemoFieldType =
  | "string"
  | "longtext"
  | "url"
  | "date"
  | "boolean"
  | "integer"
  | "float"
  | "monetary"
  | "select"
  | "documentlink"

export interface DemoCustomField {
  readonly name: string
  readonly dataType: DemoFieldType
  readonly options?: ReadonlyArray<string>
}

export interface DemoDocument {
  readonly title: string
  readonly fileName: string
  readonly mimeType: string
  readonly bytes: Buffer
  readonly created: string
  readonly tags: ReadonlyArray<string>
  readonly correspondent?: string
  readonly documentType?: string
  readonly storagePath?: string
  readonly archiveSerialNumber?: number
  readonly notes: ReadonlyArray<string>
  /** Values by field name; select values by option label, document links by document title. */
  readonly customFields: Readonly<Record<string, string | number | boolean | ReadonlyArray<string> | null>>
}

export interface DemoCorpus {
  readonly tags: ReadonlyArray<DemoTag>
  readonly correspondents: ReadonlyArray<string>
  readonly documentTypes: ReadonlyArray<string>
  readonly storagePaths: ReadonlyArray<{ readonly name: string; readonly path: string }>
  readonly customFields: ReadonlyArray<DemoCustomField>
  readonly documents: ReadonlyArray<DemoDocument>
}

const tags: ReadonlyArray<DemoTag> = [
  { name: "Inbox", color: "#a6cee3", inbox: true },
  { name: "Finance", color: "#1f78b4" },
  { name: "Tax", color: "#33a02c", parent: "Finance" },
  { name: "2024", color: "#b2df8a", parent: "Tax" },
  { name: "Insurance", color: "#fb9a99", parent: "Finance" },
  { name: "Home", color: "#e31a1c" },
  { name: "Utilities", color: "#fdbf6f", parent: "Home" },
  { name: "Health", color: "#ff7f00" },
  { name: "Travel ✈", color: "#cab2d6" },
  { name: "Work", color: "#6a3d9a" },
  // Papra tag names are unique case-insensitively: these two collide there.
  { name: "Receipts", color: "#ffff99" },
  { name: "receipts", color: "#b15928" },
]

const correspondents = [
  "ACME Corp",
  "Bäckerei Müller",
  "City Utilities",
  "HealthFirst Clinic",
  "Northwind Air",
]
const documentTypes = ["Invoice", "Receipt", "Contract", "Letter", "Statement"]
const storagePaths = [
  { name: "By year", path: "{{ created_year }}/{{ title }}" },
  { name: "By correspondent", path: "{{ correspondent }}/{{ title }}" },
]
const customFields: ReadonlyArray<DemoCustomField> = [
  { name: "Reference", dataType: "string" },
  { name: "Summary", dataType: "longtext" },
  { name: "Portal", dataType: "url" },
  { name: "Due date", dataType: "date" },
  { name: "Paid", dataType: "boolean" },
  { name: "Pages counted", dataType: "integer" },
  { name: "Rating", dataType: "float" },
  { name: "Amount", dataType: "monetary" },
  { name: "Status", dataType: "select", options: ["Open", "Paid", "Disputed"] },
  { name: "Related", dataType: "documentlink" },
]

const random = (seed: number) => {
  let state = seed >>> 0
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return state / 4294967296
  }
}

const pick = <A>(next: () => number, items: ReadonlyArray<A>): A =>
  items[Math.floor(next() * items.length)] as A

const isoDate = (year: number, dayOfYear: number) =>
  new Date(Date.UTC(year, 0, 1 + dayOfYear)).toISOString().slice(0, 10)

/** Over Papra's default 25 MiB upload limit, so Papra refuses it and the report says so. */
const OVERSIZED_BYTES = 26 * 1024 * 1024

export const makeDemoCorpus = (
  options: { readonly documents?: number; readonly oversized?: boolean } = {},
) => {
  const count = options.documents ?? 240
  const next = random(20261123)
  const documents: Array<DemoDocument> = []
  for (let index = 0; index < count; index++) {
    const correspondent = pick(next, correspondents)
    const documentType = pick(next, documentTypes)
    const year = 2019 + (index % 7)
    const created = isoDate(year, Math.floor(next() * 366) % 365)
    const title = `${documentType} ${String(index + 1).padStart(4, "0")} ${correspondent}`
    const body = [
      title,
      `Date: ${created}`,
      `From: ${correspondent}`,
      `Total: ${(next() * 900 + 10).toFixed(2)} EUR`,
    ]
    const asPdf = index % 3 !== 0
    const chosenTags = [pick(next, tags).name, ...(next() < 0.4 ? [pick(next, tags).name] : [])]
    documents.push({
      title,
      fileName: `${title.toLowerCase().replace(/[^a-z0-9]+/g, "-")}.${asPdf ? "pdf" : "txt"}`,
      mimeType: asPdf ? "application/pdf" : "text/plain",
      bytes: asPdf ? makePdf(body) : Buffer.from(`${body.join("\n")}\n`),
      created,
      tags: [...new Set(chosenTags)],
      correspondent,
      documentType,
      ...(index % 4 === 0 ? { storagePath: pick(next, storagePaths).name } : {}),
      ...(index % 5 === 0 ? { archiveSerialNumber: 1000 + index } : {}),
      notes: index % 6 === 0 ? [`Checked on ${created}`, "Filed ✓"] : [],
      customFields: {
        Reference: `REF-${index}`,
        ...(index % 2 === 0 ? { Paid: index % 4 === 0, Amount: `EUR${(next() * 500).toFixed(2)}` } : {}),
        ...(index % 3 === 0
          ? { "Due date": isoDate(year, 30), Status: pick(next, ["Open", "Paid", "Disputed"]) }
          : {}),
        ...(index % 7 === 0 ? { Summary: body.join("\n"), Portal: "https://portal.example.org/doc" } : {}),
        ...(index % 9 === 0 ? { "Pages counted": 1, Rating: 4.5 } : {}),
        ...(index % 11 === 0 && index > 0 ? { Related: [documents[index - 1]?.title ?? ""] } : {}),
      },
    })
  }
  // Byte-identical twins under other titles: Paperless 3.0 keeps both, Papra can hold only one.
  for (const twinOf of [3, 42]) {
    const original = documents[twinOf]
    if (original) documents.push({ ...original, title: `${original.title} (scan again)`, notes: [] })
  }
  if (options.oversized ?? true) {
    // A scan, not text: both servers put a document's whole text in every JSON answer about it.
    documents.push({
      title: "Scanned archive box (oversized)",
      fileName: "archive-box.pdf",
      mimeType: "application/pdf",
      bytes: Buffer.concat([makePdf(["Scanned archive box"]), Buffer.alloc(OVERSIZED_BYTES, "%")]),
      created: "2018-12-31",
      tags: ["Home"],
      notes: [],
      customFields: {},
    })
  }
  return { tags, correspondents, documentTypes, storagePaths, customFields, documents } satisfies DemoCorpus
}
