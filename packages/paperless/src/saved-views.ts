import * as Schema from "effect/Schema"
import { ownedFields, ownedWriteFields } from "./permissions.js"
import { makeResource, type Resource } from "./resources.js"
import type { Transport } from "./transport.js"

export const SavedViewId = Schema.Int.pipe(Schema.brand("PaperlessSavedViewId"))
export type SavedViewId = typeof SavedViewId.Type

export const FilterRule = Schema.Struct({ rule_type: Schema.Int, value: Schema.NullOr(Schema.String) })

export const SavedView = Schema.Struct({
  id: SavedViewId,
  name: Schema.String,
  /** Only v9 (and every 2.20 version) still sends these two (`saved_views.list.v9.json`). */
  show_on_dashboard: Schema.optional(Schema.Boolean),
  show_in_sidebar: Schema.optional(Schema.Boolean),
  sort_field: Schema.NullOr(Schema.String),
  sort_reverse: Schema.Boolean,
  filter_rules: Schema.Array(FilterRule),
  page_size: Schema.optional(Schema.NullOr(Schema.Int)),
  display_mode: Schema.optional(Schema.NullOr(Schema.String)),
  display_fields: Schema.optional(Schema.NullOr(Schema.Array(Schema.String))),
  ...ownedFields,
})
export type SavedView = typeof SavedView.Type

export const SavedViewCreate = Schema.Struct({
  name: Schema.String,
  show_on_dashboard: Schema.optional(Schema.Boolean),
  show_in_sidebar: Schema.optional(Schema.Boolean),
  sort_field: Schema.optional(Schema.NullOr(Schema.String)),
  sort_reverse: Schema.optional(Schema.Boolean),
  filter_rules: Schema.Array(FilterRule),
  page_size: Schema.optional(Schema.NullOr(Schema.Int)),
  display_mode: Schema.optional(Schema.NullOr(Schema.String)),
  display_fields: Schema.optional(Schema.NullOr(Schema.Array(Schema.String))),
  ...ownedWriteFields,
})
export type SavedViewCreate = typeof SavedViewCreate.Type
export const SavedViewUpdate = Schema.partial(SavedViewCreate)
export type SavedViewUpdate = typeof SavedViewUpdate.Type

export type SavedViews = Resource<SavedViewId, SavedView, SavedViewCreate, SavedViewUpdate>

export const makeSavedViews = (transport: Transport): SavedViews =>
  makeResource(transport, {
    path: "/api/saved_views/",
    item: SavedView,
    create: SavedViewCreate,
    update: SavedViewUpdate,
  })
