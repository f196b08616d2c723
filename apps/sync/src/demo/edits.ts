import { DocumentId, PaperlessClient, type TagId } from "@paperbridge/paperless"
import { PapraClient, PapraDocumentId } from "@paperbridge/papra"
import { makePdf } from "@paperbridge/testkit"
import * as Chunk from "effect/Chunk"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import type { DemoCorpus } from "./corpus.js"

/** The demo's archives were not as the migration left them: the demo cannot go on. */
export class DemoSetupError extends Data.TaggedError("DemoSetupError")<{ readonly reason: string }> {
  override get message() {
    return `The demo could not edit its servers: ${this.reason}`
  }
}

/** What the demo changed on each side between the migration and the first sync. */
export interface DemoEdits {
  /** Renamed and tagged on Paperless, tagged differently on Papra: the sync merges both. */
  readonly merged: {
    readonly paperlessId: number
    readonly papraId: string
    readonly title: string
    readonly renamed: string
    readonly paperlessTag: string
    readonly papraTag: string
  }
  /** Renamed differently on each side: a conflict. */
  readonly conflicted: {
    readonly paperlessId: number
    readonly papraId: string
    readonly title: string
    readonly paperless: string
    readonly papra: string
  }
  /** Moved to Papra's trash: the sync trashes it on Paperless too. */
  readonly trashed: { readonly paperlessId: number; readonly title: string }
  /** Uploaded to Papra only: the sync carries it to Paperless. */
  readonly added: { readonly name: string; readonly fileName: string }
}

// Top-level tags only: a child tag would bring its parents along on one side and not the other.
const TAG_CHOICES = ["Work", "Health", "Home", "Travel ✈"]

/** Two tags the document does not carry yet (nor through a child of it), one for each side. */
const newTagsFor = (corpus: DemoCorpus, tags: ReadonlyArray<string>) => {
  const parentOf = new Map(corpus.tags.map((tag) => [tag.name, tag.parent]))
  const held = new Set<string>()
  for (const tag of tags) {
    let current: string | undefined = tag
    while (current !== undefined && !held.has(current)) {
      held.add(current)
      current = parentOf.get(current)
    }
  }
  const [paperless, papra] = TAG_CHOICES.filter((tag) => !held.has(tag))
  return { paperless: paperless ?? "Work", papra: papra ?? "Health" }
}

const paperlessTagId = (name: string) =>
  Effect.flatMap(PaperlessClient, (paperless) =>
    paperless.tags.stream().pipe(
      Stream.filter((tag) => tag.name === name),
      Stream.runHead,
      Effect.flatMap((found) =>
        found._tag === "Some"
          ? Effect.succeed(found.value.id)
          : new DemoSetupError({ reason: `no tag "${name}" on Paperless` }),
      ),
    ),
  )

// Papra tag names are unique case-insensitively, so that is how one is looked up.
const papraTagId = (name: string) =>
  Effect.flatMap(PapraClient, (papra) =>
    Effect.flatMap(papra.tags.list(), (tags) => {
      const found = tags.find((tag) => tag.name.toLowerCase() === name.toLowerCase())
      return found === undefined
        ? new DemoSetupError({ reason: `no tag "${name}" on Papra` })
        : Effect.succeed(found.id)
    }),
  )

/** Finds the Papra copy of a Paperless document by its title (the migration names it so). */
const papraDocumentsByName = Effect.flatMap(PapraClient, (papra) =>
  Effect.map(Stream.runCollect(papra.documents.stream()), (documents) => {
    const byName = new Map(Chunk.toReadonlyArray(documents).map((document) => [document.name, document.id]))
    return (title: string) => {
      const id = byName.get(title)
      return id === undefined
        ? new DemoSetupError({ reason: `"${title}" is not on Papra after the migration` })
        : Effect.succeed(id)
    }
  }),
)

/**
 * What a person does in both archives between syncs, through the servers' own APIs: the corpus's
 * first three documents (`paperlessIds` in the corpus's order) are edited so that one merges
 * cleanly, one conflicts and one is trashed, and a new scan is uploaded to Papra.
 */
export const editBothSides = (corpus: DemoCorpus, paperlessIds: ReadonlyArray<number>) =>
  Effect.gen(function* () {
    const paperless = yield* PaperlessClient
    const papra = yield* PapraClient
    const [first, second, third] = corpus.documents
    const [firstId, secondId, thirdId] = paperlessIds
    if (
      first === undefined ||
      second === undefined ||
      third === undefined ||
      firstId === undefined ||
      secondId === undefined ||
      thirdId === undefined
    )
      return yield* new DemoSetupError({ reason: "the corpus needs at least three documents" })
    const papraIdOf = yield* papraDocumentsByName
    const firstOnPapra = yield* papraIdOf(first.title)
    const secondOnPapra = yield* papraIdOf(second.title)
    const thirdOnPapra = yield* papraIdOf(third.title)

    const tags = newTagsFor(corpus, first.tags)
    const renamed = `${first.title} (paid)`
    const current = yield* paperless.documents.get(DocumentId.make(firstId))
    yield* paperless.documents.update(DocumentId.make(firstId), { title: renamed })
    const paperlessTag: TagId = yield* paperlessTagId(tags.paperless)
    yield* paperless.documents.setTags(DocumentId.make(firstId), [...current.tags, paperlessTag])
    yield* papra.documents.addTag(firstOnPapra, yield* papraTagId(tags.papra))

    const conflicted = {
      paperless: `${second.title} (edited on Paperless)`,
      papra: `${second.title} (edited on Papra)`,
    }
    yield* paperless.documents.update(DocumentId.make(secondId), { title: conflicted.paperless })
    yield* papra.documents.update(secondOnPapra, { name: conflicted.papra })

    yield* papra.documents.delete(thirdOnPapra)

    const fileName = "Parking permit 2026.pdf"
    const bytes = makePdf(["Parking permit 2026", "Zone B", "valid until 2026-12-31"])
    const uploaded = yield* papra.documents.upload({
      blob: new Blob([bytes], { type: "application/pdf" }),
      fileName,
      mimeType: "application/pdf",
    })

    return {
      merged: {
        paperlessId: firstId,
        papraId: firstOnPapra,
        title: first.title,
        renamed,
        paperlessTag: tags.paperless,
        papraTag: tags.papra,
      },
      conflicted: {
        paperlessId: secondId,
        papraId: secondOnPapra,
        title: second.title,
        ...conflicted,
      },
      trashed: { paperlessId: thirdId, title: third.title },
      added: { name: uploaded.name, fileName },
    } satisfies DemoEdits
  })

/** One document as each side shows it now: title (Papra's name) and tag names, sorted. */
export interface BothCopies {
  readonly paperless: { readonly title: string; readonly tags: ReadonlyArray<string> }
  readonly papra: { readonly title: string; readonly tags: ReadonlyArray<string> }
}

export const readBothCopies = (paperlessId: number, papraId: string) =>
  Effect.gen(function* () {
    const paperless = yield* PaperlessClient
    const papra = yield* PapraClient
    const document = yield* paperless.documents.get(DocumentId.make(paperlessId))
    const tags = Chunk.toReadonlyArray(yield* Stream.runCollect(paperless.tags.stream()))
    const tagName = new Map(tags.map((tag) => [tag.id as number, tag.name]))
    const copy = yield* papra.documents.get(PapraDocumentId.make(papraId))
    return {
      paperless: {
        title: document.title,
        tags: document.tags.map((id) => tagName.get(id) ?? `#${id}`).sort(),
      },
      papra: { title: copy.name, tags: copy.tags.map((tag) => tag.name).sort() },
    } satisfies BothCopies
  })

/** The Paperless documents titled so (the sync names a document carried from Papra after it). */
export const paperlessTitled = (title: string) =>
  Effect.flatMap(PaperlessClient, (paperless) =>
    Effect.map(paperless.documents.list({ title__icontains: title }), (page) =>
      page.results.map((document) => ({ id: document.id as number, title: document.title })),
    ),
  )
