// The feeds section: each followed feed's health (GET /api/v1/feeds); hidden when no feed is followed.
import { h, fill, outsideLink } from "./dom.js";

const when = (iso) => (iso ? iso.replace("T", " ").replace(/\+00:00$/, " UTC") : "never");

export function showFeeds(section, feeds) {
  section.hidden = !feeds.length;
  fill(section.querySelector("tbody"), feeds.map((f) => h("tr", { dataset: { feed: f.url } },
    h("td", {}, outsideLink(f.url, f.title || f.url)),
    h("td", { class: f.status }, f.status),
    h("td", {}, when(f.last_poll)),
    h("td", {}, when(f.last_new)),
    h("td", { class: "number" }, f.items),
    h("td", { class: "number" }, f.failures),
    h("td", { class: "number" }, f.errors),
    h("td", { class: "meta" }, f.last_error || "-"))));
}
