import { connectPapra } from "@paperbridge/papra"

const papra = await connectPapra({
  baseUrl: process.env.PAPRA_URL ?? "http://localhost:1221",
  apiKey: process.env.PAPRA_API_KEY ?? "",
  organizationId: process.env.PAPRA_ORG_ID ?? "",
  concurrency: 4,
})
const organization = await papra.organizations.get(process.env.PAPRA_ORG_ID ?? "")
console.log(`Papra organization ${organization.name}`)

// Lists are async iterables that fetch one page at a time; the filter is Papra's search syntax.
for await (const document of papra.documents.stream({ searchQuery: "invoice", sortOrder: "desc" })) {
  console.log(`${document.id} ${document.name}`)
}
await papra.close()
