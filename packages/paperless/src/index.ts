export * from "./versions.js"
