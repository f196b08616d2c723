// Decoded excerpts of the recorded exchanges in shared/fixtures (named per constant), trimmed to the
// fields the mapping reads. Kept here because the fixtures live outside the repository.
import type { PaperlessDefinitions, PapraDefinitions } from "../src/index.js"

/** paperless `tags.list.json`: "Finance" and "finance" coexist (case-sensitive), Invoices is a child of Finance. */
export const paperlessTags: PaperlessDefinitions["tags"] = [
  { id: 5, name: "Archive", color: "#a6cee3", is_inbox_tag: false, parent: null },
  { id: 2, name: "Finance", color: "#00ff00", is_inbox_tag: false, parent: null },
  { id: 6, name: "finance", color: "#a6cee3", is_inbox_tag: false, parent: null },
  { id: 4, name: "Important", color: "#a6cee3", is_inbox_tag: false, parent: null },
  { id: 1, name: "Inbox", color: "#ff0000", is_inbox_tag: true, parent: null },
  { id: 3, name: "Invoices", color: "#a6cee3", is_inbox_tag: false, parent: 2 },
  { id: 7, name: "Steuer 2024 – Grüße ✓", color: "#a6cee3", is_inbox_tag: false, parent: null },
]

/** paperless `correspondents.list.json`: "ACME Corp" and "acme corp" coexist. */
export const paperlessCorrespondents: PaperlessDefinitions["correspondents"] = [
  { id: 1, name: "ACME Corp" },
  { id: 4, name: "acme corp" },
  { id: 3, name: "Bäckerei Müller" },
  { id: 2, name: "Sparkasse" },
]

/** paperless `custom_fields.list.json`. */
export const paperlessCustomFields: PaperlessDefinitions["customFields"] = [
  { id: 4, name: "CF boolean", data_type: "boolean", extra_data: null },
  { id: 3, name: "CF date", data_type: "date", extra_data: null },
  { id: 8, name: "CF documentlink", data_type: "documentlink", extra_data: null },
  { id: 6, name: "CF float", data_type: "float", extra_data: null },
  { id: 5, name: "CF integer", data_type: "integer", extra_data: null },
  { id: 9, name: "CF longtext", data_type: "longtext", extra_data: null },
  { id: 7, name: "CF monetary", data_type: "monetary", extra_data: null },
  { id: 10, name: "CF monetary EUR", data_type: "monetary", extra_data: { default_currency: "EUR" } },
  {
    id: 11,
    name: "CF select",
    data_type: "select",
    extra_data: {
      select_options: [
        { label: "Open", id: "kSOmpLX79cufnbq0" },
        { label: "Paid", id: "2Fc7TOwVbnfNrrgA" },
        { label: "Overdue", id: "pCHTIP1k7uaVRsJK" },
      ],
    },
  },
  { id: 1, name: "CF string", data_type: "string", extra_data: null },
  { id: 2, name: "CF url", data_type: "url", extra_data: null },
]

export const paperlessDefinitions: PaperlessDefinitions = {
  tags: paperlessTags,
  correspondents: paperlessCorrespondents,
  documentTypes: [
    { id: 1, name: "Invoice" },
    { id: 2, name: "Statement" },
  ],
  storagePaths: [
    { id: 1, name: "By year and correspondent", path: "{{ created_year }}/{{ correspondent }}/{{ title }}" },
  ],
  customFields: paperlessCustomFields,
}

/** paperless `documents.get.with-all-custom-fields.json` (content trimmed). */
export const paperlessDocumentWithAllFields = {
  id: 7,
  correspondent: 2,
  document_type: 2,
  storage_path: 1,
  title: "Sparkasse statement",
  content: "Manually edited content. Sparkasse statement.",
  tags: [2],
  created: "2023-07-06",
  archive_serial_number: 2002,
  original_file_name: "letter-bank.pdf",
  notes: [],
  custom_fields: [
    { value: "99.99", field: 10 },
    { value: "hello world", field: 1 },
    { value: "https://example.com/path?x=1", field: 2 },
    { value: "2024-01-31", field: 3 },
    { value: true, field: 4 },
    { value: 7, field: 5 },
    { value: 3.14, field: 6 },
    { value: "EUR12.50", field: 7 },
    { value: [2], field: 8 },
    { value: "Line one\nLine two", field: 9 },
    { value: "2Fc7TOwVbnfNrrgA", field: 11 },
  ],
}

/** paperless `documents.get.with-notes.json` notes. */
export const paperlessNotes = [
  {
    id: 1,
    note: "First note – with ünïcode",
    created: "2026-11-23T18:12:49.458679Z",
    user: { id: 2, username: "admin", first_name: "", last_name: "" },
  },
  {
    id: 2,
    note: "Second note via v9",
    created: "2026-11-23T18:12:49.530879Z",
    user: { id: 2, username: "admin", first_name: "", last_name: "" },
  },
  {
    id: 3,
    note: "",
    created: "2026-11-23T18:12:49.586026Z",
    user: { id: 2, username: "admin", first_name: "", last_name: "" },
  },
]

/** papra `custom-properties.list.json` and `tags.list.json`. */
export const papraDefinitions: PapraDefinitions = {
  tags: [
    { id: "tag_a7bk7jyaqvcm5t2fievsjt0e", name: "Temp", color: "#00FF00", description: null },
    { id: "tag_bi8zu2l4j1qoj5wnu6u6azn5", name: "Invoices", color: "#FF0000", description: "All invoices" },
  ],
  properties: [
    {
      id: "cpd_v1tkcw9s51od8lw0ksr2ilvp",
      name: "Invoice reference",
      key: "invoicereference",
      type: "text",
      options: [],
    },
    { id: "cpd_al7gktvo1ocr91z1578qj4iu", name: "Amount", key: "amount", type: "number", options: [] },
    { id: "cpd_clv2fl07bg549i1klkcqk8x7", name: "Due date", key: "duedate", type: "date", options: [] },
    { id: "cpd_vn5uqolr6ep1nb3hw7ap61di", name: "Paid", key: "paid", type: "boolean", options: [] },
    {
      id: "cpd_m5qgh3b7614uapfsvpomzub4",
      name: "Status",
      key: "status",
      type: "select",
      options: [
        { id: "cpso_jpwkj5cqd88c5xjx1kt2zwj4", name: "Open" },
        { id: "cpso_zp67zgfwps0ektz0isgyjm33", name: "Closed" },
      ],
    },
    {
      id: "cpd_l7wa1eubfsdm8mw0p05tj2b2",
      name: "Categories",
      key: "categories",
      type: "multi_select",
      options: [
        { id: "cpso_sumyjg11zz8t6e7a3zxuoq5v", name: "Tax" },
        { id: "cpso_ugi1jfdhqqmzxldwvqv9st4j", name: "Utilities" },
        { id: "cpso_tavy4x3ndwevf3anv9ub6vo5", name: "Travel" },
      ],
    },
    {
      id: "cpd_hluprng3obhzqy8w4ekwf5kd",
      name: "Related documents",
      key: "relateddocuments",
      type: "document_relation",
      options: [],
    },
    { id: "cpd_f69q1tpouwc25nl3q65rdcwo", name: "Owner", key: "owner", type: "user_relation", options: [] },
  ],
}

/** papra `documents.get.with-custom-properties.json`. */
export const papraDocumentWithProperties = {
  id: "doc_p5nol3n1t08c84ssdl5b7919",
  originalName: "invoice-4242.pdf",
  name: "Invoice 4242",
  content: "Invoice 4242 for Zebulon Quartz, total 123.45 EUR",
  documentDate: "2026-01-15T00:00:00.000Z",
  notes: "Paid by bank transfer",
  tags: [{ id: "tag_bi8zu2l4j1qoj5wnu6u6azn5" }],
  customProperties: [
    { key: "invoicereference", name: "Invoice reference", type: "text", displayOrder: 0, value: "INV-4242" },
    { key: "amount", name: "Amount", type: "number", displayOrder: 0, value: 123.45 },
    { key: "duedate", name: "Due date", type: "date", displayOrder: 0, value: "2026-02-28T00:00:00.000Z" },
    { key: "paid", name: "Paid", type: "boolean", displayOrder: 0, value: true },
    {
      key: "status",
      name: "Status",
      type: "select",
      displayOrder: 0,
      value: { optionId: "cpso_jpwkj5cqd88c5xjx1kt2zwj4", name: "Open" },
    },
    {
      key: "categories",
      name: "Categories",
      type: "multi_select",
      displayOrder: 0,
      value: [
        { optionId: "cpso_sumyjg11zz8t6e7a3zxuoq5v", name: "Tax" },
        { optionId: "cpso_ugi1jfdhqqmzxldwvqv9st4j", name: "Utilities" },
      ],
    },
    {
      key: "relateddocuments",
      name: "Related documents",
      type: "document_relation",
      displayOrder: 0,
      value: [{ documentId: "doc_gbs1avvfxjfbwts81zyo0cmc", name: "renamed-notes.txt" }],
    },
    {
      key: "owner",
      name: "Owner",
      type: "user_relation",
      displayOrder: 0,
      value: [{ userId: "usr_dzts5wchftmne4z5tbg4b5j9", name: "API Tester", email: "tester@example.com" }],
    },
  ],
}
