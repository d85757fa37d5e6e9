"""Meeting mode in Chromium on a 1920×1080 projector: one action per screen with its chart in view and nothing
to scroll (neither the document nor Streamlit's main section, which is what really scrolls), the sidebar
folded away with a visible way back, the rating badge scaled up, Previous/Next from the keyboard's arrows, and
axe-core finding no serious or critical violation."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import ACTION_TIMEOUT_MS, SCREENSHOTS, wait_for_render
from tests.browser.test_pages import _blocking, _run_axe

pytestmark = pytest.mark.browser

# Everything that could scroll: the document (as the brief words it) and Streamlit's scrolling main section.
SCROLL = """() => {
  const doc = document.scrollingElement;
  const main = document.querySelector('[data-testid="stMain"]');
  return {doc: doc.scrollHeight - window.innerHeight, main: main ? main.scrollHeight - main.clientHeight : 0};
}"""
# What lies below the screen, named for the failure message.
BELOW = """() => [...document.querySelectorAll('[data-testid="stMain"] [data-testid]')]
  .map(e => [e.dataset.testid, Math.round(e.getBoundingClientRect().top), Math.round(e.getBoundingClientRect().bottom)])
  .filter(([, top, bottom]) => bottom > window.innerHeight && top > 1150).slice(0, 20)"""
CHART_BOX = """() => {
  const chart = document.querySelector('[data-testid="stMain"] [data-testid="stPlotlyChart"] .main-svg');
  if (!chart) return null;
  const box = chart.getBoundingClientRect();
  return {top: box.top, bottom: box.bottom, height: box.height, inner: window.innerHeight};
}"""


@pytest.fixture
def projector(browser, app_url: str):
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="en-GB",
                                  timezone_id="Europe/London")
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    tab = context.new_page()
    tab.goto(f"{app_url}/actions", wait_until="domcontentloaded")
    wait_for_render(tab)
    tab.get_by_test_id("stSidebar").get_by_text("Meeting mode").click()
    wait_for_render(tab)
    try:
        yield tab
    finally:
        context.close()


def _action_id(page) -> str:
    header = page.get_by_test_id("stMain").locator("h2").first.inner_text()
    return header.split("·")[0].strip()


def _fits_with_chart(page, action_id: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)  # an artifact first, so that a failure can be seen
    page.screenshot(path=str(SCREENSHOTS / f"meeting_mode_{action_id}.png"), animations="disabled")
    over = page.evaluate(SCROLL)
    below = page.evaluate(BELOW)
    assert over["doc"] <= 0 and over["main"] <= 0, f"{action_id}: scrolls by {over}; below the screen: {below}"
    box = page.evaluate(CHART_BOX)
    assert box is not None, f"{action_id}: no chart drawn"
    assert box["height"] > 300 and box["top"] >= 0 and box["bottom"] <= box["inner"], f"{action_id}: {box}"


def test_one_action_per_screen_with_its_chart_and_no_scrolling(projector, axe_script) -> None:
    page = projector
    expect(page.get_by_test_id("stSidebar")).to_be_hidden()
    expect(page.get_by_role("button", name=re.compile("Leave meeting mode"))).to_be_visible()
    seen = []
    for _ in range(5):   # the first aim's five measured actions, each on one screen
        seen.append(_action_id(page))
        _fits_with_chart(page, seen[-1])
        expect(page.get_by_text(re.compile(r"^Baseline → latest → target:"))).to_be_visible()
        page.get_by_role("button", name=re.compile("Next")).click()
        expect(page.get_by_test_id("stMain").locator("h2").first).not_to_have_text(
            re.compile(rf"^{re.escape(seen[-1])} ·"))
        wait_for_render(page)
    assert seen == ["1.1", "1.2", "1.3", "1.4", "1.5"]
    # Scaled up, not down: the rating badge and the body text are larger than the page's normal 16 px.
    badge = page.locator("span.stMarkdownBadge").first
    assert float(badge.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 28
    problems = _blocking(_run_axe(page, axe_script))
    assert not problems, "\n".join(problems)


def test_previous_and_next_from_the_keyboard(projector) -> None:
    page = projector
    assert _action_id(page) == "1.1"
    page.get_by_test_id("stMain").locator("h2").first.click()   # focus on the page, not on a field
    page.keyboard.press("ArrowRight")
    expect(page.get_by_test_id("stMain").locator("h2").first).to_have_text(re.compile(r"^1\.2 ·"))
    page.keyboard.press("ArrowRight")
    expect(page.get_by_test_id("stMain").locator("h2").first).to_have_text(re.compile(r"^1\.3 ·"))
    page.keyboard.press("ArrowLeft")
    expect(page.get_by_test_id("stMain").locator("h2").first).to_have_text(re.compile(r"^1\.2 ·"))
    # The buttons are focusable too: Tab to "Next" and press Enter.
    page.get_by_role("button", name=re.compile("Next")).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("stMain").locator("h2").first).to_have_text(re.compile(r"^1\.3 ·"))


def test_leaving_meeting_mode_brings_back_the_sidebar(projector) -> None:
    page = projector
    page.get_by_role("button", name=re.compile("Leave meeting mode")).click()
    wait_for_render(page)
    expect(page.get_by_test_id("stSidebar")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Leave meeting mode"))).to_have_count(0)
