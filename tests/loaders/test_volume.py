"""The volume check: a return's rows per quarter against the same agency's median over its last four quarters,
with generated returns loaded into a real store through the real loaders."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from loaders.__main__ import main
from loaders.periods import Quarter
from loaders.store import Store
from loaders.submit import load_file, withdraw
from loaders.volume import VolumeWarning
from tests.spreadsheets import CONTACT_HEADERS, write_csv

FILE_QUARTER = Quarter(2025, 1)  # April to June 2025


def _return(tmp_path: Path, name: str, quarter: Quarter, rows: int, prefix: str = "SYN") -> Path:
    """A contacts CSV of ``rows`` contacts spread over ``quarter``: every row a different child."""
    body = []
    for i in range(rows):
        day = quarter.start + dt.timedelta(days=i % 90)
        body.append([f"{prefix}-{quarter.index}-{i:05d}", f"{day:%d/%m/%Y}", "6", f"{day:%d/%m/%Y}",
                     "No further action", "No"])
    return write_csv(tmp_path / name, [CONTACT_HEADERS, *body])


def _load_history(store: Store, tmp_path: Path, agency: str, volumes: dict[Quarter, int]) -> None:
    for quarter, rows in volumes.items():
        path = _return(tmp_path, f"{agency}-{quarter.index}.csv", quarter, rows, prefix=agency[:3].upper())
        report = load_file(store, path, uploaded_by="test", agency=agency)
        assert report.status == "accepted", [str(e) for e in report.errors]


def _check(store: Store, tmp_path: Path, rows: int, agency: str = "Police", quarter: Quarter = FILE_QUARTER):
    path = _return(tmp_path, f"new-{rows}.csv", quarter, rows, prefix="NEW")
    return load_file(store, path, uploaded_by="test", agency=agency, dry_run=True)


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "volume.duckdb") as opened:
        yield opened


LAST_FOUR = {FILE_QUARTER + -4: 100, FILE_QUARTER + -3: 104, FILE_QUARTER + -2: 110, FILE_QUARTER + -1: 102}


def test_a_small_return_is_questioned_plainly(store, tmp_path):
    _load_history(store, tmp_path, "Police", LAST_FOUR)
    report = _check(store, tmp_path, 40)
    assert report.status == "checked"  # a warning to confirm, not an error
    assert report.volume_warnings == [
        VolumeWarning("contacts", "Police", FILE_QUARTER, 40, 103.0, 4, "low")]
    assert report.volume_warnings[0].message == (
        "This return has 40 contacts for April to June 2025; Police's last four quarters had a median of 103. "
        "Is this the whole return?")
    assert report.to_json()["volume_warnings"] == [{
        "dataset": "contacts", "agency": "Police", "quarter": "2025-26 Q1", "rows": 40, "median": 103.0,
        "earlier_quarters": 4, "direction": "low", "message": report.volume_warnings[0].message}]


def test_over_twice_the_median_is_questioned_too(store, tmp_path):
    _load_history(store, tmp_path, "Police", LAST_FOUR)
    [warning] = _check(store, tmp_path, 207).volume_warnings
    assert (warning.rows, warning.median, warning.direction) == (207, 103.0, "high")
    assert warning.message.startswith("This return has 207 contacts for April to June 2025; Police's last four "
                                      "quarters had a median of 103. Does it repeat rows")


@pytest.mark.parametrize("rows", [52, 103, 206])  # half and twice the median are still usual
def test_a_usual_volume_says_nothing(store, tmp_path, rows):
    _load_history(store, tmp_path, "Police", LAST_FOUR)
    assert _check(store, tmp_path, rows).volume_warnings == []


def test_with_fewer_than_two_earlier_quarters_there_is_no_check(store, tmp_path):
    _load_history(store, tmp_path, "Police", {FILE_QUARTER + -1: 100})
    assert _check(store, tmp_path, 5).volume_warnings == []
    _load_history(store, tmp_path, "Police", {FILE_QUARTER + -2: 100})
    assert [w.earlier_quarters for w in _check(store, tmp_path, 5).volume_warnings] == [2]


def test_only_the_agencys_own_current_rows_of_its_last_four_quarters_count(store, tmp_path):
    # two old, large quarters fall outside the last four; another agency's volumes are not Police's
    _load_history(store, tmp_path, "Police", {FILE_QUARTER + -6: 900, FILE_QUARTER + -5: 900, **LAST_FOUR})
    _load_history(store, tmp_path, "Health", {q: 10 for q in LAST_FOUR})
    [warning] = _check(store, tmp_path, 40).volume_warnings
    assert (warning.median, warning.earlier_quarters) == (103.0, 4)
    assert _check(store, tmp_path, 12, agency="Health").volume_warnings == []
    # a withdrawn return stops counting: the latest quarter is then the one before it
    latest = store.scalar("SELECT max(submission_id) FROM submissions WHERE agency = 'Police'")
    withdraw(store, latest, by="test")  # Police's newest return: quarter FILE_QUARTER + -1
    [warning] = _check(store, tmp_path, 40).volume_warnings
    assert (warning.median, warning.earlier_quarters) == (107.0, 4)  # 900, 100, 104, 110


def test_later_quarters_and_the_quarter_itself_are_not_compared(store, tmp_path):
    # a resubmission of the same quarter, and quarters after it, say nothing about what came before
    _load_history(store, tmp_path, "Police", {**LAST_FOUR, FILE_QUARTER: 5, FILE_QUARTER + 1: 5})
    [warning] = _check(store, tmp_path, 40).volume_warnings
    assert (warning.median, warning.earlier_quarters) == (103.0, 4)


def test_a_return_over_two_quarters_is_checked_quarter_by_quarter(store, tmp_path):
    _load_history(store, tmp_path, "Police", LAST_FOUR)
    rows = [[f"TWO-{i}", f"{day:%d/%m/%Y}", "6", f"{day:%d/%m/%Y}", "No further action", "No"]
            for i, day in enumerate([FILE_QUARTER.start] * 100 + [(FILE_QUARTER + 1).start] * 30)]
    path = write_csv(tmp_path / "two.csv", [CONTACT_HEADERS, *rows])
    report = load_file(store, path, uploaded_by="test", agency="Police", dry_run=True)
    assert [(w.quarter, w.rows, w.direction) for w in report.volume_warnings] == [(FILE_QUARTER + 1, 30, "low")]
    assert report.volume_warnings[0].months == "July to September 2025"


def test_the_command_line_reports_it_in_json_and_in_text(tmp_path, capsys):
    db = tmp_path / "cli.duckdb"
    with Store(db) as store:
        _load_history(store, tmp_path, "Police", LAST_FOUR)
    path = _return(tmp_path, "small.csv", FILE_QUARTER, 40, prefix="CLI")
    assert main([str(path), "--agency", "Police", "--db", str(db), "--dry-run", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [(w["quarter"], w["rows"], w["median"], w["direction"]) for w in report["volume_warnings"]] == [
        ("2025-26 Q1", 40, 103.0, "low")]
    assert main([str(path), "--agency", "Police", "--db", str(db)]) == 0  # a warning does not stop a load
    out = capsys.readouterr().out
    assert ("  check: This return has 40 contacts for April to June 2025; Police's last four quarters had a "
            "median of 103. Is this the whole return?") in out
    with Store(db) as store:
        assert store.scalar("SELECT count(*) FROM contacts WHERE is_current AND submitter_agency = 'Police'"
                            " AND contact_date >= DATE '2025-04-01'") == 40
