import type * as HttpClient from "@effect/platform/HttpClient"
import type * as Brand from "effect/Brand"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import pLimit from "p-limit"
import { fetchLayer } from "./fetch-client.js"

/** Values passed through as they are: taking them apart field by field would only blur their types. */
type Opaque = Uint8Array | ArrayBuffer | Blob | ReadableStream<unknown> | Date | URL | FormData

/**
 * An argument as code without Effect passes it: a branded id is its plain number or string (the
 * client checks it before sending), everywhere inside the argument.
 */
export type Loosened<T> = T extends number & Brand.Brand<infer _K>
  ? number
  : T extends string & Brand.Brand<infer _K>
    ? string
    : T extends Opaque | ((...args: never) => unknown)
      ? T
      : T extends ReadonlyArray<infer Item>
        ? ReadonlyArray<Loosened<Item>>
        : T extends object
          ? { [K in keyof T]: Loosened<T[K]> }
          : T

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

/**
 * An Effect client's shape for Promise code: every Effect is a Promise, every Stream an async
 * iterable, every branded id argument a plain value. An Effect held as a property (not returned by a
 * function) becomes a function of no arguments.
 */
export type Promisified<T> = {
  readonly [K in keyof T]: T[K] extends (...args: infer Args) => infer R
    ? (...args: { [I in keyof Args]: Loosened<Args[I]> }) => PromisifiedResult<R>
    : T[K] extends Effect.Effect<infer A, infer _E, infer _R>
      ? () => Promise<PromiseValue<A>>
      : T[K] extends object
        ? Promisified<T[K]>
        : T[K]
}

/** A Promise client: the promisified Effect client plus `close`. */
export type PromiseClient<Api> = Promisified<Api> & {
  /** Ends the client's runtime; calls in flight are interrupted, later calls reject. */
  readonly close: () => Promise<void>
}

export interface PromiseClientSetup<Api, E, R> {
  /** Everything the Effect client needs (its HTTP client, usually `fetchLayer`). */
  readonly services: Layer.Layer<R, E>
  /** Builds the Effect client inside that runtime. */
  readonly client: Effect.Effect<Api, E, R>
  /** Calls in flight at once from this facade (at least 1). */
  readonly concurrency: number
}

const isObject = (value: unknown): value is object => typeof value === "object" && value !== null

const isStream = (value: unknown): value is Stream.Stream<unknown, unknown> =>
  isObject(value) && Stream.StreamTypeId in value

const toPromiseValue = (value: unknown): unknown => {
  if (Option.isOption(value)) return Option.getOrUndefined(value)
  if (isObject(value) && "stream" in value && isStream(value.stream)) {
    return { ...value, stream: Stream.toReadableStream(value.stream as Stream.Stream<Uint8Array>) }
  }
  return value
}

/**
 * The Promise facade of an Effect client, the one design both clients share. Calls reject with the
 * Effect API's own error classes (the failure itself, never a wrapper); an Effect API client is
 * built once, before the first call, so a bad configuration rejects here.
 */
export const makePromiseClient = async <Api extends object, E, R>(
  setup: PromiseClientSetup<Api, E, R>,
): Promise<PromiseClient<Api>> => {
  const runtime = ManagedRuntime.make(setup.services)
  const limit = pLimit(Math.max(1, setup.concurrency))

  const settle = (exit: Exit.Exit<unknown, unknown>): unknown => {
    if (Exit.isSuccess(exit)) return toPromiseValue(exit.value)
    const failure = Cause.failureOption(exit.cause)
    throw Option.isSome(failure) ? failure.value : Cause.squash(exit.cause)
  }
  // The client's calls need nothing from the runtime: it closed over its services when it was built.
  const run = (effect: Effect.Effect<unknown, unknown>) =>
    limit(() => runtime.runPromiseExit(effect).then(settle))

  const promisify = (target: object): object =>
    Object.fromEntries(
      Object.entries(target).map(([key, value]: [string, unknown]) => {
        if (Effect.isEffect(value)) return [key, () => run(value as Effect.Effect<unknown, unknown>)]
        if (typeof value === "function") {
          return [
            key,
            (...args: ReadonlyArray<unknown>) => {
              const result: unknown = value.apply(target, args)
              if (Effect.isEffect(result)) return run(result as Effect.Effect<unknown, unknown>)
              if (isStream(result)) return Stream.toAsyncIterable(result)
              return isObject(result) ? promisify(result) : result
            },
          ]
        }
        return [key, isObject(value) ? promisify(value) : value]
      }),
    )

  const api = await runtime.runPromiseExit(setup.client).then(settle)
  return { ...(promisify(api as Api) as Promisified<Api>), close: () => runtime.dispose() }
}

/** What every Promise client takes besides its Effect client's own configuration. */
export interface PromiseClientOptions {
  /** Calls in flight at once (default 8); the Effect client's own bound reads the same option. */
  readonly concurrency?: number
  /** The HTTP client to use; `fetch` by default. */
  readonly httpClient?: Layer.Layer<HttpClient.HttpClient>
}

/** A client's `connect…` function, from its Effect constructor: the same shape for every client. */
export const promiseConnector =
  <Config, Api extends object>(make: (config: Config) => Effect.Effect<Api, never, HttpClient.HttpClient>) =>
  (options: Config & PromiseClientOptions): Promise<PromiseClient<Api>> =>
    makePromiseClient({
      services: options.httpClient ?? fetchLayer,
      client: make(options),
      concurrency: options.concurrency ?? 8,
    })
