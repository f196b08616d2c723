/**
 * HTTP plumbing shared by the paperbridge clients: retry with Retry-After, Content-Disposition, the Promise facade.
 *
 * @packageDocumentation
 * @module @paperbridge/http
 */
export * from "./content-disposition.js"
export * from "./promise-facade.js"
export * from "./retry.js"
