"""A page's URL opened first on a freshly started server must still go through ``dashboard.py``.

Streamlit decides once per process whether the app is an old-style multipage app: while no script run has
called ``st.navigation`` and a folder named ``pages/`` sits beside the entry script, it runs the page file
*directly* (its "MPA v1" mode) — without ``dashboard.py``, so without the navigation built from the person's
role, the local-mode banner, the shared filters or the page config — and lists every ``pages/*.py`` file
(``common``, ``gate``...) as a page. The session server in ``conftest.py`` is warmed up through ``/`` and so
never shows this; this test starts its own server (on an empty database) and opens ``/about`` first.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import base_env, start_app, wait_for_run

pytestmark = pytest.mark.browser

NAV_TITLES = ["Summary", "Action plan", "MASH and referrals", "Workforce training", "Case audits", "Upload",
              "About the data"]


def test_a_page_url_opened_first_still_runs_dashboard_py(browser, chromium_path, tmp_path) -> None:
    env = {**base_env(), "DASHBOARD_DB": str(tmp_path / "empty.duckdb"), "DASHBOARD_LOCAL": "1"}
    with start_app(env, log_name="streamlit-first-page") as url:
        context = browser.new_context(viewport={"width": 1440, "height": 1000})
        try:
            page = context.new_page()
            page.goto(f"{url}/about", wait_until="domcontentloaded")
            wait_for_run(page)
            expect(page.get_by_test_id("stMain").locator("h1").first).to_have_text("About the data")
            # A link's text is its icon's ligature name, then its title.
            names = [text.strip().split("\n")[-1].strip()
                     for text in page.get_by_test_id("stSidebarNav").locator("a").all_inner_texts()]
            assert set(NAV_TITLES) <= set(names) and not {"common", "gate", "dashboard"} & set(names), (
                f"the sidebar lists the files in pages/, not dashboard.py's navigation: the page ran without "
                f"dashboard.py: {names}")
            expect(page.get_by_test_id("stSidebar")).to_contain_text("Local mode")
        finally:
            context.close()
