"""The `strikelog` command: a thin click layer over strikelog.api."""
from __future__ import annotations

import functools
import json
import re
import sys
import time
from pathlib import Path
from typing import Optional

import click

from . import api, export, terminal
from .config import DEFAULT_DB, Settings
from .errors import StrikelogError

# The reader and the fetcher are imported by the commands that run them (ingest, extract, watch, ...), so
# that the commands that only read the ledger (events, show, timeline, export, facts) load neither.

def db_option(func):
    return click.option(
        "--db", "db", default=lambda: Settings().db, show_default=f"$STRIKELOG_DB or {DEFAULT_DB}",
        help="Ledger database: a SQLite file, or a PostgreSQL URL (postgresql://user@host/db; docs/scale.md).",
    )(func)


def workers_option(func):
    return click.option(
        "--workers", type=click.IntRange(min=1),
        help="Processes running the per-article stages (default: $STRIKELOG_WORKERS, else the cores available).",
    )(func)


def _settings(workers: Optional[int]) -> Settings:
    return Settings(workers=workers) if workers else Settings()


def quiet_option(func):
    return click.option("--quiet", "-q", is_flag=True, help="No progress bar on stderr.")(func)


def _progress(quiet: bool, label: str, total: Optional[int] = None) -> terminal.Progress:
    return terminal.Progress(label, total, quiet=quiet)


def _run(func, *args, **kwargs):
    try:
        return func(*args, **kwargs)
    except StrikelogError as err:
        raise click.ClickException(str(err)) from None


@click.group()
@click.version_option(package_name="strikelog")
def cli() -> None:
    """Turn news reports of attacks and military strikes into a sourced, deduplicated,
    geolocated ledger of events."""


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(export.TEXT_FORMATS), default="jsonl", show_default=True)
@workers_option
@quiet_option
def extract(paths: tuple[Path, ...], fmt: str, workers: Optional[int], quiet: bool) -> None:
    """Read articles (files or folders) as one batch and print its canonical events.

    Example:

        strikelog extract reports/ --format jsonl > events.jsonl
    """
    progress = _progress(quiet, "extracting", api.count_articles(paths))
    result = _run(api.extract_paths, paths, _settings(workers), on_problem=api.print_problem, progress=progress)
    progress.close()
    if not result.articles:
        raise click.ClickException("no article could be read from the given paths")
    export.write([export.to_contract(e) for e in result.events], fmt, sys.stdout)
    click.echo(f"strikelog: {len(result.articles)} articles, {len(result.events)} events, "
               f"{len(result.problems)} skipped", err=True)


@cli.command()
@click.argument("sources", nargs=-1, required=True)
@db_option
@workers_option
@click.option("--dask", "scheduler", metavar="ADDRESS",
              help="Run the per-article stages on this Dask cluster (e.g. tcp://10.0.0.5:8786); needs --parquet.")
@click.option("--parquet", type=click.Path(file_okay=False, path_type=Path),
              help="With --dask: folder, seen by the workers and this machine, for the analysed articles as Parquet.")
@quiet_option
@click.option("--timeout", default=20.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds to wait for a web page.")
def ingest(sources: tuple[str, ...], db: str, workers: Optional[int], scheduler: Optional[str],
           parquet: Optional[Path], quiet: bool, timeout: float) -> None:
    """Add articles to the ledger database: files, folders, or web pages (an argument starting with
    http:// or https:// is fetched). Unchanged articles are skipped; an updated article replaces
    its earlier version.

    Examples:

        strikelog ingest reports/ --db ledger.db

        strikelog ingest https://example.org/news/strike-report --db ledger.db

        strikelog ingest crawl/ --dask tcp://scheduler:8786 --parquet /shared/run1 --db postgresql://host/ledger
    """
    from .sources.http import FetchSettings, is_url

    progress = _progress(quiet, "ingesting", api.count_articles(sources))
    if scheduler:
        if not parquet:
            raise click.UsageError("--dask needs --parquet FOLDER (where the workers write the analysed articles)")
        if any(is_url(s) for s in sources):
            raise click.UsageError("--dask reads files and folders; fetch web pages without --dask")
        from .run.dask import ingest_dask

        report = _run(ingest_dask, sources, db, scheduler, parquet, _settings(workers), on_problem=api.print_problem,
                      progress=progress)
    else:
        report = _run(api.ingest_sources, sources, db, _settings(workers), FetchSettings(timeout=timeout),
                      on_problem=api.print_problem, progress=progress)
    progress.close()
    click.echo(
        f"{report.added} added, {report.updated} updated, {report.unchanged} unchanged, "
        f"{len(report.problems)} skipped; {report.events} events in {db}", err=True,
    )
    if not (report.added or report.updated or report.unchanged):
        raise click.ClickException("no article could be read from the given sources")


def parse_interval(text: str) -> float:
    """Seconds in "30s", "15m", "1h" (a bare number is seconds)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smh]?)\s*", text.lower())
    if not match or float(match.group(1)) <= 0:
        raise click.BadParameter(f"{text!r}: expected a duration such as 30s, 15m or 1h")
    return float(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[match.group(2)]


@cli.command()
@click.argument("feeds", nargs=-1, required=True)
@db_option
@click.option("--every", default="15m", show_default=True, help="Time between polls: 30s, 15m, 1h.")
@click.option("--once", is_flag=True, help="Poll once and exit (for cron).")
@click.option("--delay", default=1.0, show_default=True, type=click.FloatRange(min=0),
              help="Seconds between two requests to one host.")
@click.option("--timeout", default=20.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds to wait for a feed or a page.")
def watch(feeds: tuple[str, ...], db: str, every: str, once: bool, delay: float, timeout: float) -> None:
    """Follow RSS/Atom feeds: poll them, fetch the items not seen yet, ingest them, and print what
    changed (new events, events with a new source, revised figures). FEEDS are feed URLs or files
    with one URL a line. Runs until Ctrl-C unless --once. Feed state lives in the ledger, so a
    restarted watcher goes on where it stopped.

    Examples:

        strikelog watch --once --db ledger.db feeds.txt

        strikelog watch --every 15m --db ledger.db https://example.org/world/rss.xml
    """
    from .run.watch import FeedWatcher
    from .sources.feeds import read_feed_list
    from .sources.http import FetchSettings

    interval = parse_interval(every)
    urls = _run(read_feed_list, feeds)
    if not urls:
        raise click.ClickException("no feed URLs given")
    fetching = FetchSettings(timeout=timeout, host_delay=delay)
    with _run(FeedWatcher, db, urls, Settings(), fetching, on_problem=api.print_problem) as watcher:
        try:
            while True:
                started = time.monotonic()
                report = _run(watcher.poll)
                for line in report.changes.lines():
                    click.echo(line)
                click.echo(f"strikelog: {report.summary()}", err=True)
                if once:
                    if report.polled and report.failed == report.polled:
                        raise click.ClickException("no feed could be read")
                    return
                time.sleep(max(0.0, interval - (time.monotonic() - started)))
        except KeyboardInterrupt:
            click.echo("strikelog: stopped; the next watch goes on from here", err=True)


def filter_options(with_all: bool = True):
    """--country, --since, --until, --type, --actor (and --all): checked by the rules the HTTP API uses
    (strikelog.filters), a bad value exiting 2 with the API's sentence; the command gets `filters`."""
    options = [
        click.option("--country", help="ISO 3166 alpha-2 code, e.g. IQ."),
        click.option("--since", help="Earliest date, YYYY-MM-DD."),
        click.option("--until", help="Latest date, YYYY-MM-DD."),
        click.option("--type", "event_type", help="ACLED event or sub-event type, e.g. 'Air/drone strike' (any case)."),
        click.option("--actor", help="Part of an actor's name."),
    ]
    if with_all:
        options.append(click.option("--all", "show_all", is_flag=True, help="Include background events."))

    def decorate(command):
        @functools.wraps(command)
        def checked(*args, country, since, until, event_type, actor, show_all=False, **kwargs):
            try:
                filters = api.event_filters(country=country, since=since, until=until, event_type=event_type,
                                            actor=actor, status="all" if show_all else "reported")
            except api.BadFilter as err:
                raise click.UsageError(str(err)) from None
            return command(*args, filters=filters, **kwargs)

        for option in reversed(options):
            checked = option(checked)
        return checked

    return decorate


@cli.command()
@db_option
@filter_options()
@click.option("--limit", type=click.IntRange(min=1), help="Show at most this many events (oldest first).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True,
              help="table: for reading; csv: strikelog's own columns (as `export --format csv`); json: contract objects.")
def events(db: str, filters, limit: Optional[int], fmt: str) -> None:
    """List events in the ledger, oldest first.

    Examples:

        strikelog events --country IQ --since 2023-11-01

        strikelog events --type "Air/drone strike" --limit 20 --format csv
    """
    with _run(api.Ledger, db) as ledger:
        rows, total = ledger.page(filters, limit)
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        export.write(rows, "csv", sys.stdout)
    elif rows:
        click.echo(terminal.table(rows))
    if not rows:
        click.echo("no events match", err=True)
    elif len(rows) < total:
        click.echo(f"showing {len(rows)} of {total} matching events (--limit {limit})", err=True)
    elif fmt == "table":
        click.echo(terminal.count(total, "event", "match"), err=True)


@cli.command()
@click.argument("event_id")
@db_option
def show(event_id: str, db: str) -> None:
    """Show every field of one event with the sentences and articles (outlet, headline, URL) it came from.

    Example:

        strikelog show ev-1a2b3c4d5e6f
    """
    with _run(api.Ledger, db) as ledger:
        event = _run(ledger.event, event_id)
        sources = ledger.sources(event)
    click.echo(terminal.describe(event, sources))


@cli.command()
@db_option
@click.option("--article", help="Only this article's facts.")
def facts(db: str, article: Optional[str]) -> None:
    """List article facts: aggregate statements such as "66 attacks since October 17", which are
    not single events and so are kept beside the ledger rather than in it.

    Example:

        strikelog facts --article reuters-2023-11-21
    """
    with _run(api.Ledger, db) as ledger:
        rows = ledger.facts(article)
    for row in rows:
        click.echo(f"{row['article']}\t{row['kind']}\t{row['sentence']}")
    if not rows:
        click.echo("no article facts", err=True)


@cli.command(name="export")
@db_option
@click.option("--format", "fmt", type=click.Choice(export.FORMATS), default="jsonl", show_default=True,
              help="acled: ACLED's 31 columns as CSV; csv and parquet: strikelog's own fields, one column each.")
@filter_options()
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default stdout).")
def export_cmd(db: str, fmt: str, filters, output: Optional[Path]) -> None:
    """Export the matching events (all reported ones by default) as JSON Lines, JSON, CSV, ACLED's
    columns, GeoJSON or Parquet. Streams: memory stays flat however large the ledger. docs/export.md
    says how each ACLED column is derived.

    Examples:

        strikelog export --format acled -o ledger-acled.csv

        strikelog export --format parquet --country IQ --since 2024-01-01 -o iraq.parquet
    """
    binary = fmt in export.BINARY_FORMATS
    _run(export.check_format, fmt)
    with _run(api.Ledger, db) as ledger:
        if output:
            tmp = output.with_name(output.name + ".part")
            with open(tmp, "wb") if binary else open(tmp, "w", encoding="utf-8", newline="") as handle:
                for chunk in ledger.export(filters, fmt):
                    handle.write(chunk)
            tmp.replace(output)
        else:
            stdout = sys.stdout.buffer if binary else sys.stdout
            for chunk in ledger.export(filters, fmt):
                stdout.write(chunk)
            stdout.flush()


@cli.command(name="merge")
@click.argument("event_a")
@click.argument("event_b")
@db_option
def merge_cmd(event_a: str, event_b: str, db: str) -> None:
    """Make two events one (an analyst's decision, kept across re-ingestion).

    Example:

        strikelog merge ev-1a2b3c4d5e6f ev-6f5e4d3c2b1a
    """
    with _run(api.Ledger, db) as ledger:
        merged = _run(ledger.merge, event_a, event_b)
    click.echo(merged)


@cli.command(name="split")
@click.argument("event_id")
@click.option("--article", required=True, help="The source article whose reports become an event of their own.")
@db_option
def split_cmd(event_id: str, article: str, db: str) -> None:
    """Take one article's reports out of an event (an analyst's decision, kept across re-ingestion).

    Example:

        strikelog split ev-1a2b3c4d5e6f --article reuters-2023-11-21
    """
    with _run(api.Ledger, db) as ledger:
        for piece in _run(ledger.split, event_id, article):
            click.echo(piece)


@cli.command()
@db_option
@filter_options(with_all=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def timeline(db: str, filters, fmt: str) -> None:
    """Events in date order with their escalation chains (attack -> strike -> counter-attack).
    A chain is shown whole when any of its events matches the filters.

    Example:

        strikelog timeline --country IQ --since 2023-11-01 --type "Air/drone strike"
    """
    with _run(api.Ledger, db) as ledger:
        chains = ledger.timeline(filters)
    if fmt == "json":
        click.echo(json.dumps(chains, ensure_ascii=False, indent=2))
    elif not chains:
        click.echo("no events match", err=True)
    else:
        click.echo("\n".join(terminal.chain_lines(chains)))


@cli.group(name="gazetteer")
def gazetteer_group() -> None:
    """Inspect and extend the offline gazetteer (GeoNames cities500 + curated installations)."""


@gazetteer_group.command(name="lookup")
@click.argument("name")
def gazetteer_lookup(name: str) -> None:
    """Show the places a name resolves to, best-known first.

    Example:

        strikelog gazetteer lookup "Ayn al Asad"
    """
    places = _run(api.gazetteer).lookup(name)
    if not places:
        raise click.ClickException(f"no place called {name!r} in the gazetteer")
    for p in sorted(places, key=lambda p: (p.kind != "site", -p.population)):
        click.echo(f"{p.name}\t{p.country or '-'}\t{p.admin1 or '-'}\t{p.lat}\t{p.lon}\t{p.kind}\tpop {p.population}"
                   + ("\t(spelling match)" if p.fuzzy else ""))


@gazetteer_group.command(name="add")
@click.argument("csv_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def gazetteer_add(csv_path: Path) -> None:
    """Add places from a CSV with the columns name,aliases,kind,country,admin1,lat,lon,geo_precision
    (aliases separated by |). Added places survive gazetteer rebuilds.

    Example:

        strikelog gazetteer add my_sites.csv
    """
    count = _run(api.add_places, csv_path)
    click.echo(f"{count} places added", err=True)


@gazetteer_group.command(name="import")
@click.argument("dump", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def gazetteer_import(dump: Path) -> None:
    """Import a GeoNames country dump (e.g. IQ.txt from GeoNames' export/dump) for full coverage
    of a country's villages and sites.

    Example:

        strikelog gazetteer import IQ.txt
    """
    count = _run(lambda: api.gazetteer().import_geonames(dump))
    click.echo(f"{count} places imported from {dump}", err=True)


@cli.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="TCP port.")
@click.option("--token", default=lambda: Settings().token, show_default="$STRIKELOG_TOKEN",
              help="Accept POST /api/v1/articles with this bearer token "
              "(writes are off without one). Prefer the environment variable to the command line.")
@click.option("--tiles", default=lambda: Settings().tiles, show_default="$STRIKELOG_TILES",
              help="XYZ tile URL template for the map background, e.g. "
              "https://tile.openstreetmap.org/{z}/{x}/{y}.png (off by default: country outlines only, offline).")
def serve(db: str, host: str, port: int, token: Optional[str], tiles: Optional[str]) -> None:
    """Serve the ledger: the HTTP API under /api/v1 (docs/web.md) and the map, timeline and table page.

    Example:

        strikelog serve --db ledger.db --port 8000
    """
    import uvicorn

    from .web import create_app

    uvicorn.run(_run(create_app, db, token=token, tiles=tiles), host=host, port=port)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
