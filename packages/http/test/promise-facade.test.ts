import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { describe, expect, it } from "vitest"
import { makePromiseClient } from "../src/index.js"

class NotThere extends Data.TaggedError("NotThere")<{ readonly id: number }> {}

/** Lets every microtask and I/O callback queued so far run, without a timer. */
const drain = () => new Promise<void>((resolve) => setImmediate(resolve))

let openGate: () => void = () => undefined
const gate = new Promise<void>((resolve) => {
  openGate = resolve
})

const fakeClient = Effect.sync(() => {
  let inFlight = 0
  let mostInFlight = 0
  return {
    inFlight: () => inFlight,
    mostInFlight: () => mostInFlight,
    slow: () =>
      Effect.acquireUseRelease(
        Effect.sync(() => {
          inFlight += 1
          mostInFlight = Math.max(mostInFlight, inFlight)
        }),
        () => Effect.promise(() => gate),
        () => Effect.sync(() => (inFlight -= 1)),
      ),
    find: (id: number) => Effect.succeed(id === 1 ? Option.some("one") : Option.none()),
    get: (id: number) => (id === 1 ? Effect.succeed("one") : Effect.fail(new NotThere({ id }))),
    list: () => Stream.make(1, 2, 3),
    nested: {
      file: () => Effect.succeed({ name: "a.txt", stream: Stream.make(new TextEncoder().encode("bytes")) }),
    },
  }
})

describe("the shared Promise facade", () => {
  it("keeps at most `concurrency` calls running", async () => {
    const client = await makePromiseClient({ services: Layer.empty, client: fakeClient, concurrency: 2 })
    const calls = Promise.all(Array.from({ length: 5 }, () => client.slow()))
    await drain()
    expect(client.inFlight()).toBe(2)
    openGate()
    await calls
    expect(client.mostInFlight()).toBe(2)
    await client.close()
  })

  it("turns Option into undefined, Streams into async iterables, byte streams into web streams", async () => {
    const client = await makePromiseClient({ services: Layer.empty, client: fakeClient, concurrency: 8 })
    expect(await client.find(1)).toBe("one")
    expect(await client.find(2)).toBeUndefined()
    const seen: Array<number> = []
    for await (const item of client.list()) seen.push(item)
    expect(seen).toEqual([1, 2, 3])
    const file = await client.nested.file()
    expect(await new Response(file.stream).text()).toBe("bytes")
    await client.close()
  })

  it("rejects with the Effect API's own error, not a wrapper", async () => {
    const client = await makePromiseClient({ services: Layer.empty, client: fakeClient, concurrency: 8 })
    const failure = await client.get(2).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(NotThere)
    expect(failure).toMatchObject({ id: 2 })
    await client.close()
  })
})
