"""Issue 7, beyond one machine: the per-article stages as Dask tasks on a LocalCluster of two
worker processes, Parquet parts, and a merge that gives the single-machine ledger; WARC input."""
import json
import shutil
from io import BytesIO

import pytest
from click.testing import CliRunner
from conftest import FIXTURES

distributed = pytest.importorskip("distributed", reason="the scale extra (dask[distributed]) is not installed")
pytest.importorskip("pyarrow", reason="the scale extra (pyarrow) is not installed")
from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

from strikelog.api import Ledger, ingest_paths  # noqa: E402
from strikelog.cli import cli  # noqa: E402
from strikelog.run.dask import ingest_dask, partitions, read_parquet  # noqa: E402
from strikelog.sources.files import read_articles  # noqa: E402

REPORTS = ["f09_kharkiv_missile_wire", "f10_kharkiv_missile_local", "f14_mogadishu_car_bomb_wire",
           "f15_mogadishu_blast_radio", "f25_ain_al_asad_two_attacks", "f27_qaim_convoy_denial"]


@pytest.fixture(scope="module")
def dask_cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        yield cluster


def write_warc(path, pages):
    """A news crawl's WARC: a request, the HTML responses, and a non-HTML response to be ignored."""
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        writer.write_record(writer.create_warc_record("https://example.org/robots.txt", "request",
                                                      payload=BytesIO(b"GET /robots.txt HTTP/1.1\r\n\r\n")))
        for url, html in pages:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=BytesIO(html.encode("utf-8")),
                                                          http_headers=headers))
        image = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record("https://example.org/logo.png", "response",
                                                      payload=BytesIO(b"\x89PNG..."), http_headers=image))


@pytest.fixture
def corpus(tmp_path):
    """A few .txt reports with sidecars, a JSONL file and a WARC of two HTML pages."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name in REPORTS:
        for suffix in (".txt", ".meta.json"):
            source = FIXTURES / "reports" / (name + suffix)
            if source.exists():
                shutil.copy(source, folder / source.name)
    shutil.copy(FIXTURES / "web" / "w02_markup_in_text.jsonl", folder / "w02_markup_in_text.jsonl")
    pages = [(f"https://example.org/news/{p.stem}", p.read_text(encoding="utf-8"))
             for p in sorted((FIXTURES / "html").glob("h0[245]*.html"))]
    write_warc(folder / "crawl.warc.gz", pages)
    return folder


def exported(db):
    with Ledger(db) as ledger:
        return json.dumps(ledger.events(), sort_keys=True)


def test_warc_responses_become_articles_named_by_their_url(corpus):
    raws = list(read_articles([corpus / "crawl.warc.gz"], lambda p: pytest.fail(str(p))))
    assert [r.id for r in raws] == ["https://example.org/news/h02_aita_al_shaab_strike",
                                    "https://example.org/news/h04_kirkuk_ied_patrol",
                                    "https://example.org/news/h05_niger_banibangou_ambush"]
    assert all(r.is_html and r.url == r.id and "<html" in r.body.lower() for r in raws)


def test_a_warc_without_pages_is_named(tmp_path):
    (tmp_path / "broken.warc").write_bytes(b"this is not a WARC record\r\n\r\n" * 3)
    write_warc(tmp_path / "images.warc.gz", [])
    problems = []
    assert list(read_articles([tmp_path], problems.append)) == []
    assert [(p.path, p.reason.split(" (")[0]) for p in problems] == [
        (str(tmp_path / name), "no HTML page in this WARC file") for name in ("broken.warc", "images.warc.gz")]


def test_partitions_keep_the_input_order(corpus):
    parts = partitions([corpus], lambda p: pytest.fail(str(p)), files_per_partition=4)
    flat = [path for part in parts for path in part.paths]
    assert [p.split("/")[-1] for p in flat] == sorted(p.split("/")[-1] for p in flat)
    assert [len(p.paths) for p in parts] == [1, 4, 2, 1]  # crawl.warc.gz, 4 + 2 .txt, the .jsonl
    assert [p.index for p in parts] == [0, 1, 2, 3]


def test_dask_ingest_gives_the_single_machine_ledger(corpus, tmp_path, dask_cluster):
    single, spread = tmp_path / "single.db", tmp_path / "dask.db"
    expected = ingest_paths([corpus], single)
    with distributed.Client(dask_cluster) as client, distributed.get_task_stream(client) as tasks:
        report = ingest_dask([corpus], spread, client, tmp_path / "parquet")
    assert any(t["key"].startswith("merge_block") for t in tasks.data)  # the merge's blocks ran on the workers
    assert (report.added, report.events, len(report.problems)) == (expected.added, expected.events, len(expected.problems))
    assert report.added == 6 + 3 + 1  # reports, WARC pages, the JSONL line
    assert exported(spread) == exported(single)
    parts = sorted((tmp_path / "parquet").glob("part-*.parquet"))
    assert len(parts) == 3  # the WARC, the loose reports, the JSONL file
    ids = [r.article.id for r in read_parquet(parts)]
    assert ids[:3] == [f"https://example.org/news/{n}" for n in
                       ("h02_aita_al_shaab_strike", "h04_kirkuk_ied_patrol", "h05_niger_banibangou_ambush")]
    assert ids[3:] == REPORTS + ["w02_markup_in_text"]


def test_dask_ingest_from_the_command_line_skips_what_is_known_on_the_workers(corpus, tmp_path, dask_cluster):
    db = tmp_path / "ledger.db"
    args = ["ingest", str(corpus), "--db", str(db), "--dask", dask_cluster.scheduler_address,
            "--parquet", str(tmp_path / "parquet"), "-q"]
    first = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert first.exit_code == 0, first.output
    again = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert "0 added, 0 updated, 10 unchanged" in again.output
    assert list(read_parquet(sorted((tmp_path / "parquet").glob("part-*.parquet")))) == []  # skipped before parsing
    missing = CliRunner().invoke(cli, args[:6])
    assert missing.exit_code != 0 and "--parquet" in missing.output
