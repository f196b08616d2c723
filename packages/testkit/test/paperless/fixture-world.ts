import { readdirSync, readFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import type { PaperlessGeneration as Generation, PaperlessCorpus, SeedDocument } from "../../src/index.js"
import { makePdf } from "../../src/pdf.js"

/**
 * The state the fixture captures were taken in, rebuilt as a seed corpus: the same tag tree,
 * metadata objects, custom field ids (and select option ids) and enough documents that every id a
 * fixture addresses exists. Used by the fixture-conformance test.
 */

// Vendored in the repository's test/fixtures (refreshed by `pnpm fixtures:refresh`).
export const fixtureRoot = resolve(fileURLToPath(new URL(".", import.meta.url)), "../../../../test/fixtures")

export interface Fixture {
  readonly file: string
  readonly request: {
    readonly method: string
    readonly path: string
    readonly auth: string
    readonly body?: unknown
    readonly contentType?: string
    readonly headers?: Readonly<Record<string, string>>
  }
  readonly status: number
  readonly responseHeaders: Readonly<Record<string, string>>
  readonly response: unknown
}

export const loadFixtures = (generation: Generation): Array<Fixture> => {
  const directory = join(fixtureRoot, generation === "3.0" ? "paperless" : "paperless-2.20")
  return readdirSync(directory)
    .filter((file) => file.endsWith(".json") && file !== "_index.json")
    .sort()
    .map((file) => ({
      file,
      ...(JSON.parse(readFileSync(join(directory, file), "utf8")) as Omit<Fixture, "file">),
    }))
}

const selectOptions: Record<Generation, Array<{ label: string; id: string }>> = {
  "3.0": [
    { label: "Open", id: "kSOmpLX79cufnbq0" },
    { label: "Paid", id: "2Fc7TOwVbnfNrrgA" },
    { label: "Overdue", id: "pCHTIP1k7uaVRsJK" },
    { label: "Disputed", id: "rPlGBoU8DWc0ymJm" },
  ],
  "2.20": [
    { label: "Red", id: "yP8cFZG9iNtaDenc" },
    { label: "Green", id: "SknBDf1QMCia5hIi" },
    { label: "Blue", id: "atSZGqlCiCNjpFt3" },
    { label: "Yellow", id: "rVZJIjlebgbITq3D" },
  ],
}

/** A 1×1 PNG: image uploads get an archive PDF, and `?original=true` serves the PNG. */
export const pngBytes = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
)

const filler = (id: number): SeedDocument => ({
  fileName: `bulk-${id}.pdf`,
  bytes: makePdf([
    `Bulk document number ${id}`,
    "Lorem ipsum dolor sit amet",
    id % 2 === 0 ? "Tax return" : "Insurance policy",
  ]),
  title: `bulk-${id}`,
  tags: ["Inbox"],
})

export const fixtureWorld = (generation: Generation): PaperlessCorpus => {
  const documents: Array<SeedDocument> = []
  for (let id = 1; id <= 40; id++) documents.push(filler(id))
  documents[0] = {
    fileName: "scan-phone-bill.png",
    bytes: pngBytes,
    title: "Scanned phone bill",
    tags: ["Inbox"],
  }
  documents[1] = {
    fileName: "invoice-acme-2024.pdf",
    bytes: makePdf([
      "ACME Corporation",
      "Invoice number 4711",
      "Date: 12.03.2024",
      "Total amount: 199.99 EUR",
    ]),
    title: "ACME invoice 4711",
    created: "2024-03-12",
    correspondent: "ACME Corp",
    documentType: "Invoice",
    storagePath: "By year and correspondent",
    tags: ["Inbox", "Finance", "Invoices"],
    asn: 1001,
    customFields: { "CF string": "hello", "CF integer": 42 },
    ...(generation === "3.0" ? { notes: ["First note"] } : {}),
  }
  documents[2] = {
    fileName: "note-plain.txt",
    bytes: "Plain text note\nShopping list: milk, eggs, bread\n",
    title: "Plain text note",
    tags: ["Inbox"],
  }
  documents[7] = {
    fileName: "contract-three-pages.pdf",
    bytes: makePdf(["Rental contract page 1", "page 2", "page 3"])
      .toString("latin1")
      .replace("/Count 1", "/Count 3")
      .replace(/\/Type \/Page /, "/Type /Page /Type /Page /Type /Page "),
    title: "Rental contract",
    documentType: "Contract",
    tags: ["Inbox"],
  }
  documents[6] = {
    ...filler(7),
    title: "Bank statement July",
    correspondent: "Sparkasse",
    asn: 2002,
    tags: ["Finance"],
  }
  documents[9] = {
    ...filler(10),
    title: "receipt-bakery",
    fileName: "receipt-bakery.pdf",
    created: "2024-05-05",
  }
  return {
    users: [
      { username: "reader", password: "reader-password-1", permissions: ["view_document", "view_tag"] },
    ],
    tags: [
      { name: "Inbox", isInboxTag: true },
      { name: "Finance", color: "#00ff00", match: "invoice bank" },
      { name: "Invoices", parent: "Finance" },
      { name: "Important" },
      { name: "Archive" },
      { name: "finance" },
      { name: "Steuer 2024 – Grüße ✓", parent: "Invoices" },
    ],
    correspondents: [
      { name: "ACME Corp", match: "acme" },
      { name: "Sparkasse" },
      { name: "Bäckerei Müller" },
      { name: "acme corp" },
    ],
    documentTypes: [{ name: "Invoice" }, { name: "Letter" }, { name: "Contract" }],
    storagePaths: [
      { name: "By year and correspondent", path: "{{ created_year }}/{{ correspondent }}/{{ title }}" },
      { name: "Flat", path: "flat/{{ title }}" },
      { name: "Legacy braces", path: "{{ created_year }}/{{ title }}" },
    ],
    customFields: [
      { name: "CF string", dataType: "string" },
      { name: "CF url", dataType: "url" },
      { name: "CF date", dataType: "date" },
      { name: "CF boolean", dataType: "boolean" },
      { name: "CF integer", dataType: "integer" },
      { name: "CF float", dataType: "float" },
      { name: "CF monetary", dataType: "monetary" },
      { name: "CF documentlink", dataType: "documentlink" },
      { name: "CF longtext", dataType: "longtext" },
      ...(generation === "3.0"
        ? [
            { name: "CF monetary EUR", dataType: "monetary" as const, defaultCurrency: "EUR" },
            { name: "CF select", dataType: "select" as const, selectOptions: selectOptions["3.0"] },
            { name: "CF select v9", dataType: "select" as const, selectOptions: ["Low", "High"] },
          ]
        : [
            { name: "CF select", dataType: "select" as const, selectOptions: selectOptions["2.20"] },
            { name: "CF select v5", dataType: "select" as const, selectOptions: ["Alpha", "Beta"] },
            { name: "CF select v6 obj", dataType: "select" as const, selectOptions: ["X"] },
          ]),
    ],
    documents,
  }
}
