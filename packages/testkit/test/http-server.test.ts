import { describe, expect, it } from "vitest"
import { listen } from "../src/http-server.js"

const faultResponse = (status: number) => ({ status, body: { error: `injected ${status}` } })

describe("simulator HTTP server", () => {
  it("stops like a killed server (open requests cut, new ones refused) and starts again on its port", async () => {
    let served = 0
    let arrived = () => {}
    const holding = new Promise<void>((resolve) => {
      arrived = resolve
    })
    const server = await listen(
      () => {
        served += 1
        return { status: 200, body: { served } }
      },
      { faultResponse },
    )
    try {
      server.faults.add({
        path: "/held",
        times: 1,
        fault: {
          kind: "hold",
          // Never released: the stop cuts it.
          until: () => {
            arrived()
            return new Promise<void>(() => {})
          },
        },
      })
      const cut = fetch(`${server.url}/held`).then(
        () => "answered",
        () => "cut",
      )
      await holding
      await server.stop()
      expect(await cut).toBe("cut")
      await expect(fetch(`${server.url}/api/ping`)).rejects.toThrow()
      await server.start()
      const again = await fetch(`${server.url}/api/ping`)
      // Same port, same state: the held request was acted on before the stop.
      expect(await again.json()).toEqual({ served: 2 })
    } finally {
      await server.close()
    }
  })

  it("answers on a real socket and records requests", async () => {
    const server = await listen(() => ({ status: 200, body: { ok: true } }), { faultResponse })
    try {
      const response = await fetch(`${server.url}/api/ping`)
      expect(response.status).toBe(200)
      expect(await response.json()).toEqual({ ok: true })
      expect(server.requests).toEqual([{ method: "GET", path: "/api/ping", status: 200 }])
    } finally {
      await server.close()
    }
  })

  it("injects a 429 with Retry-After a bounded number of times, per route", async () => {
    const server = await listen(
      () => ({ status: 200, body: "fine", headers: { "content-type": "text/plain" } }),
      {
        faultResponse,
      },
    )
    try {
      server.faults.add({
        path: "/api/documents",
        times: 2,
        fault: { kind: "status", status: 429, retryAfterSeconds: 3 },
      })
      const statuses: Array<number> = []
      for (let i = 0; i < 3; i++) {
        const response = await fetch(`${server.url}/api/documents`)
        statuses.push(response.status)
        if (response.status === 429) expect(response.headers.get("retry-after")).toBe("3")
        await response.arrayBuffer()
      }
      expect(statuses).toEqual([429, 429, 200])
      expect((await fetch(`${server.url}/api/tags`)).status).toBe(200)
    } finally {
      await server.close()
    }
  })

  it("resets the connection without answering", async () => {
    const server = await listen(() => ({ status: 200 }), { faultResponse })
    try {
      server.faults.add({ fault: { kind: "reset" }, times: 1 })
      await expect(fetch(`${server.url}/x`)).rejects.toThrow()
      expect((await fetch(`${server.url}/x`)).status).toBe(200)
    } finally {
      await server.close()
    }
  })

  it("turns a handler exception into a 500 instead of crashing", async () => {
    const server = await listen(
      () => {
        throw new Error("boom")
      },
      { faultResponse },
    )
    try {
      expect((await fetch(`${server.url}/x`)).status).toBe(500)
      expect((await fetch(`${server.url}/x`)).status).toBe(500)
    } finally {
      await server.close()
    }
  })

  it("delivers a slow body completely", async () => {
    const payload = "x".repeat(300)
    const server = await listen(
      () => ({ status: 200, body: payload, headers: { "content-type": "text/plain" } }),
      {
        faultResponse,
      },
    )
    try {
      server.faults.add({ fault: { kind: "slow-body", bytesPerSecond: 3000 } })
      const started = Date.now()
      expect(await (await fetch(`${server.url}/slow`)).text()).toBe(payload)
      expect(Date.now() - started).toBeGreaterThanOrEqual(90)
    } finally {
      await server.close()
    }
  })

  it("applies a fault only with its probability, reproducibly for a seed", async () => {
    const run = async (seed: number) => {
      const server = await listen(() => ({ status: 200 }), { faultResponse, seed })
      server.faults.add({ probability: 0.5, fault: { kind: "status", status: 503 } })
      const statuses: Array<number> = []
      for (let i = 0; i < 20; i++) statuses.push((await fetch(`${server.url}/p`)).status)
      await server.close()
      return statuses
    }
    const first = await run(7)
    expect(first).toEqual(await run(7))
    expect(first).toContain(503)
    expect(first).toContain(200)
  })
})
