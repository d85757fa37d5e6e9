"""The README's page table matches the app: one row per page of ``access.pages.PAGES``, in order, each with
the filters the page declares and a screenshot that exists in the repository."""

from __future__ import annotations

import re
from pathlib import Path

from access.pages import PAGES

ROOT = Path(__file__).resolve().parent.parent
WORDS = {"quarters": "quarters", "agency": "agency", "meeting": "meeting mode"}


def _rows() -> list[list[str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## The dashboard\n"):]
    section = section[:section.index("\n## ", 1)]
    lines = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| page ")]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]


def test_the_readme_lists_every_page_in_order_with_its_filters():
    rows = _rows()
    assert [row[0] for row in rows] == [page.title for page in PAGES]
    for row, page in zip(rows, PAGES):
        assert row[3] == ", ".join(WORDS[f] for f in page.filters), page.name


def test_every_page_has_its_screenshot_and_each_is_small():
    for row, page in zip(_rows(), PAGES):
        [target] = re.findall(r"\((docs/screenshots/[^)]+)\)", row[4])
        path = ROOT / target
        assert path.name.startswith(page.name + ".") and path.is_file(), target
        assert path.stat().st_size < 200_000, target
