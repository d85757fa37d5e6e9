"""The Summary in a real Chromium: at 1366×768 its first screen, unscrolled, names every Red action; printed to
A4 (``page.pdf``, the same print layout as the browser's own print) it keeps the verdict, every rating and every
card whole on one page, with the title, the date and "Page n of m" on each page, and no help icons. With more
Amber actions than the screen lists openly, the screen collapses them into an expander (print hides expanders)
and the paper still lists every one, while the screen never shows any twice."""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata

import openpyxl
import pypdf
import pytest
from playwright.sync_api import expect

from loaders.store import Store
from loaders.submit import load_file
from metrics.brag import rate_actions
from metrics.compute import all_metrics, compute_all
from metrics.summary import headlines, withheld_ratings
from metrics.suppress import suppress_values
from metrics.wording import rating_chip, verdict
from pages.summary import AMBER_OPEN
from tests.browser.helpers import SCREENSHOTS, base_env, start_app, wait_for_render

pytestmark = pytest.mark.browser
# A synthetic plan with more Amber actions than the Summary lists openly: qualitative actions in progress and due
# in a year to come are Amber by their status; one not started and long past due is Red.
PLAN_HEADERS = ["Action ID", "Priority area", "Action", "Lead agency", "Status", "Due period"]
AMBER_COUNT = AMBER_OPEN + 3


@pytest.fixture(scope="module")
def expected(demo_db_copy):
    """What the Summary should say, computed from a copy of the app's demo data (the server holds its own)."""
    with Store(demo_db_copy()) as store:
        values = compute_all(store)
        plan = rate_actions(store, values=values)
        registry = {m.id: m for m in all_metrics(store)}
    shown = suppress_values(values)
    return withheld_ratings(plan, shown), headlines(shown, plan, registry)


def _ratings(path) -> object:
    with Store(path) as store:
        values = compute_all(store)
        plan = rate_actions(store, values=values)
    return withheld_ratings(plan, suppress_values(values))


@pytest.fixture(scope="module")
def many_amber(demo_db_copy, tmp_path_factory):
    """A server of its own on the demo data with a plan of AMBER_COUNT Amber actions (loaded through the real
    loader from a workbook written here); yields its URL and the plan as the Summary rates it."""
    path = demo_db_copy()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(PLAN_HEADERS)
    due = f"{dt.date.today().year + 1}-{(dt.date.today().year + 2) % 100:02d} Q4"
    for number in range(1, AMBER_COUNT + 1):
        sheet.append([f"2.{number}", "Workforce knowledge and skills",
                      f"Synthetic workforce action number {number} for the print test", "Safeguarding partnership",
                      "In progress", due])
    sheet.append(["3.1", "Processes and pathways", "Synthetic pathway action long past its due date",
                  "Safeguarding partnership", "Not started", "2024-25 Q1"])
    workbook = tmp_path_factory.mktemp("many-amber") / "action_plan.xlsx"
    book.save(workbook)
    with Store(path) as store:
        report = load_file(store, workbook, uploaded_by="test", agency="Safeguarding partnership")
    assert report.status == "accepted", report
    plan = _ratings(path)
    with start_app({**base_env(), "DASHBOARD_DB": str(path), "DASHBOARD_LOCAL": "1"},
                   log_name="streamlit-many-amber") as url:
        yield url, plan


def _flat(text: str) -> str:
    """Text as read: ligatures (the PDF's "ﬀ") as letters, any run of spaces and line breaks as one space."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text).replace("\u2060", "")).strip()


def test_the_first_screen_names_every_red_action(page, app_url, expected):
    plan, _ = expected
    red = plan[plan["rag"] == "Red"]
    assert len(red) >= 1
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{app_url}/", wait_until="domcontentloaded")
    wait_for_render(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "summary-first-screen.png"))
    main = page.get_by_test_id("stMain")
    counts = {str(k): int(v) for k, v in plan["rag"].value_counts().items()}
    verdict_line = main.get_by_text(verdict(counts), exact=True)
    expect(verdict_line).to_be_in_viewport(ratio=1)
    for _, action in red.iterrows():
        named = main.get_by_text(f"{action['action_id']} {action['action'][:40]}")
        expect(named).to_be_in_viewport()
        box = named.bounding_box()
        assert box is not None and box["y"] + box["height"] <= 768, (action["action_id"], box)


def test_the_summary_prints_every_rating_and_card_whole(page, app_url, expected):
    plan, figures = expected
    page.goto(f"{app_url}/", wait_until="domcontentloaded")
    wait_for_render(page)
    page.emulate_media(media="print")
    for icon in page.locator("[data-testid='stTooltipIcon'], .stTooltipIcon").all():
        expect(icon).to_be_hidden()
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    (SCREENSHOTS.parent / "summary-a4.pdf").write_bytes(pdf)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    width, height = (float(x) for x in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)                       # A4 in points
    pages = [_flat(p.extract_text()) for p in reader.pages]
    text = " ".join(pages)
    today = f"{dt.date.today():%-d %B %Y}"
    for number, page_text in enumerate(pages, start=1):
        assert "How the partnership is doing" in page_text, number          # the title on every page
        assert today in page_text, number
        assert f"Page {number} of {len(pages)}" in page_text, number

    counts = plan["rag"].value_counts()
    assert verdict({str(k): int(v) for k, v in counts.items()}) in text
    for rag, n in counts.items():
        assert f"{rag}: {n}" in text, rag                                  # every bar of the ratings chart
    for rag in ("Red", "Amber"):
        if rag in counts:
            assert rating_chip(rag) in text, rag
    for _, action in plan[plan["rag"].isin(["Red", "Amber"])].iterrows():
        assert _flat(f"{action['action_id']} {action['action'][:40]}") in text, action["action_id"]
    assert "MASH contacts from Children's social care: data to 31 March 2026" in text   # the returns, as text
    # Every card is printed, and whole: its title, its value and its target on one page.
    for figure in figures:
        parts = [_flat(figure.title), figure.value] + ([f"Target: {figure.target}"] if figure.target else []) \
            + ([rating_chip(figure.rating)] if figure.rating else [])          # with its rating in words
        assert any(all(part in p for part in parts) for p in pages), (figure.title, parts)


VISIBLE_COPIES_JS = """(text) => [...document.querySelectorAll('[data-testid="stMain"] strong')]
  .filter((el) => el.textContent.includes(text) && el.checkVisibility()).length"""


def test_every_amber_action_prints_though_the_screen_collapses_them(page, many_amber):
    url, plan = many_amber
    amber = plan[plan["rag"] == "Amber"]
    assert len(amber) == AMBER_COUNT > AMBER_OPEN
    titles = [f"{action['action_id']} {action['action']}" for _, action in amber.iterrows()]
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{url}/", wait_until="domcontentloaded")
    wait_for_render(page)
    main = page.get_by_test_id("stMain")
    # On screen: collapsed, then each shown exactly once when opened (the print copy stays hidden).
    toggle = main.get_by_text(f"{AMBER_COUNT} actions behind plan")
    expect(toggle).to_be_visible()
    expect(page.locator(".st-key-print-only-amber")).to_be_hidden()
    assert all(page.evaluate(VISIBLE_COPIES_JS, title) == 0 for title in titles)
    toggle.click()
    for title in titles:
        expect(main.locator("strong", has_text=title).first).to_be_visible()
        assert page.evaluate(VISIBLE_COPIES_JS, title) == 1, title
    # On paper: the expander is gone, and every Amber action is there, each once.
    page.emulate_media(media="print")
    expect(main.get_by_text(f"{AMBER_COUNT} actions behind plan")).to_be_hidden()
    for title in titles:
        assert page.evaluate(VISIBLE_COPIES_JS, title) == 1, title
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    (SCREENSHOTS.parent / "summary-a4-many-amber.pdf").write_bytes(pdf)
    text = _flat(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages))
    for title in titles:
        assert text.count(_flat(title)) == 1, title
