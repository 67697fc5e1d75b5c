import ast
import json
from pathlib import Path

from strikelog.export import CSV_COLUMNS, csv_row, geojson
from strikelog.ledger import open_ledger


EVENT = {
    "event_id": "ev-1", "status": "reported", "event_type": "Explosions/Remote violence",
    "sub_event_type": "Air/drone strike", "date_start": "2024-02-18", "date_end": "2024-02-18",
    "date_precision": "day", "actor1": "US military", "actor2": "Al-Shabaab",
    "location": {"name": "Jilib", "country": "SO", "admin1": "Middle Juba", "lat": 0.49, "lon": 42.77, "geo_precision": 2},
    "weapons": [], "fatalities": {"best": 3, "low": 3, "high": 3}, "wounded": {"best": None, "low": None, "high": None},
    "claims": [], "responds_to": [], "sources": ["a1"], "evidence": [{"article": "a1", "sentence": "A strike."}],
}


def test_events_round_trip_and_filters_are_parameters(tmp_path):
    with open_ledger(tmp_path / "l.db") as store:
        store.replace_component(set(), [(EVENT, [], [])])
        assert store.events(country="so") == [EVENT]
        assert store.events(since="2024-02-19") == []
        assert store.events(actor="Shabaab") == [EVENT]
        assert store.events(actor="%' OR 1=1 --") == []  # bound, never spliced into SQL
        assert store.event("ev-1") == EVENT


def test_csv_uses_strikelogs_own_field_names():
    row = csv_row(EVENT)
    assert list(row) == CSV_COLUMNS
    assert (row["date_start"], row["date_precision"], row["fatalities"], row["sources"]) == ("2024-02-18", "day", 3, "a1")


def test_geojson_points_and_null_geometry():
    placeless = json.loads(json.dumps(EVENT))
    placeless["location"].update(lat=None, lon=None)
    collection = geojson([EVENT, placeless])
    assert collection["features"][0]["geometry"] == {"type": "Point", "coordinates": [42.77, 0.49]}
    assert collection["features"][1]["geometry"] is None


SRC = Path(__file__).resolve().parent.parent / "src" / "strikelog"


def _strikelog_imports(path: Path) -> set[str]:
    """The strikelog modules a file imports anywhere in it (relative imports resolved), read with ast."""
    package = ["strikelog", *path.relative_to(SRC).parent.parts]
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = ".".join((package[:len(package) - node.level + 1] if node.level else []) + [node.module or ""])
            found |= {base.rstrip(".")} | {f"{base.rstrip('.')}.{a.name}" for a in node.names}  # a name may be a module
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return {f for f in found if f.startswith("strikelog")}


def test_the_ledger_imports_only_records_errors_config_and_the_frames_it_stores():
    allowed = {"strikelog.records", "strikelog.errors", "strikelog.config", "strikelog.merge.frames"}
    for path in sorted((SRC / "ledger").glob("*.py")):
        stray = {m for m in _strikelog_imports(path) - {"strikelog"} if not m.startswith(("strikelog.ledger", *allowed))}
        assert not stray, f"{path.name} imports {sorted(stray)}"


def test_the_web_reaches_the_ledger_only_through_the_api():
    for path in sorted((SRC / "web").glob("*.py")):
        assert not {m for m in _strikelog_imports(path) if m.startswith("strikelog.ledger")}, path.name
