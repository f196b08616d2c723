import { DocumentId, TagId } from "@paperbridge/paperless"
import { PapraDocumentId } from "@paperbridge/papra"
import * as Effect from "effect/Effect"
import { onServers, PaperlessClient, PapraClient, type SyncWorld } from "./sync-world.js"

/** What a person does in either archive between syncs, through the servers' own APIs. */

export const renameOnPaperless = (w: SyncWorld, id: number, title: string) =>
  onServers(
    w,
    Effect.flatMap(PaperlessClient, (paperless) =>
      paperless.documents.update(DocumentId.make(id), { title }),
    ),
  )

export const renameOnPapra = (w: SyncWorld, id: string, name: string) =>
  onServers(
    w,
    Effect.flatMap(PapraClient, (papra) => papra.documents.update(PapraDocumentId.make(id), { name })),
  )

const papraTagId = (name: string) =>
  Effect.flatMap(PapraClient, (papra) =>
    Effect.map(papra.tags.list(), (tags) => {
      const tag = tags.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase())
      if (tag === undefined) throw new Error(`no tag ${name} on Papra`)
      return tag.id
    }),
  )

export const tagOnPapra = (w: SyncWorld, id: string, name: string, action: "add" | "remove") =>
  onServers(
    w,
    Effect.gen(function* () {
      const papra = yield* PapraClient
      const tag = yield* papraTagId(name)
      yield* action === "add"
        ? papra.documents.addTag(PapraDocumentId.make(id), tag)
        : papra.documents.removeTag(PapraDocumentId.make(id), tag)
    }),
  )

const paperlessTagId = (name: string) =>
  Effect.flatMap(PaperlessClient, (paperless) =>
    Effect.map(paperless.tags.list(), (page) => {
      const tag = page.results.find((candidate) => candidate.name === name)
      if (tag === undefined) throw new Error(`no tag ${name} on Paperless`)
      return tag.id
    }),
  )

export const tagsOnPaperless = (w: SyncWorld, id: number, change: { add?: string; remove?: string }) =>
  onServers(
    w,
    Effect.gen(function* () {
      const paperless = yield* PaperlessClient
      const document = yield* paperless.documents.get(DocumentId.make(id))
      const added = change.add === undefined ? [] : [yield* paperlessTagId(change.add)]
      const removed = change.remove === undefined ? undefined : yield* paperlessTagId(change.remove)
      const tags = [...document.tags.filter((tag) => tag !== removed), ...added]
      yield* paperless.documents.update(DocumentId.make(id), { tags: tags.map((tag) => TagId.make(tag)) })
    }),
  )

export const deleteOnPaperless = (w: SyncWorld, id: number) =>
  onServers(
    w,
    Effect.flatMap(PaperlessClient, (paperless) => paperless.documents.delete(DocumentId.make(id))),
  )

export const deleteOnPapra = (w: SyncWorld, id: string) =>
  onServers(
    w,
    Effect.flatMap(PapraClient, (papra) => papra.documents.delete(PapraDocumentId.make(id))),
  )
