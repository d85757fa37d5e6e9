"""The "How we compare" page through AppTest: every pair in the overview table, and each pair's chart, table
and CSV when chosen (one measure drawn at a time, issue 12); the figures are the comparators' own; the
footnote on periods; partners see it, scrutiny members are not offered it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from access.pages import PAGES
from loaders.store import Store
from metrics import benchmarks
from metrics.compute import compute_all
from metrics.display import format_number
from metrics.registry import PAIRS
from tests.pages.helpers import APP, clear_app_caches, rendered


def _open(db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("DASHBOARD_DB", str(db))
    monkeypatch.setenv("DASHBOARD_LOCAL", "1")
    clear_app_caches()
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/compare.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_every_pair_has_its_chart_table_and_csv_and_the_values_are_the_comparators(demo_db, monkeypatch,
                                                                                   tmp_path) -> None:
    at = _open(demo_db, monkeypatch)
    assert at.title[0].value == "How we compare"
    overview = at.dataframe[0].value
    assert list(overview["Measure"]) == [p.title for p in PAIRS]
    choice = at.selectbox(key="compare_measure")
    assert choice.options == [p.title for p in PAIRS] and choice.value == PAIRS[0].title
    for pair in PAIRS:  # one measure at a time: exactly its chart, its table and its CSV
        choice.set_value(pair.title).run()
        assert not at.exception, [e.message for e in at.exception]
        [chart] = at.get("plotly_chart")
        assert chart.key == f"chart-compare-{pair.metric}"
        assert [b.key for b in at.get("download_button")] == [f"csv-compare-{pair.metric}"]
        trend = next(t.value for t in at.dataframe if "Financial year" in t.value.columns)
        assert {"England", "Statistical neighbours (median)"} <= set(trend["Area"])
        choice = at.selectbox(key="compare_measure")

    copy = tmp_path / "copy.duckdb"  # the app holds the demo store open
    shutil.copy(demo_db, copy)
    with Store(copy, read_only=True) as store:
        con = benchmarks.reference_connection(store)
        expected = benchmarks.compare_table(con, 309, compute_all(store)).set_index("metric")
    row = expected.loc["referrals.rereferral_12m"]
    shown = overview.set_index("Measure").loc["Re-referrals within 12 months"]
    assert shown["Haringey (published)"] == format_number(row["la_value"], "%")
    assert shown["England"] == format_number(row["england_value"], "%")
    assert shown["Local figure"] == format_number(row["local_value"], "%")
    assert shown["Local period"] == row["local_period"] == "2024-25"
    assert shown["Statistical neighbours (median)"].startswith(format_number(row["neighbours_median"], "%"))
    assert "10 of 10 with a value" in shown["Statistical neighbours (median)"]
    captions = " ".join(rendered(c.value) for c in at.caption)
    assert "12 months to the latest quarter" in captions and "Open Government Licence v3.0" in captions


def test_only_partners_and_above_are_offered_the_page() -> None:
    page = next(p for p in PAGES if p.name == "compare")
    assert "scrutiny" not in page.roles and {"partner", "manager", "chair", "admin"} <= set(page.roles)


def test_the_mash_page_ends_with_its_comparison_panel(demo_db, monkeypatch) -> None:
    monkeypatch.setenv("DASHBOARD_DB", str(demo_db))
    monkeypatch.setenv("DASHBOARD_LOCAL", "1")
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/mash.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert "How we compare" in [s.value for s in at.subheader]
    panel = next(d.value for d in at.dataframe if "Among all local authorities" in d.value.columns)
    assert set(panel["Measure"]) == {p.title for p in PAIRS}  # every pair is of a dataset this page shows


def test_a_summary_headline_with_a_pair_mentions_the_published_figures(demo_db, monkeypatch) -> None:
    monkeypatch.setenv("DASHBOARD_DB", str(demo_db))
    monkeypatch.setenv("DASHBOARD_LOCAL", "1")
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    text = " ".join(rendered(m.value) for m in at.markdown)
    assert "Published for 2024-25: Haringey " in text and "England " in text


def test_on_an_empty_store_the_published_figures_still_show_from_the_shipped_extract(tmp_path, monkeypatch) -> None:
    at = _open(tmp_path / "empty.duckdb", monkeypatch)
    overview = at.dataframe[0].value
    assert set(overview["Local figure"]) == {"no value"} and set(overview["Local period"]) == {"no local data"}
    assert overview.set_index("Measure").loc["Re-referrals within 12 months", "Haringey (published)"] != "no value"
