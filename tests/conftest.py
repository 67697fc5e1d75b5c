import os
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


def reported_events(events: list[dict]) -> list[dict]:
    """The events a batch reports as news (contract dicts), without background."""
    return [e for e in events if e["status"] == "reported"]

# One gazetteer for the whole run, built on first use, outside the user's cache.
os.environ.setdefault(
    "STRIKELOG_GAZETTEER", str(Path(os.environ.get("STRIKELOG_TEST_CACHE", "/tmp/strikelog-test-cache")) / "gazetteer.sqlite")
)


@pytest.fixture(scope="session")
def gazetteer():
    from strikelog.resolve.gazetteer import gazetteer_at

    return gazetteer_at(os.environ["STRIKELOG_GAZETTEER"])


@pytest.fixture(scope="session")
def run_extract():
    """Extract a batch from paths (or from texts written to a temp folder) -> contract dicts."""
    from strikelog import extract_paths, to_contract

    def run(*paths):
        result = extract_paths(paths)
        return [to_contract(e) for e in result.events], result

    return run


@pytest.fixture
def write_article(tmp_path):
    def write(name: str, text: str, published: str | None = None) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        if published:
            path.with_name(path.stem + ".meta.json").write_text(f'{{"published": "{published}"}}', encoding="utf-8")
        return path

    return write


WEB_ARTICLES = [
    FIXTURES / "reports" / f"{name}.txt"
    for name in ("f03_us_uk_strikes_three_sites", "f07_iran_strike_panjgur", "f08_pakistan_strikes_saravan",
                 "f09_kharkiv_missile_wire", "f10_kharkiv_missile_local", "f16_africom_strike_jilib",
                 "f32_kiryat_shmona_rockets")
] + [FIXTURES / "web"]


@pytest.fixture(scope="session")
def web_ledger(tmp_path_factory) -> Path:
    """A ledger built from fixture articles for the web tests (read-only: copy it before writing)."""
    from strikelog import ingest_paths

    db = tmp_path_factory.mktemp("web") / "ledger.db"
    report = ingest_paths(WEB_ARTICLES, db)
    assert report.added == 10 and not report.problems, report
    return db
