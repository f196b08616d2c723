export * from "./faults.js"
export * from "./http-server.js"
