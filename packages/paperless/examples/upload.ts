import { writeFile } from "node:fs/promises"
import { connectPaperless, PaperlessAuth } from "@paperbridge/paperless"

const paperless = await connectPaperless({
  baseUrl: process.env.PAPERLESS_URL ?? "http://localhost:8000",
  auth: PaperlessAuth.token(process.env.PAPERLESS_TOKEN ?? ""),
})

// Upload, streamed from disk, then wait for the consumer to turn the task into a document.
const taskId = await paperless.upload.postFromPath("./invoice.pdf", {
  mimeType: "application/pdf",
  title: "ACME invoice 4711",
})
const id = await paperless.tasks.await(taskId)
console.log(`consumed as document #${id}`)

// Edit metadata: a PATCH changes only the named fields. Ids are plain numbers.
const tag = await paperless.tags.create({ name: "Invoices" })
await paperless.documents.update(id, { title: "ACME invoice 4711 (paid)", created: "2024-03-12" })
const edited = await paperless.documents.setTags(id, [tag.id])
console.log(`now titled "${edited.title}", tags ${JSON.stringify(edited.tags)}`)

// Download the original: the body is a web ReadableStream.
const file = await paperless.files.download(id, { original: true })
const bytes = new Uint8Array(await new Response(file.stream).arrayBuffer())
await writeFile(`copy-of-${file.filename ?? "document.pdf"}`, bytes)
console.log(`downloaded ${file.filename} (${bytes.length} bytes, ${file.contentType})`)
await paperless.close()
