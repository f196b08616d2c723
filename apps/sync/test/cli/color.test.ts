import { afterEach, describe, expect, it } from "vitest"
import { colorAllowed } from "../../src/cli/console.js"
import { type CliWorld, runPaperbridge, startCliWorld } from "./run.js"

const ESC = "\u001b"

let world: CliWorld | undefined
afterEach(async () => {
  await world?.close()
  world = undefined
})

describe("escape codes only where colour is wanted", { timeout: 30_000 }, () => {
  it("follows no-color.org: any non-empty NO_COLOR, or a stdout that is no terminal, turns colour off", () => {
    expect(colorAllowed({ noColor: undefined, stdoutIsTTY: true })).toBe(true)
    expect(colorAllowed({ noColor: "", stdoutIsTTY: true })).toBe(true)
    expect(colorAllowed({ noColor: "1", stdoutIsTTY: true })).toBe(false)
    expect(colorAllowed({ noColor: "false", stdoutIsTTY: true })).toBe(false)
    expect(colorAllowed({ noColor: undefined, stdoutIsTTY: false })).toBe(false)
  })

  it("styles the help on a terminal, and prints it plain into a pipe or under NO_COLOR", async () => {
    const styled = await runPaperbridge(["--help"], { tty: true })
    expect(styled.exitCode).toBe(0)
    expect(styled.stdout.join("\n")).toContain(ESC)

    for (const run of [
      await runPaperbridge(["--help"]),
      await runPaperbridge(["--help"], { tty: true, color: false }),
    ]) {
      expect(run.exitCode).toBe(0)
      const text = run.stdout.join("\n")
      expect(text).toContain("USAGE")
      expect(text).toContain("migrate")
      expect(text).not.toContain(ESC)
    }
  })

  it("prints the version and a usage error without escape codes off a terminal", async () => {
    const version = await runPaperbridge(["--version"])
    expect(version.exitCode).toBe(0)
    expect(version.stdout.join("\n")).toContain("0.1.0")
    expect(version.all).not.toContain(ESC)

    const usage = await runPaperbridge(["migrate", "--no-such-flag"])
    expect(usage.exitCode).toBe(2)
    expect(usage.stderr.join("\n")).toMatch(/no-such-flag/)
    expect(usage.all).not.toContain(ESC)
  })

  it("takes escape codes a server sent in a title out of the lines it prints into a pipe", async () => {
    world = await startCliWorld({ documents: 1 })
    world.paperless.seed({
      documents: [{ fileName: "red.txt", bytes: "red title\n", title: `${ESC}[31mRed title${ESC}[0m` }],
    })
    const run = await runPaperbridge(["migrate", ...world.serverFlags], { env: world.env })
    expect(run.exitCode).toBe(0)
    expect(run.stdout.join("\n")).toMatch(/document \d+ "Red title": copied/)
    expect(run.all).not.toContain(ESC)
  })
})
