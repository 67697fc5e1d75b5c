import json

from strikelog.sources.files import read_articles
from strikelog.records import Problem


def read(paths):
    problems: list[Problem] = []
    articles = list(read_articles(paths, problems.append))
    return articles, problems


def test_txt_with_sidecar(tmp_path):
    (tmp_path / "a.txt").write_text("Headline\n\nBody text.\n", encoding="utf-8")
    (tmp_path / "a.meta.json").write_text(json.dumps({"published": "2024-01-02T10:00", "outlet": "Wire"}))
    articles, problems = read([tmp_path])
    assert problems == []
    assert [a.id for a in articles] == ["a"]
    assert articles[0].published == "2024-01-02T10:00" and articles[0].outlet == "Wire"


def test_jsonl_articles_and_a_broken_line(tmp_path):
    lines = [
        json.dumps({"id": "x1", "text": "Title\n\nSomething happened.", "published": "2024-02-01"}),
        "{not json",
        json.dumps({"id": "x2", "html": "<html><body><p>Hi</p></body></html>"}),
        json.dumps({"id": "x3"}),
    ]
    (tmp_path / "batch.jsonl").write_text("\n".join(lines), encoding="utf-8")
    articles, problems = read([tmp_path / "batch.jsonl"])
    assert [a.id for a in articles] == ["x1", "x2"]
    assert articles[1].is_html
    reasons = {p.path.rsplit(":", 1)[1]: p.reason for p in problems}
    assert reasons["2"].startswith("malformed JSON")
    assert "missing 'text' or 'html'" in reasons["4"]


def test_bad_files_are_named_and_skipped(tmp_path):
    (tmp_path / "empty.txt").write_text("   \n", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02abc")
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 attack\n".encode("latin-1"))
    (tmp_path / "good.txt").write_text("Headline\n\nA body.", encoding="utf-8")
    (tmp_path / "notes.docx").write_bytes(b"PK")
    articles, problems = read([tmp_path, tmp_path / "missing.txt", tmp_path / "notes.docx"])
    assert [a.id for a in articles] == ["good"]
    by_name = {p.path.split("/")[-1]: p.reason for p in problems}
    assert by_name["empty.txt"] == "empty file"
    assert "binary" in by_name["binary.txt"]
    assert "not valid UTF-8" in by_name["latin1.txt"]
    assert by_name["missing.txt"] == "no such file or folder"
    assert "unsupported file type" in by_name["notes.docx"]


def test_oversized_file_is_skipped(tmp_path):
    (tmp_path / "big.txt").write_text("x" * 2000, encoding="utf-8")
    problems: list[Problem] = []
    assert list(read_articles([tmp_path], problems.append, max_bytes=1000)) == []
    assert "too large" in problems[0].reason


def test_same_content_hashes_the_same(tmp_path):
    (tmp_path / "a.txt").write_text("Headline\n\nBody.", encoding="utf-8")
    first, _ = read([tmp_path])
    second, _ = read([tmp_path])
    assert first[0].content_hash == second[0].content_hash
    (tmp_path / "a.txt").write_text("Headline\n\nBody, updated.", encoding="utf-8")
    third, _ = read([tmp_path])
    assert third[0].content_hash != first[0].content_hash
