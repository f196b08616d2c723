/**
 * The celery workers of the deployment: one by default (concurrency 1, as the real default
 * deployment runs), where consumption, bulk_update and the select-option cleanup all queue behind
 * each other, which is why a bulk_edit's `modified` bump can lag by seconds while uploads are being
 * consumed (paperless-server-behaviour.md). With `concurrency` n (PAPERLESS_TASK_WORKERS), n jobs
 * run at once, taken from the one queue in order.
 */
export interface WorkerJob {
  /** Simulated run time of the job. */
  readonly durationMs: number
  /** Called when the worker picks the job up (task → STARTED). */
  readonly start?: () => void
  /** Called when the job's time is up; its effects become visible now. */
  readonly run: () => void
}

export class Worker {
  private readonly queue: Array<WorkerJob> = []
  /** Jobs picked up and not yet run: at most `concurrency`. */
  private busy = 0
  private closed = false
  private readonly timers = new Set<ReturnType<typeof setTimeout>>()
  private waiters: Array<() => void> = []
  private gate: Promise<void> | undefined
  /** The gate the queue already waits on, so that each gate wakes it once. */
  private awaitedGate: Promise<void> | undefined

  constructor(private readonly concurrency = 1) {
    if (!Number.isInteger(concurrency) || concurrency < 1)
      throw new RangeError(`a worker needs at least one process, got ${concurrency}`)
  }

  /**
   * Holds every job not yet picked up (its task stays PENDING) until the returned function is
   * called: a test's gate for "the upload is still queued", with no timer.
   */
  pause(): () => void {
    let open = () => {}
    const gate = new Promise<void>((resolve) => {
      open = resolve
    })
    this.gate = gate
    return () => {
      if (this.gate === gate) this.gate = undefined
      open()
    }
  }

  enqueue(job: WorkerJob): void {
    if (this.closed) return
    this.queue.push(job)
    this.pickUp()
  }

  /** Resolves once every queued job (and any they queue) has run. */
  idle(): Promise<void> {
    if (this.busy === 0 && this.queue.length === 0) return Promise.resolve()
    return new Promise((resolve) => this.waiters.push(resolve))
  }

  close(): void {
    this.closed = true
    this.queue.length = 0
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
    this.busy = 0
    this.release()
  }

  private release() {
    const waiters = this.waiters
    this.waiters = []
    for (const resolve of waiters) resolve()
  }

  private later(ms: number, then: () => void) {
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      then()
    }, ms)
    this.timers.add(timer)
  }

  /** Starts queued jobs while a process is free and no gate holds the queue. */
  private pickUp(): void {
    if (this.closed) return
    while (this.busy < this.concurrency && this.queue.length > 0) {
      const gate = this.gate
      if (gate !== undefined) {
        if (this.awaitedGate !== gate) {
          this.awaitedGate = gate
          void gate.then(() => this.pickUp())
        }
        return
      }
      const job = this.queue.shift() as WorkerJob
      this.busy += 1
      this.runJob(job)
    }
    if (this.busy === 0 && this.queue.length === 0) this.release()
  }

  // The job waits in the queue for the first half of its time (task PENDING, as while celery
  // fetches it from redis), then runs for the second half (STARTED). A job that throws is a
  // simulator bug; it must not stall the queue behind it.
  private runJob(job: WorkerJob): void {
    const half = Math.max(0, Math.floor(job.durationMs / 2))
    this.later(half, () => {
      try {
        job.start?.()
      } catch {}
      this.later(job.durationMs - half, () => {
        try {
          job.run()
        } catch {}
        this.busy -= 1
        this.pickUp()
      })
    })
  }
}
