import * as Data from "effect/Data"

/** Where in an export a problem sits: the file, and the manifest record when there is one. */
const at = (file: string, record?: string) => (record === undefined ? file : `${file} (${record})`)

/** The path is neither a `document_exporter` folder nor its ZIP. */
export class NotAnExport extends Data.TaggedError("NotAnExport")<{
  readonly path: string
  readonly reason: string
}> {
  override get message() {
    return `${this.path} is not a Paperless-ngx export: ${this.reason}`
  }
}

/** `metadata.json` names a Paperless-ngx version whose manifest paperbridge was not built for. */
export class UnknownExportVersion extends Data.TaggedError("UnknownExportVersion")<{
  readonly file: string
  readonly version: string
  readonly known: ReadonlyArray<string>
}> {
  override get message() {
    return `${this.file}: an export of Paperless-ngx ${this.version}; known are ${this.known.join(", ")}`
  }
}

/** A manifest record names a file the export does not hold. */
export class ExportFileMissing extends Data.TaggedError("ExportFileMissing")<{
  readonly file: string
  readonly record: string
}> {
  override get message() {
    return `${at(this.file, this.record)}: the manifest names this file, but the export does not hold it`
  }
}

/** A file's bytes are not the ones the manifest's checksum says: nothing is uploaded. */
export class ExportChecksumMismatch extends Data.TaggedError("ExportChecksumMismatch")<{
  readonly file: string
  readonly record: string
  readonly expected: string
  readonly actual: string
}> {
  override get message() {
    return `${at(this.file, this.record)}: checksum ${this.actual}, the manifest says ${this.expected}: the file is damaged`
  }
}

/** The ZIP cannot be read (cut short, or not a ZIP at all), or a file in it cannot. */
export class ExportArchiveDamaged extends Data.TaggedError("ExportArchiveDamaged")<{
  readonly file: string
  readonly reason: string
}> {
  override get message() {
    return `${this.file}: cannot be read (${this.reason}); is the export complete?`
  }
}

/** A manifest record that is not in the shape its model has. */
export class ExportRecordInvalid extends Data.TaggedError("ExportRecordInvalid")<{
  readonly file: string
  readonly record: string
  readonly problem: string
}> {
  override get message() {
    return `${at(this.file, this.record)}: ${this.problem}`
  }
}

export type ExportError =
  | NotAnExport
  | UnknownExportVersion
  | ExportFileMissing
  | ExportChecksumMismatch
  | ExportArchiveDamaged
  | ExportRecordInvalid
