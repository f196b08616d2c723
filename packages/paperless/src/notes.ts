import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { PaperlessApiError, type PaperlessError } from "./errors.js"
import { UserId } from "./permissions.js"
import { jsonBody, type Transport } from "./transport.js"

export const NoteId = Schema.Int.pipe(Schema.brand("PaperlessNoteId"))
export type NoteId = typeof NoteId.Type

export const NoteUser = Schema.Struct({
  id: UserId,
  username: Schema.String,
  first_name: Schema.String,
  last_name: Schema.String,
})

export const Note = Schema.Struct({
  id: NoteId,
  note: Schema.String,
  created: Schema.String,
  /** An object from API v8 on; a bare user id below (2.20 `documents.notes.list.v7.json`). */
  user: Schema.Union(NoteUser, UserId, Schema.Null),
})
export type Note = typeof Note.Type

const NoteCreate = Schema.Struct({ note: Schema.String })

/**
 * POST answers 200 even when the note was not saved, with `{"error": …}` instead of the list
 * (`documents.notes.create.missing.json`), so that body is turned into an error here.
 */
export const NoteListOrError = Schema.Union(Schema.Array(Note), Schema.Struct({ error: Schema.String }))

export interface Notes {
  readonly list: (document: number) => Effect.Effect<ReadonlyArray<Note>, PaperlessError>
  /** Answers the document's whole note list after the add (200, not 201). */
  readonly add: (document: number, note: string) => Effect.Effect<ReadonlyArray<Note>, PaperlessError>
  /** Answers the remaining notes (200, not 204). */
  readonly delete: (document: number, note: NoteId) => Effect.Effect<ReadonlyArray<Note>, PaperlessError>
}

export const makeNotes = (transport: Transport): Notes => {
  const path = (document: number) => `/api/documents/${document}/notes/`
  return {
    list: (document) => transport.json({ method: "GET", path: path(document) }, Schema.Array(Note)),
    add: (document, note) =>
      transport
        .json(
          { method: "POST", path: path(document), body: jsonBody(NoteCreate, { note }, path(document)) },
          NoteListOrError,
        )
        .pipe(
          Effect.flatMap((body) =>
            "error" in body
              ? Effect.fail(
                  new PaperlessApiError({
                    method: "POST",
                    endpoint: path(document),
                    status: 200,
                    detail: body.error,
                  }),
                )
              : Effect.succeed(body),
          ),
        ),
    delete: (document, note) =>
      transport.json(
        { method: "DELETE", path: path(document), query: { id: note }, idempotent: false },
        Schema.Array(Note),
      ),
  }
}
