import type * as HttpClient from "@effect/platform/HttpClient"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { PaperlessAuth } from "./auth.js"
import { type BulkEdit, makeBulkEdit } from "./bulk-edit.js"
import { type Correspondents, makeCorrespondents } from "./correspondents.js"
import { type CustomFields, makeCustomFields } from "./custom-fields.js"
import { type DocumentTypes, makeDocumentTypes } from "./document-types.js"
import { type Documents, makeDocuments } from "./documents.js"
import type { PaperlessError } from "./errors.js"
import { type Files, makeFiles } from "./files.js"
import {
  type MailAccounts,
  type MailRules,
  makeMailAccounts,
  makeMailRules,
  makeProcessedMail,
} from "./mail.js"
import { makeNotes, type Notes } from "./notes.js"
import { makeSavedViews, type SavedViews } from "./saved-views.js"
import { makeSearch, type Search } from "./search.js"
import { makeShareLinks, type ShareLinks } from "./share-links.js"
import { makeStoragePaths, type StoragePaths } from "./storage-paths.js"
import { makeSystem, type System } from "./system.js"
import { makeTags, type Tags } from "./tags.js"
import { makeTasks, type Tasks } from "./tasks.js"
import { makeTransport, type TransportConfig } from "./transport.js"
import { makeTrash, type Trash } from "./trash.js"
import { makeUpload, type Upload } from "./upload.js"
import { type Groups, makeGroups, makeProfile, makeUsers, type ProfileApi, type Users } from "./users.js"
import type { ServerInfo } from "./versions.js"
import { makeWorkflowActions, makeWorkflows, makeWorkflowTriggers, type Workflows } from "./workflows.js"

export type PaperlessClientConfig = TransportConfig

export interface PaperlessApi {
  /** Version negotiation result; the first call of any method triggers it once. */
  readonly server: Effect.Effect<ServerInfo, PaperlessError>
  readonly documents: Documents
  readonly files: Files
  readonly upload: Upload
  readonly tasks: Tasks
  readonly notes: Notes
  readonly trash: Trash
  readonly bulkEdit: BulkEdit
  readonly search: Search
  readonly system: System
  readonly profile: ProfileApi
  readonly tags: Tags
  readonly correspondents: Correspondents
  readonly documentTypes: DocumentTypes
  readonly storagePaths: StoragePaths
  readonly customFields: CustomFields
  readonly shareLinks: ShareLinks
  readonly savedViews: SavedViews
  readonly users: Users
  readonly groups: Groups
  readonly mailAccounts: MailAccounts
  readonly mailRules: MailRules
  readonly processedMail: ReturnType<typeof makeProcessedMail>
  readonly workflows: Workflows
  readonly workflowTriggers: ReturnType<typeof makeWorkflowTriggers>
  readonly workflowActions: ReturnType<typeof makeWorkflowActions>
}

/** Builds the client over whichever `HttpClient` the environment provides. */
export const make = (
  config: PaperlessClientConfig,
): Effect.Effect<PaperlessApi, never, HttpClient.HttpClient> =>
  Effect.map(makeTransport(config), (transport) => {
    const tags = makeTags(transport)
    const documents = makeDocuments(transport, tags)
    return {
      server: transport.server,
      documents,
      files: makeFiles(transport),
      upload: makeUpload(transport),
      tasks: makeTasks(transport),
      notes: makeNotes(transport),
      trash: makeTrash(transport),
      bulkEdit: makeBulkEdit(transport),
      search: makeSearch(transport, documents),
      system: makeSystem(transport),
      profile: makeProfile(transport),
      tags,
      correspondents: makeCorrespondents(transport),
      documentTypes: makeDocumentTypes(transport),
      storagePaths: makeStoragePaths(transport),
      customFields: makeCustomFields(transport),
      shareLinks: makeShareLinks(transport),
      savedViews: makeSavedViews(transport),
      users: makeUsers(transport),
      groups: makeGroups(transport),
      mailAccounts: makeMailAccounts(transport),
      mailRules: makeMailRules(transport),
      processedMail: makeProcessedMail(transport),
      workflows: makeWorkflows(transport),
      workflowTriggers: makeWorkflowTriggers(transport),
      workflowActions: makeWorkflowActions(transport),
    }
  })

export class PaperlessClient extends Context.Tag("@paperbridge/paperless/PaperlessClient")<
  PaperlessClient,
  PaperlessApi
>() {}

export const layer = (
  config: PaperlessClientConfig,
): Layer.Layer<PaperlessClient, never, HttpClient.HttpClient> => Layer.effect(PaperlessClient, make(config))

/**
 * `PAPERLESS_URL` plus either `PAPERLESS_TOKEN` or `PAPERLESS_USERNAME`/`PAPERLESS_PASSWORD`
 * (exchanged once for the user's token). Secrets are read as `Redacted`.
 */
export const authConfig: Config.Config<PaperlessAuth> = Config.redacted("PAPERLESS_TOKEN").pipe(
  Config.map((token) => PaperlessAuth.token(token)),
  Config.orElse(() =>
    Config.all([Config.string("PAPERLESS_USERNAME"), Config.redacted("PAPERLESS_PASSWORD")]).pipe(
      Config.map(([username, password]) => PaperlessAuth.credentials(username, password)),
    ),
  ),
)

export const clientConfig: Config.Config<PaperlessClientConfig> = Config.all({
  baseUrl: Config.string("PAPERLESS_URL"),
  auth: authConfig,
})

export const layerConfig: Layer.Layer<PaperlessClient, ConfigError.ConfigError, HttpClient.HttpClient> =
  Layer.unwrapEffect(Effect.map(clientConfig, layer))
