import { filenameFromContentDisposition } from "@paperbridge/http"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { describe, expect, it } from "vitest"
import {
  AnyTask,
  Correspondent,
  CustomField,
  Document,
  DocumentMetadata,
  DocumentPage,
  DocumentType,
  DocumentVersion,
  decodeBody,
  GlobalSearchResult,
  Group,
  HistoryEntry,
  MailAccount,
  MailRule,
  Note,
  NoteListOrError,
  OpaqueObject,
  Page,
  PaperlessDecodeError,
  Profile,
  parseErrorBody,
  RemoteVersion,
  ResultOk,
  SavedView,
  SelectionData,
  ShareLink,
  Statistics,
  StoragePath,
  Suggestions,
  SystemStatus,
  Tag,
  TaskStatusCounts,
  TaskUuid,
  TaskV9,
  TaskV10,
  TokenResponse,
  TrashResult,
  UiSettings,
  User,
  Workflow,
} from "../src/index.js"
import { type Fixture, loadFixtures } from "./fixtures.js"

type Decoder = Schema.Schema<unknown, unknown> | "file" | "empty" | "not-used"

const as = <A, I>(schema: Schema.Schema<A, I>) => schema as unknown as Schema.Schema<unknown, unknown>

const fieldsOf = (fixture: Fixture) => {
  const fields = new URLSearchParams(fixture.request.path.split("?")[1] ?? "").get("fields")
  return fields === null ? undefined : fields.split(",").filter((field) => field in Document.fields)
}

/** The schema the client decodes each endpoint's success answer with. */
const decoderFor = (fixture: Fixture): Decoder => {
  const { method, pathTemplate } = fixture.request
  const key = `${method} ${pathTemplate}`
  const fields = fieldsOf(fixture)
  const documentSchema: Schema.Schema<unknown, unknown> =
    fields === undefined ? as(Document) : as(Document.pipe(Schema.pick("id", ...(fields as Array<"id">))))
  switch (key) {
    case "GET /api/documents/":
      return as(
        Schema.extend(
          Page(documentSchema),
          Schema.Struct({ corrected_query: Schema.optional(Schema.NullOr(Schema.String)) }),
        ),
      )
    case "GET /api/documents/:id/":
      return as(documentSchema)
    case "PATCH /api/documents/:id/":
    case "PUT /api/documents/:id/":
      return as(Document)
    case "GET /api/trash/":
      return as(DocumentPage)
    case "POST /api/trash/":
      return as(TrashResult)
    case "GET /api/documents/:id/download/":
    case "HEAD /api/documents/:id/download/":
    case "GET /api/documents/:id/preview/":
    case "GET /api/documents/:id/thumb/":
    case "POST /api/documents/bulk_download/":
    case "GET /share/:slug":
      return "file"
    case "GET /api/documents/:id/history/":
      return as(Schema.Array(HistoryEntry))
    case "GET /api/documents/:id/metadata/":
      return as(DocumentMetadata)
    case "POST /api/documents/:id/notes/":
      return as(NoteListOrError)
    case "GET /api/documents/:id/notes/":
    case "DELETE /api/documents/:id/notes/":
    case "DELETE /api/documents/:id/notes/?id=:noteId":
      return as(Schema.Array(Note))
    case "GET /api/documents/:id/root/":
      return as(Schema.Struct({ root_id: Schema.Int }))
    case "GET /api/documents/:id/share_links/":
      return as(Schema.Array(ShareLink))
    case "GET /api/documents/:id/suggestions/":
      return as(Suggestions)
    case "POST /api/documents/:id/update_version/":
    case "POST /api/documents/post_document/":
      return as(TaskUuid)
    case "PATCH /api/documents/:id/versions/:versionId/":
      return as(DocumentVersion)
    case "POST /api/documents/bulk_edit/":
    case "POST /api/documents/delete/":
    case "POST /api/documents/edit_pdf/":
    case "POST /api/documents/merge/":
    case "POST /api/documents/reprocess/":
    case "POST /api/documents/rotate/":
    case "POST /api/bulk_edit_objects/":
    case "POST /api/tasks/run/":
      return as(ResultOk)
    case "GET /api/documents/next_asn/":
      return as(Schema.Int)
    case "POST /api/documents/selection_data/":
      return as(SelectionData)
    case "POST /api/storage_paths/test/":
      return as(Schema.String)
    case "GET /api/search/":
      return as(GlobalSearchResult)
    case "GET /api/search/autocomplete/":
    case "GET /api/logs/":
    case "GET /api/logs/:name/":
      return as(Schema.Array(Schema.String))
    case "GET /api/statistics/":
      return as(Statistics)
    case "GET /api/status/":
      return as(SystemStatus)
    case "GET /api/remote_version/":
      return as(RemoteVersion)
    case "GET /api/profile/":
    case "PATCH /api/profile/":
      return as(Profile)
    case "GET /api/ui_settings/":
      return as(UiSettings)
    case "POST /api/token/":
      return as(TokenResponse)
    case "GET /api/tasks/":
      return Number(fixture.apiVersion) >= 10 ? as(Page(TaskV10)) : as(Schema.Array(TaskV9))
    case "GET /api/tasks/:id/":
      return as(AnyTask)
    case "GET /api/tasks/active/":
      return as(Schema.Array(AnyTask))
    case "GET /api/tasks/status_counts/":
      return as(TaskStatusCounts)
    case "POST /api/tasks/acknowledge/":
      return as(Schema.Struct({ result: Schema.Int }))
    case "GET /api/mail_accounts/":
      return as(Page(MailAccount))
    case "GET /api/mail_rules/":
      return as(Page(MailRule))
    case "GET /api/processed_mail/":
    case "GET /api/workflow_triggers/":
    case "GET /api/workflow_actions/":
      return as(Page(OpaqueObject))
    case "GET /api/workflows/":
      return as(Page(Workflow))
    case "DELETE /api/documents/:id/":
    case "DELETE /api/tags/:id/":
    case "DELETE /api/correspondents/:id/":
    case "DELETE /api/document_types/:id/":
    case "DELETE /api/custom_fields/:id/":
    case "DELETE /api/share_links/:id/":
      return "empty"
    // Endpoints the client does not call: the schema viewer, DRF's OPTIONS metadata, the UI's
    // own settings writes, the task summary page and the app config (admin-only UI features).
    case "GET /api/schema/view/":
    case "OPTIONS /api/tags/":
    case "POST /api/ui_settings/":
    case "GET /api/tasks/summary/":
    case "GET /api/config/":
    case "GET /api/config/:id/":
    case "GET /api/schema/":
    case "GET /api/share_link_bundles/":
    case "GET /api/":
      return "not-used"
  }
  const resource = /^(GET|POST|PATCH|PUT) \/api\/([a-z_]+)\/(:id\/)?$/.exec(key)
  const item: Record<string, Schema.Schema<unknown, unknown>> = {
    tags: as(Tag),
    correspondents: as(Correspondent),
    document_types: as(DocumentType),
    storage_paths: as(StoragePath),
    custom_fields: as(CustomField),
    share_links: as(ShareLink),
    saved_views: as(SavedView),
    users: as(User),
    groups: as(Group),
  }
  const schema = resource?.[2] === undefined ? undefined : item[resource[2]]
  if (resource === null || schema === undefined) throw new Error(`no decoder for ${key} (${fixture.file})`)
  return resource[1] === "GET" && resource[3] === undefined ? as(Page(schema)) : schema
}

const decode = (fixture: Fixture, schema: Schema.Schema<unknown, unknown>) =>
  Effect.runSync(
    Effect.either(decodeBody(schema, fixture.request.method, fixture.request.pathTemplate)(fixture.response)),
  )

/**
 * API versions below 9 exist only on 2.20; the client never asks for them. Their answers are still
 * run through the v9/v10 schemas: the ones whose shape changed must fail with a decode error that
 * names the field (the typed-error path on a real unexpected answer), the rest must decode.
 */
const OLD_SHAPES_THAT_MUST_FAIL: Readonly<Record<string, string>> = {
  "tags.get.v1.json": "color",
  "tags.list.v1.json": "results.0.color",
  "tags.create.v1-colour.json": "color",
  "custom_fields.create.select-v5-string-options.json": "extra_data.select_options.0",
  "custom_fields.get.select.v6.json": "extra_data.select_options.0",
  "custom_fields.list.v5.json": "results",
  "custom_fields.create.select-v6-object-options.json": "extra_data.select_options.0",
}

const isSuccess = (status: number) => status >= 200 && status < 300

for (const generation of ["3.0", "2.20"] as const) {
  describe(`every ${generation} fixture decodes`, () => {
    const fixtures = loadFixtures(generation)
    const oldVersion = (fixture: Fixture) => Number(fixture.apiVersion) < 9

    it.each(
      fixtures.filter((fixture) => isSuccess(fixture.status) && !oldVersion(fixture)).map((f) => [f.file, f]),
    )("%s", (_file, fixture) => {
      const decoder = decoderFor(fixture)
      if (decoder === "not-used") return
      if (decoder === "empty") {
        expect(fixture.status).toBe(204)
        expect(fixture.response).toBeNull()
        return
      }
      if (decoder === "file") {
        expect(fixture.responseHeaders["content-type"]).toBeTruthy()
        const disposition = fixture.responseHeaders["content-disposition"]
        if (disposition !== undefined) expect(filenameFromContentDisposition(disposition)).toBeTruthy()
        return
      }
      const result = decode(fixture, decoder)
      if (fixture.request.headers?.Accept === "text/html") {
        // DRF's browsable HTML page: the client never asks for it, and must not take it for data.
        expect(Either.isLeft(result)).toBe(true)
        return
      }
      if (Either.isLeft(result)) throw new Error(result.left.message)
    })

    it.each(fixtures.filter((fixture) => !isSuccess(fixture.status)).map((f) => [f.file, f]))(
      "error %s",
      (_file, fixture) => {
        const parsed = parseErrorBody(
          fixture.responseHeaders["content-type"],
          typeof fixture.response === "string" ? fixture.response : JSON.stringify(fixture.response ?? ""),
        )
        if (fixture.status === 304) return
        if (fixture.status >= 300 && fixture.status < 400) {
          // Redirects (the /api/ root, unknown share slugs) have empty bodies: nothing to report.
          expect(fixture.responseHeaders.location).toBeTruthy()
          return
        }
        const said = parsed.detail ?? parsed.text ?? JSON.stringify(parsed.fieldErrors)
        expect(said, fixture.file).toBeTruthy()
        expect(said.length).toBeGreaterThan(2)
      },
    )

    it.each(
      fixtures.filter((fixture) => isSuccess(fixture.status) && oldVersion(fixture)).map((f) => [f.file, f]),
    )("old API version %s", (file, fixture) => {
      const decoder = decoderFor(fixture)
      if (typeof decoder === "string") return
      const result = decode(fixture, decoder)
      const expectedField = OLD_SHAPES_THAT_MUST_FAIL[file]
      if (expectedField === undefined) {
        if (Either.isLeft(result)) throw new Error(result.left.message)
        return
      }
      expect(Either.isLeft(result)).toBe(true)
      if (Either.isLeft(result)) {
        expect(result.left).toBeInstanceOf(PaperlessDecodeError)
        expect(result.left.field.startsWith(expectedField)).toBe(true)
        expect(result.left.message).toContain(fixture.request.pathTemplate)
      }
    })
  })
}
