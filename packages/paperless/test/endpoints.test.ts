import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { describe, expect, it } from "vitest"
import {
  type CorrespondentId,
  type CustomFieldId,
  type DocumentId,
  layer,
  type NoteId,
  type PaperlessApi,
  PaperlessAuth,
  PaperlessClient,
  type ShareLinkId,
  type TagId,
  type TaskUuid,
  type UserId,
} from "../src/index.js"
import { isProbe, loadFixture, probeAnswer, replayLayer, type SeenRequest } from "./fixtures.js"

const doc = (id: number) => id as DocumentId

interface Row {
  readonly generation: "3.0" | "2.20"
  readonly fixture: string
  readonly call: (paperless: PaperlessApi) => Effect.Effect<unknown, unknown>
  /** Compare the JSON the client sent with the body the fixture recorded. */
  readonly sameBody?: boolean
}

/**
 * One recorded exchange per endpoint: the client must call the recorded method and path (with the
 * recorded body where marked) and read the recorded answer without error.
 */
const rows: ReadonlyArray<Row> = [
  {
    generation: "3.0",
    fixture: "documents.get.full_perms.json",
    call: (p) => p.documents.get(doc(2), { full_perms: true }),
  },
  {
    generation: "3.0",
    fixture: "documents.list.query.json",
    call: (p) => Stream.runDrain(p.documents.streamFields(["title"], { query: "invoice" })),
  },
  {
    generation: "3.0",
    fixture: "documents.list.more_like_id.json",
    call: (p) => Stream.runDrain(p.search.moreLike(14)),
  },
  { generation: "3.0", fixture: "documents.delete.json", call: (p) => p.documents.delete(doc(9)) },
  {
    generation: "3.0",
    fixture: "documents.metadata.invoice.json",
    call: (p) => p.documents.metadata(doc(2)),
  },
  { generation: "3.0", fixture: "documents.history.invoice.json", call: (p) => p.documents.history(doc(2)) },
  { generation: "3.0", fixture: "documents.suggestions.json", call: (p) => p.documents.suggestions(doc(2)) },
  { generation: "3.0", fixture: "documents.next_asn.json", call: (p) => p.documents.nextAsn() },
  {
    generation: "3.0",
    fixture: "documents.selection_data.json",
    call: (p) => p.documents.selectionData([doc(2), doc(7), doc(5)]),
    sameBody: true,
  },
  { generation: "3.0", fixture: "documents.notes.list.json", call: (p) => p.notes.list(2) },
  { generation: "3.0", fixture: "documents.notes.delete.json", call: (p) => p.notes.delete(2, 3 as NoteId) },
  { generation: "3.0", fixture: "documents.preview.invoice.json", call: (p) => p.files.preview(doc(2)) },
  { generation: "3.0", fixture: "documents.thumb.invoice.json", call: (p) => p.files.thumb(doc(2)) },
  {
    generation: "3.0",
    fixture: "documents.merge.json",
    call: (p) => p.bulkEdit.merge([doc(11), doc(12)], { metadata_document_id: doc(11) }),
    sameBody: true,
  },
  {
    generation: "3.0",
    fixture: "documents.edit_pdf.split.json",
    call: (p) =>
      p.bulkEdit.editPdf(
        doc(8),
        [
          { page: 1, doc: 0 },
          { page: 2, doc: 1 },
          { page: 3, doc: 1 },
        ],
        { delete_original: false },
      ),
    sameBody: true,
  },
  { generation: "3.0", fixture: "documents.reprocess.json", call: (p) => p.bulkEdit.reprocess([doc(7)]) },
  {
    generation: "2.20",
    fixture: "bulk_edit.rotate.json",
    call: (p) => p.bulkEdit.rotate([doc(16)], 90),
    sameBody: true,
  },
  {
    generation: "2.20",
    fixture: "bulk_edit.modify_custom_fields.json",
    call: (p) =>
      p.bulkEdit.edit([doc(13)], {
        method: "modify_custom_fields",
        parameters: { add_custom_fields: { "5": 7 }, remove_custom_fields: [] },
      }),
    sameBody: true,
  },
  {
    generation: "3.0",
    fixture: "bulk_edit.set_permissions.json",
    call: (p) =>
      p.bulkEdit.edit([doc(17)], {
        method: "set_permissions",
        parameters: {
          set_permissions: { view: { users: [3 as UserId], groups: [] }, change: { users: [], groups: [] } },
          owner: 2 as UserId,
          merge: false,
        },
      }),
    sameBody: true,
  },
  {
    generation: "3.0",
    fixture: "bulk_edit_objects.set_permissions.json",
    call: (p) =>
      p.bulkEdit.editObjects({
        objects: [9, 10],
        object_type: "tags",
        operation: "set_permissions",
        permissions: { view: { users: [3], groups: [] }, change: { users: [], groups: [] } },
        owner: 2,
        merge: true,
      }),
    sameBody: true,
  },
  {
    generation: "3.0",
    fixture: "trash.restore.json",
    call: (p) => p.trash.restore([doc(9)]),
    sameBody: true,
  },
  {
    generation: "3.0",
    fixture: "trash.empty.documents.json",
    call: (p) => p.trash.empty([doc(9)]),
    sameBody: true,
  },
  { generation: "3.0", fixture: "trash.list.json", call: (p) => p.trash.list() },
  { generation: "3.0", fixture: "tasks.active.while-queued.json", call: (p) => p.tasks.active() },
  {
    generation: "3.0",
    fixture: "tasks.acknowledge.json",
    call: (p) => p.tasks.acknowledge([55, 54]),
    sameBody: true,
  },
  {
    generation: "3.0",
    fixture: "tasks.list.json",
    call: (p) => Stream.runDrain(Stream.take(p.tasks.stream({ page_size: 25 }), 30)),
  },
  { generation: "2.20", fixture: "tasks.list.v9.json", call: (p) => Stream.runDrain(p.tasks.stream()) },
  {
    generation: "3.0",
    fixture: "share_links.create.json",
    call: (p) => p.shareLinks.create({ document: 2, file_version: "original" }),
    sameBody: true,
  },
  {
    generation: "3.0",
    fixture: "share_links.delete.json",
    call: (p) => p.shareLinks.delete(1 as ShareLinkId),
  },
  { generation: "3.0", fixture: "documents.share_links.json", call: (p) => p.shareLinks.forDocument(2) },
  {
    generation: "3.0",
    fixture: "storage_paths.test.json",
    call: (p) => p.storagePaths.test(2, "{{ created_year }}/{{ correspondent }}/{{ title }}"),
    sameBody: true,
  },
  {
    generation: "3.0",
    fixture: "correspondents.patch.json",
    call: (p) => p.correspondents.update(2 as CorrespondentId, { name: "ACME Corporation" }),
  },
  {
    generation: "3.0",
    fixture: "custom_fields.patch.select-add-option.json",
    call: (p) => p.customFields.update(11 as CustomFieldId, {}),
  },
  { generation: "3.0", fixture: "tags.get.json", call: (p) => p.tags.get(2 as TagId) },
  {
    generation: "3.0",
    fixture: "saved_views.create.json",
    call: (p) =>
      p.savedViews.create({
        name: "Finance docs",
        sort_field: "created",
        sort_reverse: true,
        filter_rules: [{ rule_type: 6, value: "2" }],
      }),
    sameBody: true,
  },
  { generation: "3.0", fixture: "users.list.json", call: (p) => p.users.list() },
  {
    generation: "3.0",
    fixture: "groups.create.json",
    call: (p) =>
      p.groups.create({ name: "Accounting", permissions: ["view_document", "change_document", "view_tag"] }),
    sameBody: true,
  },
  { generation: "3.0", fixture: "mail_accounts.list.json", call: (p) => p.mailAccounts.list() },
  { generation: "3.0", fixture: "mail_rules.list.json", call: (p) => p.mailRules.list() },
  { generation: "3.0", fixture: "workflows.list.json", call: (p) => p.workflows.list() },
  {
    generation: "3.0",
    fixture: "profile.patch.json",
    call: (p) => p.profile.update({ first_name: "Ada" }),
    sameBody: true,
  },
  { generation: "3.0", fixture: "statistics.get.json", call: (p) => p.system.statistics() },
  { generation: "3.0", fixture: "status.get.json", call: (p) => p.system.status() },
  { generation: "3.0", fixture: "logs.get.paperless.json", call: (p) => p.system.log("paperless") },
  { generation: "2.20", fixture: "remote_version.get.json", call: (p) => p.system.remoteVersion() },
  { generation: "3.0", fixture: "ui_settings.get.json", call: (p) => p.system.uiSettings() },
  { generation: "3.0", fixture: "search.global.json", call: (p) => p.search.global("invoice") },
  {
    generation: "3.0",
    fixture: "search.autocomplete.limit.json",
    call: (p) => p.search.autocomplete("b", 3),
  },
  {
    generation: "3.0",
    fixture: "tasks.get.by-task_id.unknown.json",
    call: (p) => p.tasks.get("00000000-0000-0000-0000-000000000000" as TaskUuid),
  },
  { generation: "3.0", fixture: "documents.root.json", call: (p) => p.documents.root(doc(30)) },
  {
    generation: "3.0",
    fixture: "documents.versions.patch-label.json",
    call: (p) => p.documents.labelVersion(doc(10), 30, "relabelled"),
    sameBody: true,
  },
  {
    generation: "3.0",
    fixture: "documents.update_version.json",
    call: (p) =>
      p.upload.postVersion(
        10,
        { file: new Blob(["%PDF"]), filename: "receipt-bakery-v2.pdf" },
        "v2 corrected",
      ),
  },
  {
    generation: "3.0",
    fixture: "documents.bulk_download.json",
    call: (p) => p.files.bulkDownload([doc(2), doc(3)]),
    sameBody: true,
  },
]

describe("every endpoint through the client", () => {
  it.each(rows.map((row) => [`${row.generation} ${row.fixture}`, row] as const))("%s", async (_name, row) => {
    const fixture = loadFixture(row.generation, row.fixture)
    const seen: Array<SeenRequest> = []
    const client = layer({ baseUrl: "http://paperless.test", auth: PaperlessAuth.token("t") }).pipe(
      Layer.provide(
        replayLayer((request) => (isProbe(request) ? probeAnswer(row.generation) : fixture), seen),
      ),
    )
    await Effect.runPromise(Effect.flatMap(PaperlessClient, row.call).pipe(Effect.provide(client)))
    const sent = seen.at(-1)
    expect(sent?.method).toBe(fixture.request.method)
    expect(sent?.url.pathname).toBe(fixture.request.path.split("?")[0])
    const recordedQuery = new URLSearchParams(fixture.request.path.split("?")[1] ?? "")
    for (const [key, value] of recordedQuery) {
      if (key !== "fields" && key !== "page" && key !== "page_size")
        expect(sent?.url.searchParams.get(key)).toBe(value)
    }
    if (row.sameBody === true) expect(JSON.parse(String(sent?.body))).toEqual(fixture.request.body)
  })
})

describe("streams read every page", () => {
  it("collects a document stream from the 2.20 v9 list", async () => {
    const fixture = loadFixture("2.20", "documents.list.json")
    const client = layer({ baseUrl: "http://paperless.test", auth: PaperlessAuth.token("t") }).pipe(
      Layer.provide(
        replayLayer((request) =>
          request.url.searchParams.get("fields") === "id" ? probeAnswer("2.20") : fixture,
        ),
      ),
    )
    const documents = await Effect.runPromise(
      Effect.flatMap(PaperlessClient, (p) => Stream.runCollect(p.documents.stream())).pipe(
        Effect.provide(client),
      ),
    )
    expect(Chunk.size(documents)).toBe((fixture.response as { count: number }).count)
  })
})
