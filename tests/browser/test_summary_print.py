"""The Summary in a real Chromium: at 1366×768 its first screen, unscrolled, names every Red action; printed to
A4 (``page.pdf``, the same print layout as the browser's own print) it keeps the verdict, every rating and every
card whole on one page, with the title, the date and "Page n of m" on each page, and no help icons."""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata

import pypdf
import pytest
from playwright.sync_api import expect

from loaders.store import Store
from metrics.brag import rate_actions
from metrics.compute import all_metrics, compute_all
from metrics.summary import headlines, withheld_ratings
from metrics.suppress import suppress_values
from metrics.wording import rating_chip, verdict
from tests.browser.helpers import SCREENSHOTS, wait_for_render


@pytest.fixture(scope="module")
def expected(demo_db_copy):
    """What the Summary should say, computed from a copy of the app's demo data (the server holds its own)."""
    with Store(demo_db_copy()) as store:
        values = compute_all(store)
        plan = rate_actions(store, values=values)
        registry = {m.id: m for m in all_metrics(store)}
    shown = suppress_values(values)
    return withheld_ratings(plan, shown), headlines(shown, plan, registry)


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
