// The side panel: one event field by field with the sentences each field was read from (values
// highlighted), conflicting claims side by side, the escalation chain, and the source articles.
// Every piece of article text is inserted as text (dom.js), never as markup.
import { h, fill, highlighted, mentions, outsideLink } from "./dom.js";
import { countryName, numberTerms } from "./types.js";

const count = (c) => (c.best === null ? "unknown" : c.low !== null && c.high !== null && c.low !== c.high
  ? `${c.best} (${c.low} to ${c.high})` : String(c.best));

const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** An article as a reader names it: "Outlet: Headline" (its id only when neither is known). */
export const articleName = (a) => [a?.outlet, a?.title].filter(Boolean).join(": ") || a?.id || "";

const placeText = (loc) => [loc.name, loc.admin1, countryName(loc.country)].filter(Boolean).join(", ") || "unknown";

/** The rows of the field table: label, value and the words that show the value in a sentence. */
function fieldRows(e) {
  const loc = e.location;
  const dates = e.date_start === e.date_end ? e.date_start : `${e.date_start} to ${e.date_end}`;
  return [
    ["Type", `${e.event_type} / ${e.sub_event_type}`, [], null],
    ["Date", e.date_start ? `${dates} (precision: ${e.date_precision})` : "unknown", [], null],
    ["Actor 1", e.actor1 || "-", [e.actor1], "actor1"],
    ["Actor 2", e.actor2 || "-", [e.actor2], "actor2"],
    ["Place", `${placeText(loc)}${loc.lat !== null ? ` (${loc.lat}, ${loc.lon}; geo precision ${loc.geo_precision})` : ""}`,
      [loc.name, loc.admin1], "location"],
    ["Weapons", e.weapons.join(", ") || "-", e.weapons, "weapons"],
    ["Killed", count(e.fatalities), [e.fatalities.best, e.fatalities.low, e.fatalities.high].flatMap(numberTerms), "fatalities"],
    ["Wounded", count(e.wounded), [e.wounded.best, e.wounded.low, e.wounded.high].flatMap(numberTerms), "wounded"],
  ];
}

/** The sentences (evidence and claims) that mention the field's value, or the field's own claims. */
function sentencesFor(e, terms, field) {
  const candidates = [
    ...e.claims.filter((c) => c.field === field).map((c) => ({ article: c.article, sentence: c.sentence })),
    ...e.evidence,
  ];
  const seen = new Set();
  return candidates.filter((s) => {
    if (seen.has(s.sentence) || !mentions(s.sentence, terms)) return false;
    seen.add(s.sentence);
    return true;
  });
}

export class Panel {
  constructor(element, { eventLink, articleLink, onClose }) {
    this.element = element;
    this.eventLink = eventLink;
    this.articleLink = articleLink;
    this.onClose = onClose;
  }

  close() {
    this.element.hidden = true;
    fill(this.element);
  }

  message(text) {
    this.element.hidden = false;
    fill(this.element, this.closeButton(), h("p", { class: "error" }, text));
  }

  closeButton() {
    return h("button", { type: "button", class: "close", "aria-label": "Close", onclick: () => this.onClose() }, "×");
  }

  /** Show one event as returned by GET /api/v1/events/{id}. */
  showEvent({ event: e, chain, responds_to: respondsTo, responded_by: respondedBy, articles }) {
    this.element.hidden = false;
    const byId = new Map(articles.map((a) => [a.id, a]));
    this.source = (id) => this.articleLink(id, `from ${articleName(byId.get(id) || { id })}`);
    fill(this.element,
      this.closeButton(),
      h("h2", {}, `${e.sub_event_type}: ${placeText(e.location)}`),
      h("p", { class: "meta" }, h("code", { id: "event-id" }, e.event_id), ` · ${e.status} · ${plural(e.sources.length, "source")}`),
      h("h3", {}, "Fields and their sentences"),
      this.fieldTable(e),
      h("h3", {}, "Claims"),
      this.claims(e.claims),
      h("h3", {}, "Escalation chain"),
      this.chain(e, chain, respondsTo, respondedBy),
      h("h3", {}, "Evidence"),
      h("ul", { class: "evidence" }, e.evidence.map((s) => h("li", {},
        h("blockquote", {}, highlighted(s.sentence, fieldRows(e).flatMap(([, , terms]) => terms))),
        this.source(s.article)))),
      h("h3", {}, "Sources"),
      h("ul", { class: "sources" }, articles.map((a) => h("li", { dataset: { article: a.id } },
        h("span", { class: "outlet" }, a.outlet || "outlet unknown"), ": ",
        this.articleLink(a.id, a.title || a.id), " ",
        h("span", { class: "meta" }, [a.published && a.published.slice(0, 10), a.url ? null : "no address"].filter(Boolean).join(", ")), " ",
        a.url ? outsideLink(a.url, "original ↗") : null))),
    );
  }

  fieldTable(e) {
    return h("table", { class: "fields" }, h("tbody", {}, fieldRows(e).map(([label, value, terms, field]) => {
      const sentences = field ? sentencesFor(e, terms, field) : [];
      return h("tr", {},
        h("th", { scope: "row" }, label),
        h("td", {}, value),
        h("td", { class: "sentences" }, sentences.length
          ? sentences.map((s) => h("blockquote", { title: s.article }, highlighted(s.sentence, terms)))
          : h("span", { class: "meta" }, field ? "not quoted" : "")));
    })));
  }

  /** Claims grouped by field; where sources disagree on a field, their claims stand side by side. */
  claims(claims) {
    if (!claims.length) return h("p", { class: "meta" }, "no attributed claims");
    const byField = new Map();
    for (const claim of claims) byField.set(claim.field, [...(byField.get(claim.field) || []), claim]);
    return h("div", { class: "claims" }, [...byField].map(([field, group]) => {
      const values = new Set(group.map((c) => JSON.stringify(c.value)));
      const conflict = values.size > 1;
      return h("div", { class: conflict ? "claim-group conflict" : "claim-group" },
        h("h4", {}, conflict ? `${field}: sources disagree` : field),
        h("div", { class: "claim-columns" }, group.map((c) => h("div", { class: "claim" },
          h("p", { class: "claim-value" }, `${field} = ${JSON.stringify(c.value)}`),
          h("p", { class: "meta" }, `by ${c.by || "the article"} (${c.source_kind}, ${c.status})`),
          h("blockquote", {}, highlighted(c.sentence, typeof c.value === "number" ? numberTerms(c.value) : [c.value])),
          this.source(c.article)))));
    }));
  }

  /** The events linked to this one by responds_to, oldest first, each a link; this event in bold. */
  chain(e, chain, respondsTo, respondedBy) {
    if (chain.length <= 1) return h("p", { class: "meta" }, "not linked to other events");
    const before = new Set(respondsTo.map((x) => x.event_id));
    const after = new Set(respondedBy.map((x) => x.event_id));
    return h("ol", { class: "chain" }, chain.map((x) => {
      const label = `${x.date_start || "date unknown"} · ${x.sub_event_type} · ${placeText(x.location)}${x.actor1 ? ` · ${x.actor1}` : ""}`;
      if (x.event_id === e.event_id) return h("li", { class: "current" }, h("strong", {}, label), " (this event)");
      const relation = before.has(x.event_id) ? "this event responds to it" : after.has(x.event_id) ? "responds to this event" : "further along the chain";
      return h("li", {}, this.eventLink(x.event_id, label), h("span", { class: "meta" }, ` (${relation})`));
    }));
  }

  /** Show one article as returned by GET /api/v1/articles/{id}, the sentences of `event` marked. */
  showArticle({ article, events }, event) {
    this.element.hidden = false;
    const evidence = new Set((event?.evidence || []).filter((s) => s.article === article.id).map((s) => s.sentence));
    const paragraph = (p) => {
      const node = h(p.kind === "headline" ? "h2" : "p", { class: p.kind });
      const found = [...evidence].map((s) => [p.text.indexOf(s), s]).filter(([at]) => at >= 0).sort((a, b) => a[0] - b[0]);
      let last = 0;
      for (const [at, sentence] of found) {
        if (at < last) continue;
        node.append(p.text.slice(last, at), h("mark", { class: "evidence" }, sentence));
        last = at + sentence.length;
      }
      node.append(p.text.slice(last));
      return node;
    };
    fill(this.element,
      this.closeButton(),
      event ? h("p", {}, this.eventLink(event.event_id, `back to ${event.event_id}`)) : null,
      h("p", { class: "meta" }, h("code", { id: "article-id" }, article.id), " · ",
        [article.outlet, article.published].filter(Boolean).join(", ") || "no date", " ",
        article.url ? outsideLink(article.url, "original") : null),
      h("article", { class: "article-text" }, article.paragraphs.map(paragraph)),
      h("h3", {}, "Events citing this article"),
      h("ul", {}, events.map((x) => h("li", {}, this.eventLink(x.event_id, `${x.date_start || "date unknown"} · ${x.sub_event_type} · ${placeText(x.location)}`)))),
    );
  }
}
