"""Every page in a real Chromium: it renders (heading, no exception), a full-page screenshot is saved, and
axe-core finds no critical or serious WCAG 2.2 AA violation caused by our content. axe-core cannot judge the
contrast of text inside SVG charts (it reports it "incomplete"), so ``chart_contrast.js`` measures that.

Artifacts (git-ignored): ``tests/artifacts/screenshots/<page>.png``, ``tests/artifacts/axe/<page>.json`` (axe's
raw results) and ``tests/artifacts/axe/<page>.charts.json`` (chart text below the contrast minimum).
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import AXE_RESULTS, SCREENSHOTS, each_tab, wait_for_render

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class AppPage:
    name: str  # artifact file name
    url_path: str  # st.navigation derives it from the file name; the default page is served at "/"
    heading: str  # the page's h1 (st.title)
    nav_label: str  # its title in the sidebar navigation


PAGES = [
    AppPage("summary", "/", "How the partnership is doing", "Summary"),
    AppPage("actions", "/actions", "Action plan", "Action plan"),
    AppPage("mash", "/mash", "MASH and referrals", "MASH and referrals"),
    AppPage("training", "/training", "Workforce training", "Workforce training"),
    AppPage("audits", "/audits", "Case audits", "Case audits"),
    AppPage("compare", "/compare", "How we compare", "How we compare"),
    AppPage("upload", "/upload", "Upload a return", "Upload"),
    AppPage("about", "/about", "About the data", "About the data"),
]

CHART_CONTRAST_JS = (Path(__file__).parent / "chart_contrast.js").read_text(encoding="utf-8")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING_IMPACTS = {"critical", "serious"}


@dataclass(frozen=True)
class Allowed:
    """A violation that comes from Streamlit's own markup, not from our content."""

    rule: str  # axe rule id
    target: str  # regular expression searched in the node's CSS target path (axe's "target", joined by " ")
    why: str


# Keep this list short and precise: every entry names the rule, the exact Streamlit element and the reason.
# Our own content (page text, st.html/CSS, chart figures, tables we build) is never allowed here.
ALLOWED: list[Allowed] = []


def _allowed(rule: str, node: dict) -> Allowed | None:
    target = " ".join(str(part) for part in node.get("target", []))
    for entry in ALLOWED:
        if entry.rule == rule and re.search(entry.target, target):
            return entry
    return None


def _blocking(results: dict) -> list[str]:
    """One line per node of a critical or serious violation that the allow-list does not explain."""
    problems = []
    for violation in results["violations"]:
        if violation.get("impact") not in BLOCKING_IMPACTS:
            continue
        for node in violation["nodes"]:
            if node.get("impact", violation["impact"]) in BLOCKING_IMPACTS and not _allowed(violation["id"], node):
                summary = " ".join(node.get("failureSummary", "").split())
                problems.append(f"- {violation['id']} ({node.get('impact') or violation['impact']}): {summary}\n"
                                f"  element: {node['html'][:160]}\n  target: {' '.join(map(str, node['target']))}")
    return problems


@contextlib.contextmanager
def _whole_page_in_view(page) -> Iterator[None]:
    """Grow the window to the page's full height while inside.

    Streamlit scrolls inside its main section, not the document, so a "full page" screenshot would show only
    the first screen; and axe can judge the colour contrast only of what is in view (the rest it reports as
    "incomplete"). With the whole page in view both see everything.
    """
    viewport = page.viewport_size
    height = page.evaluate(
        "() => Math.max(document.documentElement.scrollHeight,"
        " ...[...document.querySelectorAll('[data-testid=\"stMain\"], [data-testid=\"stAppViewContainer\"],"
        " [data-testid=\"stSidebarContent\"]')].map(e => e.scrollHeight))")
    page.set_viewport_size({"width": viewport["width"], "height": min(max(height, viewport["height"]), 16_000)})
    try:
        page.wait_for_timeout(300)  # charts re-lay out at the new size
        wait_for_render(page)
        yield
    finally:
        page.set_viewport_size(viewport)


def _run_axe(page, axe_script) -> dict:
    page.add_script_tag(path=str(axe_script))
    return page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations', 'incomplete']})", WCAG_TAGS)


@pytest.mark.parametrize("app_page", PAGES, ids=[p.name for p in PAGES])
def test_page_renders_and_is_accessible(app_page: AppPage, open_page, axe_script) -> None:
    page = open_page(app_page.url_path)
    wait_for_render(page)
    # Artifacts first, so that a failing page can be seen.
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    AXE_RESULTS.mkdir(parents=True, exist_ok=True)
    with _whole_page_in_view(page):
        page.screenshot(path=str(SCREENSHOTS / f"{app_page.name}.png"), full_page=True, animations="disabled")
        results = _run_axe(page, axe_script)
        chart_text = page.evaluate(CHART_CONTRAST_JS)
    (AXE_RESULTS / f"{app_page.name}.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    (AXE_RESULTS / f"{app_page.name}.charts.json").write_text(json.dumps(chart_text, indent=1), encoding="utf-8")

    main = page.get_by_test_id("stMain")
    messages = [text[:1500] for text in main.get_by_test_id("stException").all_inner_texts()]
    assert not messages, f"{app_page.name}: the page shows an exception:\n" + "\n---\n".join(messages)
    expect(main.locator("h1").first).to_have_text(re.compile(re.escape(app_page.heading)))
    assert not page.js_errors, f"{app_page.name}: JavaScript errors: {page.js_errors}"

    problems = _blocking(results)
    failures = [f"axe-core found {len(problems)} critical/serious WCAG 2.2 AA violation(s):", *problems] if problems else []
    if chart_text:  # axe-core cannot judge text inside the charts' SVG, so we measure it (WCAG 1.4.3)
        kinds = sorted({(p["chart"], p["cls"], p["foreground"], p["background"], p["ratio"], p["needed"])
                        for p in chart_text})
        failures += [f"{len(chart_text)} chart text element(s) below the WCAG contrast minimum, e.g.:",
                     *(f"- {chart} {cls}: {fg} on {bg} = {ratio}:1, needs {needed}:1" for chart, cls, fg, bg, ratio, needed
                       in kinds[:12])]
    assert not failures, f"{app_page.name}:\n" + "\n".join(failures)


def test_navigation_lists_every_page(open_page) -> None:
    page = open_page("/about")
    nav = page.locator('[data-testid="stSidebarNav"]')
    for app_page in PAGES:
        expect(nav.get_by_role("link", name=app_page.nav_label, exact=True)).to_be_visible()
    nav.get_by_role("link", name="Upload", exact=True).click()
    expect(page).to_have_url(re.compile(r"/upload$"))
    expect(page.locator('[data-testid="stMain"] h1').first).to_have_text(re.compile("Upload a return"))


def test_summary_prints_on_a4_without_sidebar_or_widgets(open_page) -> None:
    page = open_page("/")
    wait_for_render(page)
    page.emulate_media(media="print")
    expect(page.get_by_test_id("stSidebar")).to_be_hidden()
    for widget in page.locator(".stDownloadButton, .stButton, [data-testid='stExpander']").all():
        expect(widget).to_be_hidden()
    expect(page.locator('[data-testid="stMain"] h1').first).to_have_text("How the partnership is doing")
    pdf = SCREENSHOTS.parent / "summary-a4.pdf"
    pdf.parent.mkdir(parents=True, exist_ok=True)
    pdf.write_bytes(page.pdf(format="A4", print_background=True))
    assert pdf.read_bytes().startswith(b"%PDF")


# The area pages' sections, as lazy tabs (ui.blocks.lazy_tabs): only the open one is built and drawn.
TABBED = {
    "/mash": ["Contacts", "What the MASH decided", "Referrals", "Child protection plans"],
    "/training": ["Sessions and attendance", "Confidence before and after training"],
    "/audits": ["Grades", "Themes"],
}
CHART_KEYS_JS = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].map((chart) =>
  [...(chart.closest('[class*="st-key-"]')?.classList || [])].find((c) => c.startsWith('st-key-')) || null)"""


@pytest.mark.parametrize("path", list(TABBED), ids=[p.strip("/") for p in TABBED])
def test_each_tab_draws_its_own_charts_and_the_others_are_not_in_the_page(path: str, open_page) -> None:
    """Issue 12 ("draw only what is open"): a click on a tab draws that section's charts, and the section left
    is no longer in the page (not hidden: gone), so a page costs one section's charts, not all of them."""
    page = open_page(path)
    wait_for_render(page)
    seen: dict[str, str] = {}
    labels = []
    for label in each_tab(page):
        labels.append(label)
        keys = page.evaluate(CHART_KEYS_JS)
        assert keys and None not in keys, f"{path} {label}: {keys}"
        again = {key: seen[key] for key in keys if key in seen}
        assert not again, f"{path} {label}: charts of another tab still in the page: {again}"
        seen |= dict.fromkeys(keys, label)
    assert labels == TABBED[path]
    assert not page.js_errors, page.js_errors
