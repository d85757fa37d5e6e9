"""Charts at 1366 px (issue 12), in real Chromium: every chart's title fits inside the chart, every legend lies
inside its figure and never scrolls, no label (a value on a bar, a target's or due quarter's words, any
annotation) overlaps another label, a target line, a star, a data marker or the chart's own text, or lies outside
its chart, the sources each have their own colour, and audit grades run from Outstanding to Inadequate on an
ordered scale."""

from __future__ import annotations

import contextlib

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from charts import GRADE_COLOURS
from metrics.breakdowns import GRADE_ORDER
from tests.browser.helpers import each_tab, wait_for_render
from ui.spc import TOGGLE as SPC_TOGGLE

pytestmark = pytest.mark.browser
# Every page that draws charts (the Summary is "/"); pages without charts have nothing to check.
CHART_PAGES = ["/", "/actions", "/mash", "/training", "/audits", "/compare"]

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

# Each drawn chart's label boxes and what they must keep clear of, in page pixels. "label": text plotly places on
# or beside the data (annotations, scatter and bar text, heatmap cells); "text": the chart's own text (title,
# axis titles, ticks, legend entries); "star", "point": markers; "line": target lines (traces named "Target…")
# and shapes (target and due lines), widened by their stroke.
LABELS_JS = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].map((chart) => {
  const box = (el) => { const r = el.getBoundingClientRect();
                        return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
  const key = [...(chart.closest('[class*="st-key-"]')?.classList || [])].find((c) => c.startsWith('st-key-'));
  const items = [];
  const add = (kind, el, text) => {
    const b = box(el);
    if (kind === 'line') { b.left -= 1; b.right += 1; b.top -= 1; b.bottom += 1; }
    if (b.right - b.left > 0 && b.bottom - b.top > 0) items.push({kind, text: text ?? el.textContent, ...b});
  };
  chart.querySelectorAll('.annotation-text, .scatterlayer .textpoint text, .barlayer text.bartext, '
                         + '.heatmaplayer text').forEach((el) => add('label', el));
  chart.querySelectorAll('.gtitle, .xtitle, .ytitle, .xtick text, .ytick text, .legendtext')
    .forEach((el) => add('text', el));
  chart.querySelectorAll('.scatterlayer .trace').forEach((g) => {
    const trace = g.__data__ && g.__data__[0] && g.__data__[0].trace;
    if (!trace) return;
    const star = String(trace.marker && trace.marker.symbol).includes('star');
    g.querySelectorAll('.points path.point').forEach((el) => add(star ? 'star' : 'point', el, trace.name));
    if (/^Target/.test(trace.name || '') && String(trace.mode).includes('lines'))
      g.querySelectorAll('path.js-line').forEach((el) => add('line', el, trace.name));
  });
  chart.querySelectorAll('.shapelayer path').forEach((el) => add('line', el, 'shape'));
  return {key, svg: box(chart.querySelector('.main-svg')), items};
}).filter((chart) => chart.svg.right > chart.svg.left)"""

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
    charts = _every_view(narrow(path), GEOMETRY_JS)
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


def _overlap(a: dict, b: dict, tolerance: float = 1.0) -> bool:
    """Whether two boxes share more than ``tolerance`` pixels both across and down (touching is not overlap)."""
    across = min(a["right"], b["right"]) - max(a["left"], b["left"])
    down = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
    return across > tolerance and down > tolerance


def _label_problems(chart: dict) -> list[str]:
    """Every label outside its chart's svg, and every pair of a label (or a star) and something it covers."""
    svg, items, found = chart["svg"], chart["items"], []
    for index, item in enumerate(items):
        inside = (svg["left"] - 1 <= item["left"] and item["right"] <= svg["right"] + 1
                  and svg["top"] - 1 <= item["top"] and item["bottom"] <= svg["bottom"] + 1)
        if item["kind"] == "label" and not inside:
            found.append(f"{chart['key']}: label {item['text']!r} outside the chart")
        for other in items[index + 1:]:
            kinds = {item["kind"], other["kind"]}
            if ("label" in kinds or kinds == {"star", "text"}) and _overlap(item, other):
                found.append(f"{chart['key']}: {item['kind']} {item['text']!r} over {other['kind']} {other['text']!r}")
    return found


def _settled(page, script: str = LABELS_JS) -> list[dict]:
    """``script``'s reading of the charts once plotly has finished laying them out (it may redraw once after the
    first draw, to fit margins): read until two readings 150 ms apart agree."""
    charts = page.evaluate(script)
    for _ in range(20):
        page.wait_for_timeout(150)
        again = page.evaluate(script)
        if again == charts:
            break
        charts = again
    return charts


def _every_view(page, script: str = LABELS_JS) -> list[dict]:
    """``script``'s reading of every chart the page can show: in each of its tabs (a lazy tab draws only when
    opened) and, on the Action plan, in each action opened in turn (only the open one draws its chart)."""
    charts = []
    for _ in each_tab(page):
        charts += _settled(page, script)
    if not charts:  # a page without tabs
        charts = _settled(page, script)
    actions = page.get_by_test_id("stMain").get_by_test_id("stExpander").locator("summary").filter(has_text=" · ")
    for index in range(actions.count()):
        actions.nth(index).click()
        with contextlib.suppress(PlaywrightTimeout):  # the click's rerun starts, then finishes
            page.wait_for_selector('[data-testid="stApp"][data-test-script-state="running"]', state="attached",
                                   timeout=1500)
        wait_for_render(page)
        charts += _settled(page, script)
    return charts


def test_the_summary_draws_its_ratings_chart_without_plotly_and_says_every_bar(narrow):
    # The Summary's one chart is an SVG image (charts/ratings_svg.py): the first page people open need not
    # load plotly, and its alt text and caption carry every bar in words. Its labels are checked in
    # tests/charts/test_ratings_svg.py.
    page = narrow("/")
    assert page.get_by_test_id("stPlotlyChart").count() == 0
    image = page.locator(".st-key-chart-summary-ratings img")
    alt = image.get_attribute("alt")
    assert alt.startswith("Actions by rating (number of actions): Red: ") and "Green: " in alt
    box = image.bounding_box()
    assert box["width"] == 600 and box["x"] + box["width"] <= 1366


@pytest.mark.parametrize("path", [p for p in CHART_PAGES if p != "/"])
def test_labels_never_overlap_targets_stars_or_each_other_at_1366(narrow, path):
    charts = _every_view(narrow(path))
    assert charts, f"{path}: no chart drawn"
    assert any(item["kind"] == "label" for chart in charts for item in chart["items"]) or path == "/compare"
    problems = [problem for chart in charts for problem in _label_problems(chart)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", ["/mash", "/audits"])
def test_spc_chart_labels_stay_clear_at_1366(narrow, path):
    page = narrow(path)
    page.get_by_test_id("stMain").get_by_text(SPC_TOGGLE).first.click()
    page.locator('[class*="st-key-chart-spc-"]').first.wait_for()
    wait_for_render(page)
    charts = [chart for chart in _settled(page) if chart["key"].startswith("st-key-chart-spc-")]
    assert charts, f"{path}: no SPC chart drawn"
    problems = [problem for chart in charts for problem in _label_problems(chart)]
    assert not problems, "\n".join(problems)
