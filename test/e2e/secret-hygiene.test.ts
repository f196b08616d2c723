import { execFile } from "node:child_process"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { makeDemoCorpus, seedPaperless } from "@paperbridge/sync/demo"
import { startPaperlessSimulator, startPapraSimulator } from "@paperbridge/testkit"
import { describe, expect, it } from "vitest"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../..")
const binaryArgs = [
  "--conditions=source",
  "--import",
  Path.join(root, "test/node_modules/tsx/dist/loader.mjs"),
  Path.join(root, "apps/sync/src/bin.ts"),
]

interface Run {
  readonly args: ReadonlyArray<string>
  readonly code: number
  readonly output: string
}

/**
 * The real binary in a child process, so that whatever it prints by any route (its console, Effect's
 * logger, a stray console.log, Node's own warnings) is in the captured streams.
 */
const paperbridge = (cwd: string, args: ReadonlyArray<string>, env: Record<string, string>) =>
  new Promise<Run>((resolve) => {
    execFile(
      process.execPath,
      [...binaryArgs, ...args],
      { cwd, env: { PATH: process.env.PATH ?? "", NO_COLOR: "1", ...env }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1
        resolve({ args, code, output: `${stdout}\n${stderr}` })
      },
    )
  })

const base64At = (secret: string, offset: number) => {
  // A secret inside a longer base64 text (e.g. "Token <secret>") is encoded at any of three byte
  // alignments; the groups touching its first and last bytes depend on the neighbours, so drop them.
  const encoded = Buffer.concat([Buffer.alloc(offset), Buffer.from(secret)]).toString("base64")
  return encoded.slice(offset === 0 ? 0 : 4, -4)
}

/** Each secret in the forms it could leak as: plain, base64 (both alphabets, any alignment), URL-encoded, hex, UTF-16. */
const needles = (secrets: Record<string, string>) =>
  Object.entries(secrets).flatMap(([name, secret]) => [
    { name: `${name} plain`, bytes: Buffer.from(secret) },
    { name: `${name} url-encoded`, bytes: Buffer.from(encodeURIComponent(secret)) },
    { name: `${name} hex`, bytes: Buffer.from(Buffer.from(secret).toString("hex")) },
    { name: `${name} utf-16`, bytes: Buffer.from(secret, "utf16le") },
    ...[0, 1, 2].flatMap((offset) => {
      const b64 = base64At(secret, offset)
      return [
        { name: `${name} base64@${offset}`, bytes: Buffer.from(b64) },
        {
          name: `${name} base64url@${offset}`,
          bytes: Buffer.from(b64.replaceAll("+", "-").replaceAll("/", "_")),
        },
      ]
    }),
  ])

const filesUnder = async (directory: string): Promise<Array<string>> => {
  const entries = await Fs.readdir(directory, { withFileTypes: true, recursive: true })
  // tsx caches the compiled sources under TMPDIR, the testkit's fixed simulator password among them.
  return entries
    .filter((entry) => entry.isFile() && !/(^|\/)tsx-\d+(\/|$)/.test(entry.parentPath))
    .map((entry) => Path.join(entry.parentPath, entry.name))
}

/** Where any needle occurs: in the named texts and in every file under `directory`, read as bytes. */
const leaks = async (
  secrets: Record<string, string>,
  texts: ReadonlyArray<{ readonly name: string; readonly text: string }>,
  directory: string,
) => {
  const sources = [
    ...texts.map(({ name, text }) => ({ name, bytes: Buffer.from(text) })),
    ...(await Promise.all(
      (
        await filesUnder(directory)
      ).map(async (file) => ({
        name: Path.relative(directory, file),
        bytes: await Fs.readFile(file),
      })),
    )),
  ]
  return sources.flatMap((source) =>
    needles(secrets)
      .filter((needle) => source.bytes.includes(needle.bytes))
      .map((needle) => `${needle.name} in ${source.name}`),
  )
}

// Each start of the binary compiles its sources through tsx: seconds apiece on a busy machine.
describe("secret hygiene", { timeout: 240_000 }, () => {
  it("the scan finds a secret planted in a file, in each encoding it looks for", async () => {
    const scratch = await Fs.mkdtemp(Path.join(Os.tmpdir(), "paperbridge-scan-"))
    try {
      const secret = "0123456789abcdef0123456789abcdef01234567"
      await Fs.mkdir(Path.join(scratch, "nested"))
      await Fs.writeFile(
        Path.join(scratch, "nested", "header.txt"),
        `Authorization: Basic ${btoa(`admin:${secret}`)}`,
      )
      await Fs.writeFile(
        Path.join(scratch, "plain.db"),
        Buffer.concat([Buffer.from([0, 1]), Buffer.from(secret)]),
      )
      await Fs.writeFile(Path.join(scratch, "query.txt"), `?token=${encodeURIComponent(`a b ${secret}`)}`)
      const found = await leaks({ SECRET: secret }, [{ name: "stderr", text: `Token ${secret}` }], scratch)
      expect(found).toEqual(
        expect.arrayContaining([
          "SECRET plain in stderr",
          "SECRET plain in plain.db",
          "SECRET plain in query.txt",
          expect.stringMatching(/^SECRET base64@\d in nested\/header\.txt$/),
        ]),
      )
      expect(await leaks({ SECRET: "not-there-at-all-xyz" }, [], scratch)).toEqual([])
    } finally {
      await Fs.rm(scratch, { recursive: true, force: true })
    }
  })

  it("init, plan, migrate, status, verify, sync and failing runs leave no token in output or files", async () => {
    const paperless = await startPaperlessSimulator({ generation: "3.0", consumeMs: 1, throttleToken: false })
    const papra = await startPapraSimulator({ extractionDelayMs: 1 })
    const directory = await Fs.mkdtemp(Path.join(Os.tmpdir(), "paperbridge-secrets-"))
    try {
      seedPaperless(paperless, makeDemoCorpus({ documents: 3, oversized: false }))
      // Temp spools and anything written "at home" land inside the scanned directory too.
      await Fs.mkdir(Path.join(directory, "tmp"))
      await Fs.mkdir(Path.join(directory, "home"))
      const wrongToken = "feedfacefeedfacefeedfacefeedfacefeedface"
      const wrongKey = `ppapi_${"Wr0ngKey".repeat(8)}`
      const secrets = {
        PAPERLESS_TOKEN: paperless.token,
        PAPRA_API_KEY: papra.apiKey,
        PAPERLESS_PASSWORD: paperless.password,
        BASIC_AUTH: `${paperless.username}:${paperless.password}`,
        WRONG_TOKEN: wrongToken,
        WRONG_KEY: wrongKey,
      }
      const baseEnv = { TMPDIR: Path.join(directory, "tmp"), HOME: Path.join(directory, "home") }
      const env = { ...baseEnv, PAPERLESS_TOKEN: paperless.token, PAPRA_API_KEY: papra.apiKey }
      const passwordEnv = {
        ...baseEnv,
        PAPERLESS_USERNAME: paperless.username,
        PAPERLESS_PASSWORD: paperless.password,
        PAPRA_API_KEY: papra.apiKey,
      }
      const run = (args: ReadonlyArray<string>, runEnv: Record<string, string> = env) =>
        paperbridge(directory, args, runEnv)
      const runs: Array<Run> = []
      const expectCode = async (
        code: number,
        args: ReadonlyArray<string>,
        runEnv?: Record<string, string>,
      ) => {
        const result = await run(args, runEnv)
        runs.push(result)
        expect(result.code, `${args.join(" ")}\n${result.output}`).toBe(code)
      }

      await expectCode(0, ["init", "--paperless-url", paperless.url, "--papra-url", papra.url])
      await expectCode(0, ["plan"])
      await expectCode(0, ["plan", "--json"])
      // The first upload refused: a failure recorded in the state file and reported.
      papra.faults.add({
        method: "POST",
        path: /\/documents$/,
        times: 1,
        fault: { kind: "status", status: 500 },
      })
      const failed = await run(["migrate"])
      runs.push(failed)
      expect(failed.code).not.toBe(0)
      await expectCode(0, ["migrate", "--json"])
      await expectCode(0, ["status"])
      await expectCode(0, ["status", "--json"])
      await expectCode(0, ["verify"])
      await expectCode(0, ["sync", "--plan"])
      await expectCode(0, ["sync"])
      await expectCode(0, ["sync", "--json"])
      // Basic auth: its own config, read by a plan.
      const passwordInit = ["init", "--config", "password.json", "--paperless-auth", "password"]
      await expectCode(
        0,
        [...passwordInit, "--paperless-url", paperless.url, "--papra-url", papra.url],
        passwordEnv,
      )
      await expectCode(0, ["plan", "--config", "password.json"], passwordEnv)
      // Error paths: a server that cannot be reached, refused credentials of either server.
      await expectCode(3, ["plan", "--papra-url", "http://127.0.0.1:1"])
      await expectCode(3, ["migrate"], { ...env, PAPERLESS_TOKEN: wrongToken })
      await expectCode(3, ["sync"], { ...env, PAPRA_API_KEY: wrongKey })
      // A refused password is exit 1, not 3 (the /api/token/ 400 is not read as refused credentials).
      await expectCode(1, ["plan", "--config", "password.json"], {
        ...passwordEnv,
        PAPERLESS_PASSWORD: wrongToken,
      })

      const files = await filesUnder(directory)
      expect(files.some((file) => file.endsWith("state.db"))).toBe(true)
      expect(files.some((file) => file.endsWith("paperbridge.json"))).toBe(true)
      const texts = runs.map(({ args, output }) => ({ name: `output of ${args.join(" ")}`, text: output }))
      expect(await leaks(secrets, texts, directory)).toEqual([])
    } finally {
      await Promise.all([paperless.close(), papra.close()])
      await Fs.rm(directory, { recursive: true, force: true })
    }
  })
})
