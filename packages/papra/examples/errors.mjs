// Plain JavaScript: failures are the same error classes as the Effect API's.
import { connectPapra, PapraApiError, PapraRequestError } from "@paperbridge/papra"

const papra = await connectPapra({
  baseUrl: process.env.PAPRA_URL ?? "http://localhost:1221",
  apiKey: process.env.PAPRA_API_KEY ?? "",
  organizationId: process.env.PAPRA_ORG_ID ?? "",
})
try {
  await papra.documents.get(`doc_${"0".repeat(24)}`)
} catch (error) {
  if (!(error instanceof PapraApiError)) throw error
  console.log(`${error.status} ${error.code} from ${error.endpoint}`)
}
try {
  await papra.documents.get("doc_short") // checked before anything is sent
} catch (error) {
  if (!(error instanceof PapraRequestError)) throw error
  console.log(`refused before sending: ${error.field}: ${error.problem}`)
}
await papra.close()
