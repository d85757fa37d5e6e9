"""The Making Data Count icons in a real Chromium (issue 15): drawn as images (loaded, not broken, the size asked
for) with accessible text, on the About page's key and beside the readings of the MASH page's SPC view."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from charts.spc_icons import ICON_NAMES, ICONS
from tests.browser.helpers import SCREENSHOTS, wait_for_render, wait_for_run
from ui.spc import TOGGLE

pytestmark = pytest.mark.browser

# Every SVG icon the main area draws: its alt text, whether it loaded and drew, its drawn size, and the text of
# the Streamlit block it sits in (its caption, or the reading beside it).
ICONS_JS = """() => [...document.querySelectorAll('[data-testid="stMain"] img[src^="data:image/svg+xml"]')].map((img) => {
  const row = img.closest('[data-testid="stHorizontalBlock"], [data-testid="stVerticalBlock"]');
  const box = img.getBoundingClientRect();
  return {alt: img.getAttribute('alt'), loaded: img.complete && img.naturalWidth > 0,
          width: Math.round(box.width), height: Math.round(box.height),
          beside: (row ? row.innerText : '').replace(/\\s+/g, ' ')};
})"""


def _icons(page: Page) -> list[dict]:
    return page.evaluate(ICONS_JS)


def test_about_page_key_draws_every_icon_with_its_meaning(open_page) -> None:
    page = open_page("/about")
    wait_for_render(page)
    key = page.get_by_role("heading", name="Real change or noise: SPC charts")
    key.scroll_into_view_if_needed()
    icons = _icons(page)
    assert sorted(i["alt"] for i in icons) == sorted(ICONS[n].looks for n in ICON_NAMES)
    for icon in icons:
        assert icon["loaded"], f"{icon['alt']}: the SVG did not load"
        assert (icon["width"], icon["height"]) == (40, 40), icon
    # Each icon is an image in the accessibility tree, named by what it shows, with its meaning beside it.
    by_alt = {i["alt"]: i for i in icons}
    for name in ICON_NAMES:
        expect(page.get_by_role("img", name=ICONS[name].looks, exact=True)).to_be_visible()
        assert by_alt[ICONS[name].looks]["beside"].strip() == ICONS[name].words
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.get_by_test_id("stImage").first.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "spc-icons-about.png"), animations="disabled")
    assert not page.js_errors, page.js_errors


def _open_spc_view(page: Page) -> None:
    """Show the MASH page's SPC view: its tab first where the page has tabs ("Month by month"), then its toggle
    where it has one (and then no icon shows before it is switched on)."""
    tab = page.get_by_role("tab", name=re.compile("month by month", re.IGNORECASE))
    if tab.count():
        tab.first.click()
        wait_for_run(page)
    toggle = page.get_by_role("switch", name=TOGGLE).or_(page.get_by_role("checkbox", name=TOGGLE))
    if toggle.count():
        assert not _icons(page)  # none until the SPC view is switched on
        page.get_by_test_id("stMain").get_by_text(TOGGLE, exact=True).click()
        expect(toggle.first).to_be_checked()
        wait_for_run(page)
    wait_for_render(page)


def test_mash_spc_view_draws_the_icons_beside_the_words(open_page) -> None:
    page = open_page("/mash")
    wait_for_render(page)
    _open_spc_view(page)
    expect(page.get_by_role("img", name=ICONS["improvement_low"].words).first).to_be_visible()
    icons = _icons(page)
    assert len(icons) >= 5
    words = {ICONS[n].words for n in ICON_NAMES}
    for icon in icons:
        assert icon["alt"] in words, icon
        assert icon["loaded"], f"{icon['alt']}: the SVG did not load"
        assert (icon["width"], icon["height"]) == (40, 40), icon
        # The same words are read beside the icon, in its row.
        assert icon["alt"] in icon["beside"], icon
    # The demo's re-referrals improve (lower is better) and action 1.2 gives them a target: both kinds drawn.
    alts = {i["alt"] for i in icons}
    assert ICONS["improvement_low"].words in alts and ICONS["common_cause"].words in alts
    assert alts & {ICONS[n].words for n in ("pass", "fail", "hit_and_miss")}
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.get_by_role("img", name=ICONS["improvement_low"].words).first.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "spc-icons-mash.png"), animations="disabled")
    assert not page.js_errors, page.js_errors
