export * from "./colors.js"
