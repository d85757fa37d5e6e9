"""Comparators: an LA against its statistical neighbours, region, England and all LAs.

The figures are checked against the shipped published files by a different query: the csv module and
``statistics.median`` over the raw extract, against the DuckDB SQL of ``metrics.comparators``.
"""

from __future__ import annotations

import csv
import statistics
from pathlib import Path

import pandas as pd
import pytest

from loaders import reference
from metrics import comparators

LAIT_HEADER = ["Short Desc", "Data item", "Years", "LA and Regions", "Values", "LA Number", "Region"]


@pytest.fixture(scope="module")
def con():
    connection = comparators.connect(reference.load_shipped())
    yield connection
    connection.close()


# ---------------------------------------------------------------- an independent reading of the extract


def _rows(name: str) -> list[dict[str, str]]:
    with open(reference.SHIPPED_DIR / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def independent(la: int, measure: str, years: str) -> dict[str, object]:
    """The comparison worked out from the CSV text with plain Python."""
    lait = [r for r in _rows("lait_bds_long_extract.csv") if r["Short Desc"] == measure and r["Years"] == years]
    value = {int(r["LA Number"]): _number(r["Values"]) for r in lait}
    sn = {int(r["old_la_code"]): r for r in _rows("sn_model_2025_wide.csv")}
    neighbour_values = [value.get(int(sn[la][f"SN_{n}"])) for n in range(1, 11)]
    present = [v for v in neighbour_values if v is not None]
    region = sn[la]["region_name"].casefold()
    by_name = {r["LA and Regions"].casefold(): _number(r["Values"]) for r in lait if r["Region"] == "NA"}
    own = value.get(la)
    others = [value[int(r["LA Number"])] for r in lait
              if r["Region"] != "NA" and int(r["LA Number"]) != la and value[int(r["LA Number"])] is not None]
    return {
        "la_value": own, "neighbours_count": len(present),
        "neighbours_median": statistics.median(present) if present else None,
        "neighbours_min": min(present, default=None), "neighbours_max": max(present, default=None),
        "region_value": by_name[region], "england_value": by_name["england"],
        "lower": sum(v < own for v in others) if own is not None else None,
        "higher": sum(v > own for v in others) if own is not None else None,
        "others": len(others) if own is not None else None,
    }


def test_haringey_rereferrals_2024_25_worked_example(con) -> None:
    """Read off the published files by hand: Haringey 18.7%; its neighbours Waltham Forest 19.1, Ealing
    19.5, Lewisham 20.9, Lambeth 21.3, Barnet 14.8, Enfield 22.6, Southwark 17.0, Brent 14.2, Hounslow
    12.1, Redbridge 16.8 (median of ten: (17.0 + 19.1) / 2); London 19.4; England 22.6."""
    result = comparators.comparison(con, 309, "ReReferral", "2024-25")
    assert result.la_value == 18.7 and result.polarity == "Low"
    assert result.neighbours_median == pytest.approx(18.05)
    assert (result.neighbours_min, result.neighbours_max) == (12.1, 22.6)
    assert (result.neighbours_count, result.neighbours_total) == (10, 10)
    assert (result.region_name, result.region_value, result.england_value) == ("London", 19.4, 22.6)
    assert result.band == "middle" and result.band_words == "in the middle half of areas"


CASES = [  # LA, measure, LAIT year: London, shire, split successor, tiny authority, region with "The"
    (309, "ReReferral", "2025"), (309, "CP_conf_15days", "2019"), (886, "Continue_Assess_Comp", "2025"),
    (942, "PrevRegCPR", "2024"), (940, "CPP_Abuse_Rate", "2021"), (201, "CIN_Refferals_NFA", "2023"),
    (373, "Section_47", "2022"), (839, "RefBySource_Police_%", "2020"), (850, "ReReferral", "2024"),
    (921, "ReReferral", "2025"),
]


@pytest.mark.parametrize(("la", "measure", "years"), CASES)
def test_comparators_match_an_independent_computation(con, la: int, measure: str, years: str) -> None:
    expected = independent(la, measure, years)
    frame = comparators.comparisons(con, la, [measure])
    row = frame[frame["year"] == reference.financial_year(years)].iloc[0]
    for field, want in expected.items():
        got = row[field]
        if want is None:
            assert pd.isna(got), field
        else:
            assert got == pytest.approx(want), field


def test_missing_neighbour_values_reduce_the_count(con) -> None:
    """An LA whose 2025 neighbours include North Northamptonshire (from 2021-22): in 2020-21 that
    neighbour has no value, so fewer than ten neighbours stand behind the median, and the count says so."""
    la = int(con.execute("SELECT la_code FROM ref_neighbours WHERE neighbour_code = 940 ORDER BY la_code LIMIT 1")
             .fetchone()[0])
    frame = comparators.comparisons(con, la, ["ReReferral"]).set_index("year")
    assert frame.loc["2020-21", "neighbours_count"] == independent(la, "ReReferral", "2021")["neighbours_count"] < 10
    assert frame.loc["2024-25", "neighbours_count"] == independent(la, "ReReferral", "2025")["neighbours_count"]
    assert (frame["neighbours_total"] == 10).all()


def test_bands_in_words_from_the_published_figures(con) -> None:
    """Isle of Wight has England's highest re-referral rate in 2024-25 (lower is better); Haringey's
    share of referrals from health services is above 3 in 4 areas (no polarity: no better or worse)."""
    wight = comparators.comparison(con, 921, "ReReferral", "2024-25")
    assert wight.band == "highest" and wight.band_words == "worse than 3 in 4 areas"
    health = comparators.comparison(con, 309, "RefBySource_HealthServ_%", "2024-25")
    assert health.band == "highest" and health.band_words == "higher than 3 in 4 areas"


@pytest.mark.parametrize(("lower", "higher", "others", "polarity", "code", "words"), [
    (75, 25, 100, "High", "highest", "better than 3 in 4 areas"),  # exactly three quarters
    (74, 25, 100, "High", "middle", "in the middle half of areas"),  # one short (a tie with the LA)
    (75, 25, 100, "Low", "highest", "worse than 3 in 4 areas"),
    (0, 151, 151, "Low", "lowest", "better than 3 in 4 areas"),
    (10, 120, 151, "High", "lowest", "worse than 3 in 4 areas"),
    (10, 120, 151, None, "lowest", "lower than 3 in 4 areas"),
    (120, 10, 151, "-", "highest", "higher than 3 in 4 areas"),
    (3, 0, 3, "High", "highest", "better than 3 in 4 areas"),
    (0, 0, 4, "High", "middle", "in the middle half of areas"),  # every other LA ties
])
def test_band_definition(lower: int, higher: int, others: int, polarity: str | None, code: str, words: str) -> None:
    assert comparators.band(lower, higher, others, polarity) == comparators.Band(code, words)


def test_no_band_without_a_value_or_other_areas() -> None:
    assert comparators.band(None, None, None, "High") is None
    assert comparators.band(0, 0, 0, "High") is None


def test_a_split_councils_trend_names_its_predecessor_without_borrowing_its_figures(con) -> None:
    trend = comparators.trend(con, 942, "ReReferral")  # Cumberland, from 2023-24
    assert trend["year"].tolist() == sorted(trend["year"])
    earlier = trend[trend["year"] < "2023-24"]
    assert earlier["la_value"].isna().all() and (earlier["before"] == "Cumbria").all()
    assert earlier["band"].isna().all()
    latest = trend.set_index("year").loc["2024-25"]
    assert latest["la_value"] == 22.7 and pd.isna(latest["before"])


# ---------------------------------------------------------------- synthetic files through the real readers


def _reference_set(tmp_path: Path, values: dict[int, str], neighbours: list[int]) -> reference.ReferenceData:
    """A tiny but complete set of DfE-shaped files: LAs 801-812 plus England and a region."""
    areas = {code: f"Council {code}" for code in values}
    lait = [["ReReferral", "Re-referrals", "2025", name, values[code], code, "South West"] for code, name in areas.items()]
    lait += [["ReReferral", "Re-referrals", "2025", "England", "22.6", 970, "NA"],
             ["ReReferral", "Re-referrals", "2025", "South West", "22.1", 990, "NA"]]
    dictionary = reference.KINDS["dictionary"].columns
    sn_header = reference.KINDS["sn_model"].columns
    sn = [[901, "Council 901", 7, "South West"] + [x for n in neighbours for x in (n, "Close")]]
    ons = reference.KINDS["ons"].columns
    paths = [
        _write(tmp_path / "lait.csv", LAIT_HEADER, lait),
        _write(tmp_path / "dict.csv", dictionary, [["271", "T", "Re-referrals", "Re-referrals (%)", "ReReferral", "Low",
                                                     "%", "NA", "", "desc", "45931", "46296", "", "", "", "NA",
                                                     "Financial Year", "NA"]]),
        _write(tmp_path / "sn.csv", sn_header, sn),
        _write(tmp_path / "ons.csv", ons, [["2024", "Reporting year", "Local authority", "E92000001", "England",
                                            "E12000009", "South West", "901", "E0", "Council 901",
                                            "Children aged 0 to 17 years", "20,000"]]),
    ]
    return reference.build_reference(reference.read_files(paths), measures=["ReReferral"])


def _write(path: Path, header, rows) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_suppressed_and_missing_values_are_no_value_not_zero(tmp_path: Path) -> None:
    values = {901: "x", 801: "10", 802: "c", 803: "-", 804: "", 805: "u", 806: "20", 807: "30", 808: "z",
              809: "40", 810: "1,000"}
    data = _reference_set(tmp_path, values, [801, 802, 803, 804, 805, 806, 807, 808, 809, 810])
    con = comparators.connect(data)
    result = comparators.comparison(con, 901, "ReReferral", "2024-25")
    assert result.la_value is None and result.band is None
    assert (result.neighbours_count, result.neighbours_total) == (5, 10)
    assert result.neighbours_median == 30 and result.neighbours_min == 10 and result.neighbours_max == 1000
    assert (result.region_name, result.region_value, result.england_value) == ("South West", 22.1, 22.6)
    rows = list(comparators.benchmark_rows(comparators.comparisons(con, 901), "Council 901"))
    assert [(r["area"], r["value"]) for r in rows] == [("la", None), ("neighbours", 30.0), ("region", 22.1),
                                                       ("england", 22.6)]
    assert comparators.comparisons(con, 901, ["ReReferral"]).iloc[0]["la_symbol"] == "x"
    assert comparators.comparisons(con, 801, ["ReReferral"]).iloc[0]["others"] == 4  # 806 807 809 810; 901 has none


def test_a_joint_return_published_under_both_councils_counts_once(tmp_path: Path) -> None:
    """Kingston (314) and Richmond (318) with the same figure: one return, so one neighbour and one LA."""
    values = {901: "20", 314: "12.5", 318: "12.5", 801: "30", 802: "40"}
    con = comparators.connect(_reference_set(tmp_path, values, [314, 318, 801, 802]))
    result = comparators.comparisons(con, 901, ["ReReferral"]).iloc[0]
    assert result["neighbours_count"] == 3 and result["neighbours_median"] == 30
    assert (result["lower"], result["higher"], result["others"]) == (1, 2, 3)
    (tmp_path / "b").mkdir()
    values[318] = "13.5"  # separate returns: both count
    con = comparators.connect(_reference_set(tmp_path / "b", values, [314, 318, 801, 802]))
    assert comparators.comparisons(con, 901, ["ReReferral"]).iloc[0]["neighbours_count"] == 4


# ---------------------------------------------------------------- rates per 10,000 children


def test_rates_per_10k_reproduce_every_published_referral_rate(con) -> None:
    """Referrals / ONS children aged 0-17 (mid-year of the year's start) x 10,000, rounded to one decimal,
    is the DfE's published rate for every LA and year where both are published."""
    pairs = con.execute("""
        SELECT n.area_code, n.year, n.value, r.value FROM ref_published n
        JOIN ref_published r ON r.area_code = n.area_code AND r.year = n.year AND r.measure = 'CPP_Total_Rateper10,000'
        WHERE n.measure = 'CPP_Total_NumRef' AND n.area_level = 'la' AND n.value IS NOT NULL AND r.value IS NOT NULL
    """).fetchall()
    assert len(pairs) > 1400
    for code, year, count, published in pairs:
        rate = comparators.rate_per_10k(con, count, code, year)
        assert rate.population_year == int(year[:4]) and rate.note is None
        assert abs(round(rate.value, 1) - published) <= 0.051, (code, year)


def test_rate_uses_the_latest_estimate_and_says_so(con) -> None:
    rate = comparators.rate_per_10k(con, 3312, 309, "2025-26")
    assert rate.population_year == 2024 and rate.population == 53648
    assert rate.note == "rate uses the mid-2024 population estimate: mid-2025 is not published yet"
    assert comparators.rate_per_10k(con, None, 309, "2024-25").value is None
    assert comparators.rate_per_10k(con, 10, 309, "2005-06").value is None


# ---------------------------------------------------------------- every measure in one pass
# (its speed is measured by bench/bench_metrics.py, ``metrics.benchmarks_all_pairs``, not asserted here)


def test_all_measures_for_one_la_in_one_call(con) -> None:
    frame = comparators.comparisons(con, 309)
    assert len(frame) == 13 * 10 + 2 * 8  # 13 LAIT measures x 10 years; the neglect factor's 2 x 8 years
