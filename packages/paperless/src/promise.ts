import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import pLimit from "p-limit"
import { layer, type PaperlessApi, PaperlessClient, type PaperlessClientConfig } from "./client.js"
import type { DocumentFile } from "./files.js"

/** A file in the Promise facade: the body is a web `ReadableStream`, read once. */
export interface PromiseDocumentFile extends Omit<DocumentFile, "stream"> {
  readonly stream: ReadableStream<Uint8Array>
}

type Plain<R> = R extends DocumentFile ? PromiseDocumentFile : R

/** Effects become Promises and Streams become async iterables, all the way down. */
export type Promisified<T> = {
  readonly [K in keyof T]: T[K] extends (...args: infer Args) => Effect.Effect<infer R, infer _E, never>
    ? (...args: Args) => Promise<Plain<R>>
    : T[K] extends (...args: infer Args) => Stream.Stream<infer R, infer _E, never>
      ? (...args: Args) => AsyncIterable<R>
      : T[K] extends Effect.Effect<infer R, infer _E, never>
        ? () => Promise<R>
        : T[K] extends object
          ? Promisified<T[K]>
          : T[K]
}

export interface PaperlessPromiseClient extends Promisified<PaperlessApi> {
  /** Ends the runtime; pending calls are interrupted. */
  readonly close: () => Promise<void>
}

export interface PromiseClientOptions extends PaperlessClientConfig {
  /** Calls in flight at once from this facade (default 8). */
  readonly maxConcurrent?: number
}

const isStream = (value: unknown): value is Stream.Stream<unknown, unknown> =>
  typeof value === "object" && value !== null && Stream.StreamTypeId in value

const isDocumentFile = (value: unknown): value is DocumentFile =>
  typeof value === "object" && value !== null && "stream" in value && isStream(value.stream)

/**
 * A Promise API over the Effect client for code that does not use Effect. Failures reject with the
 * client's own typed errors (`PaperlessApiError`, `PaperlessTaskFailed`, …), never a wrapper.
 */
export const connect = async (options: PromiseClientOptions): Promise<PaperlessPromiseClient> => {
  const runtime = ManagedRuntime.make(layer(options).pipe(Layer.provide(FetchHttpClient.layer)))
  const api = await runtime.runPromise(PaperlessClient)
  const limit = pLimit(options.maxConcurrent ?? 8)

  const run = <A>(effect: Effect.Effect<A, unknown>): Promise<unknown> =>
    limit(async () => {
      const exit = await runtime.runPromiseExit(effect)
      if (Exit.isSuccess(exit)) {
        const value: unknown = exit.value
        return isDocumentFile(value)
          ? { ...value, stream: Stream.toReadableStream(value.stream as Stream.Stream<Uint8Array>) }
          : value
      }
      const failure = Cause.failureOption(exit.cause)
      throw Option.isSome(failure) ? failure.value : Cause.squash(exit.cause)
    })

  const wrap = (target: object): unknown =>
    new Proxy(target, {
      get: (object, key) => {
        const value: unknown = Reflect.get(object, key)
        if (Effect.isEffect(value)) return () => run(value as Effect.Effect<unknown, unknown>)
        if (typeof value === "function") {
          return (...args: ReadonlyArray<unknown>) => {
            const result: unknown = value.apply(object, args)
            if (Effect.isEffect(result)) return run(result as Effect.Effect<unknown, unknown>)
            if (isStream(result)) return Stream.toAsyncIterable(result)
            return result
          }
        }
        if (typeof value === "object" && value !== null) return wrap(value)
        return value
      },
    })

  const facade = wrap(api) as Promisified<PaperlessApi>
  return Object.assign(Object.create(facade) as PaperlessPromiseClient, {
    close: () => runtime.dispose(),
  })
}
