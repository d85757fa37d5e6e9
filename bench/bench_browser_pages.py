"""Page benchmark in a real Chromium at 1366×768: the time from a click on a page's link in the sidebar until
Streamlit is idle and every chart on the page is drawn, on the demo data and on 2.5 million contacts, on the
first visit in a browser session (its queries computed) and the second (cached).

Prints JSON lines {"name", "value", "unit", "baseline", "ratio"}: each page's time against the About page's in
the same pass of the same run (About draws no chart and reads almost nothing, so the ratio is what the page
adds over Streamlit's own page switch, whatever the shared machine's speed that minute), then the slowest page
of each pass against its target: on the demo data 2 s on the first visit and 1 s on the second.

Each store gets its own server started afresh (local mode, as ``make run``) and one browser session, which
lands on the Audit trail page and then clicks through every page twice. A page whose sections are tabs draws
only the open one (``ui.blocks.lazy_tabs``), so a third pass opens each page again and times a click on each of
its other tabs until that tab is drawn ("tab": its reads may be cold, as for a reader opening it the first
time), against the About page's second visit; the slowest tab against the second visit's target. The AppTest
script-run benchmark is ``bench_pages.py``.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import emit  # noqa: E402

TARGETS = {"demo": {"first": 2.0, "second": 1.0}, "2.5m_contacts": {"first": None, "second": None}}
LANDING = "audit_trail"  # opened by URL; every other page is first reached by a click

# Idle and drawn: the h1 is no longer the previous page's, the script run is over, nothing is a skeleton and
# every Plotly chart has its SVG.
DRAWN_JS = """(previous) => {
  const app = document.querySelector('[data-testid="stApp"]');
  const h1 = document.querySelector('[data-testid="stMain"] h1');
  return app && app.dataset.testConnectionState === 'CONNECTED' && app.dataset.testScriptState === 'notRunning'
    && h1 && h1.textContent !== previous
    && !document.querySelector('[data-testid="stStatusWidgetRunningIcon"], [data-testid="stSkeleton"]')
    && [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].every((c) => c.querySelector('.main-svg'));
}"""
# The same for a tab just clicked: its panel holds what the rerun built (a lazy tab not yet run is empty).
TAB_JS = """(tabId) => (%s)(tabId) && !document.querySelector('[data-testid="stSkeleton"]')
    && [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].every((c) => c.querySelector('.main-svg'))"""


def visit(page, title: str) -> float:
    """Click ``title`` in the sidebar's navigation; seconds until the page is idle and drawn."""
    from tests.browser.helpers import RUN_TIMEOUT_MS

    previous = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"] h1')?.textContent || ''")
    link = page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True)
    started = time.perf_counter()
    link.click()
    page.wait_for_function(DRAWN_JS, arg=previous, timeout=RUN_TIMEOUT_MS, polling=20)
    return time.perf_counter() - started


def visit_tabs(page, title: str) -> dict[str, float]:
    """Open ``title`` (not timed), then click each tab but the first; seconds until each is drawn, by label."""
    from tests.browser.helpers import RUN_TIMEOUT_MS, TAB_DRAWN_JS

    visit(page, title)
    tabs = page.get_by_test_id("stMain").get_by_role("tab")
    times = {}
    for index in range(1, tabs.count()):
        tab = tabs.nth(index)
        started = time.perf_counter()
        tab.click()
        page.wait_for_function(TAB_JS % TAB_DRAWN_JS, arg=tab.get_attribute("id"), timeout=RUN_TIMEOUT_MS,
                               polling=20)
        times[tab.inner_text()] = time.perf_counter() - started
    return times


def _slug(text: str) -> str:
    return "_".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def time_store(db: Path, label: str, browser) -> None:
    from access.pages import PAGES
    from tests.browser.helpers import base_env, start_app, wait_for_render

    env = {**base_env(), "DASHBOARD_DB": str(db), "DASHBOARD_LOCAL": "1"}
    order = [p for p in PAGES if p.name != LANDING] + [p for p in PAGES if p.name == LANDING]
    with start_app(env, log_name=f"bench-browser-{label}") as url:
        context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="en-GB")
        page = context.new_page()
        page.goto(f"{url}/{LANDING}", wait_until="domcontentloaded")
        wait_for_render(page)
        times = {kind: {p.name: visit(page, p.title) for p in order} for kind in ("first", "second")}
        tabs = {f"{p.name}.{_slug(tab)}": seconds for p in order for tab, seconds in visit_tabs(page, p.title).items()}
        context.close()
    for kind, pages in times.items():
        about = pages["about"]
        for name, seconds in pages.items():
            emit(f"browser_pages.{label}.{name}.{kind}", seconds, "s", about)
        slowest = max(pages, key=pages.get)
        emit(f"browser_pages.{label}.slowest.{kind}.{slowest}", pages[slowest], "s", TARGETS[label][kind])
    for name, seconds in tabs.items():  # browser_pages.demo.mash.referrals.tab
        emit(f"browser_pages.{label}.{name}.tab", seconds, "s", times["second"]["about"])
    if tabs:
        slowest = max(tabs, key=tabs.get)
        emit(f"browser_pages.{label}.slowest.tab.{slowest}", tabs[slowest], "s", TARGETS[label]["second"])


def main() -> None:
    os.environ.setdefault("DASHBOARD_SECRET", "bench")
    from playwright.sync_api import sync_playwright

    from bench.bench_metrics import build
    from demo.files import submitting_agency, write_demo_files
    from demo.load import load_demo
    from loaders.store import Store
    from loaders.submit import load_file
    from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS

    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        demo = Path(folder) / "demo.duckdb"
        with Store(demo) as store:
            load_demo(store, quiet=True)
        time_store(demo, "demo", browser)
        if "--demo-only" in sys.argv:
            return
        big = Path(folder) / "big.duckdb"
        build(big).close()
        plan = next(p for p in write_demo_files(Path(folder) / "files") if "action_plan" in p.name)
        with Store(big) as store:  # the demo action plan gives the pages a plan to rate
            load_file(store, plan, uploaded_by="bench", agency=submitting_agency(plan))
        time_store(big, "2.5m_contacts", browser)
        browser.close()


if __name__ == "__main__":
    main()
