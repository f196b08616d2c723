import type { PaperlessSimulator, SeedDocument } from "@paperbridge/testkit"
import type { DemoCorpus } from "./corpus.js"

/**
 * Loads the demo corpus into a Paperless simulator as if every document had been consumed.
 * Document links refer to titles in the corpus and become ids here, in a second seeding step.
 * Answers the Paperless ids in the corpus's order.
 */
export const seedPaperless = (simulator: PaperlessSimulator, corpus: DemoCorpus) => {
  const toSeed = (
    document: DemoCorpus["documents"][number],
    related?: ReadonlyArray<number>,
  ): SeedDocument => {
    const { Related: _related, ...fields } = document.customFields
    return {
      fileName: document.fileName,
      bytes: document.bytes,
      mimeType: document.mimeType,
      title: document.title,
      created: document.created,
      tags: document.tags,
      ...(document.correspondent === undefined ? {} : { correspondent: document.correspondent }),
      ...(document.documentType === undefined ? {} : { documentType: document.documentType }),
      ...(document.storagePath === undefined ? {} : { storagePath: document.storagePath }),
      ...(document.archiveSerialNumber === undefined ? {} : { asn: document.archiveSerialNumber }),
      notes: document.notes,
      customFields: related === undefined ? fields : { ...fields, Related: related },
    }
  }
  const withoutLinks = corpus.documents.filter((document) => document.customFields.Related === undefined)
  const withLinks = corpus.documents.filter((document) => document.customFields.Related !== undefined)
  const first = simulator.seed({
    tags: corpus.tags.map((tag) => ({
      name: tag.name,
      color: tag.color,
      ...(tag.parent === undefined ? {} : { parent: tag.parent }),
      ...(tag.inbox === true ? { isInboxTag: true } : {}),
    })),
    correspondents: corpus.correspondents.map((name) => ({ name })),
    documentTypes: corpus.documentTypes.map((name) => ({ name })),
    storagePaths: corpus.storagePaths.map((path) => ({ name: path.name, path: path.path })),
    customFields: corpus.customFields.map((field) => ({
      name: field.name,
      dataType: field.dataType,
      ...(field.options === undefined ? {} : { selectOptions: field.options }),
    })),
    documents: withoutLinks.map((document) => toSeed(document)),
  })
  const idByTitle = new Map(withoutLinks.map((document, index) => [document.title, first.documents[index]]))
  const second = simulator.seed({
    documents: withLinks.map((document) => {
      const titles = document.customFields.Related
      const ids = (Array.isArray(titles) ? titles : []).flatMap((title) => {
        const id = idByTitle.get(title)
        return id === undefined ? [] : [id]
      })
      return toSeed(document, ids)
    }),
  })
  const seeded = [...withoutLinks, ...withLinks]
  const ids = [...first.documents, ...second.documents]
  const idOf = new Map(seeded.map((document, index) => [document, ids[index] as number]))
  return corpus.documents.map((document) => idOf.get(document) as number)
}
