/**
 * Typed Effect client for the Papra HTTP API.
 *
 * @packageDocumentation
 * @module @paperbridge/papra
 */
export * from "./api-keys.js"
export * from "./client.js"
export * from "./custom-properties.js"
export * from "./documents.js"
export * from "./errors.js"
export * from "./ids.js"
export * from "./organizations.js"
export { maxPageSize } from "./pagination.js"
export * from "./promise.js"
export * from "./retry.js"
export * from "./server.js"
export * from "./tags.js"
export type { Route, RouteInfo } from "./transport.js"
