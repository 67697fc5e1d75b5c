"""Settings and data in one place each: every data file is read through `resources.data_text`, so a
file in $STRIKELOG_DATA_DIR replaces the packaged one for every reader, and `reset_caches()` makes
the process load them again."""
from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from strikelog import caches, config, resources
from strikelog.literals import counts
from strikelog.resolve import gazetteer as place
from strikelog.text import clean

SRC = Path(__file__).resolve().parent.parent / "src" / "strikelog"
PACKAGED = SRC / "data"


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A data folder of our own; the caches are emptied before and after, so no other test sees it."""
    monkeypatch.setenv("STRIKELOG_DATA_DIR", str(tmp_path))
    caches.reset_caches()
    yield tmp_path
    monkeypatch.delenv("STRIKELOG_DATA_DIR")
    caches.reset_caches()


def _edited_json(name: str, edit) -> str:
    data = json.loads((PACKAGED / name).read_text("utf-8"))
    edit(data)
    return json.dumps(data)


def test_the_count_reader_honours_the_data_dir(data_dir):
    assert counts.read_count("several").best == 3
    (data_dir / "quantities.json").write_text(
        _edited_json("quantities.json", lambda q: q["vague"].update({"several": [7, 7]})), "utf-8")
    caches.reset_caches()
    assert counts.read_count("several").best == 7


def test_the_cleaner_honours_the_data_dir(data_dir):
    assert "strikelog-test-cue" not in clean.debris_vocabulary()["line_prefixes"]
    (data_dir / "debris.json").write_text(
        _edited_json("debris.json", lambda d: d["line_prefixes"].append("strikelog-test-cue")), "utf-8")
    caches.reset_caches()
    assert "strikelog-test-cue" in clean.debris_vocabulary()["line_prefixes"]


def test_the_gazetteer_builder_honours_the_data_dir(data_dir):
    assert place._admin1_names()[("AD", "02")] == "Canillo"
    (data_dir / "admin1.csv").write_text("country,code,name\nAD,02,Testville\n", "utf-8")
    assert place._admin1_names() == {("AD", "02"): "Testville"}
    assert place.data_fingerprint() != _fingerprint_without(data_dir)


def _fingerprint_without(data_dir: Path) -> str:
    (data_dir / "admin1.csv").unlink()
    return place.data_fingerprint()


def test_the_lexicon_honours_the_data_dir_and_reset_caches_reloads_it(data_dir):
    assert "Atlantis" not in {c.name for c in resources.lexicon().countries.values()}
    row = {"code": "ZZ", "name": "Atlantis", "aliases": [], "demonyms": ["Atlantean"], "capital": None}
    packaged = (PACKAGED / "countries.jsonl").read_text("utf-8")
    (data_dir / "countries.jsonl").write_text(packaged + json.dumps(row) + "\n", "utf-8")
    assert "ZZ" not in resources.lexicon().countries  # still the one loaded before
    caches.reset_caches()
    assert resources.lexicon().countries["ZZ"].name == "Atlantis"


def test_a_file_missing_from_the_data_dir_is_the_packaged_one(data_dir):
    assert resources.data_text("acled.json") == (PACKAGED / "acled.json").read_text("utf-8")


def test_reset_caches_clears_every_process_wide_singleton(monkeypatch):
    from strikelog.nlp import model
    from strikelog.run import pipeline

    cached = [resources.lexicon, counts.quantities, clean.debris_vocabulary, place.gazetteer_at,
              model.load_model, pipeline.resolver]
    resources.lexicon()
    counts.quantities()
    assert resources.lexicon.cache_info().currsize and counts.quantities.cache_info().currsize
    caches.reset_caches()
    assert all(c.cache_info().currsize == 0 for c in cached)


def test_settings_read_every_variable(monkeypatch):
    monkeypatch.setenv("STRIKELOG_CONTACT", "ops@example.org")
    monkeypatch.setenv("STRIKELOG_MAX_FETCH_BYTES", "1234")
    monkeypatch.setenv("STRIKELOG_DATA_DIR", "/somewhere")
    settings = config.Settings()
    assert (settings.contact, settings.max_fetch_bytes, settings.data_dir) == ("ops@example.org", 1234, Path("/somewhere"))
    from strikelog.sources.http import FetchSettings, user_agent

    assert FetchSettings().max_bytes == 1234 and "ops@example.org" in user_agent()


def test_only_config_reads_the_environment():
    readers = []
    for path in sorted(SRC.rglob("*.py")):
        if path.name == "config.py" or "tools" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv") and \
                    isinstance(node.value, ast.Name) and node.value.id == "os":
                readers.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert not readers, f"environment read outside config.Settings: {readers}"


def test_every_data_file_is_read_through_the_loader():
    strays = []
    for path in sorted(SRC.rglob("*.py")):
        if "tools" in path.parts:
            continue
        text = path.read_text("utf-8")
        if 'files("strikelog.data")' in text and path.name != "resources.py":
            strays.append(str(path.relative_to(SRC)))
    assert not strays, f"data files read without resources.data_text: {strays}"


def test_no_command_line_option_reads_the_environment_behind_settings():
    """--db, --workers, --token and --tiles take their defaults from config.Settings, not from click."""
    from strikelog.cli import cli

    def options(command):
        for param in command.params:
            yield command.name, param
        for sub in getattr(command, "commands", {}).values():
            yield from options(sub)

    read_by_click = [f"{name} {p.name}" for name, p in options(cli) if getattr(p, "envvar", None)]
    assert not read_by_click


def test_the_ledger_named_in_the_environment_is_the_commands_default(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from strikelog.cli import cli

    monkeypatch.setenv("STRIKELOG_DB", str(tmp_path / "elsewhere.db"))
    result = CliRunner().invoke(cli, ["events"])
    assert result.exit_code != 0 and "elsewhere.db: no ledger here yet" in result.output
