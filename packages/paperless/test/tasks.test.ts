import { it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { describe, expect } from "vitest"
import {
  classifyFailure,
  layer,
  PaperlessAuth,
  PaperlessClient,
  type TaskUuid,
  taskFromV9,
} from "../src/index.js"
import { type Fixture, loadFixture, replayLayer, type SeenRequest } from "./fixtures.js"

const client = (
  generation: "3.0" | "2.20",
  route: (request: SeenRequest) => Fixture | Response,
  seen: Array<SeenRequest> = [],
) =>
  layer({ baseUrl: "http://paperless.test", auth: PaperlessAuth.token("t"), retry: { baseDelayMs: 1 } }).pipe(
    Layer.provide(
      replayLayer((request) => {
        if (request.url.pathname === "/api/documents/") {
          return loadFixture(
            generation,
            generation === "3.0" ? "versions.documents.v9.json" : "versions.no-accept-header.json",
          )
        }
        return route(request)
      }, seen),
    ),
  )

/** Answers each task look-up with the next fixture of the sequence, then keeps the last. */
const sequence = (generation: "3.0" | "2.20", files: ReadonlyArray<string>) => {
  let index = 0
  return (request: SeenRequest): Fixture => {
    if (request.url.pathname !== "/api/tasks/") throw new Error(`unexpected ${request.url.pathname}`)
    const file = files[Math.min(index, files.length - 1)] ?? ""
    index += 1
    return loadFixture(generation, file)
  }
}

const fast = { initialDelay: "1 millis", maxDelay: "2 millis" } as const

describe("task polling", () => {
  it.live("follows a 3.0 upload from pending through started to its new document", () =>
    Effect.gen(function* () {
      const seen: Array<SeenRequest> = []
      const id = yield* Effect.flatMap(PaperlessClient, (paperless) =>
        paperless.tasks.await("eca77d7d-f0af-462b-acac-72c7660dea9a" as TaskUuid, fast),
      ).pipe(
        Effect.provide(
          client(
            "3.0",
            sequence("3.0", [
              "tasks.get.by-task_id.full-metadata.pending.json",
              "tasks.get.by-task_id.full-metadata.started.json",
              "tasks.get.by-task_id.full-metadata.success.json",
            ]),
            seen,
          ),
        ),
      )
      expect(id).toBe(2)
      const lookups = seen.filter((request) => request.url.pathname === "/api/tasks/")
      expect(lookups).toHaveLength(3)
      expect(lookups[0]?.url.searchParams.get("task_id")).toBe("eca77d7d-f0af-462b-acac-72c7660dea9a")
    }),
  )

  it.live("reads 2.20's upper-case statuses and string related_document", () =>
    Effect.gen(function* () {
      const id = yield* Effect.flatMap(PaperlessClient, (paperless) =>
        paperless.tasks.await("74d69e43-a916-4c56-ad9a-c2de9cce0717" as TaskUuid, fast),
      ).pipe(
        Effect.provide(
          client(
            "2.20",
            sequence("2.20", [
              "tasks.get.by-task_id.full-metadata.pending.json",
              "tasks.get.by-task_id.full-metadata.started.json",
              "tasks.get.by-task_id.full-metadata.success.json",
            ]),
          ),
        ),
      )
      expect(id).toBe(2)
    }),
  )

  it.live("a 2.20 duplicate fails with the existing document's id", () =>
    Effect.gen(function* () {
      const failure = yield* Effect.flip(
        Effect.flatMap(PaperlessClient, (paperless) =>
          paperless.tasks.await("c15e5dca-dee2-4e0b-b191-37eb2079f14d" as TaskUuid, fast),
        ).pipe(Effect.provide(client("2.20", sequence("2.20", ["tasks.get.by-task_id.duplicate.json"])))),
      )
      expect(failure).toMatchObject({
        _tag: "PaperlessTaskFailed",
        reason: "duplicate",
        existingDocumentId: 2,
      })
    }),
  )

  it.live("an ASN clash fails as asn-in-use on both generations", () =>
    Effect.gen(function* () {
      for (const generation of ["3.0", "2.20"] as const) {
        const fixture = loadFixture(generation, "tasks.get.by-task_id.asn-in-use.json")
        const failure = yield* Effect.flip(
          Effect.flatMap(PaperlessClient, (paperless) =>
            paperless.tasks.await(
              new URLSearchParams(fixture.request.path.split("?")[1]).get("task_id") as TaskUuid,
              fast,
            ),
          ).pipe(Effect.provide(client(generation, () => fixture))),
        )
        expect(failure).toMatchObject({ reason: "asn-in-use" })
      }
    }),
  )

  it.live("times out with a typed error when a task never finishes", () =>
    Effect.gen(function* () {
      const failure = yield* Effect.flip(
        Effect.flatMap(PaperlessClient, (paperless) =>
          paperless.tasks.await("eca77d7d-f0af-462b-acac-72c7660dea9a" as TaskUuid, {
            ...fast,
            timeout: "20 millis",
          }),
        ).pipe(
          Effect.provide(client("3.0", sequence("3.0", ["tasks.get.by-task_id.full-metadata.pending.json"]))),
        ),
      )
      expect(failure._tag).toBe("PaperlessTaskTimeout")
    }),
  )

  it.live("watches many uploads at once, reading the queue once per round", () =>
    Effect.gen(function* () {
      const ids = ["a", "b", "c", "d"].map(
        (letter) => `${letter}0000000-0000-0000-0000-000000000000` as TaskUuid,
      )
      const seen: Array<SeenRequest> = []
      let round = 0
      const row = (taskId: string, status: string, documentId: number | null) => ({
        id: taskId.charCodeAt(0),
        task_id: taskId,
        task_type: "consume_file",
        trigger_source: "api_upload",
        status,
        date_created: "2026-11-23T18:00:08.380613Z",
        date_started: null,
        date_done: null,
        duration_seconds: null,
        wait_time_seconds: null,
        input_data: { filename: `${taskId}.pdf` },
        result_data:
          status === "failure"
            ? { error_type: "ConsumerError", error_message: "boom" }
            : documentId === null
              ? null
              : { document_id: documentId },
        related_document_ids: documentId === null ? [] : [documentId],
        acknowledged: false,
        owner: 2,
      })
      const json = (body: unknown) =>
        new Response(JSON.stringify(body), {
          headers: { "content-type": "application/json", "x-api-version": "10" },
        })
      const outcomes = yield* Effect.flatMap(PaperlessClient, (paperless) =>
        Stream.runCollect(paperless.tasks.watch(ids, fast)),
      ).pipe(
        Effect.provide(
          client(
            "3.0",
            (request) => {
              if (request.url.pathname === "/api/tasks/active/") {
                round += 1
                // a finishes in round 1, b fails in round 2, c and d in round 3
                const queued = round === 1 ? ids.slice(1) : round === 2 ? ids.slice(2) : []
                return json(queued.map((id) => row(id, "pending", null)))
              }
              const taskId = request.url.searchParams.get("task_id") ?? ""
              const status = taskId.startsWith("b") ? "failure" : "success"
              return json({
                count: 1,
                next: null,
                previous: null,
                results: [row(taskId, status, status === "success" ? taskId.charCodeAt(0) : null)],
              })
            },
            seen,
          ),
        ),
      )
      const byId = new Map(Chunk.toArray(outcomes).map((outcome) => [outcome.taskId, outcome._tag]))
      expect(Object.fromEntries(byId)).toEqual({
        [ids[0] ?? ""]: "Consumed",
        [ids[1] ?? ""]: "Failed",
        [ids[2] ?? ""]: "Consumed",
        [ids[3] ?? ""]: "Consumed",
      })
      // One look-up per task that left the queue, never one per task per round.
      expect(seen.filter((request) => request.url.pathname === "/api/tasks/")).toHaveLength(4)
    }),
  )
})

describe("failure classification", () => {
  it("tells a trashed twin from a live one (2.20)", () => {
    const fixture = loadFixture("2.20", "tasks.get.by-task_id.duplicate-of-trashed.json")
    const row = (fixture.response as ReadonlyArray<Parameters<typeof taskFromV9>[0]>)[0]
    if (row === undefined) throw new Error("empty fixture")
    const failure = classifyFailure(taskFromV9({ ...row, status: "failure" }))
    expect(failure.reason).toBe("duplicate")
    expect(failure.existingInTrash).toBe(true)
    expect(failure.existingDocumentId).toBe(8)
  })
})
