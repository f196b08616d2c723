import { createHash } from "node:crypto"
import * as Fs from "node:fs"
import * as FsPromises from "node:fs/promises"
import * as Path from "node:path"
import { pipeline } from "node:stream/promises"
import { makePdf } from "@paperbridge/testkit"

/**
 * A `document_exporter` folder in the 3.0 shape (test/fixtures/paperless-export/README.md) with
 * `documents` small text documents and, when `bigFileBytes` > 0, one large PDF whose bulk is not
 * text: what the memory figure of a migration from an export is measured on. The manifest is
 * written record by record, as the exporter streams it.
 */
export const writeGeneratedExport = async (directory: string, documents: number, bigFileBytes: number) => {
  await FsPromises.mkdir(directory, { recursive: true })
  await FsPromises.writeFile(Path.join(directory, "metadata.json"), JSON.stringify({ version: "3.0.5" }))
  const manifest = Fs.createWriteStream(Path.join(directory, "manifest.json"))
  const write = (text: string) =>
    new Promise<void>((resolve) => (manifest.write(text) ? resolve() : manifest.once("drain", resolve)))
  let first = true
  const record = (value: unknown) => {
    const text = `${first ? "[\n" : ",\n"}${JSON.stringify(value)}`
    first = false
    return write(text)
  }
  const matching = { owner: 1, match: "", matching_algorithm: 0, is_insensitive: true }
  for (const [pk, name] of [
    [1, "Inbox"],
    [2, "Finance"],
    [3, "Taxes"],
  ] as const)
    await record({
      model: "documents.tag",
      pk,
      fields: { ...matching, name, color: "#a6cee3", is_inbox_tag: pk === 1, tn_parent: pk === 3 ? 2 : null },
    })
  await record({ model: "documents.correspondent", pk: 1, fields: { ...matching, name: "ACME" } })
  await record({
    model: "documents.customfield",
    pk: 1,
    fields: { name: "Amount", data_type: "monetary", extra_data: { default_currency: "EUR" } },
  })
  // A secret-bearing record, as every real export has: it must be skipped unread.
  await record({ model: "auth.user", pk: 1, fields: { username: "admin", password: "pbkdf2_sha256$bench" } })
  const document = (pk: number, name: string, bytes: Buffer | { sha256: string }, mime: string) => ({
    model: "documents.document",
    pk,
    fields: {
      title: `Document ${pk}`,
      content: `Generated document ${pk}`,
      correspondent: pk % 3 === 0 ? 1 : null,
      document_type: null,
      storage_path: null,
      owner: 1,
      mime_type: mime,
      checksum: "sha256" in bytes ? bytes.sha256 : createHash("sha256").update(bytes).digest("hex"),
      archive_checksum: null,
      page_count: null,
      created: "2024-01-02",
      modified: "2026-12-02T01:00:00.000Z",
      added: `2026-12-02T01:00:00.${String(pk % 1000).padStart(3, "0")}Z`,
      original_filename: name,
      archive_serial_number: null,
      deleted_at: null,
      root_document: null,
      version_index: null,
      version_label: null,
      tags: pk % 2 === 0 ? [1, 3] : [1],
    },
    __exported_file_name__: name,
  })
  for (let pk = 1; pk <= documents; pk++) {
    const name = `document-${pk}.txt`
    const bytes = Buffer.from(`Generated document ${pk}\n`)
    await FsPromises.writeFile(Path.join(directory, name), bytes)
    await record(document(pk, name, bytes, "text/plain"))
    if (pk % 5 === 0)
      await record({
        model: "documents.customfieldinstance",
        pk,
        fields: { document: pk, field: 1, value_monetary: `EUR${pk}.00` },
      })
  }
  if (bigFileBytes > 0) {
    const name = "big-scan.pdf"
    const hash = createHash("sha256")
    const head = makePdf(["Big scan"])
    const out = Fs.createWriteStream(Path.join(directory, name))
    const chunk = Buffer.alloc(1024 * 1024, "%")
    async function* bytes() {
      yield head
      for (let written = 0; written < bigFileBytes; written += chunk.length)
        yield chunk.subarray(0, Math.min(chunk.length, bigFileBytes - written))
    }
    await pipeline(
      bytes(),
      async function* (source) {
        for await (const part of source) {
          hash.update(part as Buffer)
          yield part
        }
      },
      out,
    )
    await record(document(documents + 1, name, { sha256: hash.digest("hex") }, "application/pdf"))
  }
  await write("\n]\n")
  await new Promise<void>((resolve) => manifest.end(resolve))
}
