import { execFile } from "node:child_process"
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { exampleExpectations, examplePackages } from "./examples.js"

/**
 * What a user gets from the registry: every package packed with `pnpm pack` (its `prepack` builds
 * `dist`, and `publishConfig.exports` drops the `source` condition), installed with npm into a project
 * in the OS temp directory, far from the workspace's node_modules and links. The README examples run
 * there, compiled with the project's own tsc, against simulators from the installed testkit; the CLI
 * is installed globally (into a prefix) and run from there.
 */
const root = join(import.meta.dirname, "..", "..")
// Dependencies first: a package's build reads the `dist` types of the ones it depends on.
const packed = [
  "packages/http",
  "packages/mapping",
  "packages/paperless",
  "packages/papra",
  "packages/testkit",
  "apps/sync",
]

const run = promisify(execFile)
const workspace = mkdtempSync(join(tmpdir(), "paperbridge-outside-"))
const tarballs = join(workspace, "tarballs")
const project = join(workspace, "project")
const globalPrefix = join(workspace, "global")

const installedVersion = (name: string): string =>
  (JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8")) as { version: string })
    .version

// A child vitest must not think it is a worker of this one.
const userEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("VITEST")))

const inProject = (command: string, args: ReadonlyArray<string>) =>
  run(command, args, { cwd: project, env: { ...userEnv, NO_COLOR: "1" }, maxBuffer: 64 * 1024 * 1024 })

const tarballPaths = () => readdirSync(tarballs).map((file) => join(tarballs, file))

const npmInstall = ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"]

beforeAll(async () => {
  mkdirSync(tarballs)
  for (const dir of packed)
    await run("pnpm", ["pack", "--pack-destination", tarballs], { cwd: join(root, dir) })
  mkdirSync(project)
  writeFileSync(
    join(project, "package.json"),
    JSON.stringify({ name: "outside-project", private: true, type: "module" }, null, 2),
  )
  writeFileSync(
    join(project, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        strict: true,
        skipLibCheck: true,
        types: ["node"],
        rootDir: "examples",
        outDir: "dist",
      },
      include: ["examples"],
    }),
  )
  for (const name of examplePackages) {
    cpSync(join(root, "packages", name, "examples"), join(project, "examples", name), { recursive: true })
  }
  cpSync(join(import.meta.dirname, "run-example.mjs"), join(project, "run-example.mjs"))
  await inProject("npm", [
    ...npmInstall,
    ...tarballPaths().filter((file) => !file.includes("paperbridge-sync-")),
    `typescript@${installedVersion("typescript")}`,
    "@types/node@^20.19.0",
    `vitest@${installedVersion("vitest")}`,
  ])
}, 900_000)

afterAll(() => rm(workspace, { recursive: true, force: true }), 300_000)

describe("the packages installed from their tarballs in a project outside the workspace", () => {
  it("install without a source condition or a workspace link", () => {
    for (const name of ["http", "mapping", "paperless", "papra", "testkit"]) {
      const manifest = readFileSync(
        join(project, "node_modules", "@paperbridge", name, "package.json"),
        "utf8",
      )
      expect(manifest).not.toContain('"source"')
      expect(manifest).not.toContain("workspace:")
    }
  })

  it("compile the TypeScript examples with the project's tsc", async () => {
    const { stdout } = await inProject("node", ["node_modules/typescript/bin/tsc", "-p", "tsconfig.json"])
    expect(stdout).toBe("")
  }, 300_000)

  it.each(exampleExpectations.filter((example) => !example.file.endsWith(".test.ts")))(
    "run $file against the installed simulators",
    async ({ file, prints }) => {
      const compiled = file.endsWith(".ts")
        ? join("dist", file.replace(/\.ts$/, ".js"))
        : join("examples", file)
      const { stdout } = await inProject("node", ["run-example.mjs", compiled])
      // Shown in the run's output: what a user sees running the example.
      console.log(`$ node ${compiled}\n${stdout}`)
      for (const line of prints) expect(stdout).toContain(line)
    },
    120_000,
  )

  it("run the testkit example as the user's own vitest test", async () => {
    const { stdout } = await inProject("node", ["node_modules/vitest/vitest.mjs", "run", "examples/testkit"])
    expect(stdout).toMatch(/Tests\s+\d+ passed/)
    expect(stdout).not.toMatch(/failed|skipped/)
  }, 300_000)
})

describe("the CLI installed the way users install CLIs", () => {
  const paperbridge = () => join(globalPrefix, "bin", "paperbridge")

  beforeAll(async () => {
    // The packages the CLI needs are packed beside it and installed in the same command.
    await inProject("npm", [...npmInstall, "--global", "--prefix", globalPrefix, ...tarballPaths()])
  }, 900_000)

  it("answers --version with the package's version", async () => {
    const { version } = JSON.parse(readFileSync(join(root, "apps/sync/package.json"), "utf8")) as {
      version: string
    }
    const { stdout } = await run(paperbridge(), ["--version"], { cwd: tmpdir() })
    expect(stdout.trim()).toBe(version)
  })

  it("runs the demo to the end from outside the workspace", async () => {
    const { stdout } = await run(paperbridge(), ["demo"], {
      cwd: tmpdir(),
      env: { ...userEnv, NO_COLOR: "1" },
    })
    expect(stdout).toMatch(/Verified \d+ linked documents/)
    expect(stdout).toContain("Exit code 0")
  }, 900_000)
})
