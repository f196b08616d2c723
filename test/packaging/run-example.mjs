// Copied into the throwaway project: starts both simulators from the INSTALLED @paperbridge/testkit,
// hands their addresses to one example through the environment a user would set, and exits with the
// example's exit code.
import { spawn } from "node:child_process"
import { writeFileSync } from "node:fs"
import { makePdf, startPaperlessSimulator, startPapraSimulator } from "@paperbridge/testkit"

const [example] = process.argv.slice(2)
const invoice = { fileName: "invoice-0815.txt", bytes: "ACME invoice 0815" }
const paperless = await startPaperlessSimulator({
  consumeMs: 0,
  corpus: { documents: [{ ...invoice, title: "ACME invoice 0815" }] },
})
const papra = await startPapraSimulator({
  extractionDelayMs: 0,
  corpus: { documents: [{ name: invoice.fileName, bytes: invoice.bytes }] },
})
writeFileSync("invoice.pdf", makePdf(["ACME invoice 4711", "Total: 42 EUR"]))

const child = spawn(process.execPath, [example], {
  stdio: "inherit",
  env: {
    ...process.env,
    PAPERLESS_URL: paperless.url,
    PAPERLESS_TOKEN: paperless.token,
    PAPRA_URL: papra.url,
    PAPRA_API_KEY: papra.apiKey,
    PAPRA_ORG_ID: papra.organizationId,
  },
})
const code = await new Promise((resolve) => child.on("exit", (status) => resolve(status ?? 1)))
await paperless.close()
await papra.close()
process.exit(code)
