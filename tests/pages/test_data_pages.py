"""The data pages (MASH and referrals, workforce training, case audits) through Streamlit's AppTest:
they render without exception on an empty database, with the empty state saying what to upload, and on
the demo data, with every chart carrying its table and CSV download; the sidebar filters apply. Each page
shows its sections as lazy tabs (``ui.blocks.lazy_tabs``): only the open tab is built, so the tests open
every tab in turn (``_each_tab``) and check what each showed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block

from loaders.store import Store
from tests.metrics.helpers import add_rows, contact
from tests.pages.helpers import APP, rendered

PAGES = {
    "pages/mash.py": ("MASH and referrals", ["Annex A List 1", "Annex A List 3", "Annex A List 7"]),
    "pages/training.py": ("Workforce training", ["training register"]),
    "pages/audits.py": ("Case audits", ["case audit return"]),
}
TABS = {  # each page's tabs, in order, and the key that holds the open one
    "pages/mash.py": ("mash-section", ["Contacts", "What the MASH decided", "Referrals", "Child protection plans"]),
    "pages/training.py": ("training-section", ["Sessions and attendance", "Confidence before and after training"]),
    "pages/audits.py": ("audits-section", ["Grades", "Themes"]),
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


def _each_tab(at: AppTest, page: str):
    """Open each of the page's tabs in turn (as a click on it does), yielding its label once it has run. A page
    that stops before its tabs (no data at all) yields nothing."""
    key, labels = TABS[page]
    if not list(at.tabs):
        return
    assert [t.label for t in at.tabs] == labels
    for label in labels:
        at.session_state[key] = label
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        yield label


def _built(tab: Block) -> bool:
    return bool(tab.children)


@pytest.mark.parametrize("page", list(PAGES))
def test_page_on_an_empty_database_says_what_to_upload(page, tmp_path, monkeypatch):
    title, hints = PAGES[page]
    at = _open(page, tmp_path / "empty.duckdb", monkeypatch)
    assert [t.value for t in at.title] == [title]
    assert not _charts(at)
    text = _info_text(at)
    for _ in _each_tab(at, page):
        assert not _charts(at)
        text += " " + _info_text(at)
    assert "Upload" in text
    for hint in hints:
        assert hint in text


@pytest.mark.parametrize("page", list(PAGES))
def test_page_on_demo_data_shows_every_chart_with_table_and_csv(page, demo_db, monkeypatch):
    at = _open(page, demo_db, monkeypatch)
    assert [t.value for t in at.title] == [PAGES[page][0]]
    total = 0
    for _ in _each_tab(at, page):
        charts = _charts(at)
        assert charts
        assert not at.info, _info_text(at)   # the demo fills every chart
        downloads = [b for b in at.get("download_button")]
        assert len(downloads) == len(charts)
        assert len(at.expander) >= len(charts)
        assert len(at.caption) >= len(charts)    # each chart says what it measures and which way is better
        total += len(charts)
    assert total >= 4


@pytest.mark.parametrize("page", list(PAGES))
def test_only_the_open_tab_is_built_and_each_chart_is_in_one_tab(page, demo_db, monkeypatch):
    """Issue 12: a page draws only what is open. The tabs not chosen hold nothing (not even hidden), and no
    chart appears under two tabs."""
    at = _open(page, demo_db, monkeypatch)
    key, labels = TABS[page]
    assert [_built(t) for t in at.tabs] == [True] + [False] * (len(labels) - 1)   # the first tab opens
    seen: dict[str, str] = {}
    for label in _each_tab(at, page):
        assert [_built(t) for t in at.tabs] == [t.label == label for t in at.tabs]
        shown = {b.key for b in at.get("download_button")}
        open_tab = next(t for t in at.tabs if t.label == label)
        assert shown == {b.key for b in open_tab.get("download_button")}   # every chart of the run is inside it
        assert not shown & set(seen), (label, shown & set(seen))
        seen |= dict.fromkeys(shown, label)


def test_mash_page_sections_and_target(demo_db, monkeypatch):
    at = _open("pages/mash.py", demo_db, monkeypatch)
    captions, charts = "", 0
    for _ in _each_tab(at, "pages/mash.py"):
        assert [s.value for s in at.subheader] == ["How we compare"]   # after the tabs, whichever is open
        captions += " ".join(rendered(c.value) for c in at.caption)
        charts += len(_charts(at))
    assert "Higher is better." in captions and "Lower is better." in captions
    assert charts == 12


@pytest.mark.parametrize("page", ["pages/training.py", "pages/audits.py"])
def test_agency_filter_narrows_the_page(page, demo_db, monkeypatch):
    at = _open(page, demo_db, monkeypatch, agency_filter="Health")
    assert "Agency: **Health**" in " ".join(m.value for m in at.markdown)
    agencies = set()
    for _ in _each_tab(at, page):
        tables = [t.value for t in at.dataframe]
        agencies |= {value for table in tables if "Agency" in table.columns for value in table["Agency"]}
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
    shown = set()
    for _ in _each_tab(at, page):
        assert _charts(at)
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
    for page, needs in (("pages/mash.py", ["MASH outcome column", "MASH decision date", "Annex A List 3"]),
                        ("pages/training.py", ["confidence"]), ("pages/audits.py", ["a column per theme"])):
        at = _open(page, db, monkeypatch)
        text, charts = "", 0
        for _ in _each_tab(at, page):
            text += " " + _info_text(at)
            charts += len(_charts(at))
        assert charts, page
        for words in needs:
            assert words in text, (page, words)
