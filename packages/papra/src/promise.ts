import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import pLimit from "p-limit"
import { make, type PapraClientConfig, type PapraClientShape } from "./client.js"

/** An Effect result as a Promise caller sees it: `Option` becomes `A | undefined`, byte streams web streams. */
export type PromiseValue<A> =
  A extends Option.Option<infer Value>
    ? Value | undefined
    : A extends { readonly stream: Stream.Stream<infer Bytes, infer _E, infer _R> }
      ? Omit<A, "stream"> & { readonly stream: ReadableStream<Bytes> }
      : A

type PromisifiedResult<R> =
  R extends Effect.Effect<infer A, infer _E, infer _R>
    ? Promise<PromiseValue<A>>
    : R extends Stream.Stream<infer A, infer _E, infer _R>
      ? AsyncIterable<A>
      : Promisified<R>

/** The client's shape with every Effect turned into a Promise and every Stream into an AsyncIterable. */
export type Promisified<T> = T extends (...args: infer P) => infer R
  ? (...args: P) => PromisifiedResult<R>
  : T extends object
    ? { readonly [K in keyof T]: Promisified<T[K]> }
    : T

export type PapraPromiseClient = Promisified<PapraClientShape> & {
  /** Releases the runtime; calls made afterwards fail. */
  readonly close: () => Promise<void>
}

export interface PapraPromiseClientConfig extends PapraClientConfig {
  /** The HTTP client to use; `fetch` by default. */
  readonly httpClient?: Layer.Layer<HttpClient.HttpClient>
}

/**
 * The Papra client for code that does not use Effect. Calls return Promises that reject with the
 * same tagged errors (`PapraApiError`, `PapraDecodeError`, …); lists are async iterables; at most
 * `concurrency` calls run at once.
 */
export const createPapraClient = (config: PapraPromiseClientConfig): PapraPromiseClient => {
  const runtime = ManagedRuntime.make(config.httpClient ?? FetchHttpClient.layer)
  const client = runtime.runSync(make(config))
  const limit = pLimit(Math.max(1, config.concurrency ?? 8))

  const toPromiseValue = (value: unknown): unknown => {
    if (Option.isOption(value)) return Option.getOrUndefined(value)
    if (
      typeof value === "object" &&
      value !== null &&
      "stream" in value &&
      Stream.StreamTypeId in Object(value.stream)
    ) {
      return { ...value, stream: Stream.toReadableStream(value.stream as Stream.Stream<Uint8Array>) }
    }
    return value
  }

  const run = (effect: Effect.Effect<unknown, unknown>) =>
    limit(() =>
      runtime.runPromiseExit(effect).then((exit) => {
        if (Exit.isSuccess(exit)) return toPromiseValue(exit.value)
        throw Cause.squash(exit.cause)
      }),
    )

  const promisify = (target: object): object =>
    Object.fromEntries(
      Object.entries(target).map(([key, value]) => {
        if (typeof value === "function") {
          return [
            key,
            (...args: ReadonlyArray<unknown>) => {
              const result: unknown = value(...args)
              if (Effect.isEffect(result)) return run(result as Effect.Effect<unknown, unknown>)
              if (typeof result === "object" && result !== null && Stream.StreamTypeId in result) {
                return Stream.toAsyncIterable(result as Stream.Stream<unknown, unknown>)
              }
              return typeof result === "object" && result !== null ? promisify(result) : result
            },
          ]
        }
        return [key, typeof value === "object" && value !== null ? promisify(value) : value]
      }),
    )

  return { ...(promisify(client) as Promisified<PapraClientShape>), close: () => runtime.dispose() }
}
