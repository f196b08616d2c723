export { paperbridge, runCli } from "./cli.js"
