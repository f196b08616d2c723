export * from "./corpus.js"
export * from "./seed.js"
