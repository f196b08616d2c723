import { type Context, failDetail, json } from "./responses.js"

/**
 * DRF page-number pagination as Paperless configures it: default page size 25, `page_size` up to
 * 100000 (0, negatives and garbage fall back to the default), absolute `next`/`previous` built from
 * the request with sorted, `quote_plus`-encoded parameters, `page` dropped from the link to page 1,
 * and 404 `Invalid page.` past the end.
 */
const defaultPageSize = 25
const maxPageSize = 100_000

const quotePlus = (text: string) =>
  encodeURIComponent(text)
    .replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, "+")

const linkTo = (context: Context, page: number | undefined) => {
  const params = new Map<string, Array<string>>()
  for (const [key, value] of context.query) params.set(key, [...(params.get(key) ?? []), value])
  if (page === undefined) params.delete("page")
  else params.set("page", [String(page)])
  const query = [...params.keys()]
    .sort()
    .flatMap((key) => (params.get(key) ?? []).map((value) => `${quotePlus(key)}=${quotePlus(value)}`))
    .join("&")
  return `${context.origin}${context.request.url.pathname}${query === "" ? "" : `?${query}`}`
}

export const pageSizeOf = (context: Context): number => {
  const raw = context.query.get("page_size")
  if (raw === null || !/^\d+$/.test(raw.trim())) return defaultPageSize
  const size = Number(raw)
  return size <= 0 ? defaultPageSize : Math.min(size, maxPageSize)
}

export interface PageSlice<T> {
  readonly items: ReadonlyArray<T>
  readonly envelope: (results: ReadonlyArray<unknown>) => Record<string, unknown>
}

/**
 * Cuts one page out of `all` and returns the envelope builder. `all` (every matching id) is part
 * of the envelope on 2.20 at every version and on 3.0 only below version 10 (`documents.list.v9.json`).
 */
export const paginate = <T extends { readonly id: number }>(
  context: Context,
  all: ReadonlyArray<T>,
): PageSlice<T> => {
  const size = pageSizeOf(context)
  const lastPage = Math.max(1, Math.ceil(all.length / size))
  const rawPage = context.query.get("page")
  let page = 1
  if (rawPage !== null) {
    if (rawPage === "last") page = lastPage
    else if (/^\d+$/.test(rawPage) && Number(rawPage) >= 1) page = Number(rawPage)
    else failDetail(404, "Invalid page.")
  }
  if (page > lastPage) failDetail(404, "Invalid page.")
  const items = all.slice((page - 1) * size, page * size)
  const withAll = context.store.generation === "2.20" || context.version < 10
  return {
    items,
    envelope: (results) => ({
      count: all.length,
      next: page < lastPage ? linkTo(context, page + 1) : null,
      previous: page > 1 ? linkTo(context, page === 2 ? undefined : page - 1) : null,
      ...(withAll ? { all: all.map((item) => item.id) } : {}),
      results,
    }),
  }
}

export const paginatedResponse = <T extends { readonly id: number }>(
  context: Context,
  all: ReadonlyArray<T>,
  render: (item: T) => unknown,
  extra: Record<string, unknown> = {},
) => {
  const { items, envelope } = paginate(context, all)
  return json(200, { ...envelope(items.map(render)), ...extra })
}
