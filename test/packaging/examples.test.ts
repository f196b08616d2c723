import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { exampleExpectations, examplePackages } from "./examples.js"
import { exampleFiles, inlined, readmePath, shownExamples } from "./readme-examples.js"

describe.each(examplePackages)("the %s README", (name) => {
  it("shows every example file, as it is", () => {
    // On a failure: node --import tsx test/packaging/inline-examples.ts
    expect(readFileSync(readmePath(name), "utf8")).toBe(inlined(name))
    expect([...shownExamples(name)].sort()).toEqual([...exampleFiles(name)].sort())
  })

  it("has every example run by the outside-project test", () => {
    const run = exampleExpectations
      .map((example) => example.file)
      .filter((file) => file.startsWith(`${name}/`))
    expect(run.map((file) => `examples/${file.slice(name.length + 1)}`).sort()).toEqual(
      [...exampleFiles(name)].sort(),
    )
  })
})
