"""Bad input: every kind of unreadable or hostile file is named with its reason, and nothing else in
the batch (or the ledger) is affected. docs/reliability.md lists what is promised."""
import json
import random
import shutil
from pathlib import Path

import pytest

from strikelog import extract_paths, ingest_paths, to_contract
from strikelog.api import Ledger
from strikelog.sources import files as ingest

FIXTURES = Path(__file__).parent / "fixtures"
GOOD = FIXTURES / "reports" / "f16_africom_strike_jilib.txt"
HTML = FIXTURES / "html" / "h04_kirkuk_ied_patrol.html"

ENGLISH = (
    "Drone strike hits fuel depot near Hodeidah\n\n"
    "A drone strike hit a fuel depot near the port of Hodeidah on Monday, killing three workers, "
    "local officials said. The Houthis blamed the coalition for the attack, which set off a fire "
    "that burned for several hours. The coalition did not comment on the strike.\n"
)
FRENCH = (
    "Une frappe de drone vise un convoi près de Gao\n\n"
    "Une frappe de drone a touché lundi un convoi près de Gao, dans le nord du Mali, tuant au moins six "
    "personnes, selon des sources sécuritaires. L'armée malienne n'a pas commenté l'attaque, qui intervient "
    "après une série d'embuscades contre des positions militaires dans la région.\n"
)
ARABIC = (
    "غارة بطائرة مسيرة على قافلة قرب الحديدة\n\n"
    "قال مسؤولون محليون إن غارة بطائرة مسيرة استهدفت قافلة قرب ميناء الحديدة يوم الاثنين ما أسفر عن مقتل "
    "ثلاثة أشخاص وإصابة خمسة آخرين بجروح، فيما لم يعلق التحالف على الهجوم حتى الآن في بيان رسمي.\n"
)


def _long_sentence(chars: int) -> str:
    rng = random.Random(7)
    words = "the militants fired rockets at the base near the city and officials said that people were hurt".split()
    body = []
    while sum(len(w) + 1 for w in body) < chars:
        body.append(rng.choice(words))
    return "Rockets hit a base in Syria\n\n" + " ".join(body) + ".\n"


def _pathological_whitespace(text: str) -> str:
    """The same words with CRLF, tabs, runs of blank lines, no-break and zero-width spaces."""
    text = text.replace("\n\n", "\r\n" + "\r\n" * 3000 + "\t \u00a0\r\n")
    return text.replace(" ", " \u200b\t", 40).replace(". ", ".\u00a0\u00a0 ", 3)


def _nested(depth: int) -> bytes:
    """A page whose body paragraph sits `depth` elements deep."""
    return ("<html><body><article><h1>Drone strike hits Hodeidah port</h1>" + "<div>" * depth
            + "<p>A drone strike hit the port of Hodeidah on Monday, killing three people, officials said.</p>"
            + "</div>" * depth + "</article></body></html>").encode()


# name -> (bytes to write, the reason expected on stderr; None = read and processed)
CASES = {
    "truncated.html": (HTML.read_bytes()[: len(HTML.read_bytes()) * 3 // 5], None),
    "malformed.html": (b"<html><body><div><ul><li><a href='/'>Home</a><li><a href='/w'>World", "no article body"),
    "empty_page.html": (b"<html><head><title></title></head><body></body></html>", "no article body"),
    "nested.html": (_nested(200), None),
    "deeply_nested.html": (_nested(5000), "HTML nested too deeply to read (more than 256 levels"),
    "very_deeply_nested.html": (_nested(100_000), "HTML nested too deeply to read"),
    "truncated.jsonl": (json.dumps({"id": "jl-ok", "text": ENGLISH}).encode() + b'\n{"id": "jl-cut", "text": "Rock',
                        "malformed JSON"),
    "array.jsonl": (b"[1, 2, 3]\n", "expected a JSON object"),
    "number_text.jsonl": (b'{"id": "n1", "text": 42}\n', "'text' must be a string, not a number (42)"),
    "list_html.jsonl": (b'{"id": "n3", "html": ["<p>x</p>"]}\n', "'html' must be a string, not a list"),
    "no_body.jsonl": (b'{"id": "n4", "title": "t"}\n', "missing 'text' or 'html'"),
    "empty_text.jsonl": (b'{"id": "n2", "text": "   "}\n', "empty 'text'"),
    "bad_date.jsonl": (json.dumps({"id": "n5", "text": ENGLISH, "published": "2024-13-45"}).encode() + b"\n",
                       "'published' is not a date: '2024-13-45'"),
    "binary.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 40, "binary file"),
    "latin1.txt": ("Attaque de drone à Gaó\n\nLes autorités ont déclaré...".encode("latin-1"), "not valid UTF-8"),
    "mixed_encoding.txt": (ENGLISH.encode() + b"\x93quoted\x94 in cp1252\n", "not valid UTF-8"),
    "utf16.txt": (ENGLISH.encode("utf-16"), None),
    "french.txt": (FRENCH.encode(), "not in English"),
    "arabic.txt": (ARABIC.encode(), "not in English"),
    "empty.txt": (b"  \n\n\t\n", "empty file"),
    "long_sentence.txt": (_long_sentence(50_000).encode(), None),
    "whitespace.txt": (_pathological_whitespace(ENGLISH).encode(), None),
    "control_chars.txt": (ENGLISH.replace("killing", "kil\x01ling\x07").encode(), None),
    "too_long.txt": (("Shelling hits Kharkiv\n\n" + "Russian forces shelled Kharkiv, officials said. " * 5000).encode(),
                     "article too long"),
}
HUGE = 100 * 1024 * 1024


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """One folder holding a good report, every bad case and a 100 MB file, extracted as one batch."""
    folder = tmp_path_factory.mktemp("bad")
    shutil.copy(GOOD, folder / GOOD.name)
    shutil.copy(GOOD.with_name(GOOD.stem + ".meta.json"), folder)
    for name, (data, _) in CASES.items():
        (folder / name).write_bytes(data)
    with open(folder / "huge.txt", "wb") as handle:
        handle.truncate(HUGE)  # sparse: 100 MB on paper, nothing on disk
    (folder / "bad_date.txt").write_text(ENGLISH, encoding="utf-8")
    (folder / "bad_date.meta.json").write_text('{"published": "2024-13-45"}', encoding="utf-8")
    extras = [folder / "report.pdf", folder / "no_such_file.txt"]
    extras[0].write_bytes(b"%PDF-1.4")
    return folder, extract_paths([folder, *extras])


def _problems_about(result, name: str) -> list[str]:
    return [p.reason for p in result.problems if Path(p.path.rsplit(":", 1)[0]).name == name]


@pytest.mark.parametrize("name", sorted(n for n, (_, reason) in CASES.items() if reason))
def test_each_bad_file_is_named_with_its_reason(batch, name):
    _, result = batch
    reasons = _problems_about(result, name)
    assert len(reasons) == 1 and CASES[name][1] in reasons[0], (name, reasons)


@pytest.mark.parametrize("name", sorted(n for n, (_, reason) in CASES.items() if reason is None))
def test_odd_but_readable_files_are_processed(batch, name):
    _, result = batch
    assert _problems_about(result, name) == []
    assert Path(name).stem in {a.id for a in result.articles}


def test_huge_unsupported_and_missing_files_are_named(batch):
    _, result = batch
    assert _problems_about(result, "bad_date.meta.json") == [
        "'published' is not a date: '2024-13-45' (expected e.g. 2024-03-05 or 2024-03-05T14:30)"]
    assert "bad_date" not in {a.id for a in result.articles}
    assert "file too large" in _problems_about(result, "huge.txt")[0]
    assert "unsupported file type" in _problems_about(result, "report.pdf")[0]
    assert "no such file" in _problems_about(result, "no_such_file.txt")[0]


def test_nothing_else_is_reported_and_the_good_report_is_unaffected(batch):
    _, result = batch
    named = {Path(p.path.rsplit(":", 1)[0]).name for p in result.problems}
    expected = {n for n, (_, reason) in CASES.items() if reason} | {"huge.txt", "report.pdf", "no_such_file.txt",
                                                                   "bad_date.meta.json"}
    assert named == expected
    assert len(result.problems) == len(expected)
    alone = [to_contract(e) for e in extract_paths([GOOD]).events]
    together = [to_contract(e) for e in result.events if e.sources == [GOOD.stem]]
    assert together == alone and alone


def test_the_good_line_of_a_truncated_jsonl_file_is_read(batch):
    _, result = batch
    assert "jl-ok" in {a.id for a in result.articles}
    assert [p.path.rsplit("/", 1)[-1] for p in result.problems if "malformed JSON" in p.reason] == ["truncated.jsonl:2"]


def test_pathological_whitespace_reads_like_the_clean_text(batch, tmp_path):
    _, result = batch
    (tmp_path / "plain.txt").write_text(ENGLISH, encoding="utf-8")
    plain = extract_paths([tmp_path / "plain.txt"]).events
    odd = [e for e in result.events if "whitespace" in e.sources]

    def essentials(events):
        return [(e.sub_event_type, e.where.name, e.fatalities.best, e.actor1, e.actor2) for e in events]

    assert essentials(odd) == essentials(plain) and plain


def test_a_file_that_vanishes_after_discovery_is_named(tmp_path):
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text(ENGLISH, encoding="utf-8")
    problems = []
    read = []
    for raw in ingest.read_articles([tmp_path], problems.append):
        read.append(raw.id)
        if raw.id == "a":
            (tmp_path / "b.txt").unlink()
    assert read == ["a", "c"]
    assert [(Path(p.path).name, p.reason) for p in problems] == [("b.txt", "file vanished before it could be read")]


def test_bad_input_leaves_the_ledger_untouched(tmp_path, batch):
    folder, _ = batch
    db = tmp_path / "ledger.db"
    ingest_paths([GOOD], db)
    with Ledger(db) as ledger:
        before = (ledger.events(), ledger.articles())
    bad = [folder / name for name, (_, reason) in CASES.items() if reason] + [folder / "huge.txt"]
    report = ingest_paths(bad, db)
    assert report.added == 1  # the good line of truncated.jsonl, and only it
    assert len(report.problems) == len(bad)
    with Ledger(db) as ledger:
        events, articles = ledger.events(), ledger.articles()
    assert [a for a in articles if a["id"] != "jl-ok"] == before[1]
    kept = [e for e in events if "jl-ok" not in e["sources"]]
    assert kept == before[0]


def test_an_unreadable_folder_is_named_and_the_rest_is_read(tmp_path, monkeypatch):
    import os

    folder = tmp_path / "reports"
    (folder / "locked").mkdir(parents=True)
    shutil.copy(GOOD, folder / GOOD.name)
    scandir = os.scandir

    def refusing(path):  # as chmod 000 would (the tests may run as root, whom no mode stops)
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refusing)
    problems = []
    found = ingest.discover([folder], problems.append)
    assert found == [folder / GOOD.name]
    assert [(p.path, p.reason) for p in problems] == [(str(folder / "locked"), "cannot read folder (Permission denied)")]
