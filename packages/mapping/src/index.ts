/**
 * Pure translation of Paperless-ngx and Papra metadata, with a lossiness report.
 *
 * @packageDocumentation
 * @module @paperbridge/mapping
 */
export * from "./classifiers.js"
export * from "./colors.js"
export * from "./config.js"
export * from "./custom-fields.js"
export * from "./dates.js"
export * from "./definition-sync.js"
export * from "./definitions.js"
export * from "./documents.js"
export * from "./links.js"
export * from "./lossiness.js"
export * from "./merge.js"
export * from "./names.js"
export * from "./notes.js"
export * from "./paperless-copy.js"
export * from "./snapshot.js"
export * from "./tags.js"
