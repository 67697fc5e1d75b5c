// The timeline: matching events per day (per week or month over long spans), stacked by event type,
// as plain SVG. Dragging across it chooses the date range that filters the map and the table.
import { svg, fill } from "./dom.js";
import { colourOf } from "./types.js";

const DAY = 86400000;
const HEIGHT = 120;
const AXIS = 18;

const dayNumber = (iso) => Date.parse(`${iso}T00:00:00Z`) / DAY;
const isoDate = (n) => new Date(n * DAY).toISOString().slice(0, 10);

/** The bin a day falls in: itself, its week (from Monday) or its month. */
function binStart(day, unit) {
  if (unit === "day") return day;
  if (unit === "week") return day - ((new Date(day * DAY).getUTCDay() + 6) % 7);
  const d = new Date(day * DAY);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / DAY;
}

function nextBin(start, unit) {
  if (unit === "day") return start + 1;
  if (unit === "week") return start + 7;
  const d = new Date(start * DAY);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) / DAY;
}

/** Bins covering the days, each with its counts per event type. */
export function binned(days) {
  if (!days.length) return { unit: "day", bins: [] };
  const numbers = days.map((d) => dayNumber(d.date));
  const first = Math.min(...numbers);
  const last = Math.max(...numbers);
  const span = last - first + 1;
  const unit = span <= 180 ? "day" : span <= 3 * 366 ? "week" : "month";
  const bins = [];
  const index = new Map();
  for (let start = binStart(first, unit); start <= last; start = nextBin(start, unit)) {
    index.set(start, bins.length);
    bins.push({ start, end: nextBin(start, unit) - 1, counts: {}, total: 0 });
  }
  days.forEach((d, i) => {
    const bin = bins[index.get(binStart(numbers[i], unit))];
    bin.counts[d.event_type] = (bin.counts[d.event_type] || 0) + d.count;
    bin.total += d.count;
  });
  return { unit, bins };
}

export class Timeline {
  constructor(element, caption, onRange) {
    this.element = element;
    this.caption = caption;
    this.onRange = onRange;
    this.bins = [];
    this.last = null;
    element.addEventListener("pointerdown", (e) => this.startBrush(e));
    new ResizeObserver(() => {
      if (this.last && Math.round(this.element.clientWidth) !== Math.round(this.width)) this.draw(...this.last);
    }).observe(element);
  }

  /** Draw the days ({date, event_type, count}) and mark the chosen range (ISO dates or null). */
  draw(days, since, until) {
    this.last = [days, since, until];
    const { unit, bins } = binned(days);
    this.bins = bins;
    this.width = this.element.clientWidth || 800;
    this.element.setAttribute("viewBox", `0 0 ${this.width} ${HEIGHT}`);
    const total = bins.reduce((sum, b) => sum + b.total, 0);
    fill(this.caption, bins.length ? `${total} dated events, per ${unit}` : "no dated events");
    const children = [];
    const barWidth = bins.length ? this.width / bins.length : 0;
    const top = Math.max(1, ...bins.map((b) => b.total));
    const scale = (HEIGHT - AXIS - 4) / top;
    bins.forEach((bin, i) => {
      let y = HEIGHT - AXIS;
      for (const [type, count] of Object.entries(bin.counts).sort()) {
        const height = count * scale;
        y -= height;
        children.push(svg("rect", { x: i * barWidth, y, width: Math.max(1, barWidth - 1), height, fill: colourOf(type), class: "bar" },
          svg("title", {}, `${isoDate(bin.start)}${unit === "day" ? "" : ` to ${isoDate(bin.end)}`}: ${count} ${type}`)));
      }
    });
    children.push(...this.ticks(barWidth));
    this.selection = svg("rect", { class: "brush", x: 0, y: 0, width: 0, height: HEIGHT - AXIS });
    children.push(this.selection);
    fill(this.element, children);
    this.markRange(since, until);
  }

  ticks(barWidth) {
    const step = Math.max(1, Math.ceil(this.bins.length / 6));
    const out = [svg("line", { x1: 0, x2: this.width, y1: HEIGHT - AXIS, y2: HEIGHT - AXIS, class: "axis" })];
    for (let i = 0; i < this.bins.length; i += step) {
      out.push(svg("text", { x: i * barWidth + 2, y: HEIGHT - 4, class: "tick" }, isoDate(this.bins[i].start)));
    }
    return out;
  }

  /** Shade the bins inside [since, until]. */
  markRange(since, until) {
    if (!this.bins.length || (!since && !until)) {
      this.selection.setAttribute("width", 0);
      return;
    }
    const from = since ? dayNumber(since) : -Infinity;
    const to = until ? dayNumber(until) : Infinity;
    const inside = this.bins.map((b, i) => (b.end >= from && b.start <= to ? i : -1)).filter((i) => i >= 0);
    const barWidth = this.width / this.bins.length;
    const first = inside.length ? inside[0] : 0;
    const count = inside.length;
    this.selection.setAttribute("x", first * barWidth);
    this.selection.setAttribute("width", count * barWidth);
  }

  binAt(clientX) {
    const box = this.element.getBoundingClientRect();
    const x = ((clientX - box.left) / box.width) * this.width;
    const i = Math.floor((x / this.width) * this.bins.length);
    return this.bins[Math.max(0, Math.min(this.bins.length - 1, i))];
  }

  /** Drag to choose dates; a click without dragging clears them. */
  startBrush(down) {
    if (!this.bins.length) return;
    down.preventDefault();
    const anchor = this.binAt(down.clientX);
    const range = (x) => {
      const bin = this.binAt(x);
      return [Math.min(anchor.start, bin.start), Math.max(anchor.end, bin.end)];
    };
    const move = (e) => {
      const [from, to] = range(e.clientX);
      this.markRange(isoDate(from), isoDate(to));
    };
    const up = (e) => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
      if (Math.abs(e.clientX - down.clientX) < 3) {
        this.onRange(null, null);
        return;
      }
      const [from, to] = range(e.clientX);
      this.onRange(isoDate(from), isoDate(to));
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
  }
}
