export * from "./faults.js"
export * from "./http-server.js"
export * from "./papra/index.js"
export * from "./pdf.js"
