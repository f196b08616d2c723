import { connectPaperless, PaperlessAuth } from "@paperbridge/paperless"

const paperless = await connectPaperless({
  baseUrl: process.env.PAPERLESS_URL ?? "http://localhost:8000",
  auth: PaperlessAuth.token(process.env.PAPERLESS_TOKEN ?? ""),
  concurrency: 4,
})
const server = await paperless.server()
console.log(`Paperless-ngx ${server.serverVersion}, API ${server.apiVersion}`)

// Lists are async iterables that fetch page after page; filters are the server's query parameters.
for await (const document of paperless.documents.stream({
  title__icontains: "invoice",
  ordering: "-created",
})) {
  console.log(`#${document.id} ${document.title}`)
}
await paperless.close()
