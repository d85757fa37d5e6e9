"""The scrutiny report, opened with python-docx: every action, rating and reason; ``c`` for small numbers and
nothing built from them; real Word headings; hostile text literal; an empty store still makes a report."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest

from loaders.store import Store
from reports.content import NO_DATA, NO_MEASURES, build_content
from reports.scrutiny import TITLE, write_scrutiny
from tests.reports.stores import CHILD_PREFIX, HOSTILE, HOSTILE_AIM, MEASURED, QUALITATIVE, measured_store


def _write(db: Path, out: Path) -> docx.document.Document:
    with Store(db) as store:
        write_scrutiny(build_content(store, suppressed=True), out)
    return docx.Document(str(out))


def _texts(document) -> list[str]:
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return [p.text for p in document.paragraphs] + cells


def _action_rows(document) -> dict[str, list[str]]:
    return {row.cells[0].text: [c.text for c in row.cells] for t in document.tables for row in t.rows
            if t.rows[0].cells[0].text == "Action"}


@pytest.fixture
def report(tmp_path: Path):
    return _write(measured_store(tmp_path / "store", hostile=True), tmp_path / "scrutiny.docx")


def test_every_action_with_its_rating_and_reason(report) -> None:
    rows = _action_rows(report)
    assert rows["1.1"][1] == MEASURED[1] and rows["1.1"][2] == MEASURED[2]
    # The only figure is suppressed: the rating is withheld, and the reason says why without the figure.
    assert rows["1.1"][3].startswith("Not shown") and rows["1.1"][4] == "fewer than 6 contacts: not shown"
    assert rows["2.1"][1:4] == [QUALITATIVE[1], QUALITATIVE[2], "Green (on track)"]
    assert rows["2.1"][4] == "No measure: status is Evidence submitted"
    assert rows["3.1"][3].startswith("Amber") and rows["3.1"][4] == "No measure: status is In progress"


def test_small_numbers_show_c_and_nothing_built_from_them(report) -> None:
    rows = _action_rows(report)
    assert rows["1.1"][5] == "70.0% (2024-25 Q3) → c (2025-26 Q1) → 95.0% (2027-28 Q4)"
    measures = {r.cells[0].text: [c.text for c in r.cells] for t in report.tables for r in t.rows
                if t.rows[0].cells[0].text == "Measure"}
    figure = measures["MASH decisions within 1 working day"]
    assert figure[1:3] == ["2025-26 Q1", "c (fewer than 6 contacts: not shown)"]
    assert figure[3] == figure[4] == "not shown"
    text = "\n".join(_texts(report))
    # 3 of 3 decided in time: 100%, and the rating it would give (Green, meets the target) stays hidden.
    assert "100" not in text and "meets the target" not in text


def test_headings_are_word_headings(report) -> None:
    headings = [(p.style.name, p.text) for p in report.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[0] == ("Title", TITLE)
    names = [text for style, text in headings if style == "Heading 1"]
    assert names == ["1. Purpose", "2. Background", "3. Progress by aim", "4. Headline measures", "5. Next steps",
                     "Appendix: definitions"]
    assert ("Heading 2", HOSTILE_AIM) in headings and ("Heading 2", "Measurable outcomes for children") in headings
    assert report.core_properties.title == TITLE


def test_hostile_text_is_literal(report, tmp_path: Path) -> None:
    assert _action_rows(report)["3.1"][1] == HOSTILE
    with zipfile.ZipFile(tmp_path / "scrutiny.docx") as archive:
        body = archive.read("word/document.xml").decode("utf-8")
    # Escaped in the XML, so Word shows the characters: no element, no field, no hyperlink was made of them.
    assert "<script>" not in body and "<img" not in body and "&lt;script&gt;alert(2)&lt;/script&gt;" in body
    assert "w:hyperlink" not in body and "w:fldSimple" not in body and "w:instrText" not in body


def test_no_raw_identifiers(tmp_path: Path) -> None:
    out = tmp_path / "scrutiny.docx"
    _write(measured_store(tmp_path / "store", small_latest=False), out)
    with zipfile.ZipFile(out) as archive:
        for name in archive.namelist():
            assert CHILD_PREFIX.encode() not in archive.read(name), name


def test_empty_store_still_writes_a_report(tmp_path: Path) -> None:
    with Store(tmp_path / "empty.duckdb"):
        pass
    document = _write(tmp_path / "empty.duckdb", tmp_path / "empty.docx")
    text = "\n".join(_texts(document))
    assert NO_DATA in text and "No action plan has been loaded yet" in text and "No measures have figures yet." in text


def test_plan_without_measures(tmp_path: Path) -> None:
    document = _write(measured_store(tmp_path / "store", measures=False), tmp_path / "plain.docx")
    text = "\n".join(_texts(document))
    assert NO_MEASURES in text
    assert set(_action_rows(document)) == {"Action", "1.1", "2.1"}


def test_the_summarys_words(report) -> None:
    paragraphs = [p.text for p in report.paragraphs]
    assert "Of 3 actions: 1 behind plan, 1 on track, 1 based on small numbers." in paragraphs
    steps = [p for p in report.paragraphs if p.style.name == "List Bullet" and p.text.startswith("3.1 ")]
    assert [p.text for p in steps] == [f"3.1 {HOSTILE} (Amber) No measure to track: its lead reports it as in "
                                       "progress. Next: Police leads; due by January to March 2028 (2027-28 Q4)."]
    assert any(p.startswith("Data to April 2025.") for p in paragraphs)
