"""A page's URL opened first on a freshly started server must still go through ``dashboard.py``.

Streamlit decides once per process whether the app is an old-style multipage app: while no script run has
called ``st.navigation`` and a folder named ``pages/`` sits beside the entry script, it runs the page file
*directly* (its "MPA v1" mode) with a navigation of every file in ``pages/``, without ``dashboard.py``. Each
page's first line (``ui.app.require``) then hands the run to ``ui.app.main``, as ``dashboard.py`` would: the
role-built navigation, the local-mode banner, the shared filters and the page config. The session server in
``conftest.py`` is warmed up through ``/`` and so never shows this; this test starts its own server (on an
empty database) for each page and opens that page's URL first.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from access.pages import PAGES
from tests.browser.helpers import base_env, start_app, wait_for_run

pytestmark = pytest.mark.browser

NAV_TITLES = [page.title for page in PAGES]  # local mode: the administrator, every page
# What each page's heading says (the AppTest suites' TITLES), on an empty store.
HEADINGS = {"summary": "How the partnership is doing", "actions": "Action plan", "mash": "MASH and referrals",
            "training": "Workforce training", "audits": "Case audits", "upload": "Upload a return",
            "about": "About the data", "audit_trail": "Audit trail"}


def _path(name: str) -> str:
    """A page's URL path: the default page (the first) is the app's root; ``/summary`` is no page's URL."""
    return "" if name == PAGES[0].name else name


# Each case starts a server (about 9 s on the 2-core machine), so two pages stand for all: every page starts
# with the same ``require`` line, and the AppTest suites run every page this way (AppTest makes each run a
# fresh server's first run). All eight pages passed this test when the mechanism was introduced.
@pytest.mark.parametrize("name", ["about", "upload"])
def test_a_page_url_opened_first_still_runs_dashboard_py(name, browser, chromium_path, tmp_path) -> None:
    env = {**base_env(), "DASHBOARD_DB": str(tmp_path / "empty.duckdb"), "DASHBOARD_LOCAL": "1"}
    with start_app(env, log_name=f"streamlit-first-page-{name}") as url:
        context = browser.new_context(viewport={"width": 1440, "height": 1000})
        try:
            page = context.new_page()
            page.goto(f"{url}/{_path(name)}", wait_until="domcontentloaded")
            wait_for_run(page)
            expect(page.get_by_test_id("stMain").locator("h1").first).to_have_text(HEADINGS[name])
            # A link's text is its icon's ligature name, then its title.
            names = [text.strip().split("\n")[-1].strip()
                     for text in page.get_by_test_id("stSidebarNav").locator("a").all_inner_texts()]
            assert names == NAV_TITLES, (
                f"the sidebar lists the files in pages/, not dashboard.py's navigation: the page ran without "
                f"dashboard.py: {names}")
            expect(page.get_by_test_id("stSidebar")).to_contain_text("Local mode")
            expect(page.get_by_text("Page not found")).to_have_count(0)
            assert page.url.rstrip("/") == f"{url}/{_path(name)}".rstrip("/")
        finally:
            context.close()
