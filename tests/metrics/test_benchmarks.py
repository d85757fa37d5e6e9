"""The pairs of local and published measures, the local period beside them, and ``python -m metrics benchmarks``."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

import pandas as pd
import pytest

from loaders.reference import MEASURES, SHIPPED_DIR
from loaders.reference_store import ensure_reference
from loaders.store import Store
from metrics import benchmarks
from metrics.__main__ import main as metrics_main
from metrics.registry import PAIRS, get, pair_of

ISSUE_MEASURES = {"ReReferral", "CIN_Refferals_NFA", "PrevRegCPR", "CPP_Total_Rateper10,000", "CPP_Abuse_Rate",
                  "RefBySource_Police_%", "RefBySource_HealthServ_%", "RefBySource_Schl_%"}


def _published(measure: str, la: str, years: str) -> float:
    """An independent read of the shipped LAIT extract (pandas, not the comparators' SQL)."""
    lait = pd.read_csv(SHIPPED_DIR / "lait_bds_long_extract.csv", dtype=str, keep_default_na=False)
    row = lait[(lait["Short Desc"] == measure) & (lait["LA Number"] == la) & (lait["Years"] == years)]
    return float(row["Values"].iloc[0])


def test_every_pair_resolves_once_to_a_metric_and_a_shipped_measure() -> None:
    assert {p.published.measure for p in PAIRS} >= ISSUE_MEASURES
    assert len({p.metric for p in PAIRS}) == len(PAIRS) == len({p.published.measure for p in PAIRS})
    for pair in PAIRS:
        assert pair.published.measure in MEASURES
        assert pair.published.year_type == "Financial Year"
        local = get(pair.per_10k_of) if pair.per_10k_of else get(pair.metric)
        assert local is not None, pair
        assert pair_of(pair.per_10k_of or pair.metric) is pair
    assert pair_of("referrals.count").unit == "per 10,000"


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("bench") / "store.duckdb"
    with Store(path) as store:
        ensure_reference(store)
    return path


def _lines(capsys, *argv: str) -> list[dict]:
    assert metrics_main(["benchmarks", "--json", *argv]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_cli_prints_one_json_object_per_pair_year_and_area(db: Path, capsys) -> None:
    lines = _lines(capsys, "--db", str(db))
    assert {tuple(line) for line in lines} == {("metric", "published_measure", "year", "area", "area_name", "value")}
    assert {line["metric"] for line in lines} == {p.metric for p in PAIRS}
    assert {line["area"] for line in lines} == {"la", "neighbours", "region", "england"}
    by = {(x["published_measure"], x["year"], x["area"]): x for x in lines}
    assert by[("ReReferral", "2024-25", "la")]["value"] == _published("ReReferral", "309", "2025")
    assert by[("ReReferral", "2024-25", "la")]["area_name"] == "Haringey"
    assert by[("ReReferral", "2024-25", "england")]["value"] == _published("ReReferral", "970", "2025")
    assert by[("PrevRegCPR", "2024-25", "region")]["area_name"] == "London"
    sn = pd.read_csv(SHIPPED_DIR / "sn_model_2025_wide.csv", dtype=str)
    codes = sn.loc[sn["old_la_code"] == "309", [f"SN_{n}" for n in range(1, 11)]].iloc[0].tolist()
    expected = statistics.median(_published("ReReferral", code, "2025") for code in codes)
    assert by[("ReReferral", "2024-25", "neighbours")]["value"] == pytest.approx(expected)


def test_cli_names_another_la_and_refuses_a_near_miss(db: Path, capsys) -> None:
    lines = _lines(capsys, "--db", str(db), "--la", "Leeds")
    assert {x["area_name"] for x in lines if x["area"] == "la"} == {"Leeds"}
    assert metrics_main(["benchmarks", "--la", "Haringy", "--db", str(db)]) == 1
    assert "Did you mean: Haringey" in capsys.readouterr().err


def test_the_store_reference_is_read_when_present_and_the_shipped_one_otherwise(db: Path, tmp_path, capsys) -> None:
    with Store(db) as store, store.transaction() as cur:
        cur.execute("UPDATE ref_published SET value = 99.9 WHERE measure = 'ReReferral' AND area_code = 309 "
                    "AND year = '2024-25'")
    stored = _lines(capsys, "--db", str(db))
    assert [x["value"] for x in stored if (x["published_measure"], x["year"], x["area"]) ==
            ("ReReferral", "2024-25", "la")] == [99.9]
    shipped = _lines(capsys, "--db", str(tmp_path / "none.duckdb"))
    assert [x["value"] for x in shipped if (x["published_measure"], x["year"], x["area"]) ==
            ("ReReferral", "2024-25", "la")] == [_published("ReReferral", "309", "2025")]


def _values(metric: str, periods: list[str], numerators: list[int], denominators: list[int | None]) -> pd.DataFrame:
    return pd.DataFrame({"metric": metric, "period": periods, "group": None, "value": 0.0,
                         "numerator": pd.array(numerators, dtype="Int64"),
                         "denominator": pd.array(denominators, dtype="Int64")})


def test_local_value_is_the_same_financial_year_when_complete_else_rolling_12_months() -> None:
    con = benchmarks.reference_connection(None)
    pair = pair_of("referrals.rereferral_12m")
    year = [f"2024-25 Q{n}" for n in range(1, 5)]
    complete = _values(pair.metric, year, [10, 20, 30, 40], [100, 100, 100, 100])
    value = benchmarks.local_value(complete, pair, "2024-25", con, 309)
    assert (value.period, value.same_year, value.value) == ("2024-25", True, 25.0)
    partial = _values(pair.metric, ["2024-25 Q3", "2024-25 Q4", "2025-26 Q1", "2025-26 Q2"],
                      [1, 2, 3, 4], [10, 10, 10, 10])
    value = benchmarks.local_value(partial, pair, "2025-26", con, 309)
    assert (value.period, value.same_year, value.value) == ("12 months to 2025-26 Q2", False, 25.0)
    assert benchmarks.local_value(complete, pair_of("cp_plans.second_or_subsequent"), "2024-25", con, 309) is None


def test_a_rate_divides_the_years_count_by_the_ons_children_aged_0_to_17() -> None:
    con = benchmarks.reference_connection(None)
    pair = pair_of("referrals.count")
    counts = _values("referrals.count", [f"2024-25 Q{n}" for n in range(1, 5)], [800, 800, 856, 856],
                     [None] * 4)
    value = benchmarks.local_value(counts, pair, "2024-25", con, 309)
    # Haringey: 3,312 referrals / 53,648 children (mid-2024) x 10,000 = 617.4, as the DfE published
    assert round(value.value, 1) == 617.4 == _published("CPP_Total_Rateper10,000", "309", "2025")
    assert value.denominator == 53648
