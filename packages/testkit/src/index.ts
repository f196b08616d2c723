export * from "./faults.js"
export * from "./http-server.js"
export * from "./pdf.js"
