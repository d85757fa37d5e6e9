"""The comparison with published figures in words (issue 14): one place for the Summary and every export.

Each function reads one row of ``metrics.benchmarks.compare_table`` (a pair's latest published year: the
LA's own figure, the statistical neighbours' median and how many had a value, England, the quartile band,
and the local value with its period) and says it in one plain sentence. No streamlit and no store here:
the Summary (``ui.compare``) and the exports (``reports.content``) pass the row they already have.

Published figures are public, so ``published_sentence`` never needs suppressing; ``local_sentence`` shows a
local figure and is only used where that figure may be shown (``reports.content`` decides for scrutiny).
"""

from __future__ import annotations

from collections.abc import Mapping

from metrics.display import format_number, missing


def figure_text(value: object, unit: str) -> str:
    """'18.7%', '617.4 per 10,000' (a rate says what it is per), 'no value'."""
    if missing(value):
        return "no value"
    return format_number(value, unit) + (f" {unit}" if unit == "per 10,000" else "")


def _has_year(row: Mapping[str, object]) -> bool:
    return not missing(row.get("year"))


def published_sentence(row: Mapping[str, object], la_name: str, *, band: bool = False) -> str | None:
    """"Published for 2024-25: Haringey 18.7%, similar areas (median of 10) 18.1%, England 22.6%."; with
    ``band``, the LA's quartile band among all LAs after its figure ("Haringey 18.7% (better than 3 in 4
    areas)") when there is one. None when the pair has no published year."""
    if not _has_year(row):
        return None
    unit = str(row["unit"])
    words = row.get("band_words")
    among = f" ({words})" if band and not missing(words) else ""
    return (f"Published for {row['year']}: {la_name} {figure_text(row.get('la_value'), unit)}{among}, similar areas "
            f"(median of {row.get('neighbours_count', 0)}) {figure_text(row.get('neighbours_median'), unit)}, England "
            f"{figure_text(row.get('england_value'), unit)}.")


def local_sentence(row: Mapping[str, object]) -> str | None:
    """"Here: 23.4% for 2024-25, the same financial year." or "Here: 23.4% for the 12 months to 2025-26 Q2,
    not the published year (2024-25)."; None without a local value. The period says how it differs."""
    if missing(row.get("local_value")) or missing(row.get("local_period")):
        return None
    figure = figure_text(row["local_value"], str(row["unit"]))
    period = str(row["local_period"])
    if _has_year(row) and period == str(row["year"]):
        return f"Here: {figure} for {period}, the same financial year."
    published = f" ({row['year']})" if _has_year(row) else ""
    return f"Here: {figure} for the {period}, not the published year{published}."


def comparison_sentence(row: Mapping[str, object], la_name: str, *, local: bool) -> str | None:
    """The exports' words for one pair: the local figure and its period (``local``: where it may be shown),
    then the published figures with the band. None when nothing is published for it."""
    published = published_sentence(row, la_name, band=True)
    if published is None:
        return None
    here = local_sentence(row) if local else None
    return f"{here} {published}" if here else published
