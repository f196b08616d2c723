import * as Data from "effect/Data"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"

/** Papra custom property types (papra `custom-properties.create.unknown-type.json` lists them). */
export const PapraPropertyType = Schema.Literal(
  "text",
  "number",
  "date",
  "boolean",
  "select",
  "multi_select",
  "user_relation",
  "document_relation",
)
export type PapraPropertyType = typeof PapraPropertyType.Type

/** Paperless custom field data types on 3.0.5 and 2.20.x (`multiselect` does not exist: 400). */
export const PaperlessDataType = Schema.Literal(
  "string",
  "url",
  "date",
  "boolean",
  "integer",
  "float",
  "monetary",
  "documentlink",
  "select",
  "longtext",
)
export type PaperlessDataType = typeof PaperlessDataType.Type

/** Where a correspondent, document type or storage path goes on Papra, and comes back from. */
export const ClassifierConfig = (defaults: { readonly name: string; readonly tagPrefix: string }) =>
  Schema.Struct({
    as: Schema.optionalWith(
      Schema.Literal("property", "tag", "none").annotations({
        description:
          "property: an option of a Papra select property; tag: a prefixed Papra tag; none: not carried",
      }),
      {
        default: () => "property" as const,
      },
    ),
    /** Name of the Papra `select` property (mode `property`). */
    name: Schema.optionalWith(Schema.String.pipe(Schema.minLength(1)), { default: () => defaults.name }),
    /** Prefix of the Papra tag (mode `tag`), e.g. "Correspondent: ACME". */
    tagPrefix: Schema.optionalWith(Schema.String.pipe(Schema.minLength(1)), {
      default: () => defaults.tagPrefix,
    }),
  })

/** Per Paperless custom field (keyed by its name): where it goes on Papra. */
export const CustomFieldOverride = Schema.Struct({
  /** Target Papra property name (default: the field's own name). */
  property: Schema.optional(Schema.String.pipe(Schema.minLength(1))),
  /** Target Papra property type (default: see `defaultPapraType`). */
  type: Schema.optional(PapraPropertyType),
  skip: Schema.optional(Schema.Boolean),
})
export type CustomFieldOverride = typeof CustomFieldOverride.Type

/** Per Papra property (keyed by its name): where it goes on Paperless. */
export const PropertyOverride = Schema.Struct({
  /** Target Paperless custom field name (default: the property's own name). */
  field: Schema.optional(Schema.String.pipe(Schema.minLength(1))),
  /** Target Paperless data type (default: see `defaultPaperlessType`). */
  dataType: Schema.optional(PaperlessDataType),
  skip: Schema.optional(Schema.Boolean),
})
export type PropertyOverride = typeof PropertyOverride.Type

const isTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone })
    return true
  } catch {
    return false
  }
}

const TimeZone = Schema.String.pipe(
  Schema.filter((zone) => isTimeZone(zone) || `unknown IANA time zone "${zone}"`),
)

export const MappingConfig = Schema.Struct({
  tags: Schema.optionalWith(
    Schema.Struct({
      /** `path`: a child tag becomes "Parent/Child" on Papra; `leaf`: just "Child". */
      hierarchy: Schema.optionalWith(
        Schema.Literal("path", "leaf").annotations({
          description: 'path: a child tag becomes "Parent/Child" on Papra; leaf: just "Child"',
        }),
        { default: () => "path" as const },
      ),
      separator: Schema.optionalWith(Schema.String.pipe(Schema.minLength(1)), { default: () => "/" }),
    }),
    { default: () => ({ hierarchy: "path" as const, separator: "/" }) },
  ),
  correspondent: Schema.optionalWith(
    ClassifierConfig({ name: "Correspondent", tagPrefix: "Correspondent: " }),
    {
      default: () => ({ as: "property" as const, name: "Correspondent", tagPrefix: "Correspondent: " }),
    },
  ),
  documentType: Schema.optionalWith(
    ClassifierConfig({ name: "Document type", tagPrefix: "Document type: " }),
    {
      default: () => ({ as: "property" as const, name: "Document type", tagPrefix: "Document type: " }),
    },
  ),
  storagePath: Schema.optionalWith(ClassifierConfig({ name: "Storage path", tagPrefix: "Storage path: " }), {
    default: () => ({ as: "property" as const, name: "Storage path", tagPrefix: "Storage path: " }),
  }),
  asn: Schema.optionalWith(
    Schema.Struct({
      as: Schema.optionalWith(Schema.Literal("property", "none"), { default: () => "property" as const }),
      name: Schema.optionalWith(Schema.String.pipe(Schema.minLength(1)), { default: () => "ASN" }),
    }),
    { default: () => ({ as: "property" as const, name: "ASN" }) },
  ),
  /** `text` keeps "EUR12.50" exactly; `number` keeps 12.5 and drops the currency code. */
  monetary: Schema.optionalWith(
    Schema.Literal("text", "number").annotations({
      description: "text keeps EUR12.50 exactly; number keeps 12.5 and drops the currency code",
    }),
    { default: () => "text" as const },
  ),
  /** Time zone that turns a Papra timestamp into a Paperless date, and a date into midnight. */
  timeZone: Schema.optionalWith(
    TimeZone.annotations({
      description: "IANA time zone for Paperless dates ↔ Papra instants, e.g. Europe/Berlin",
    }),
    { default: () => "UTC" },
  ),
  customFields: Schema.optionalWith(
    Schema.Record({ key: Schema.String, value: CustomFieldOverride }).annotations({
      description: "Per Paperless custom field (by name): target property name, Papra type, or skip",
    }),
    {
      default: () => ({}),
    },
  ),
  properties: Schema.optionalWith(
    Schema.Record({ key: Schema.String, value: PropertyOverride }).annotations({
      description: "Per Papra property (by name): target field name, Paperless data type, or skip",
    }),
    {
      default: () => ({}),
    },
  ),
})
export type MappingConfig = typeof MappingConfig.Type
export type MappingConfigInput = typeof MappingConfig.Encoded

export const defaultMappingConfig: MappingConfig = Schema.decodeUnknownSync(MappingConfig)({})

export class MappingConfigError extends Data.TaggedError("MappingConfigError")<{
  /** The offending entry, as a path into the config: `customFields["Amount"].type`. */
  readonly entry: string
  readonly message: string
}> {}

const entryPath = (path: ReadonlyArray<PropertyKey>): string =>
  path
    .map((segment, index) => {
      // Keys of `customFields`/`properties` are user-chosen names: always quoted, as in the messages.
      const isName = index > 0 && (path[index - 1] === "customFields" || path[index - 1] === "properties")
      return typeof segment === "string" && !isName && /^[A-Za-z_$][\w$]*$/.test(segment)
        ? `${index === 0 ? "" : "."}${segment}`
        : `[${JSON.stringify(typeof segment === "symbol" ? String(segment) : segment)}]`
    })
    .join("") || "(config)"

/**
 * Decodes a mapping config (as read from `paperbridge.json`), with defaults filled in. Unknown
 * keys are errors, so a typo is reported instead of silently ignored; every error names its entry.
 */
export const decodeMappingConfig = (input: unknown): Either.Either<MappingConfig, MappingConfigError> =>
  Schema.decodeUnknownEither(MappingConfig, { onExcessProperty: "error", errors: "first" })(input).pipe(
    Either.mapLeft((error) => {
      const [issue] = ParseResult.ArrayFormatter.formatErrorSync(error)
      const entry = issue === undefined ? "(config)" : entryPath(issue.path)
      return new MappingConfigError({
        entry,
        message: `${entry}: ${issue?.message ?? "invalid mapping config"}`,
      })
    }),
    Either.flatMap(checkOverrides),
  )

/** Two fields may share a property only if they agree on its type, and none may take a reserved name. */
const checkOverrides = (config: MappingConfig): Either.Either<MappingConfig, MappingConfigError> => {
  const reserved = new Map<string, string>()
  for (const [key, classifier] of [
    ["correspondent", config.correspondent],
    ["documentType", config.documentType],
    ["storagePath", config.storagePath],
  ] as const) {
    if (classifier.as === "property") reserved.set(classifier.name, key)
  }
  if (config.asn.as === "property") reserved.set(config.asn.name, "asn")
  const byProperty = new Map<
    string,
    { readonly field: string; readonly type: PapraPropertyType | undefined }
  >()
  for (const [field, override] of Object.entries(config.customFields)) {
    if (override.skip === true) continue
    const property = override.property ?? field
    const entry = `customFields[${JSON.stringify(field)}]`
    const owner = reserved.get(property)
    if (owner !== undefined) {
      return Either.left(
        new MappingConfigError({
          entry,
          message: `${entry}: property "${property}" is already used by ${owner}; choose another name`,
        }),
      )
    }
    const earlier = byProperty.get(property)
    if (earlier !== undefined && earlier.type !== override.type) {
      return Either.left(
        new MappingConfigError({
          entry,
          message: `${entry}: maps onto property "${property}" as ${override.type ?? "its default type"}, but customFields[${JSON.stringify(earlier.field)}] maps onto it as ${earlier.type ?? "its default type"}`,
        }),
      )
    }
    byProperty.set(property, { field, type: override.type })
  }
  const byField = new Map<
    string,
    { readonly property: string; readonly dataType: PaperlessDataType | undefined }
  >()
  for (const [property, override] of Object.entries(config.properties)) {
    if (override.skip === true) continue
    const field = override.field ?? property
    const entry = `properties[${JSON.stringify(property)}]`
    const earlier = byField.get(field)
    if (earlier !== undefined && earlier.dataType !== override.dataType) {
      return Either.left(
        new MappingConfigError({
          entry,
          message: `${entry}: maps onto field "${field}" as ${override.dataType ?? "its default type"}, but properties[${JSON.stringify(earlier.property)}] maps onto it as ${earlier.dataType ?? "its default type"}`,
        }),
      )
    }
    byField.set(field, { property, dataType: override.dataType })
  }
  return Either.right(config)
}
