import { writeFile } from "node:fs/promises"
import { connectPapra } from "@paperbridge/papra"

const papra = await connectPapra({
  baseUrl: process.env.PAPRA_URL ?? "http://localhost:1221",
  apiKey: process.env.PAPRA_API_KEY ?? "",
  organizationId: process.env.PAPRA_ORG_ID ?? "",
})

// Upload, streamed from disk, then wait for text extraction (a `content` written before it ends is lost).
const uploaded = await papra.documents.upload({ path: "./invoice.pdf", mimeType: "application/pdf" })
const { document, extracted } = await papra.documents.waitForContent(uploaded.id)
console.log(`uploaded ${document.id}, text extracted: ${extracted}`)

// Edit metadata. Ids are plain strings.
const tag = await papra.tags.create({ name: "Invoices", color: "#FF0000" })
await papra.documents.addTag(document.id, tag.id)
const edited = await papra.documents.update(document.id, {
  name: "ACME invoice 4711",
  documentDate: "2024-03-12",
})
console.log(`now named "${edited.name}"`)

// Download: the body is a web ReadableStream; Papra always says octet-stream, the document knows better.
const file = await papra.documents.download(document.id)
const bytes = new Uint8Array(await new Response(file.stream).arrayBuffer())
await writeFile(`copy-of-${file.fileName ?? "document"}`, bytes)
console.log(`downloaded ${file.fileName} (${bytes.length} bytes, ${document.mimeType})`)
await papra.close()
