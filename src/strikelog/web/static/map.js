// The map: offline country outlines (tiles only when the server was given --tiles), one marker per
// event, sized by fatalities and coloured by event type, nearby ones gathered into clusters.
import "./leaflet-global.js";
import "./vendor/leaflet.markercluster/leaflet.markercluster-src.js";
import { h } from "./dom.js";
import { colourOf, TYPE_COLOURS, OTHER_COLOUR } from "./types.js";

const L = window.L;
const OUTLINES = "/static/vendor/world/countries-110m.geojson";

/** Marker radius in pixels: area grows with the number killed, unknown or zero stays small. */
export const radiusFor = (fatalities) => Math.min(28, 4 + 2.5 * Math.sqrt(fatalities || 0));

/** A round marker as an element (never markup from text): the event type's colour, sized by deaths. */
function dot(event, selected) {
  const size = 2 * radiusFor(event.fatalities.best);
  const element = h("span", {
    class: selected ? "event-dot selected" : "event-dot",
    style: `width:${size}px;height:${size}px;background:${colourOf(event.event_type)}`,
  });
  return L.divIcon({ html: element, className: "event-marker", iconSize: [size, size] });
}

export class EventMap {
  constructor(container, { tiles, onSelect, onMove }) {
    this.onSelect = onSelect;
    this.map = L.map(container, { worldCopyJump: true, minZoom: 1, maxZoom: 18 }).setView([25, 30], 2);
    this.markers = L.markerClusterGroup({ maxClusterRadius: 40, showCoverageOnHover: false, spiderfyOnMaxZoom: true,
      chunkedLoading: true }).addTo(this.map);
    this.byId = new Map();
    this.selected = null;
    if (tiles) {
      L.tileLayer(tiles, { maxZoom: 18, attribution: "map tiles: see the server's --tiles setting" }).addTo(this.map);
    }
    this.outlines(Boolean(tiles));
    this.map.on("moveend", () => onMove(this.bbox()));
  }

  async outlines(overTiles) {
    const response = await fetch(OUTLINES);
    const countries = await response.json();
    const style = overTiles
      ? { color: "#555", weight: 1, fill: false }
      : { color: "#9a9a9a", weight: 0.8, fillColor: "#f3efe6", fillOpacity: 1 };
    L.geoJSON(countries, { style, interactive: false }).addTo(this.map).bringToBack();
  }

  /** Draw these events (summaries); fit the view to them when asked. The number placed. */
  show(events, { fit }) {
    this.markers.clearLayers();
    this.byId.clear();
    const placed = events.filter((e) => e.location.lat !== null && e.location.lon !== null);
    const markers = placed.map((event) => {
      const marker = L.marker([event.location.lat, event.location.lon], { icon: dot(event, false), keyboard: false })
        .bindTooltip(h("span", {}, `${event.date_start || "date unknown"} · ${event.sub_event_type} · ${event.location.name || ""}`))
        .on("click", () => this.onSelect(event.event_id));
      this.byId.set(event.event_id, { marker, event });
      return marker;
    });
    this.markers.addLayers(markers);
    if (fit && placed.length) {
      this.map.fitBounds(L.latLngBounds(placed.map((e) => [e.location.lat, e.location.lon])), { maxZoom: 7, padding: [30, 30] });
    }
    this.highlight(this.selected);
    return placed.length;
  }

  /** Outline the open event's marker. */
  highlight(eventId) {
    const previous = this.byId.get(this.selected);
    if (previous) previous.marker.setIcon(dot(previous.event, false));
    this.selected = eventId;
    const current = this.byId.get(eventId);
    if (current) current.marker.setIcon(dot(current.event, true)).setZIndexOffset(1000);
  }

  /** The view as the API's bbox parameter: west,south,east,north, longitudes wrapped into -180..180. */
  bbox() {
    const b = this.map.getBounds();
    const wrap = (lon) => ((((lon + 180) % 360) + 360) % 360) - 180;
    const clampLat = (lat) => Math.max(-90, Math.min(90, lat));
    const wide = b.getEast() - b.getWest() >= 360;
    const [west, east] = wide ? [-180, 180] : [wrap(b.getWest()), wrap(b.getEast())];
    return [west, clampLat(b.getSouth()), east, clampLat(b.getNorth())].map((x) => x.toFixed(3)).join(",");
  }

  invalidate() {
    this.map.invalidateSize();
  }
}

/** The legend: the colours of the event types among `types` only ("other" for types without one). */
export function legend(types) {
  const shown = new Set(types);
  const items = Object.entries(TYPE_COLOURS).filter(([type]) => shown.has(type)).map(([type, colour]) =>
    h("li", { dataset: { type } }, h("span", { class: "swatch", style: `background:${colour}` }), type));
  if ([...shown].some((type) => !(type in TYPE_COLOURS))) {
    items.push(h("li", { dataset: { type: "other" } }, h("span", { class: "swatch", style: `background:${OTHER_COLOUR}` }), "other"));
  }
  return items.length ? h("ul", {}, items) : h("span", { class: "meta" }, "no events on the map");
}
