"""Charts at 1366 px (issue 12), in real Chromium: every chart's title fits inside the chart, every legend lies
inside its figure and never scrolls, the sources each have their own colour, and audit grades run from
Outstanding to Inadequate on an ordered scale."""

from __future__ import annotations

import pytest

from charts import GRADE_COLOURS
from metrics.breakdowns import GRADE_ORDER
from tests.browser.helpers import wait_for_render

pytestmark = pytest.mark.browser

GEOMETRY_JS = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].map((chart) => {
  const box = (el) => { if (!el) return null; const r = el.getBoundingClientRect();
                        return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
  const svg = chart.querySelector('.main-svg');
  const bar = chart.querySelector('.legend .scrollbar');
  const key = [...(chart.closest('[class*="st-key-"]')?.classList || [])].find((c) => c.startsWith('st-key-'));
  return {key, svg: box(svg), title: box(chart.querySelector('.gtitle')),
          legend: box(chart.querySelector('.legend .bg')),
          scrollbar: bar ? bar.getBoundingClientRect().height : 0};
})"""

LEGEND_COLOURS_JS = """(key) => {
  // A patterned swatch is filled with url(#pattern): its colour is the pattern's background rectangle.
  const colour = (el) => {
    const fill = getComputedStyle(el).fill;
    const id = fill.match(/url\\("?#([^")]+)"?\\)/);
    if (!id) return {colour: fill, pattern: ''};
    const pattern = document.getElementById(id[1]);
    const rect = pattern.querySelector('rect');
    return {colour: getComputedStyle(rect).fill, pattern: [...pattern.querySelectorAll('path')].map(
      (p) => p.getAttribute('d')).join(' ')};
  };
  const chart = document.querySelector('.st-key-' + key + ' [data-testid="stPlotlyChart"]');
  return [...chart.querySelectorAll('.legend .traces')].map((t) => ({
    name: t.querySelector('.legendtext').textContent, ...colour(t.querySelector('.legendpoints path'))}));
}"""


@pytest.fixture
def narrow(browser, app_url: str):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="en-GB")
    tab = context.new_page()

    def go(path: str):
        tab.goto(f"{app_url}{path}", wait_until="domcontentloaded")
        wait_for_render(tab)
        return tab

    try:
        yield go
    finally:
        context.close()


def _rgb(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


@pytest.mark.parametrize("path", ["/mash", "/training", "/audits"])
def test_titles_and_legends_fit_their_charts_at_1366(narrow, path):
    page = narrow(path)
    charts = page.evaluate(GEOMETRY_JS)
    assert charts
    for chart in charts:
        svg = chart["svg"]
        assert chart["title"]["right"] <= svg["right"] + 1, f"{chart['key']}: title cut off"
        if chart["legend"]:
            legend = chart["legend"]
            assert svg["left"] - 1 <= legend["left"] and legend["right"] <= svg["right"] + 1, chart["key"]
            assert svg["top"] - 1 <= legend["top"] and legend["bottom"] <= svg["bottom"] + 1, chart["key"]
            assert chart["scrollbar"] == 0, f"{chart['key']}: the legend scrolls"


def test_sources_have_distinct_colours_and_grades_an_ordered_scale(narrow):
    sources = narrow("/mash").evaluate(LEGEND_COLOURS_JS, "chart-contacts-by-source")
    assert len(sources) > 8
    assert len({s["colour"] for s in sources}) == len(sources)
    assert all(s["colour"].startswith("rgb") for s in sources)
    grades = narrow("/audits").evaluate(LEGEND_COLOURS_JS, "chart-audit-grades")
    shown = [g["name"] for g in grades if g["name"] in GRADE_ORDER]
    assert shown == [g for g in GRADE_ORDER if g in shown] and len(shown) >= 3
    for grade in grades:
        if grade["name"] in GRADE_COLOURS:
            assert grade["colour"] == _rgb(GRADE_COLOURS[grade["name"]]), grade
