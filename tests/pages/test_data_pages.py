"""The data pages (MASH and referrals, workforce training, case audits) through Streamlit's AppTest:
they render without exception on an empty database, with the empty state saying what to upload, and on
the demo data, with every chart carrying its table and CSV download; the sidebar filters apply."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from loaders.store import Store
from tests.metrics.helpers import add_rows, contact
from tests.pages.helpers import APP, rendered

PAGES = {
    "pages/mash.py": ("MASH and referrals", ["Annex A List 1", "Annex A List 3", "Annex A List 7"]),
    "pages/training.py": ("Workforce training", ["training register"]),
    "pages/audits.py": ("Case audits", ["case audit return"]),
}


def _open(page: str, db: Path, monkeypatch: pytest.MonkeyPatch, **state) -> AppTest:
    monkeypatch.setenv("DASHBOARD_DB", str(db))
    monkeypatch.setenv("DASHBOARD_LOCAL", "1")
    at = AppTest.from_file(APP, default_timeout=30)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _charts(at: AppTest) -> list:
    return list(at.get("plotly_chart"))


def _info_text(at: AppTest) -> str:
    return " ".join(i.value for i in at.info)


@pytest.mark.parametrize("page", list(PAGES))
def test_page_on_an_empty_database_says_what_to_upload(page, tmp_path, monkeypatch):
    title, hints = PAGES[page]
    at = _open(page, tmp_path / "empty.duckdb", monkeypatch)
    assert [t.value for t in at.title] == [title]
    assert not _charts(at)
    text = _info_text(at)
    assert "Upload" in text
    for hint in hints:
        assert hint in text


@pytest.mark.parametrize("page", list(PAGES))
def test_page_on_demo_data_shows_every_chart_with_table_and_csv(page, demo_db, monkeypatch):
    at = _open(page, demo_db, monkeypatch)
    assert [t.value for t in at.title] == [PAGES[page][0]]
    charts = _charts(at)
    assert len(charts) >= 3
    assert not at.info, _info_text(at)   # the demo fills every chart
    downloads = [b for b in at.get("download_button")]
    assert len(downloads) == len(charts)
    assert len(at.expander) >= len(charts)
    assert len(at.caption) >= len(charts)    # each chart says what it measures and which way is better


def test_mash_page_sections_and_target(demo_db, monkeypatch):
    at = _open("pages/mash.py", demo_db, monkeypatch)
    assert [s.value for s in at.subheader] == ["Contacts", "Referrals", "Child protection plans", "How we compare"]
    captions = " ".join(rendered(c.value) for c in at.caption)
    assert "Higher is better." in captions and "Lower is better." in captions
    assert len(_charts(at)) == 12


@pytest.mark.parametrize("page", ["pages/training.py", "pages/audits.py"])
def test_agency_filter_narrows_the_page(page, demo_db, monkeypatch):
    at = _open(page, demo_db, monkeypatch, agency_filter="Health")
    assert "Agency: **Health**" in " ".join(m.value for m in at.markdown)
    tables = [t.value for t in at.dataframe]
    agencies = {value for table in tables if "Agency" in table.columns for value in table["Agency"]}
    assert agencies == {"Health"}


@pytest.mark.parametrize("page", list(PAGES))
def test_page_in_meeting_mode_and_one_quarter(page, demo_db, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB", str(demo_db))
    monkeypatch.setenv("DASHBOARD_LOCAL", "1")
    first = AppTest.from_file(APP, default_timeout=30)
    first.switch_page("pages/mash.py")  # the Summary has no quarter filter (it would not apply there)
    first.run()
    quarters = first.select_slider(key="period_range").options
    at = _open(page, demo_db, monkeypatch, meeting_mode=True, period_range=(quarters[-1], quarters[-1]))
    assert _charts(at)
    shown = set()
    for table in at.dataframe:
        frame = table.value
        column = "Quarter" if "Quarter" in frame.columns else "Quarters" if "Quarters" in frame.columns else None
        if column and len(frame):
            shown |= set(frame[column])
    assert shown == {quarters[-1]}


def test_pages_with_sparse_returns_explain_the_missing_columns(tmp_path, monkeypatch):
    """Returns without the optional columns (decision date, outcome, neglect, confidence, themes) still render,
    and each chart that needs a missing column says which column to add."""
    db = tmp_path / "sparse.duckdb"
    with Store(db) as store:
        add_rows(store, "contacts", [contact("2025-04-07"), contact("2025-07-07", source="3A")])
        add_rows(store, "training", [{"session_date": dt.date(2025, 5, 1), "course": "Neglect basics",
                                      "agency": "Health", "attended": "Yes"}])
        add_rows(store, "audits", [{"audit_id": "A1", "audit_date": dt.date(2025, 5, 2), "agency": "Police",
                                    "overall_grade": "Good"}])
    mash = _open("pages/mash.py", db, monkeypatch)
    text = _info_text(mash)
    assert "MASH outcome column" in text and "MASH decision date" in text and "Annex A List 3" in text
    assert _charts(mash)
    training = _open("pages/training.py", db, monkeypatch)
    assert "confidence" in _info_text(training) and _charts(training)
    audits = _open("pages/audits.py", db, monkeypatch)
    assert "a column per theme" in _info_text(audits) and _charts(audits)
