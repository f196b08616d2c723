import { afterEach, describe, expect, it } from "vitest"
import { type PaperlessSimulator, startPaperlessSimulator } from "../../src/index.js"
import { Worker } from "../../src/paperless/worker.js"
import { rawClient, taskOf } from "./http.js"

/**
 * Two jobs queued behind a closed gate, then let go at once. Every moment is a callback of the
 * worker, so the order is the worker's doing, not the machine's speed: a second job that starts
 * before the first has run ran beside it.
 */
const twoGatedJobs = async (worker: Worker) => {
  const events: Array<string> = []
  let secondStarted = () => {}
  const started = new Promise<void>((resolve) => {
    secondStarted = resolve
  })
  const open = worker.pause()
  for (const name of ["first", "second"])
    worker.enqueue({
      durationMs: 20,
      start: () => {
        events.push(`${name} started`)
        if (name === "second") secondStarted()
      },
      run: () => events.push(`${name} ran`),
    })
  const heldBeforeOpening = [...events]
  open()
  await started
  return { heldBeforeOpening, events }
}

const workers: Array<Worker> = []
const running: Array<PaperlessSimulator> = []
afterEach(async () => {
  for (const worker of workers.splice(0)) worker.close()
  await Promise.all(running.splice(0).map((simulator) => simulator.close()))
})

const newWorker = (concurrency?: number) => {
  const worker = new Worker(concurrency)
  workers.push(worker)
  return worker
}

describe("the celery worker", () => {
  it("with two processes starts two queued jobs at once", async () => {
    const worker = newWorker(2)
    const { heldBeforeOpening, events } = await twoGatedJobs(worker)
    expect(heldBeforeOpening).toEqual([])
    expect(events).toEqual(["first started", "second started"])
    await worker.idle()
    expect(events.slice(2).sort()).toEqual(["first ran", "second ran"])
  })

  it("with one process (the default) starts the second job only after the first has run", async () => {
    const worker = newWorker()
    const { heldBeforeOpening, events } = await twoGatedJobs(worker)
    expect(heldBeforeOpening).toEqual([])
    expect(events).toEqual(["first started", "first ran", "second started"])
  })

  it("never runs more jobs at once than it has processes", async () => {
    const worker = newWorker(3)
    let inFlight = 0
    let most = 0
    const open = worker.pause()
    for (let job = 0; job < 10; job++)
      worker.enqueue({
        durationMs: 4,
        start: () => {
          inFlight += 1
          most = Math.max(most, inFlight)
        },
        run: () => {
          inFlight -= 1
        },
      })
    open()
    await worker.idle()
    expect({ inFlight, most }).toEqual({ inFlight: 0, most: 3 })
  })

  it("refuses a worker without processes", () => {
    expect(() => new Worker(0)).toThrow(RangeError)
  })
})

describe("the simulator's workers option", () => {
  // The tasks' µs timestamps (one format, so they sort as strings) come from one clock that never
  // repeats an instant: they order the worker's callbacks exactly.
  const consumeTwo = async (options: { workers?: number }) => {
    const simulator = await startPaperlessSimulator({ consumeMs: 20, ...options })
    running.push(simulator)
    const client = rawClient(simulator)
    const open = simulator.pauseWorker()
    const first = await client.upload("first.txt", "first upload\n")
    const second = await client.upload("second.txt", "second upload\n")
    expect((await taskOf(client, first.body)).status).toBe("pending")
    open()
    await simulator.settle()
    const [a, b] = [await taskOf(client, first.body), await taskOf(client, second.body)]
    expect([a.status, b.status]).toEqual(["success", "success"])
    return { a, b }
  }

  it("with 2 workers consumes two uploads side by side", async () => {
    const { a, b } = await consumeTwo({ workers: 2 })
    expect(b.date_started < a.date_done).toBe(true)
  })

  it("with 1 worker (the default) consumes them one after the other", async () => {
    const { a, b } = await consumeTwo({})
    expect(b.date_started > a.date_done).toBe(true)
  })
})
