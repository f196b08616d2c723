import * as Terminal from "@effect/platform/Terminal"
import * as Paperless from "@paperbridge/paperless"
import * as Papra from "@paperbridge/papra"
import * as Data from "effect/Data"
import { ConfigError, ExitCode } from "../config/errors.js"
import { InvalidFilter, MappingFailed, ServerGone, TargetLostLinks } from "../engine/errors.js"
import {
  ExportArchiveDamaged,
  type ExportError,
  ExportRecordInvalid,
  NotAnExport,
  UnknownExportVersion,
} from "../export/errors.js"
import { RunInProgressError, StateStoreError } from "../state/errors.js"

/**
 * A command could not do its job: what to tell the user (never a secret) and the exit code.
 * Every error a command meets is turned into one of these at the edge, by `explainFailure`.
 */
export class CliFailure extends Data.TaggedError("CliFailure")<{
  readonly exitCode: ExitCode
  readonly lines: ReadonlyArray<string>
}> {
  override get message() {
    return this.lines.join("\n")
  }
}

const unreachable = (...lines: ReadonlyArray<string>) =>
  new CliFailure({ exitCode: ExitCode.unreachable, lines })
const usage = (...lines: ReadonlyArray<string>) => new CliFailure({ exitCode: ExitCode.usage, lines })

/** An export that cannot be read at all: the user fixes the path or makes the export again. */
const isBadExport = (error: unknown): error is ExportError =>
  error instanceof NotAnExport ||
  error instanceof UnknownExportVersion ||
  error instanceof ExportArchiveDamaged ||
  error instanceof ExportRecordInvalid

const paperlessHint = "check PAPERLESS_URL (paperless.url) and that the server is up"
const papraHint = "check PAPRA_URL (papra.url) and that the server is up"

const explainPaperless = (error: Paperless.PaperlessError): CliFailure | undefined => {
  switch (error._tag) {
    case "PaperlessApiError":
      if (error.status === 401)
        return unreachable(
          `Paperless-ngx refused the credentials (${error.method} ${error.endpoint} answered 401).`,
          'Check PAPERLESS_TOKEN (or PAPERLESS_USERNAME and PAPERLESS_PASSWORD with paperless.auth "password").',
        )
      if (error.status === 403)
        return unreachable(
          `Paperless-ngx: the user lacks a permission (${error.method} ${error.endpoint} answered 403).`,
          "Use a token of a user allowed to view and change documents, tags, correspondents, document types, storage paths and custom fields.",
        )
      return undefined
    case "PaperlessTransportError":
      return unreachable(`Cannot reach Paperless-ngx: ${error.message}.`, paperlessHint)
    case "PaperlessUnsupportedServer":
      return unreachable(
        `${error.message}.`,
        "paperbridge speaks Paperless-ngx 2.20.x and 3.0.x (API 9 and 10); check PAPERLESS_URL points at one of those.",
      )
    default:
      return undefined
  }
}

const explainPapra = (error: Papra.PapraError): CliFailure | undefined => {
  switch (error._tag) {
    case "PapraApiError":
      if (error.status === 401 || error.code === "auth.unauthorized")
        return unreachable(
          `Papra refused the API key (${error.endpoint} answered 401 ${error.code}).`,
          "Check PAPRA_API_KEY: it may be wrong, revoked, or lack a permission this command needs.",
        )
      if (error.code === "user.not_in_organization")
        return unreachable(
          `Papra: the API key's user is not a member of the configured organization (${error.endpoint}).`,
          "Check papra.organizationId (--papra-org); `paperbridge init` lists the organizations the key can see.",
        )
      return undefined
    case "PapraTransportError":
      return error.reason === "InvalidUrl"
        ? usage(`Papra URL is not valid: ${error.message}.`, "check PAPRA_URL (papra.url)")
        : unreachable(`Cannot reach Papra: ${error.message}.`, papraHint)
    default:
      return undefined
  }
}

/**
 * Exit codes (issue 6): 2 for what the user can fix in the config or the command line, 3 when a
 * server cannot be reached or refuses the credentials, 1 for anything that stopped a run midway.
 */
export const explainFailure = (error: unknown): CliFailure => {
  if (error instanceof CliFailure) return error
  if (error instanceof ConfigError) return usage(...error.message.split("\n"))
  if (error instanceof InvalidFilter || error instanceof MappingFailed || error instanceof TargetLostLinks)
    return usage(error.message)
  if (error instanceof RunInProgressError) return usage(error.message)
  if (error instanceof ServerGone)
    return unreachable(`${error.message}.`, error.server === "Papra" ? papraHint : paperlessHint)
  if (isBadExport(error))
    return usage(
      error.message,
      "check --from-export (export) names a complete document_exporter folder or ZIP",
    )
  if (error instanceof Terminal.QuitException) return usage("Cancelled; nothing was written.")
  if (error instanceof StateStoreError)
    return usage(error.message, "check --state (statePath) points at a writable paperbridge state file")
  const known =
    error instanceof Paperless.PaperlessApiError ||
    error instanceof Paperless.PaperlessTransportError ||
    error instanceof Paperless.PaperlessUnsupportedServer
      ? explainPaperless(error)
      : error instanceof Papra.PapraApiError || error instanceof Papra.PapraTransportError
        ? explainPapra(error)
        : undefined
  if (known !== undefined) return known
  const message =
    error instanceof Error || (typeof error === "object" && error !== null && "message" in error)
      ? String((error as { message: unknown }).message)
      : String(error)
  return new CliFailure({ exitCode: ExitCode.partial, lines: [`The run stopped: ${message}`] })
}
