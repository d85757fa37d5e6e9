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


# --- the action plan's "Live from" date: the SPC limits are recalculated from the month the change went live ---

def _twelve_months(store: Store, first_half: int, second_half: int) -> None:
    """Contacts every month from April 2025 to March 2026: ``first_half`` a month to September, then more."""
    rows = []
    for index in range(12):
        month = dt.date(2025, 4, 1) + pd.DateOffset(months=index)
        count = first_half + index % 2 if index < 6 else second_half + index % 2
        rows += [contact(f"{month:%Y-%m}-07", f"{month:%Y-%m}-08", child=f"c{index}-{n}") for n in range(count)]
    add_rows(store, "contacts", rows)


def test_the_plans_live_date_rebases_the_limits_from_that_month(store):
    _twelve_months(store, 10, 30)
    monthly = monthly_values(store)
    plain = spc_many(monthly, ["contacts.count"])["contacts.count"]
    rebased = spc_many(monthly, ["contacts.count"], went_live={"contacts.count": dt.date(2025, 10, 15)})["contacts.count"]
    means = {p.period.strftime("%Y-%m"): p.mean for p in rebased.points}
    assert means["2025-04"] == pytest.approx(10.5) and means["2026-03"] == pytest.approx(30.5)
    assert len({p.mean for p in plain.points}) == 1
    assert "Limits recalculated from October 2025" in rebased.words
    # An explicit rebase (the CLI's --rebase) wins over the plan's date.
    explicit = spc_many(monthly, ["contacts.count"], rebase=["2025-12"],
                        went_live={"contacts.count": dt.date(2025, 10, 15)})["contacts.count"]
    assert "Limits recalculated from December 2025" in explicit.words


@pytest.mark.parametrize(("live", "note"), [
    (dt.date(2026, 3, 2), "The change went live on 2 March 2026: the limits are recalculated from that month once "
                          "two months in a row from it have values"),
    (dt.date(2027, 1, 4), "The change went live on 4 January 2027: the limits are recalculated"),
    (dt.date(2025, 4, 20), "The change went live on 20 April 2025, before the first month shown: the limits are "
                           "from every month"),
    (dt.date(2024, 1, 1), "before the first month shown"),
])
def test_a_live_date_the_limits_cannot_start_from_yet_is_said_not_applied(store, live, note):
    _twelve_months(store, 10, 30)
    result = spc_many(monthly_values(store), ["contacts.count"], went_live={"contacts.count": live})["contacts.count"]
    assert len({p.mean for p in result.points}) == 1  # limits from every month
    assert note in result.words and "Limits recalculated" not in result.words


def test_a_live_date_needs_two_months_in_a_row_with_values_after_it(store):
    # Values in April–September 2025, then a gap in October, values again in November and December only.
    rows = [contact(f"2025-{m:02d}-07", f"2025-{m:02d}-08", child=f"c{m}-{n}") for m in range(4, 10)
            for n in range(10 + m % 2)]
    rows += [contact("2025-11-07", "2025-11-08", child=f"d{n}") for n in range(30)]
    add_rows(store, "contacts", rows)
    monthly = monthly_values(store)
    waits = spc_many(monthly, ["contacts.count"], went_live={"contacts.count": dt.date(2025, 10, 1)})["contacts.count"]
    assert "once two months in a row" in waits.words  # October is a gap, November alone: no moving range yet
    add_rows(store, "contacts", [contact("2025-12-08", "2025-12-09", child=f"e{n}") for n in range(31)])
    rebased = spc_many(monthly_values(store), ["contacts.count"],
                       went_live={"contacts.count": dt.date(2025, 10, 1)})["contacts.count"]
    assert "Limits recalculated from October 2025" in rebased.words


def test_action_spc_and_the_cli_take_the_live_date_from_the_plan(demo, tmp_path, capsys):
    for name in ("demo.duckdb", ".secret"):
        shutil.copy2(demo.parent / name, tmp_path / name)
    path = tmp_path / "demo.duckdb"
    with Store(path) as store:
        # The demo plan says 1.1's change went live on 6 January 2025 (its "Go-live date" column).
        demo_plan = action_spc(rate_actions(store), monthly_values(store)).set_index("action_id").loc["1.1", "words"]
        store.query("UPDATE actions SET spc_from = NULL WHERE is_current AND action_id = '1.1'")
        before = action_spc(rate_actions(store), monthly_values(store)).set_index("action_id").loc["1.1", "words"]
        store.query("UPDATE actions SET spc_from = DATE '2025-06-16' WHERE is_current AND action_id = '1.1'")
        rated = rate_actions(store)
        assert rated.set_index("action_id").loc["1.1", "spc_from"] == pd.Timestamp("2025-06-16")
        after = action_spc(rated, monthly_values(store)).set_index("action_id").loc["1.1", "words"]
    assert "Limits recalculated from January 2025" in demo_plan
    assert "Limits recalculated" not in before and "Limits recalculated from June 2025" in after
    code, lines, err = _cli(capsys, "spc", "contacts.decided_within_1wd", "--db", str(path), "--json")
    assert code == 0, err
    months = {r["period"]: r for r in map(json.loads, lines[:-1])}
    assert months["2025-05"]["mean"] != months["2025-06"]["mean"] == months["2025-12"]["mean"]
    assert "Limits recalculated from June 2025" in json.loads(lines[-1])["words"]
