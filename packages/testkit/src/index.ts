/**
 * In-memory HTTP simulators of Paperless-ngx and Papra with fault injection.
 *
 * @packageDocumentation
 * @module @paperbridge/testkit
 */
export * from "./clock.js"
export * from "./faults.js"
export * from "./http-server.js"
export * from "./paperless/index.js"
export * from "./papra/index.js"
export * from "./pdf.js"
