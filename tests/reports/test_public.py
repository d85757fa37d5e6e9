"""The public progress page: one self-contained HTML file (no script, nothing from another host), inline SVG
charts with a title and description, ``c`` for small numbers, hostile text literal, an empty store still a
page; and axe-core in Chromium finds no serious or critical WCAG 2.2 AA violation."""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path

import pytest

from loaders.store import Store
from reports.content import NO_DATA, build_content
from reports.public import write_public
from tests.browser import helpers
from tests.reports.stores import CHILD_PREFIX, HOSTILE, HOSTILE_AIM, MEASURED, QUALITATIVE, measured_store


class _Page(HTMLParser):
    """Every start tag with its attributes, and the text outside tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if not self._in_style:
            self.text.append(data)


def _write(db: Path, folder: Path) -> tuple[str, _Page]:
    with Store(db) as store:
        path = write_public(build_content(store, suppressed=True), folder)
    assert path == folder / "index.html"
    html = path.read_text(encoding="utf-8")
    parsed = _Page()
    parsed.feed(html)
    return html, parsed


@pytest.fixture
def page(tmp_path: Path) -> tuple[str, _Page]:
    return _write(measured_store(tmp_path / "store", hostile=True), tmp_path / "site")


def test_self_contained_without_script(page) -> None:
    html, parsed = page
    names = [tag for tag, _ in parsed.tags]
    assert "script" not in names and "link" not in names and "iframe" not in names and "img" not in names
    for tag, attrs in parsed.tags:
        for key, value in attrs.items():
            assert not key.startswith("on"), (tag, key)
            if key in ("src", "href", "xlink:href", "action", "srcset", "data"):
                assert not re.match(r"\s*(https?:)?//", value or ""), (tag, key, value)
    assert "url(http" not in html and "@import" not in html
    assert parsed.tags[0] == ("html", {"lang": "en-GB"})
    assert {"header", "nav", "main", "footer"} <= set(names) and names.count("h1") == 1


def test_charts_are_inline_svg_with_title_and_description(page) -> None:
    html, parsed = page
    # The SPC icons are inline SVG too (tests/reports/test_compare_spc.py): a chart is labelled by its own text.
    svgs = [attrs for tag, attrs in parsed.tags if tag == "svg" and "aria-labelledby" in attrs]
    assert len(svgs) == 1  # one measured action
    labelled = svgs[0]["aria-labelledby"].split()
    assert svgs[0]["role"] == "img" and len(labelled) == 2
    ids = {attrs.get("id") for _, attrs in parsed.tags}
    assert set(labelled) <= ids
    assert re.search(r"<title id=\"chart1-title\">MASH decisions within 1 working day \(Per cent\)</title>", html)
    assert "<desc id=\"chart1-desc\">Line chart of MASH decisions within 1 working day" in html
    all_ids = [attrs["id"] for _, attrs in parsed.tags if attrs.get("id")]
    assert len(all_ids) == len(set(all_ids))


def test_small_numbers_show_c(page) -> None:
    html, parsed = page
    text = " ".join(parsed.text)
    assert "70.0% (2024-25 Q3) → c (2025-26 Q1) → 95.0% (2027-28 Q4)" in text
    assert "fewer than 6 contacts: not shown" in text
    # 3 of 3 in time: neither the figure nor the rating it gives appears, in words or in the chart's text.
    assert "100.0%" not in text and "100% in" not in text and "meets the target" not in text
    assert "in 2025-26 Q1" not in text.split("Line chart of", 1)[1].split("Planned", 1)[0]
    assert "1 quarter without a figure shown" in text


def test_every_action_rating_and_reason(page) -> None:
    text = " ".join(" ".join(page[1].text).split())
    for action_id, title, lead in (MEASURED, QUALITATIVE):
        assert f"{action_id}: {title}" in text and f"Lead: {lead}" in text
    assert "Green (on track). No measure: status is Evidence submitted" in text
    assert "Amber" in text and "Last updated:" in text


def test_hostile_text_is_literal(page) -> None:
    html, parsed = page
    text = "".join(parsed.text)
    assert HOSTILE in text and HOSTILE_AIM in text
    assert "<img src=x" not in html and "<b>one</b>" not in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html


def test_no_raw_identifiers_and_empty_store(tmp_path: Path) -> None:
    html, _ = _write(measured_store(tmp_path / "store", small_latest=False), tmp_path / "site")
    assert CHILD_PREFIX not in html
    with Store(tmp_path / "empty.duckdb"):
        pass
    html, parsed = _write(tmp_path / "empty.duckdb", tmp_path / "empty")
    text = " ".join(parsed.text)
    assert NO_DATA in text and "No measures have figures yet." in text and "data up to no data yet" in text


@pytest.mark.browser
def test_axe_finds_no_serious_violation(page, tmp_path: Path) -> None:
    chromium = helpers.CHROMIUM
    helpers.require(chromium.is_file(), f"Chromium ({chromium})", helpers.INSTALL_CHROMIUM)
    helpers.require(helpers.AXE_JS.is_file(), "axe-core", helpers.INSTALL_AXE)
    from playwright.sync_api import sync_playwright

    requests: list[str] = []

    def run_axe() -> dict:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(chromium), headless=True,
                                                 args=helpers.CHROMIUM_ARGS)
            try:
                tab = browser.new_page(java_script_enabled=True)
                tab.on("request", lambda request: requests.append(request.url))
                tab.goto((tmp_path / "site" / "index.html").as_uri())
                tab.add_script_tag(path=str(helpers.AXE_JS))
                return tab.evaluate(
                    "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
                    "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})")
            finally:
                browser.close()

    # A thread of its own: in a whole run the browser tests' session keeps Playwright's event loop on this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        results = pool.submit(run_axe).result()
    blocking = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert not blocking, json.dumps(blocking, indent=1)[:3000]
    assert all(url.startswith("file://") for url in requests), requests
