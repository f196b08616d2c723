import { mappingContext, paperlessDocumentToPapra, papraDocumentToPaperless } from "@paperbridge/mapping"

// The definitions both sides already have, as their list endpoints return them.
const context = mappingContext({
  paperless: {
    tags: [
      { id: 2, name: "Finance", color: "#00ff00", is_inbox_tag: false, parent: null },
      { id: 3, name: "Invoices", color: "#a6cee3", is_inbox_tag: false, parent: 2 },
    ],
    correspondents: [{ id: 1, name: "ACME Corp" }],
    documentTypes: [],
    storagePaths: [],
    customFields: [{ id: 7, name: "Amount", data_type: "monetary", extra_data: null }],
  },
})

// Paperless → Papra: a Paperless document as GET /api/documents/{id}/ returns it.
const toPapra = paperlessDocumentToPapra(
  {
    id: 12,
    title: "ACME invoice 4711",
    created: "2024-03-12",
    correspondent: 1,
    document_type: null,
    tags: [3],
    archive_serial_number: 1001,
    custom_fields: [{ field: 7, value: "EUR42.00" }],
  },
  context,
)
console.log("Papra document:", toPapra.document.name, toPapra.document.documentDate)
console.log(
  "losses:",
  toPapra.losses.map((loss) => `${loss.field} ${loss.fidelity}: ${loss.reason}`),
)

// Papra → Paperless: a Papra document as GET /documents/{id} returns it.
const toPaperless = papraDocumentToPaperless(
  {
    id: "doc_aaaaaaaaaaaaaaaaaaaaaaaa",
    name: "Scan from the copier",
    originalName: "scan.pdf",
    documentDate: "2024-03-12T15:30:00.000Z",
    notes: "Paid on 2024-03-20",
  },
  context,
)
console.log("Paperless document:", toPaperless.document.title, toPaperless.document.created)
console.log(
  "losses:",
  toPaperless.losses.map((loss) => `${loss.field} ${loss.fidelity}: ${loss.reason}`),
)
