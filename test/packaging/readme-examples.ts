import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"

/**
 * README code blocks that show an example file: a `<!-- example: examples/x.ts -->` line, then a
 * fenced block holding the file exactly. `node --import tsx test/packaging/inline-examples.ts`
 * rewrites the blocks from the files; the test checks nothing drifted.
 */
export const root = join(import.meta.dirname, "..", "..")

const marker = /<!-- example: (examples\/[^ ]+) -->\n```(\w+)\n[\s\S]*?\n```/g

export const readmePath = (name: string) => join(root, "packages", name, "README.md")

export const exampleFiles = (name: string): ReadonlyArray<string> =>
  readdirSync(join(root, "packages", name, "examples")).map((file) => `examples/${file}`)

/** The README as it should be: every marked block replaced by its file. */
export const inlined = (name: string): string =>
  readFileSync(readmePath(name), "utf8").replace(marker, (_, file: string, language: string) => {
    const code = readFileSync(join(root, "packages", name, file), "utf8").trimEnd()
    return `<!-- example: ${file} -->\n\`\`\`${language}\n${code}\n\`\`\``
  })

/** The example files a README shows. */
export const shownExamples = (name: string): ReadonlyArray<string> =>
  [...readFileSync(readmePath(name), "utf8").matchAll(marker)].map((match) => match[1] ?? "")
