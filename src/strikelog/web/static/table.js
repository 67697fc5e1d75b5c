// The table view: the same filters as the map, one page at a time, sortable by its marked columns. A
// click anywhere on a row opens its event in the panel.
import { h, fill } from "./dom.js";
import { countryName } from "./types.js";

export const TABLE_PAGE_SIZE = 25;
const COLUMNS = 11;

export class EventTable {
  constructor(table, pager, { eventLink, onOpen, onSort, onPage }) {
    this.body = table.querySelector("tbody");
    this.headers = [...table.querySelectorAll("th[data-sort]")];
    this.pager = pager;
    this.eventLink = eventLink;
    for (const th of this.headers) {
      th.tabIndex = 0;
      th.addEventListener("click", () => onSort(th.dataset.sort));
    }
    this.body.addEventListener("click", (e) => {
      const row = e.target.closest("tr[data-event-id]");
      if (!row || e.target.closest("a")) return; // the date link opens it already (and keeps ctrl-click)
      onOpen(row.dataset.eventId);
    });
    pager.querySelector("#prev").addEventListener("click", () => onPage(-1));
    pager.querySelector("#next").addEventListener("click", () => onPage(1));
  }

  /** Show one page of GET /api/v1/events; the open event's row marked. */
  show({ events, total, page, page_size: size }, sort, openEvent) {
    fill(this.body, events.map((e) => h("tr", { dataset: { eventId: e.event_id }, class: e.event_id === openEvent ? "open" : null },
      h("td", {}, this.eventLink(e.event_id, e.date_start || "unknown")),
      h("td", {}, e.event_type),
      h("td", {}, e.sub_event_type),
      h("td", {}, e.actor1 || "-"),
      h("td", {}, e.actor2 || "-"),
      h("td", {}, e.location.name || "-"),
      h("td", {}, e.location.admin1 || "-"),
      h("td", { title: countryName(e.location.country) }, e.location.country || "-"),
      h("td", { class: "number" }, e.fatalities.best ?? "-"),
      h("td", { class: "number" }, e.wounded.best ?? "-"),
      h("td", { class: "number" }, e.sources.length))));
    if (!events.length) fill(this.body, h("tr", {}, h("td", { colspan: COLUMNS, class: "meta" }, "no events match")));
    for (const th of this.headers) {
      const key = th.dataset.sort;
      th.setAttribute("aria-sort", sort === key ? "ascending" : sort === `-${key}` ? "descending" : "none");
    }
    const first = total ? (page - 1) * size + 1 : 0;
    fill(this.pager.querySelector("#rows"), `${first}-${Math.min(total, page * size)} of ${total}`);
    this.pager.querySelector("#prev").disabled = page <= 1;
    this.pager.querySelector("#next").disabled = page * size >= total;
  }

  /** Mark the open event's row. */
  mark(eventId) {
    for (const row of this.body.querySelectorAll("tr[data-event-id]")) row.classList.toggle("open", row.dataset.eventId === eventId);
  }
}
