"""The local measures beside the published ones: every pair in ``metrics.registry.PAIRS``, for one LA.

Reads the ``ref_*`` tables of the store when it holds a reference set, else the shipped extract in memory
(``reference_connection``: a reader never writes). The comparisons themselves are
``metrics.comparators``'; this module picks the pairs' measures, names the areas and works out the local
value beside the published one.

**The local period.** The published figures are for financial years (LAIT's 2025 is 2024-25). The local
value shown beside the latest published year is that same financial year when the store has all four of
its quarters; otherwise it is the rolling 12 months to the latest quarter with data, labelled as such
("12 months to 2025-26 Q2"). A percentage is the four quarters' numerators over their denominators; a rate
per 10,000 is the four quarters' count over the ONS population of children aged 0-17 of the partnership's
LA (``comparators.rate_per_10k``).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass

import duckdb
import pandas as pd

from loaders.periods import Quarter
from loaders.reference import Partnership, ReferenceData, UnknownArea, load_shipped, read_partnership, resolve_area
from loaders.store import Store
from metrics import comparators
from metrics.registry import PAIRS, Pair

__all__ = ["LocalValue", "UnknownArea", "benchmark_frame", "benchmark_records", "la_code_of", "local_value",
           "partnership", "reference_connection"]


@functools.lru_cache(maxsize=1)
def _shipped() -> duckdb.DuckDBPyConnection:
    return comparators.connect(load_shipped())


def _store_has_reference(store: Store) -> bool:
    has_table = store.scalar("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'reference_loads'")
    return bool(has_table) and bool(store.scalar("SELECT count(*) FROM reference_loads WHERE replaced_at IS NULL"))


def reference_connection(store: Store | None) -> duckdb.DuckDBPyConnection:
    """Where the ``ref_*`` tables are: the store's cursor when it holds a reference set, else an in-memory
    copy of the shipped extract (made once per process)."""
    if store is not None and _store_has_reference(store):
        return store.cursor()
    return _shipped().cursor()


def _names(con: duckdb.DuckDBPyConnection) -> ReferenceData:
    """Just what ``resolve_area`` reads (areas and their spellings), from the tables."""
    empty = pd.DataFrame()
    return ReferenceData(published=empty, measures=empty, areas=con.execute("SELECT * FROM ref_areas").df(),
                         area_names=con.execute("SELECT * FROM ref_area_names").df(), neighbours=empty,
                         population=empty, files=())


def partnership() -> Partnership:
    return read_partnership()


def la_code_of(con: duckdb.DuckDBPyConnection, name: str | None) -> tuple[int, str]:
    """(code, published name) of the LA called exactly ``name`` (the partnership's when None); ``UnknownArea``
    with the closest names otherwise."""
    own = partnership()
    if name is None:
        return own.old_la_code, own.name
    code = resolve_area(name, _names(con))
    found = con.execute("SELECT area_name FROM ref_areas WHERE area_code = ?", [code]).fetchone()
    return code, str(found[0])


def benchmark_frame(con: duckdb.DuckDBPyConnection, la_code: int) -> pd.DataFrame:
    """``comparators.comparisons`` for every pair's published measure, with the pair's ``metric`` id."""
    by_measure = {pair.published.measure: pair.metric for pair in PAIRS}
    frame = comparators.comparisons(con, la_code, list(by_measure))
    frame.insert(0, "metric", frame["measure"].map(by_measure))
    return frame.sort_values(["metric", "year"], ignore_index=True)


def benchmark_records(frame: pd.DataFrame, la_name: str) -> Iterator[dict[str, object]]:
    """One record per pair, year and area: {metric, published_measure, year, area, area_name, value}."""
    for metric, rows in frame.groupby("metric", sort=False):
        for record in comparators.benchmark_rows(rows.drop(columns="metric"), la_name):
            yield {"metric": metric, **record}


@dataclass(frozen=True)
class LocalValue:
    """The local figure beside a published year, and the period it covers."""

    value: float | None
    period: str  # '2024-25' or '12 months to 2025-26 Q2'
    same_year: bool  # the published financial year itself (else rolling 12 months)
    numerator: float | None
    denominator: float | None
    note: str | None = None


def _quarters_of(year: str) -> list[str]:
    return [f"{year} Q{n}" for n in range(1, 5)]


def local_value(values: pd.DataFrame, pair: Pair, year: str, con: duckdb.DuckDBPyConnection,
                la_code: int) -> LocalValue | None:
    """The pair's local value for published financial year ``year`` (see the module docstring) from
    ``values`` (``metrics.compute.compute_all``'s frame); None when there is no local data."""
    source = pair.per_10k_of or pair.metric
    rows = values[(values["metric"] == source) & values["group"].isna()]
    rows = rows[rows["numerator"].notna()]
    if rows.empty:
        return None
    wanted = _quarters_of(year)
    if set(wanted) <= set(rows["period"]):
        period, same, quarters = year, True, wanted
    else:
        latest = max(rows["period"], key=lambda p: Quarter.parse(p).index)
        quarters = [str(Quarter.parse(latest) + k) for k in range(-3, 1)]
        period, same = f"12 months to {latest}", False
    chosen = rows[rows["period"].isin(quarters)]
    numerator = float(chosen["numerator"].sum())
    if pair.per_10k_of:
        fy = year if same else quarters[-1].split(" ")[0]
        rate = comparators.rate_per_10k(con, numerator, la_code, fy)
        return LocalValue(rate.value, period, same, numerator, rate.population, rate.note)
    denominator = float(chosen["denominator"].sum())
    value = numerator / denominator * 100 if denominator else None
    return LocalValue(value, period, same, numerator, denominator)


PERIOD_NOTE = ("The published figures are for financial years ending 31 March (the DfE's \"2025\" is 2024-25). "
               "The local figure is for the same financial year when all four of its quarters are loaded; otherwise "
               "it is the 12 months to the latest quarter loaded, and says so. Published figures are the DfE's final "
               "returns; local figures are from the returns loaded here, so small differences in definition and "
               "timing remain. Rates are per 10,000 children aged 0-17 (ONS mid-year estimate of the year the "
               "financial year starts in).")


def _latest_year(rows: pd.DataFrame) -> pd.Series | None:
    with_value = rows[rows["la_value"].notna()]
    return None if with_value.empty else with_value.iloc[-1]


def _local_fields(values: pd.DataFrame | None, pair: Pair, year: str | None, con: duckdb.DuckDBPyConnection,
                  la_code: int) -> dict[str, object]:
    local = None if values is None or year is None else local_value(values, pair, year, con, la_code)
    return {"local_value": None if local is None else local.value, "local_period": None if local is None else local.period,
            "local_note": None if local is None else local.note}


def _field(row: pd.Series | None, name: str) -> object:
    return None if row is None or pd.isna(row[name]) else row[name]


def compare_table(con: duckdb.DuckDBPyConnection, la_code: int, values: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per pair, for the latest year the LA has a published figure: the local value and its period,
    the LA's published figure, the neighbours' median, range and count, region, England and the band."""
    frame = benchmark_frame(con, la_code)
    rows = []
    for pair in PAIRS:
        latest = _latest_year(frame[frame["metric"] == pair.metric])
        year = None if latest is None else str(latest["year"])
        field = functools.partial(_field, latest)
        rows.append({
            "metric": pair.metric, "title": pair.title, "published_measure": pair.published.measure,
            "unit": pair.unit, "year": year, **_local_fields(values, pair, year, con, la_code),
            "la_value": field("la_value"), "neighbours_median": field("neighbours_median"),
            "neighbours_min": field("neighbours_min"), "neighbours_max": field("neighbours_max"),
            "neighbours_count": 0 if latest is None else int(latest["neighbours_count"]),
            "neighbours_total": 0 if latest is None else int(latest["neighbours_total"]),
            "region_name": field("region_name"), "region_value": field("region_value"),
            "england_value": field("england_value"), "band_words": field("band_words"),
        })
    return pd.DataFrame(rows)


def compare_trend(con: duckdb.DuckDBPyConnection, la_code: int, metric: str) -> pd.DataFrame:
    """A pair's published years, oldest first, long: year, area (the LA's name, "Statistical neighbours
    (median)", the region's name, "England") and value."""
    frame = benchmark_frame(con, la_code)
    frame = frame[frame["metric"] == metric]
    name = con.execute("SELECT area_name FROM ref_areas WHERE area_code = ?", [int(la_code)]).fetchone()[0]
    long = pd.DataFrame(benchmark_records(frame, str(name)))
    if long.empty:
        return pd.DataFrame(columns=["year", "area", "value"])
    long["area"] = long["area_name"].where(long["area"] != "neighbours", "Statistical neighbours (median)")
    return long[["year", "area", "value"]].sort_values("year", kind="stable", ignore_index=True)
