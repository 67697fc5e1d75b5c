// What the page shows lives in its URL: filters (named as the API's parameters), sort, page and
// the open event or article. Copying the address shares the view.

export const FILTER_KEYS = ["country", "since", "until", "type", "actor", "q", "bbox", "status"];

/** The page state read from a query string. */
export function readState(search = window.location.search) {
  const query = new URLSearchParams(search);
  const filters = {};
  for (const key of FILTER_KEYS) {
    if (query.get(key)) filters[key] = query.get(key);
  }
  return {
    filters,
    sort: query.get("sort") || "date",
    page: Math.max(1, Number.parseInt(query.get("page") || "1", 10) || 1),
    event: query.get("event") || null,
    article: query.get("article") || null,
  };
}

/** The query string of a page state (defaults left out). */
export function stateQuery(state) {
  const query = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    if (state.filters[key]) query.set(key, state.filters[key]);
  }
  if (state.sort && state.sort !== "date") query.set("sort", state.sort);
  if (state.page > 1) query.set("page", String(state.page));
  if (state.event) query.set("event", state.event);
  if (state.article) query.set("article", state.article);
  const text = query.toString();
  return text ? `?${text}` : "";
}

/** The filters without the date range: what the timeline shows, so that a brushed range keeps its context. */
export function withoutDates(filters) {
  const { since, until, ...rest } = filters;
  return rest;
}
