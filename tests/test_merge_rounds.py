"""Issue 7: a merge round's cost follows what its new reports touch, not the size of the ledger;
its work is cut into blocks that merge alone as they do together (the Dask merge runs them at once)."""
from datetime import date, timedelta

import pytest
from conftest import FIXTURES

from strikelog import merge
from strikelog.api import ingest_paths
from strikelog.merge import Frame, MergeBlock, possible_days
from strikelog.records import DateRange, Location
from strikelog.resources import lexicon

DATED = ("Missile strike kills three in Kharkiv\n\nRussian missiles struck a residential district of Kharkiv on "
         "Monday, killing three civilians, regional governor Oleh Syniehubov said.\n")
UNDATED = ("Kharkiv mourns\n\nRussian missiles hit a residential district of Kharkiv, killing three civilians, "
           "regional governor Oleh Syniehubov said.\n")


def sources_of_kharkiv_events(db):
    from strikelog.api import Ledger

    with Ledger(db) as ledger:
        return sorted(e["sources"] for e in ledger.events(status="reported") if e["location"]["name"] == "Kharkiv")


@pytest.mark.parametrize("days_later, together", [(6, True), (29, True), (90, False), (400, False)])
def test_an_undated_report_joins_an_event_of_the_month_before_its_article_only(write_article, tmp_path, days_later, together):
    strike = date(2025, 3, 3)  # a Monday
    dated = write_article("dated.txt", DATED, f"{strike.isoformat()}T20:00")
    undated = write_article("undated.txt", UNDATED, f"{(strike + timedelta(days=days_later)).isoformat()}T09:00")
    ingest_paths([dated, undated], tmp_path / "ledger.db")
    expected = [["dated", "undated"]] if together else [["dated"], ["undated"]]
    assert sources_of_kharkiv_events(tmp_path / "ledger.db") == expected


def test_an_undated_frame_may_have_happened_in_the_month_before_its_article():
    frame = Frame(article="a", article_day=date(2025, 3, 10))
    assert possible_days(frame) == DateRange(date(2025, 2, 8), date(2025, 3, 11), "unknown")
    dated = Frame(article="a", when=DateRange(date(2025, 1, 5), date(2025, 1, 5), "day"), article_day=date(2025, 3, 10))
    assert possible_days(dated) == dated.when  # a report's own date is never replaced
    assert possible_days(Frame(article="a")).start is None  # no article date: nothing to bound it by


def test_frames_within_near_km_share_a_probed_grid_cell_wherever_they_lie():
    lex = lexicon()
    for lat, lon in [(49.99, 36.23), (0.0, 0.0), (-33.9, 18.4), (69.9, 179.95), (12.5, -180.0), (84.0, 10.0)]:
        here = Frame(article="a", where=Location("A", None, None, lat, lon, 1), actor1="Russian military",
                     when=DateRange(date(2025, 3, 3), date(2025, 3, 3), "day"))
        for dlat, dlon in [(0.2, 0.0), (-0.2, 0.0), (0.0, 0.25), (0.1, -0.1)]:
            there = Frame(article="b", where=Location("B", None, None, lat + dlat, (lon + dlon + 180) % 360 - 180, 1),
                          actor1="Russian military", when=DateRange(date(2025, 3, 3), date(2025, 3, 3), "day"))
            assert merge.places_relation(here.where, there.where) == "same", (lat, lon, dlat, dlon)  # within near km
            assert merge.blocking_keys(there) & merge.probe_keys(here)[0], (lat, lon, dlat, dlon)
            assert merge.qualifies(here, there, lex) is not None


def monthly_kharkiv_reports(folder, months):
    """Every three weeks a dated report and an undated follow-up a week later: a long run of
    look-alike reports of one place, each follow-up qualifying with the strike before it too, so that
    qualifying pairs chain from the first report to the last."""
    folder.mkdir()
    paths = []
    for n in range(months):
        strike = date(2023, 1, 2) + timedelta(weeks=3 * n)  # Mondays
        for name, text, day in (("dated", DATED, strike), ("undated", UNDATED, strike + timedelta(days=7))):
            path = folder / f"{n:02d}_{name}.txt"
            path.write_text(text, encoding="utf-8")
            path.with_name(path.stem + ".meta.json").write_text(f'{{"published": "{day.isoformat()}T12:00"}}')
            paths.append(path)
    return paths


def test_a_merge_round_reads_what_its_new_reports_touch_not_the_whole_ledger(tmp_path, monkeypatch):
    paths = monthly_kharkiv_reports(tmp_path / "in", 14)
    db = tmp_path / "ledger.db"
    ingest_paths(paths[:-2], db)
    seen: list[MergeBlock] = []
    original = merge.merge_block
    monkeypatch.setattr(merge, "merge_block", lambda block, lex=None: seen.append(block) or original(block, lex))
    ingest_paths(paths[-2:], db)  # the last month's two reports
    read = {ref[0] for block in seen for ref in block.frames}
    assert {"13_dated", "13_undated"} <= read  # the new reports, the events they could join and those
    assert {name[:2] for name in read} <= {"11", "12", "13"}  # events' members: not the chain back to 00
    ingest_paths(paths, tmp_path / "once.db")
    assert sources_of_kharkiv_events(db) == sources_of_kharkiv_events(tmp_path / "once.db")


def test_a_chain_of_look_alike_reports_gives_the_same_ledger_in_any_number_of_rounds(tmp_path):
    paths = monthly_kharkiv_reports(tmp_path / "in", 6)
    ingest_paths(paths, tmp_path / "once.db")
    for path in paths:
        ingest_paths([path], tmp_path / "each.db")
    assert sources_of_kharkiv_events(tmp_path / "each.db") == sources_of_kharkiv_events(tmp_path / "once.db")
    assert len(sources_of_kharkiv_events(tmp_path / "once.db")) == 6  # each follow-up with its own strike


def union(blocks: list[MergeBlock]) -> MergeBlock:
    return MergeBlock(
        frames={ref: f for b in blocks for ref, f in b.frames.items()},
        candidates={ref: near for b in blocks for ref, near in b.candidates.items()},
        decisions=merge.Decisions(sorted({d for b in blocks for d in b.decisions.together}),
                                  sorted({d for b in blocks for d in b.decisions.apart})),
        current={ref: members for b in blocks for ref, members in b.current.items()},
    )


def test_blocks_merge_alone_as_they_do_together(tmp_path, monkeypatch):
    seen: list[list[MergeBlock]] = [[]]
    original = merge.merge_block
    monkeypatch.setattr(merge, "merge_block", lambda block, lex=None: seen[-1].append(block) or original(block, lex))
    db = tmp_path / "ledger.db"
    reports = sorted((FIXTURES / "reports").glob("f*.txt"))
    ingest_paths(reports[::2], db)
    seen.append([])
    ingest_paths(reports[1::2], db)  # merged into a ledger that has events already (f09 and f10 tell one)
    blocks = seen[-1]
    assert len(blocks) > 3
    refs = [ref for block in blocks for ref in block.frames]
    assert len(refs) == len(set(refs))  # a frame is in one block only
    assert any(block.current for block in blocks)  # events already in the ledger are re-clustered too
    apart = sorted(group for block in blocks for group in original(block))
    assert apart == original(union(blocks))
