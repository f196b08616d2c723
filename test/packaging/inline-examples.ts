import { writeFileSync } from "node:fs"
import { examplePackages } from "./examples.js"
import { inlined, readmePath } from "./readme-examples.js"

// Copies each example file into its README block (see readme-examples.ts).
for (const name of examplePackages) writeFileSync(readmePath(name), inlined(name))
