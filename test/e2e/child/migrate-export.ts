// Run by the export crash suite in a child process that the test SIGKILLs mid-upload: loads the
// engine, waits for a line on stdin, then migrates the export named in the environment into the
// Papra simulator named there.
import { createInterface } from "node:readline"
import { runExportMigration } from "../from-export.js"

const required = (name: string) => {
  const value = process.env[name]
  if (value === undefined || value === "") throw new Error(`${name} is not set`)
  return value
}

process.stdout.write("ready\n")

createInterface({ input: process.stdin }).once("line", () => {
  runExportMigration({
    location: required("PB_E2E_EXPORT"),
    papra: {
      url: required("PB_E2E_PAPRA_URL"),
      apiKey: required("PB_E2E_PAPRA_API_KEY"),
      organizationId: required("PB_E2E_PAPRA_ORG_ID"),
    },
    statePath: required("PB_E2E_STATE_PATH"),
    reportDirectory: required("PB_E2E_REPORT_DIR"),
  }).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`)
      process.exit(1)
    },
  )
})
