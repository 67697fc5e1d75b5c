// The map: offline country outlines (tiles only when the server was given --tiles), one circle per
// event, sized by fatalities and coloured by event type.
import * as L from "./vendor/leaflet/leaflet-src.esm.js";
import { h } from "./dom.js";
import { colourOf, TYPE_COLOURS, OTHER_COLOUR } from "./types.js";

const OUTLINES = "/static/vendor/world/countries-110m.geojson";

/** Circle radius in pixels: area grows with the number killed, unknown or zero stays small. */
export const radiusFor = (fatalities) => Math.min(28, 4 + 2.5 * Math.sqrt(fatalities || 0));

export class EventMap {
  constructor(container, { tiles, onSelect, onMove }) {
    this.onSelect = onSelect;
    this.map = L.map(container, { worldCopyJump: true, preferCanvas: true, minZoom: 1 }).setView([25, 30], 2);
    this.markers = L.layerGroup().addTo(this.map);
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

  /** Draw these events (summaries); fit the view to them when asked. */
  show(events, { fit }) {
    this.markers.clearLayers();
    this.byId.clear();
    const placed = events.filter((e) => e.location.lat !== null && e.location.lon !== null);
    for (const event of placed) {
      const marker = L.circleMarker([event.location.lat, event.location.lon], this.styleFor(event))
        .bindTooltip(h("span", {}, `${event.date_start || "date unknown"} · ${event.sub_event_type} · ${event.location.name || ""}`))
        .on("click", () => this.onSelect(event.event_id));
      marker.addTo(this.markers);
      this.byId.set(event.event_id, { marker, event });
    }
    if (fit && placed.length) {
      this.map.fitBounds(L.latLngBounds(placed.map((e) => [e.location.lat, e.location.lon])), { maxZoom: 7, padding: [30, 30] });
    }
    this.highlight(this.selected);
    return placed.length;
  }

  styleFor(event, selected = false) {
    return {
      radius: radiusFor(event.fatalities.best),
      color: selected ? "#000" : "#333",
      weight: selected ? 3 : 0.8,
      fillColor: colourOf(event.event_type),
      fillOpacity: 0.75,
    };
  }

  /** Outline the open event's circle. */
  highlight(eventId) {
    const previous = this.byId.get(this.selected);
    if (previous) previous.marker.setStyle(this.styleFor(previous.event));
    this.selected = eventId;
    const current = this.byId.get(eventId);
    if (current) current.marker.setStyle(this.styleFor(current.event, true)).bringToFront();
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

/** The legend of event type colours. */
export function legend() {
  const items = Object.entries(TYPE_COLOURS).map(([type, colour]) =>
    h("li", {}, h("span", { class: "swatch", style: `background:${colour}` }), type));
  items.push(h("li", {}, h("span", { class: "swatch", style: `background:${OTHER_COLOUR}` }), "other"));
  return h("ul", {}, items);
}
