"""What the CLI prints: events as a table, one event in full, timelines as trees, counts in words, and
progress on stderr (a bar on a terminal, plain lines in a log). Plain functions from contract objects
to text, so that the commands in `cli` stay a few lines each."""
from __future__ import annotations

import sys
import textwrap
import time
from typing import IO, Optional

ELLIPSIS = "…"
MAX_CELL = 28


def count(n: int, noun: str, verb: Optional[str] = None) -> str:
    """'1 event matches', '3 events match', '0 events' (English plural of a regular noun)."""
    words = f"{n} {noun if n == 1 else noun + 's'}"
    if verb:
        words += f" {verb + 'es' if n == 1 and verb.endswith(('ch', 'sh', 's', 'x')) else verb + 's' if n == 1 else verb}"
    return words


def cut(text: str, width: int) -> str:
    """`text` in at most `width` characters, an ellipsis marking a cut."""
    return text if len(text) <= width else text[: width - 1] + ELLIPSIS


TABLE_COLUMNS = (  # (header, right-aligned)
    ("event_id", False), ("date", False), ("type", False), ("actor1", False), ("actor2", False),
    ("place", False), ("killed", True), ("wounded", True), ("sources", True),
)


def table(events: list[dict], max_cell: int = MAX_CELL) -> str:
    """Events as an aligned table: text cut with an ellipsis at `max_cell`, numbers right-aligned."""
    rows = []
    for e in events:
        loc = e["location"]
        place = ", ".join(x for x in (loc["name"], loc["country"]) if x) or "-"
        rows.append((
            e["event_id"], e["date_start"] or "?", e["sub_event_type"], e["actor1"] or "-", e["actor2"] or "-",
            place, _num(e["fatalities"]["best"]), _num(e["wounded"]["best"]), str(len(e["sources"])),
        ))
    rows = [tuple(cut(cell, max_cell) for cell in row) for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, (h, _) in enumerate(TABLE_COLUMNS)]

    def line(cells) -> str:
        return "  ".join(c.rjust(w) if right else c.ljust(w)
                         for c, w, (_, right) in zip(cells, widths, TABLE_COLUMNS)).rstrip()

    return "\n".join([line(h for h, _ in TABLE_COLUMNS), line("-" * w for w in widths)] + [line(r) for r in rows])


def _num(value) -> str:
    return "-" if value is None else str(value)


def describe(e: dict, sources: list[dict]) -> str:
    """Every field of one event, each claim with its claimant and sentence, the sources by outlet,
    headline and URL, and the evidence sentences."""
    loc = e["location"]
    by_id = {s["id"]: s for s in sources}
    wrap = lambda s: textwrap.fill(s, width=100, initial_indent="      ", subsequent_indent="      ")  # noqa: E731
    out = [
        f"{e['event_id']}  [{e['status']}]",
        f"  type       {e['event_type']} / {e['sub_event_type']}",
        f"  date       {e['date_start'] or 'unknown'}"
        + (f" .. {e['date_end']}" if e["date_end"] and e["date_end"] != e["date_start"] else "")
        + f"  (precision: {e['date_precision']})",
        f"  actor1     {e['actor1'] or '-'}",
        f"  actor2     {e['actor2'] or '-'}",
        f"  place      {loc['name'] or '-'}, {loc['admin1'] or '-'}, {loc['country'] or '-'}"
        f"  ({loc['lat']}, {loc['lon']}; geo_precision {loc['geo_precision']})",
        f"  weapons    {', '.join(e['weapons']) or '-'}",
        f"  killed     best {_num(e['fatalities']['best'])}, low {_num(e['fatalities']['low'])}, high {_num(e['fatalities']['high'])}",
        f"  wounded    best {_num(e['wounded']['best'])}, low {_num(e['wounded']['low'])}, high {_num(e['wounded']['high'])}",
        f"  responds   {', '.join(e['responds_to']) or '-'}",
        f"  sources    {count(len(e['sources']), 'article')}",
    ]
    for article_id in e["sources"]:
        out.extend(_source_lines(by_id.get(article_id, {"id": article_id})))
    out.append("  claims")
    for c in e["claims"]:
        out.append(f"    {c['field']} = {c['value']}  by {c['by'] or 'the article'} ({c['source_kind']}, {c['status']}) "
                   f"in {_outlet(by_id.get(c['article']), c['article'])}")
        out.append(wrap(f'"{c["sentence"]}"'))
    out.append("  evidence")
    for ev in e["evidence"]:
        out.append(f"    {_outlet(by_id.get(ev['article']), ev['article'])}")
        out.append(wrap(f'"{ev["sentence"]}"'))
    return "\n".join(out)


def _source_lines(meta: dict) -> list[str]:
    published = f", {meta['published'][:10]}" if meta.get("published") else ""
    lines = [f"    {meta.get('outlet') or 'outlet not given'}{published}: {meta.get('title') or '(no headline)'}"]
    lines.append(f"      {meta['url']}" if meta.get("url") else f"      article {meta['id']} (no URL)")
    return lines


def _outlet(meta: Optional[dict], article_id: str) -> str:
    return f"{meta['outlet']} ({article_id})" if meta and meta.get("outlet") else article_id


def chain_lines(chains: list[dict]) -> list[str]:
    """Each chain as a tree: an event, then indented under it the events that answer it."""
    lines: list[str] = []
    for chain in chains:
        by_id = {e["event_id"]: e for e in chain["events"]}
        answers = {e["event_id"]: [l["from"] for l in chain["links"] if l["to"] == e["event_id"]] for e in chain["events"]}
        roots = [e["event_id"] for e in chain["events"] if not any(l["from"] == e["event_id"] for l in chain["links"])]
        shown: set[str] = set()

        def walk(event_id: str, depth: int) -> None:
            if event_id in shown:
                return
            shown.add(event_id)
            lines.append(("  " * (depth - 1) + "└─ answered by " if depth else "") + one_line(by_id[event_id]))
            for later in sorted(answers[event_id], key=lambda i: (by_id[i]["date_start"] or "9999", i)):
                walk(later, depth + 1)

        for root in roots or [chain["events"][0]["event_id"]]:
            walk(root, 0)
    return lines


def one_line(e: dict) -> str:
    loc = e["location"]
    place = ", ".join(x for x in (loc["name"], loc["country"]) if x) or "place unknown"
    killed = f", {e['fatalities']['best']} killed" if e["fatalities"]["best"] is not None else ""
    return (f"{e['date_start'] or '????-??-??'}  {e['event_id']}  {e['sub_event_type']}: "
            f"{e['actor1'] or 'unknown'} -> {e['actor2'] or 'unknown'} at {place}{killed}")


class Progress:
    """Progress of a long run on a stream (stderr): a tqdm bar with percentage and ETA on a terminal
    when the total is known; elsewhere (a log file, a pipe) plain lines, no carriage returns, at most
    one every `every` seconds and one at the end. Silent when quiet."""

    def __init__(self, label: str, total: Optional[int] = None, quiet: bool = False, stream: Optional[IO[str]] = None,
                 every: float = 10.0, unit: str = "article"):
        self.label, self.total, self.quiet, self.unit, self.every = label, total, quiet, unit, every
        self.stream = stream or sys.stderr
        self.done = 0
        self.started = self.last = time.monotonic()
        self.bar = None
        if not quiet and _is_terminal(self.stream):
            from tqdm import tqdm

            self.bar = tqdm(desc=label, total=total, unit=f" {unit}s", file=self.stream, mininterval=0.5, leave=False)

    def __call__(self, n: int) -> None:
        self.done += n
        if self.bar is not None:
            self.bar.update(n)
        elif not self.quiet and time.monotonic() - self.last >= self.every:
            self._line()

    def _line(self) -> None:
        self.last = time.monotonic()
        of = f"/{self.total} {self.unit}s ({100 * self.done // max(self.total, 1)}%)" if self.total else f" {self.unit}s"
        self.stream.write(f"strikelog: {self.label} {self.done}{of}, {self.last - self.started:.0f}s\n")
        self.stream.flush()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        elif not self.quiet and self.done:
            self._line()


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
