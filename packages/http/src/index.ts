/**
 * HTTP plumbing shared by the paperbridge clients: retry with Retry-After, Content-Disposition, streamed multipart uploads, the Promise facade.
 *
 * @packageDocumentation
 * @module @paperbridge/http
 */
export * from "./content-disposition.js"
export * from "./fetch-client.js"
export * from "./multipart.js"
export * from "./promise-facade.js"
export * from "./retry.js"
