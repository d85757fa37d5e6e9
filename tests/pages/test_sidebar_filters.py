"""The sidebar shows a filter only on the pages it narrows (``access.pages.PAGES``' ``filters``): the agency
filter on the training and audit pages only, the quarters on the three data pages, and nothing but meeting
mode on the Summary, Action plan, How we compare, Upload, About and Audit trail."""

from __future__ import annotations

import pytest

from access.pages import AGENCY, MEETING, PAGES, QUARTERS
from tests.pages.helpers import rendered

EXPECTED = {
    "summary": {MEETING},
    "actions": {MEETING},
    "mash": {QUARTERS, MEETING},
    "training": {QUARTERS, AGENCY, MEETING},
    "audits": {QUARTERS, AGENCY, MEETING},
    "compare": {MEETING},
    "about": {MEETING},
    "upload": {MEETING},
    "audit_trail": {MEETING},
}
KEYS = {QUARTERS: "period_range", AGENCY: "agency_filter", MEETING: "meeting_mode"}


def _sidebar_keys(at) -> set[str]:
    keys = {w.key for kind in ("select_slider", "selectbox", "toggle") for w in getattr(at.sidebar, kind)}
    return {name for name, key in KEYS.items() if key in keys}


def test_every_page_declares_its_filters():
    assert {page.name: set(page.filters) for page in PAGES} == EXPECTED


@pytest.mark.parametrize("page", list(EXPECTED))
def test_sidebar_shows_only_the_filters_the_page_uses(page, demo_db, open_app):
    at = open_app(demo_db, page)
    assert _sidebar_keys(at) == EXPECTED[page]


def test_agency_chosen_on_training_survives_a_page_without_the_filter(demo_db, open_app):
    at = open_app(demo_db, "training", state={"agency_filter": "Health"})
    at.switch_page("pages/mash.py").run()
    assert "agency_filter" not in {w.key for w in at.sidebar.selectbox}
    at.switch_page("pages/training.py").run()
    assert at.sidebar.selectbox(key="agency_filter").value == "Health"
    assert "Agency: **Health**" in " ".join(m.value for m in at.markdown)


def test_contacts_awaiting_a_decision_explains_its_leap_from_the_returns_dates(demo_db, open_app):
    # The demo's contacts return runs to the last day of its latest quarter, whose last contacts await a decision.
    at = open_app(demo_db, "mash")
    captions = rendered(" ".join(c.value for c in at.caption))
    assert "contacts awaiting a decision in" in captions
    assert "runs to 31 Mar 2026, the quarter's last day, so decisions on its last contacts were still" in captions


@pytest.mark.parametrize(("page", "words"), [("training", "delegates booked"), ("audits", "audits graded")])
def test_pooled_bars_show_the_latest_quarter_with_its_n_unless_asked_to_pool(page, words, demo_db, open_app):
    at = open_app(demo_db, page)
    radio = at.main.radio[0]
    assert radio.value == "Latest quarter"
    latest = max(at.sidebar.select_slider(key="period_range").options, key=lambda q: (q[:7], q[-1]))
    captions = rendered(" ".join(c.value for c in at.caption))
    assert f"{latest}, " in captions and words in captions
    table = next(t.value for t in at.dataframe if "Quarters" in t.value.columns)
    assert set(table["Quarters"]) == {latest}
    radio.set_value("All quarters shown").run()
    table = next(t.value for t in at.dataframe if "Quarters" in t.value.columns)
    assert set(table["Quarters"]) != {latest} and " to " in table["Quarters"].iloc[0]
    assert "pooled" in rendered(" ".join(c.value for c in at.caption))
