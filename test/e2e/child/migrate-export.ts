// Run by the export crash suite in a child process that the test SIGKILLs mid-upload: loads the
// engine, waits for a line on stdin, then migrates the export named in the environment into the
// simulator named there: a Paperless one when PB_E2E_PAPERLESS_URL is set, else a Papra one.
import { createInterface } from "node:readline"
import { runExportIntoPaperless, runExportMigration } from "../from-export.js"

const required = (name: string) => {
  const value = process.env[name]
  if (value === undefined || value === "") throw new Error(`${name} is not set`)
  return value
}

process.stdout.write("ready\n")

createInterface({ input: process.stdin }).once("line", () => {
  const common = {
    location: required("PB_E2E_EXPORT"),
    statePath: required("PB_E2E_STATE_PATH"),
    reportDirectory: required("PB_E2E_REPORT_DIR"),
  }
  const paperlessUrl = process.env.PB_E2E_PAPERLESS_URL
  const run =
    paperlessUrl === undefined
      ? runExportMigration({
          ...common,
          papra: {
            url: required("PB_E2E_PAPRA_URL"),
            apiKey: required("PB_E2E_PAPRA_API_KEY"),
            organizationId: required("PB_E2E_PAPRA_ORG_ID"),
          },
        })
      : runExportIntoPaperless({
          ...common,
          paperless: { url: paperlessUrl, token: required("PB_E2E_PAPERLESS_TOKEN") },
        })
  run.then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`)
      process.exit(1)
    },
  )
})
