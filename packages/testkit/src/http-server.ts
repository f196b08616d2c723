import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import * as Effect from "effect/Effect"
import { type Fault, FaultPlan } from "./faults.js"

/** What a simulator route sees: the request with its body read, and the parsed URL. */
export interface SimRequest {
  readonly method: string
  readonly url: URL
  readonly headers: Http.IncomingHttpHeaders
  readonly body: Buffer
}

export interface SimResponse {
  readonly status: number
  readonly headers?: Readonly<Record<string, string | number>>
  /** A Buffer or string is sent as is; anything else is sent as JSON. Omitted for no body. */
  readonly body?: unknown
}

export type SimHandler = (request: SimRequest) => SimResponse | Promise<SimResponse>

/** How a simulator renders an injected status fault in its own server's error shape. */
export type FaultResponder = (status: number) => SimResponse

export interface RecordedRequest {
  readonly method: string
  readonly path: string
  readonly status: number
}

export interface RunningServer {
  readonly url: string
  readonly port: number
  readonly faults: FaultPlan
  /** Every request answered so far, in order (faulted ones included). */
  readonly requests: ReadonlyArray<RecordedRequest>
  /**
   * Goes down as a killed server does: open connections are cut (a request being answered gets
   * no answer, though what it did is kept) and new ones are refused, until `start`.
   */
  stop(): Promise<void>
  /** Comes back on the same port, with everything it held: a restarted server. */
  start(): Promise<void>
  close(): Promise<void>
}

export interface ListenOptions {
  readonly host?: string
  readonly port?: number
  readonly seed?: number
  readonly faultResponse: FaultResponder
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

const readBody = (request: Http.IncomingMessage) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Array<Buffer> = []
    request.on("data", (chunk: Buffer) => chunks.push(chunk))
    request.on("end", () => resolve(Buffer.concat(chunks)))
    request.on("error", reject)
  })

const encode = (response: SimResponse): { headers: Record<string, string | number>; body: Buffer } => {
  const headers: Record<string, string | number> = { ...response.headers }
  if (response.body === undefined) return { headers, body: Buffer.alloc(0) }
  if (Buffer.isBuffer(response.body)) return { headers, body: response.body }
  if (typeof response.body === "string" && headers["content-type"] !== undefined) {
    return { headers, body: Buffer.from(response.body) }
  }
  headers["content-type"] ??= "application/json"
  return { headers, body: Buffer.from(JSON.stringify(response.body)) }
}

const writeSlowly = async (res: Http.ServerResponse, body: Buffer, bytesPerSecond: number) => {
  const tick = 50
  const piece = Math.max(1, Math.floor((bytesPerSecond * tick) / 1000))
  for (let offset = 0; offset < body.length; offset += piece) {
    if (res.destroyed) return
    res.write(body.subarray(offset, offset + piece))
    await sleep(tick)
  }
  res.end()
}

const findFault = <K extends Fault["kind"]>(faults: ReadonlyArray<Fault>, kind: K) =>
  faults.find((fault): fault is Extract<Fault, { kind: K }> => fault.kind === kind)

/**
 * Starts an HTTP server on a real socket (random port unless one is given). Simulators use it so
 * that clients talk to them exactly as they would to the real servers.
 */
export const listen = async (handler: SimHandler, options: ListenOptions): Promise<RunningServer> => {
  const faults = new FaultPlan(options.seed)
  const requests: Array<RecordedRequest> = []

  const respond = async (req: Http.IncomingMessage, res: Http.ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://simulator")
    const drawn = faults.draw(req.method ?? "GET", url.pathname)
    const record = (status: number) =>
      requests.push({ method: req.method ?? "GET", path: url.pathname, status })
    const body = await readBody(req)

    const latency = findFault(drawn, "latency")
    if (latency) await sleep(latency.ms)
    if (findFault(drawn, "reset")) {
      record(0)
      req.socket.destroy()
      return
    }
    const statusFault = findFault(drawn, "status")
    let response: SimResponse
    if (statusFault) {
      const rendered = options.faultResponse(statusFault.status)
      response =
        statusFault.retryAfterSeconds === undefined
          ? rendered
          : { ...rendered, headers: { ...rendered.headers, "retry-after": statusFault.retryAfterSeconds } }
    } else {
      try {
        response = await handler({ method: req.method ?? "GET", url, headers: req.headers, body })
      } catch (cause) {
        // A simulator bug must show up as a 500, never bring the server down (the real Papra does).
        response = { status: 500, headers: { "content-type": "text/plain" }, body: String(cause) }
      }
    }
    const hold = findFault(drawn, "hold")
    if (hold) await hold.until()
    record(response.status)
    const encoded = encode(response)
    const slow = findFault(drawn, "slow-body")
    const headers = slow ? encoded.headers : { ...encoded.headers, "content-length": encoded.body.length }
    res.writeHead(response.status, headers)
    if (req.method === "HEAD") return void res.end()
    if (slow) return writeSlowly(res, encoded.body, slow.bytesPerSecond)
    res.end(encoded.body)
  }

  const server = Http.createServer((req, res) => {
    respond(req, res).catch(() => req.socket.destroy())
  })
  // Node closes an idle keep-alive connection after 5 s; a client that picks it from its pool in
  // that instant gets ECONNRESET, and a POST is never retried. The clients leave a margin for
  // that, but a loaded test machine stalls the event loop for longer than the margin. The
  // simulators run in the test's own process, so they keep idle connections for as long as any
  // run lasts (`Keep-Alive: timeout=600` tells the client so): resets come from faults only.
  server.keepAliveTimeout = 600_000
  const host = options.host ?? "127.0.0.1"
  const bind = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject)
      server.listen(port, host, () => {
        server.off("error", reject)
        resolve()
      })
    })
  // Resolves whether or not it was listening: stopping a stopped server is a no-op.
  const stop = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  await bind(options.port ?? 0)
  const { port } = server.address() as AddressInfo
  return {
    url: `http://${host}:${port}`,
    port,
    faults,
    requests,
    stop,
    start: () => bind(port),
    close: stop,
  }
}

/** The same server as a scoped Effect resource: closed when the scope closes. */
export const serve = (handler: SimHandler, options: ListenOptions) =>
  Effect.acquireRelease(
    Effect.promise(() => listen(handler, options)),
    (server) => Effect.promise(() => server.close()),
  )
