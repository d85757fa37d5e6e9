"""How an LA compares: its statistical neighbours, its region, England and every LA, from published figures.

Computed in DuckDB SQL over these tables (``register`` creates them from ``loaders.reference``'s
``ReferenceData``; the store can hold the same tables later):

| table | columns |
|---|---|
| ``ref_published`` | measure, year ('2024-25'), period_label, area_code, area_name, area_level ('la', 'region', |
| | 'england'), value (NULL: no value), symbol (the no-value symbol as published) |
| ``ref_measures`` | measure, title, polarity ('High', 'Low' or NULL), year_type, unit, description, last_update |
| ``ref_areas`` | area_code, area_name, area_level, lait_region, region_name, in_model |
| ``ref_neighbours`` | la_code, rank (1 = closest), neighbour_code, closeness |
| ``ref_population`` | area_code, year (mid-year of the estimate), population (children aged 0-17) |
| ``ref_joint_returns`` | area_code (kept), partner_code: a joint return published under both councils |
| ``ref_la_values`` | measure, year, area_code, value: every LA's value, a joint return once (made by ``register``) |

Definitions (for one LA, measure and financial year):

- **Neighbours**: the LA's ten statistical neighbours in the DfE's 2025 model. Their median (the
  average of the middle two when the count is even), minimum and maximum are over the neighbours *with
  a value*; ``neighbours_count`` says how many that is, of ``neighbours_total`` (10). Neighbours are
  the 2025 model's for every year.
- **Region**: the published figure for the LA's government office region (London as a whole for a
  London borough); **England**: the published England figure.
- **Quartile band** among all LAs with a value that year, the LA excluded ("the other LAs": a joint
  return counted once): ``lower`` and ``higher`` count the other LAs with a strictly lower and strictly
  higher value. The band is *highest* when lower >= 3/4 of the other LAs, *lowest* when higher >= 3/4
  of them, else *middle* (4 x lower >= 3 x others, in integers, so the words are exactly true). In
  words, with the dictionary's polarity: High is better -> highest "better than 3 in 4 areas", lowest
  "worse than 3 in 4 areas"; Low is better -> the other way round; no polarity -> "higher than 3 in 4
  areas" / "lower than 3 in 4 areas". Middle is "in the middle half of areas".
  No value, or no other LA with one: no band.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import duckdb
import pandas as pd

from loaders.reference import PREDECESSORS, ReferenceData, financial_year_start
from loaders.reference_store import LA_VALUES_SELECT, frames_of

TABLES = ("ref_published", "ref_measures", "ref_areas", "ref_area_names", "ref_neighbours", "ref_population",
          "ref_joint_returns", "ref_la_values")


def register(con: duckdb.DuckDBPyConnection, data: ReferenceData) -> duckdb.DuckDBPyConnection:
    """Create (or replace) the reference tables in ``con`` from ``data`` (an in-memory copy; the store's
    tables are made by migration 8 and filled by ``loaders.reference_store``, with the same columns)."""
    for name, frame in frames_of(data).items():
        con.register("_frame", frame)
        con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _frame")
        con.unregister("_frame")
    con.execute(f"CREATE OR REPLACE TABLE ref_la_values AS {LA_VALUES_SELECT}")
    return con


def connect(data: ReferenceData) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB holding the reference tables."""
    return register(duckdb.connect(), data)


# Every measure and year for one LA in one pass; $la is the LA's code, $measures the measures wanted.
_COMPARISONS_SQL = """
WITH la AS (SELECT area_code, region_name FROM ref_areas WHERE area_code = $la),
partners AS (  -- the LA's joint-return partner(s), whichever side of the pair it is
    SELECT partner_code AS code FROM ref_joint_returns WHERE area_code = $la
    UNION ALL SELECT area_code FROM ref_joint_returns WHERE partner_code = $la),
spine AS (
    SELECT DISTINCT measure, year FROM ref_published
    WHERE year IS NOT NULL AND measure IN (SELECT unnest($measures::VARCHAR[]))),
las AS (SELECT l.* FROM ref_la_values l JOIN spine USING (measure, year)),
own AS (SELECT p.measure, p.year, p.value, p.symbol FROM ref_published p JOIN spine USING (measure, year)
        WHERE p.area_code = $la),
nb AS (SELECT l.measure, l.year, median(l.value) AS med, min(l.value) AS lo, max(l.value) AS hi, count(*) AS n
       FROM las l JOIN ref_neighbours n ON n.neighbour_code = l.area_code AND n.la_code = $la GROUP BY ALL),
ranks AS (
    SELECT o.measure, o.year, count(*) FILTER (WHERE l.value < o.value) AS lower,
           count(*) FILTER (WHERE l.value > o.value) AS higher, count(*) AS others
    FROM own o JOIN las l USING (measure, year)
    WHERE o.value IS NOT NULL AND l.area_code <> $la
      AND NOT (l.area_code IN (SELECT code FROM partners) AND l.value = o.value)
    GROUP BY ALL),
region AS (
    SELECT p.measure, p.year, p.area_name, p.value FROM ref_published p JOIN spine USING (measure, year), la
    WHERE p.area_level = 'region' AND lower(p.area_name) = lower(CASE
        WHEN lower(la.region_name) IN ('inner london', 'outer london') THEN 'London' ELSE la.region_name END)),
england AS (SELECT p.measure, p.year, p.value FROM ref_published p JOIN spine USING (measure, year)
            WHERE p.area_level = 'england')
SELECT s.measure, s.year, m.polarity, o.value AS la_value, o.symbol AS la_symbol,
       nb.med AS neighbours_median, nb.lo AS neighbours_min, nb.hi AS neighbours_max,
       coalesce(nb.n, 0) AS neighbours_count,
       (SELECT count(*) FROM ref_neighbours WHERE la_code = $la) AS neighbours_total,
       r.area_name AS region_name, r.value AS region_value, e.value AS england_value,
       ranks.lower, ranks.higher, ranks.others
FROM spine s
LEFT JOIN ref_measures m USING (measure)
LEFT JOIN own o USING (measure, year)
LEFT JOIN nb USING (measure, year)
LEFT JOIN region r USING (measure, year)
LEFT JOIN england e USING (measure, year)
LEFT JOIN ranks USING (measure, year)
ORDER BY s.measure, s.year
"""


@dataclass(frozen=True)
class Band:
    code: str  # 'highest', 'middle' or 'lowest': where the value sits, whatever the polarity
    words: str


_WORDS = {
    "High": {"highest": "better than 3 in 4 areas", "lowest": "worse than 3 in 4 areas"},
    "Low": {"highest": "worse than 3 in 4 areas", "lowest": "better than 3 in 4 areas"},
    None: {"highest": "higher than 3 in 4 areas", "lowest": "lower than 3 in 4 areas"},
}
MIDDLE_WORDS = "in the middle half of areas"


def band(lower: int | None, higher: int | None, others: int | None, polarity: str | None) -> Band | None:
    """The quartile band (see the module docstring) from the counts of other LAs strictly lower and
    strictly higher, out of ``others``; None without a value or without other LAs."""
    if not others or lower is None or higher is None:
        return None
    if 4 * lower >= 3 * others:
        code = "highest"
    elif 4 * higher >= 3 * others:
        code = "lowest"
    else:
        return Band("middle", MIDDLE_WORDS)
    return Band(code, _WORDS.get(polarity if polarity in ("High", "Low") else None)[code])


def comparisons(con: duckdb.DuckDBPyConnection, la_code: int, measures: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per measure and financial year for the LA: its own figure, the neighbours' median, range
    and count, region, England and the quartile band (``band``, ``band_words``)."""
    if measures is None:
        measures = [row[0] for row in con.execute("SELECT DISTINCT measure FROM ref_published").fetchall()]
    frame = con.execute(_COMPARISONS_SQL, {"la": int(la_code), "measures": list(measures)}).df()
    bands = [band(_int(lo), _int(hi), _int(n), pol)
             for lo, hi, n, pol in zip(frame["lower"], frame["higher"], frame["others"], frame["polarity"])]
    frame["band"] = [b.code if b else None for b in bands]
    frame["band_words"] = [b.words if b else None for b in bands]
    return frame


def _int(value: object) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


@dataclass(frozen=True)
class Comparison:
    measure: str
    year: str
    polarity: str | None
    la_value: float | None
    la_symbol: str | None
    neighbours_median: float | None
    neighbours_min: float | None
    neighbours_max: float | None
    neighbours_count: int
    neighbours_total: int
    region_name: str | None
    region_value: float | None
    england_value: float | None
    band: str | None
    band_words: str | None


def comparison(con: duckdb.DuckDBPyConnection, la_code: int, measure: str, year: str) -> Comparison:
    """The comparison for one measure and financial year; KeyError when the year is not published."""
    frame = comparisons(con, la_code, [measure])
    rows = frame[frame["year"] == year]
    if rows.empty:
        raise KeyError(f"{measure} is not published for {year}")
    row = rows.iloc[0]
    fields = Comparison.__dataclass_fields__
    return Comparison(**{name: _plain(row[name]) for name in fields})


def _plain(value: object) -> object:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def trend(con: duckdb.DuckDBPyConnection, la_code: int, measure: str) -> pd.DataFrame:
    """The comparison over every published year, oldest first, with ``before`` naming the council(s)
    whose area this one took over for years before it existed (their figures are not the LA's)."""
    frame = comparisons(con, la_code, [measure]).sort_values("year", ignore_index=True)
    predecessors, first_year = PREDECESSORS.get(int(la_code), ((), None))
    names = [row[0] for row in con.execute(
        "SELECT area_name FROM ref_areas WHERE area_code IN (SELECT unnest($c::INTEGER[])) ORDER BY area_code",
        {"c": list(predecessors)}).fetchall()] if predecessors else []
    frame["before"] = [", ".join(names) if first_year and year < first_year else None for year in frame["year"]]
    return frame


def neighbours(con: duckdb.DuckDBPyConnection, la_code: int) -> pd.DataFrame:
    """The LA's ten neighbours, closest first: rank, code, name and closeness."""
    return con.execute("""
        SELECT n.rank, n.neighbour_code AS area_code, a.area_name, n.closeness
        FROM ref_neighbours n LEFT JOIN ref_areas a ON a.area_code = n.neighbour_code
        WHERE n.la_code = $la ORDER BY n.rank""", {"la": int(la_code)}).df()


AREAS = ("la", "neighbours", "region", "england")


def benchmark_rows(frame: pd.DataFrame, la_name: str) -> Iterator[dict[str, object]]:
    """``comparisons`` as long rows: {published_measure, year, area, area_name, value} with area one of
    la, neighbours (the median), region, england."""
    for row in frame.itertuples(index=False):
        values = {"la": (la_name, row.la_value), "neighbours": ("statistical neighbours (median)", row.neighbours_median),
                  "region": (row.region_name, row.region_value), "england": ("England", row.england_value)}
        for area in AREAS:
            name, value = values[area]
            yield {"published_measure": row.measure, "year": row.year, "area": area, "area_name": name,
                   "value": None if value is None or pd.isna(value) else float(value)}


@dataclass(frozen=True)
class Rate:
    """A rate per 10,000 children aged 0-17 and the ONS estimate behind it."""

    value: float | None
    population: float | None
    population_year: int | None  # the mid-year of the estimate used
    note: str | None  # said when the estimate is not the year's own (not yet published)


def rate_per_10k(con: duckdb.DuckDBPyConnection, count: float | None, area_code: int, year: str) -> Rate:
    """``count`` per 10,000 children aged 0-17 in the area for financial year ``year`` ('2024-25'), with
    the ONS mid-year estimate of the year it starts in (mid-2024), as the DfE does. When that estimate is
    not published yet, the latest earlier one is used and ``note`` says so."""
    start = financial_year_start(year)
    found = con.execute("""
        SELECT year, population FROM ref_population
        WHERE area_code = $a AND year <= $y AND population IS NOT NULL ORDER BY year DESC LIMIT 1""",
                        {"a": int(area_code), "y": start}).fetchone()
    if found is None:
        return Rate(None, None, None, f"no ONS population estimate for this area up to mid-{start}")
    population_year, population = int(found[0]), float(found[1])
    note = None if population_year == start else (
        f"rate uses the mid-{population_year} population estimate: mid-{start} is not published yet")
    value = None if count is None or population <= 0 else count / population * 10_000
    return Rate(value, population, population_year, note)
