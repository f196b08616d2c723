// Plain JavaScript: failures are the same error classes as the Effect API's.
import {
  connectPaperless,
  PaperlessApiError,
  PaperlessAuth,
  PaperlessInvalidRequest,
} from "@paperbridge/paperless"

const paperless = await connectPaperless({
  baseUrl: process.env.PAPERLESS_URL ?? "http://localhost:8000",
  auth: PaperlessAuth.token(process.env.PAPERLESS_TOKEN ?? ""),
})
try {
  await paperless.documents.get(424242)
} catch (error) {
  if (!(error instanceof PaperlessApiError)) throw error
  console.log(`${error.status} from ${error.endpoint}: ${error.detail}`)
}
try {
  await paperless.documents.get(-1) // checked before anything is sent
} catch (error) {
  if (!(error instanceof PaperlessInvalidRequest)) throw error
  console.log(`refused before sending: ${error.reason}`)
}
await paperless.close()
