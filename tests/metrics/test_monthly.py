"""Monthly series (issue 15): the same declarations and SQL as the quarters, grouped by month; the SPC charts
of the monthly metrics; the command line ``python -m metrics spc``."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from demo.load import load_demo
from loaders.periods import Quarter
from loaders.store import Store
from metrics.__main__ import main
from metrics.brag import rate_actions
from metrics.compute import compute_all, compute_monthly
from metrics.monthly import action_spc, event_datasets, monthly_metrics, monthly_values, months_of, spc_many
from metrics.registry import get
from metrics.spc import SpcError
from tests.metrics.helpers import action, add_rows, contact


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("monthly-demo")
    with Store(folder / "demo.duckdb") as store:
        assert load_demo(store, quiet=True) == 0
    return folder / "demo.duckdb"


@pytest.fixture
def demo_store(demo: Path, tmp_path: Path):
    for name in ("demo.duckdb", ".secret"):
        shutil.copy2(demo.parent / name, tmp_path / name)
    with Store(tmp_path / "demo.duckdb", read_only=True) as store:
        yield store


def _quarter(month: str) -> str:
    return Quarter.of(dt.date.fromisoformat(f"{month}-01")).label


def test_quarters_are_what_their_months_add_up_to(demo_store):
    quarterly = compute_all(demo_store)
    monthly = compute_monthly(demo_store)
    assert set(monthly["period"]) and all(len(p) == 7 and p[4] == "-" for p in monthly["period"])
    summed = (monthly.assign(period=monthly["period"].map(_quarter), group=monthly["group"].fillna("(overall)"))
              .groupby(["metric", "period", "group"], as_index=False)[["numerator", "denominator"]].sum(min_count=1))
    expected = quarterly.assign(group=quarterly["group"].fillna("(overall)"))
    joined = expected.merge(summed, on=["metric", "period", "group"], suffixes=("", "_months"), how="outer",
                            indicator=True)
    assert (joined["_merge"] == "both").all(), joined[joined["_merge"] != "both"].head()
    # Counts add up; so do every rate's numerator and denominator ...
    assert (joined["numerator"] == joined["numerator_months"]).all()
    assert joined["denominator"].fillna(-1).astype(int).eq(joined["denominator_months"].fillna(-1).astype(int)).all()
    # ... and the quarter's rate is the one they recompute to.
    for row in joined[joined["denominator"].notna() & (joined["denominator"] > 0)].itertuples():
        metric = get(row.metric)
        scale = 100.0 if metric is None or metric.unit == "%" else 1.0
        assert row.value == pytest.approx(scale * row.numerator_months / row.denominator_months, rel=1e-12)
    assert {"contacts.decided_within_1wd", "referrals.rereferral_12m"} <= set(joined["metric"])


def test_monthly_metrics_are_the_child_event_datasets():
    assert event_datasets()[:2] == ["contacts", "referrals"]
    assert "training" not in event_datasets()
    ids = [m.id for m in monthly_metrics()]
    assert "contacts.decided_within_1wd" in ids and "referrals.rereferral_12m" in ids
    assert "contacts.by_source" not in ids  # parts only, no overall value


def test_missing_months_are_gaps_and_small_months_withheld(store):
    # Contacts in April and June 2025 only (May is a gap); June has 2 contacts, a small number.
    add_rows(store, "contacts", [contact("2025-04-07", "2025-04-08", child=f"a{i}") for i in range(8)]
             + [contact("2025-06-02", "2025-06-03", child=f"b{i}") for i in range(2)])
    monthly = monthly_values(store)
    assert months_of(monthly, "contacts.count") == [("2025-04", 8.0), ("2025-06", 2.0)]
    assert months_of(monthly, "contacts.count", withhold_small=True) == [("2025-04", 8.0), ("2025-06", None)]
    result = spc_many(monthly, ["contacts.count"])["contacts.count"]
    assert isinstance(result, SpcError) and "too few points" in str(result)  # no 2 consecutive months


def test_action_spc_gives_each_measured_action_its_variation_and_assurance(demo_store):
    found = action_spc(rate_actions(demo_store), monthly_values(demo_store))
    assert "1.1" in set(found["action_id"])
    row = found.set_index("action_id").loc["1.1"]
    assert row["measure"] == "contacts.decided_within_1wd"
    assert row["variation"] in ("common_cause", "improvement_high", "concern_low")
    assert row["assurance"] in ("pass", "fail", "hit_and_miss")
    assert row["variation_words"] and row["assurance_words"] and row["words"].endswith(".")


def _cli(capsys, *args: str) -> tuple[int, list[str], str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out.splitlines(), out.err


def test_cli_spc_prints_a_json_object_per_month_then_the_reading(demo_store, capsys):
    db = str(demo_store.path)
    code, lines, err = _cli(capsys, "spc", "contacts.decided_within_1wd", "--db", db, "--json")
    assert code == 0, err
    records = [json.loads(line) for line in lines]
    months, final = records[:-1], records[-1]
    assert len(months) >= 12
    assert all(list(r) == ["metric", "period", "value", "mean", "lower", "upper", "point_type"] for r in months)
    assert [r["period"] for r in months] == sorted(r["period"] for r in months)
    quarterly = compute_all(demo_store)
    assert months[0]["period"][:4].isdigit() and set(quarterly["metric"]) >= {"contacts.decided_within_1wd"}
    assert all(r["lower"] <= r["mean"] <= r["upper"] for r in months)
    # The demo action 1.1 measures it, with a target: assurance is given against it.
    assert final["metric"] == "contacts.decided_within_1wd" and final["target"] is not None
    assert final["variation"] and final["assurance"] in ("pass", "fail", "hit_and_miss")


def test_cli_spc_rebase_recalculates_the_limits(demo_store, capsys):
    db = str(demo_store.path)
    _, plain, _ = _cli(capsys, "spc", "referrals.rereferral_12m", "--db", db, "--json")
    _, rebased, _ = _cli(capsys, "spc", "referrals.rereferral_12m", "--db", db, "--json", "--rebase", "2025-06")
    before = {r["period"]: r for r in map(json.loads, plain[:-1])}
    after = {r["period"]: r for r in map(json.loads, rebased[:-1])}
    assert before["2025-05"]["mean"] != after["2025-05"]["mean"] or before["2025-07"]["mean"] != after["2025-07"]["mean"]
    assert after["2025-06"]["mean"] == after["2025-12"]["mean"] != after["2025-05"]["mean"]
    assert "Limits recalculated from June 2025" in json.loads(rebased[-1])["words"]


@pytest.mark.parametrize(("args", "message"), [
    (("spc", "contacts.nope"), "no monthly series for 'contacts.nope'"),
    (("spc", "contacts.count", "--rebase", "2099-01"), "rebase 2099-01 is outside the series"),
])
def test_cli_spc_bad_input_is_one_line_and_exit_1(demo_store, capsys, args, message):
    code, lines, err = _cli(capsys, *args, "--db", str(demo_store.path))
    assert code == 1 and lines == [] and message in err and err.count("\n") == 1


def test_cli_spc_too_few_points_and_no_variation(tmp_path, capsys):
    path = str(tmp_path / "few.duckdb")
    with Store(Path(path)) as store:
        add_rows(store, "contacts", [contact("2025-04-07", "2025-04-08", child="a")])
        add_rows(store, "actions", [action("1.1")], agency="Safeguarding partnership")
    code, _, err = _cli(capsys, "spc", "contacts.count", "--db", path)
    assert code == 1 and "too few points" in err
    with Store(Path(path)) as again:  # one contact a month for three months: every value equal
        add_rows(again, "contacts", [contact("2025-05-07", "2025-05-08", child="b"),
                                     contact("2025-06-09", "2025-06-10", child="c")])
    code, lines, err = _cli(capsys, "spc", "contacts.count", "--db", path)
    assert code == 0, err
    assert "No variation" in lines[-1] and "Trial limits" in lines[-1]


def test_month_labels_sort_as_dates(demo_store):
    frame = compute_monthly(demo_store, ["referrals"])
    periods = frame[frame["metric"] == "referrals.count"]["period"].tolist()
    assert periods == sorted(periods) and pd.Series(periods).is_unique
