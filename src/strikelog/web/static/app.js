// The page: filters in the URL drive the map, the timeline and the table; the panel shows one event
// or article. Everything is fetched from /api/v1 of the same server.
import { API, getJSON, params } from "./api.js";
import { h, fill } from "./dom.js";
import { EventMap, legend } from "./map.js";
import { Panel } from "./panel.js";
import { readState, stateQuery, withoutDates } from "./state.js";
import { EventTable, TABLE_PAGE_SIZE } from "./table.js";
import { showFeeds } from "./feeds.js";
import { Timeline } from "./timeline.js";
import { countryName } from "./types.js";

const MAP_LIMIT = 10000; // events drawn on the map (clustered), those with most fatalities first
const $ = (id) => document.getElementById(id);
const form = $("filters");

let state = readState();
let shownEvent = null; // the open event's detail, to mark its sentences in an article
let pending = 0;
let map;
let timeline;
let table;
let panel;
let pageSize = 1000; // the API's largest page: GET /meta says

/** Tests and scripts can wait for body[data-state="ready"]. */
function busy(delta) {
  pending += delta;
  document.body.dataset.state = pending > 0 ? "loading" : document.body.dataset.failed ? "error" : "ready";
}

async function task(work) {
  busy(1);
  try {
    await work();
  } catch (err) {
    document.body.dataset.failed = "1";
    fill($("status"), h("span", { class: "error" }, `Error: ${err?.message || err}`));
  } finally {
    busy(-1);
  }
}

/** A link to another state of the page that the page follows itself (the href stays shareable). */
function pageLink(text, target, follow) {
  return h("a", {
    href: stateQuery(target) || "/",
    onclick: (e) => {
      if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
      e.preventDefault();
      follow();
    },
  }, text);
}

const eventLink = (id, text) => pageLink(text, { ...state, event: id, article: null }, () => go({ ...state, event: id, article: null }, { data: false }));
const articleLink = (id, text) => pageLink(text, { ...state, article: id }, () => go({ ...state, article: id }, { data: false }));

/** Move to a new page state: record it in the URL, then reload what it changes. */
function go(next, { data = true, fit = false, replace = false } = {}) {
  state = next;
  delete document.body.dataset.failed;
  const url = stateQuery(state) || window.location.pathname;
  if (replace) window.history.replaceState(null, "", url);
  else window.history.pushState(null, "", url);
  fillForm();
  if (data) task(() => loadData({ fit }));
  task(loadPanel);
}

// ---- filters form ----------------------------------------------------------------------------------
function fillForm() {
  const f = state.filters;
  for (const name of ["since", "until", "actor", "q"]) form.elements[name].value = f[name] || "";
  for (const name of ["country", "type"]) {
    const select = form.elements[name];
    if (f[name] && ![...select.options].some((o) => o.value === f[name])) select.append(h("option", { value: f[name] }, f[name]));
    select.value = f[name] || "";
  }
  form.elements.background.checked = f.status === "all";
  form.elements.inview.checked = Boolean(f.bbox);
  $("clear-dates").hidden = !(f.since || f.until);
}

function readForm() {
  const value = (name) => form.elements[name].value.trim() || undefined;
  return {
    country: value("country"), since: value("since"), until: value("until"), type: value("type"),
    actor: value("actor"), q: value("q"),
    status: form.elements.background.checked ? "all" : undefined,
    bbox: form.elements.inview.checked ? map.bbox() : undefined,
  };
}

async function fillChoices() {
  const facets = await getJSON("/facets", { status: "all" });
  const countries = form.elements.country;
  countries.append(...facets.country.map((c) => h("option", { value: c.value }, `${countryName(c.value)} (${c.value}) · ${c.count}`)));
  form.elements.type.append(
    h("optgroup", { label: "Event type" }, facets.event_type.map((t) => h("option", { value: t.value }, `${t.value} · ${t.count}`))),
    h("optgroup", { label: "Sub-event type" }, facets.sub_event_type.map((t) => h("option", { value: t.value }, `${t.value} · ${t.count}`))),
  );
}

// ---- data ------------------------------------------------------------------------------------------
/** "1 event matches", "2 events match". */
export const matching = (n) => `${n.toLocaleString("en-US")} event${n === 1 ? " matches" : "s match"}`;

/** The events for the map: up to MAP_LIMIT, most fatalities first, fetched a page at a time in parallel. */
async function mapEvents(f) {
  const query = { ...f, page_size: pageSize, sort: "-fatalities" };
  const first = await getJSON("/events", query);
  const pages = Math.min(Math.ceil(first.total / pageSize), Math.ceil(MAP_LIMIT / pageSize));
  const rest = await Promise.all(Array.from({ length: Math.max(0, pages - 1) }, (_, i) => getJSON("/events", { ...query, page: i + 2 })));
  return { total: first.total, events: [first, ...rest].flatMap((p) => p.events) };
}

async function loadData({ fit }) {
  const f = state.filters;
  const [onMap, days, page] = await Promise.all([
    mapEvents(f),
    getJSON("/timeline", withoutDates(f)),
    getJSON("/events", { ...f, page: state.page, page_size: TABLE_PAGE_SIZE, sort: state.sort }),
  ]);
  const placed = map.show(onMap.events, { fit: fit && !f.bbox });
  fill($("legend"), legend(onMap.events.filter((e) => e.location.lat !== null).map((e) => e.event_type)));
  timeline.draw(days.days, f.since, f.until, days.undated);
  table.show(page, state.sort, state.event);
  for (const a of document.querySelectorAll("#exports a[data-format]")) {
    a.href = `${API}/events.${a.dataset.format}?${params(f)}`;
  }
  const notes = [matching(onMap.total)];
  if (onMap.total > onMap.events.length) notes.push(`the map shows the ${onMap.events.length.toLocaleString("en-US")} with most fatalities`);
  if (placed < onMap.events.length) notes.push(`${onMap.events.length - placed} without coordinates are in the table only`);
  fill($("status"), notes.join("; "));
}

async function loadPanel() {
  const main = document.querySelector("main");
  if (!state.event && !state.article) {
    panel.close();
    shownEvent = null;
  } else {
    try {
      if (state.event && shownEvent?.event.event_id !== state.event) shownEvent = await getJSON(`/events/${encodeURIComponent(state.event)}`);
      if (state.article) panel.showArticle(await getJSON(`/articles/${encodeURIComponent(state.article)}`), shownEvent?.event);
      else panel.showEvent(shownEvent);
    } catch (err) {
      panel.message(err.message);
    }
  }
  main.classList.toggle("with-panel", !panel.element.hidden);
  table.mark(state.event);
  map.highlight(state.event);
  map.invalidate();
}

// ---- wiring ----------------------------------------------------------------------------------------
function start() {
  return task(async () => {
    const meta = await getJSON("/meta");
    pageSize = meta.max_page_size;
    map = new EventMap($("map"), {
      tiles: meta.tiles,
      onSelect: (id) => go({ ...state, event: id, article: null }, { data: false }),
      onMove: (bbox) => {
        if (form.elements.inview.checked && bbox !== state.filters.bbox) go({ ...state, filters: { ...state.filters, bbox }, page: 1 }, { replace: true });
      },
    });
    timeline = new Timeline($("timeline"), $("timeline-caption"), (since, until) =>
      go({ ...state, filters: { ...state.filters, since: since || undefined, until: until || undefined }, page: 1 }, { fit: true }));
    table = new EventTable($("events"), $("pager"), {
      eventLink,
      onOpen: (id) => go({ ...state, event: id, article: null }, { data: false }),
      onSort: (key) => go({ ...state, sort: state.sort === key ? `-${key}` : key, page: 1 }),
      onPage: (delta) => go({ ...state, page: Math.max(1, state.page + delta) }),
    });
    panel = new Panel($("panel"), { eventLink, articleLink, onClose: () => go({ ...state, event: null, article: null }, { data: false }) });
    await fillChoices();
    fillForm();
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      go({ ...state, filters: readForm(), page: 1 }, { fit: true });
    });
    $("reset").addEventListener("click", () => go({ filters: {}, sort: "date", page: 1, event: null, article: null }, { fit: true }));
    $("clear-dates").addEventListener("click", () => go({ ...state, filters: { ...state.filters, since: undefined, until: undefined }, page: 1 }));
    window.addEventListener("popstate", () => {
      state = readState();
      fillForm();
      task(() => loadData({ fit: false }));
      task(loadPanel);
    });
    await Promise.all([loadData({ fit: true }), loadPanel(), getJSON("/feeds").then((body) => showFeeds($("feeds-area"), body.feeds))]);
  });
}

start();
