/**
 * The one celery worker (concurrency 1) of the real deployment: consumption, bulk_update and the
 * select-option cleanup all queue behind each other, which is why a bulk_edit's `modified` bump
 * can lag by seconds while uploads are being consumed (paperless-server-behaviour.md).
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
  private running = false
  private closed = false
  private timer: ReturnType<typeof setTimeout> | undefined
  private waiters: Array<() => void> = []
  private gate: Promise<void> | undefined

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
    if (!this.running) this.next()
  }

  /** Resolves once every queued job (and any they queue) has run. */
  idle(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve()
    return new Promise((resolve) => this.waiters.push(resolve))
  }

  close(): void {
    this.closed = true
    this.queue.length = 0
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.running = false
    this.release()
  }

  private release() {
    const waiters = this.waiters
    this.waiters = []
    for (const resolve of waiters) resolve()
  }

  private next(): void {
    const job = this.queue.shift()
    if (job === undefined || this.closed) {
      this.running = false
      this.release()
      return
    }
    this.running = true
    if (this.gate !== undefined) {
      const gate = this.gate
      this.queue.unshift(job)
      void gate.then(() => this.next())
      return
    }
    // The job waits in the queue for the first half of its time (task PENDING, as while celery
    // fetches it from redis), then runs for the second half (STARTED). A job that throws is a
    // simulator bug; it must not stall the queue behind it.
    const half = Math.max(0, Math.floor(job.durationMs / 2))
    this.timer = setTimeout(() => {
      try {
        job.start?.()
      } catch {}
      this.timer = setTimeout(() => {
        this.timer = undefined
        try {
          job.run()
        } catch {}
        this.next()
      }, job.durationMs - half)
    }, half)
  }
}
