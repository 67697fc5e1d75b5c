// The timeline: matching events per day (per week or month over long spans), stacked by event type,
// as plain SVG with a y-axis of counts; the caption says how many matching events have no date. Dragging
// across it chooses the date range that filters the map and the table.
import { svg, fill } from "./dom.js";
import { colourOf } from "./types.js";

const DAY = 86400000;
const HEIGHT = 120;
const AXIS = 18; // the date axis, at the bottom
const LEFT = 36; // the count axis, on the left

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

/** Up to four round counts from 0 to `top` for the y-axis. */
export function countTicks(top) {
  const step = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000].find((s) => top / s <= 4) || Math.ceil(top / 4);
  const ticks = [];
  for (let t = 0; t <= top; t += step) ticks.push(t);
  return ticks;
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

  /** Draw the days ({date, event_type, count}) and mark the chosen range (ISO dates or null); `undated`
   * is the number of matching events without a date, which no bar can show. */
  draw(days, since, until, undated = 0) {
    this.last = [days, since, until, undated];
    const { unit, bins } = binned(days);
    this.bins = bins;
    this.width = this.element.clientWidth || 800;
    this.plot = Math.max(1, this.width - LEFT);
    this.element.setAttribute("viewBox", `0 0 ${this.width} ${HEIGHT}`);
    const total = bins.reduce((sum, b) => sum + b.total, 0);
    const dated = bins.length ? `${total} dated event${total === 1 ? "" : "s"}, per ${unit}` : "no dated events";
    fill(this.caption, undated ? `${dated}; ${undated} without a date (not shown)` : dated);
    const top = Math.max(1, ...bins.map((b) => b.total));
    const ticks = countTicks(top);
    const scale = (HEIGHT - AXIS - 6) / Math.max(top, ticks[ticks.length - 1]);
    const children = this.countAxis(ticks, scale);
    const barWidth = bins.length ? this.plot / bins.length : 0;
    bins.forEach((bin, i) => {
      let y = HEIGHT - AXIS;
      for (const [type, count] of Object.entries(bin.counts).sort()) {
        const height = count * scale;
        y -= height;
        children.push(svg("rect", { x: LEFT + i * barWidth, y, width: Math.max(1, barWidth - 1), height, fill: colourOf(type), class: "bar" },
          svg("title", {}, `${isoDate(bin.start)}${unit === "day" ? "" : ` to ${isoDate(bin.end)}`}: ${count} ${type}`)));
      }
    });
    children.push(...this.ticks(barWidth));
    this.selection = svg("rect", { class: "brush", x: LEFT, y: 0, width: 0, height: HEIGHT - AXIS });
    children.push(this.selection);
    fill(this.element, children);
    this.markRange(since, until);
  }

  /** The y-axis: a line, and each count with its gridline. */
  countAxis(ticks, scale) {
    const out = [svg("line", { x1: LEFT, x2: LEFT, y1: 0, y2: HEIGHT - AXIS, class: "axis y-axis" })];
    for (const t of ticks) {
      const y = HEIGHT - AXIS - t * scale;
      if (t) out.push(svg("line", { x1: LEFT, x2: this.width, y1: y, y2: y, class: "grid" }));
      out.push(svg("text", { x: LEFT - 4, y: y + 3, class: "tick count", "text-anchor": "end" }, String(t)));
    }
    return out;
  }

  ticks(barWidth) {
    const labels = Math.max(2, Math.floor(this.plot / 90)); // a date label needs about 70 px
    const step = Math.max(1, Math.ceil(this.bins.length / labels));
    const out = [svg("line", { x1: LEFT, x2: this.width, y1: HEIGHT - AXIS, y2: HEIGHT - AXIS, class: "axis" })];
    for (let i = 0; i < this.bins.length; i += step) {
      out.push(svg("text", { x: LEFT + i * barWidth + 2, y: HEIGHT - 4, class: "tick" }, isoDate(this.bins[i].start)));
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
    const barWidth = this.plot / this.bins.length;
    const first = inside.length ? inside[0] : 0;
    const count = inside.length;
    this.selection.setAttribute("x", LEFT + first * barWidth);
    this.selection.setAttribute("width", count * barWidth);
  }

  binAt(clientX) {
    const box = this.element.getBoundingClientRect();
    const x = ((clientX - box.left) / box.width) * this.width - LEFT;
    const i = Math.floor((x / this.plot) * this.bins.length);
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
