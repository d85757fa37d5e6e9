"""The meeting pack (issue 13), opened with its own libraries: the PowerPoint with python-pptx (every action,
rating and reason; charts as pictures with alt text; words in editable text frames), the PDF with pypdf and
pdftoppm (its pages, every action, rating and reason, a page number and the date on every page). Hostile text
stays literal in both; an empty store or a plan without measures still gives a valid pack that says so."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pptx import Presentation
from pypdf import PdfReader

from demo.load import load_demo
from loaders.store import Store
from metrics.decisions import record_decision
from reports.__main__ import main
from reports.content import COMPARE_TITLE, NO_DATA, NO_MEASURES, build_content
from reports.decisions import ExportError
from reports.pack import build_pack, write_pack
from reports.pack_pdf import typst_literal
from tests.metrics.helpers import action, add_rows

MEETING = dt.date(2026, 3, 12)
HOSTILE = ("=SUM(A1) **bold** _it_ <b>html</b> [link](http://x.example) #set text(red) $x^2$ @ref "
           "// not a comment \\ `code` ~ -- ... 'q' \"dq\" = heading")


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def demo_content(tmp_path_factory: pytest.TempPathFactory):
    """The synthetic demo's report content, as the partners' pack shows it (not suppressed)."""
    folder = tmp_path_factory.mktemp("pack-demo")
    with Store(folder / "demo.duckdb") as store:
        assert load_demo(store, quiet=True) == 0
        return build_content(store, suppressed=False, meeting_date=MEETING)


@pytest.fixture(scope="module")
def demo_pptx(demo_content, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_pack(demo_content, tmp_path_factory.mktemp("pptx") / "pack.pptx")


@pytest.fixture(scope="module")
def demo_pdf(demo_content, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_pack(demo_content, tmp_path_factory.mktemp("pdf") / "pack.pdf")


def _slide_texts(path: Path) -> list[str]:
    """Each slide's words, from its text frames and table cells."""
    texts = []
    for slide in Presentation(str(path)).slides:
        parts = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if shape.has_table:
                parts.extend(cell.text for row in shape.table.rows for cell in row.cells)
        texts.append(_words(" ".join(parts)))
    return texts


def _flat(text: str) -> str:
    """Text without any whitespace: a PDF line may break after a hyphen, where extraction adds a space."""
    return re.sub(r"\s+", "", text)


def _pdf_texts(path: Path) -> list[str]:
    return [_words(page.extract_text()) for page in PdfReader(str(path)).pages]


def test_pptx_is_16_9_with_a_slide_per_action_holding_its_rating_and_reason(demo_content, demo_pptx):
    deck = Presentation(str(demo_pptx))
    assert round(deck.slide_width / deck.slide_height, 3) == round(16 / 9, 3)
    slides = list(deck.slides)
    texts = _slide_texts(demo_pptx)
    assert len(demo_content.actions) == 14
    assert slides[0].shapes.title.text == "Neglect action plan: progress"
    assert demo_content.partnership in texts[0] and "Meeting on 12 March 2026" in texts[0]
    assert "Where the action plan stands" in texts[1]
    for name in ("Red", "Amber"):
        named = [a for a in demo_content.actions if a.rating == name]
        assert named and all(f"{a.action_id} · {_words(a.title)}" in texts[1] for a in named)
    # The demo's headline measures include paired ones: "How we compare" comes before the actions.
    assert demo_content.comparisons and slides[2].shapes.title.text == COMPARE_TITLE
    for index, item in enumerate(demo_content.actions, start=3):
        slide, text = slides[index], texts[index]
        assert slide.shapes.title.text == f"{item.action_id} · {item.title}"
        assert f"Rating: {item.rating} ({item.rating_words})" in text
        assert _words(item.reason) in text and item.lead in text
        assert _words(item.progress) in text or not item.measure
    assert "Appendix: definitions" in texts[-2] and "Appendix: how up to date the data is" in texts[-1]


def test_pptx_charts_are_pictures_with_alt_text_and_the_words_stay_editable(demo_content, demo_pptx):
    deck = Presentation(str(demo_pptx))
    charted = {a.action_id: a.chart.alt for a in demo_content.actions if a.chart is not None and not a.chart.empty}
    assert charted, "the demo's actions have charts"
    icons = {a.action_id: [words for _, words in a.spc.icons] for a in demo_content.actions if a.spc}
    for slide in list(deck.slides)[3:3 + len(demo_content.actions)]:
        pictures = [s for s in slide.shapes if s.shape_type == 13]  # MSO_SHAPE_TYPE.PICTURE
        action_id = slide.shapes.title.text.split(" · ")[0]
        # The chart first, then the SPC icons (each with its words as alt text; tests/reports/test_compare_spc).
        expected = ([charted[action_id]] if action_id in charted else []) + icons.get(action_id, [])
        assert [p._element.nvPicPr.cNvPr.get("descr") for p in pictures] == expected
        # Not one big picture: the title, subtitle, rating and the rest are text frames.
        assert sum(1 for s in slide.shapes if s.has_text_frame and s.text_frame.text.strip()) >= 4


def _pdftoppm() -> str:
    found = shutil.which("pdftoppm")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("pdftoppm is missing: apt-get install -y poppler-utils")
        pytest.skip("pdftoppm is missing: apt-get install -y poppler-utils")
    return found


def test_pdf_pages_render_and_carry_every_action_a_page_number_and_the_date(demo_content, demo_pdf, tmp_path):
    texts = _pdf_texts(demo_pdf)
    pages = len(texts)
    # Title, verdict, how we compare, the actions, definitions, freshness.
    assert pages == 3 + len(demo_content.actions) + len(list(build_pack(demo_content).definition_chunks())) + 1
    box = PdfReader(str(demo_pdf)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4 landscape, in points
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {pages}" in text
        assert "12 March 2026" in text
    for index, item in enumerate(demo_content.actions, start=3):
        text = _flat(texts[index])
        assert _flat(f"{item.action_id} · {item.title}") in text
        assert _flat(f"Rating: {item.rating} ({item.rating_words})") in text and _flat(item.reason) in text
    subprocess.run([_pdftoppm(), "-r", "30", "-png", str(demo_pdf), str(tmp_path / "page")], check=True)
    rendered = sorted(tmp_path.glob("page-*.png"))
    assert len(rendered) == pages and all(p.stat().st_size > 1000 for p in rendered)


@pytest.fixture
def hostile_content(store):
    add_rows(store, "actions", [
        {**action("1.1"), "action": HOSTILE, "lead_officer": HOSTILE},
        {**action("2.1", measure=None, baseline=None, target=None), "action": "Plain"},
    ], agency="Safeguarding partnership")
    record_decision(store, "1.1", "In progress", HOSTILE, "Chair", on=dt.date(2025, 10, 2))
    return build_content(store, suppressed=False)


def test_hostile_text_is_literal_in_the_pptx_and_the_pdf(hostile_content, tmp_path):
    pptx = _slide_texts(write_pack(hostile_content, tmp_path / "pack.pptx"))
    pdf = _pdf_texts(write_pack(hostile_content, tmp_path / "pack.pdf"))
    for texts, same in ((pptx, _words), (pdf, _flat)):
        [slide] = [same(t) for t in texts if t.startswith("1.1 ·")]
        assert same(f"1.1 · {HOSTILE}") in slide
        assert same(f"In progress: {HOSTILE}") in slide  # the latest decision


def test_typst_literal_escapes_every_markup_character():
    punctuation = "".join(chr(c) for c in range(33, 127) if not chr(c).isalnum())
    escaped = typst_literal(punctuation)
    assert re.fullmatch(r"(\\[^A-Za-z0-9])+", escaped) and len(escaped) == 2 * len(punctuation)
    assert typst_literal("one\ntwo") == "one #linebreak()\ntwo"


def test_an_empty_store_or_a_plan_without_measures_still_makes_a_pack_that_says_so(store, tmp_path):
    empty = build_content(store, suppressed=False)
    for suffix in (".pptx", ".pdf"):
        out = write_pack(empty, tmp_path / f"empty{suffix}")
        texts = _slide_texts(out) if suffix == ".pptx" else _pdf_texts(out)
        assert NO_DATA in texts[1]
    add_rows(store, "actions", [action("1.1", measure=None, baseline=None, target=None)],
             agency="Safeguarding partnership")
    unmeasured = build_content(store, suppressed=False)
    texts = _pdf_texts(write_pack(unmeasured, tmp_path / "plan.pdf"))
    assert NO_MEASURES in texts[1]
    assert "No measure: this action is rated by its status." in texts[2]


def test_the_command_line_writes_the_pack_and_refuses_an_unwritable_path(store, tmp_path, capsys):
    add_rows(store, "actions", [action("1.1")], agency="Safeguarding partnership")
    store.close()
    db = str(tmp_path / "dashboard.duckdb")
    assert main(["pack", "--out", str(tmp_path / "p.pptx"), "--db", db, "--meeting-date", "2026-03-12"]) == 0
    assert "Meeting on 12 March 2026" in _slide_texts(tmp_path / "p.pptx")[0]
    assert main(["pack", "--out", str(tmp_path / "missing" / "p.pdf"), "--db", db]) == 1
    assert "cannot write" in capsys.readouterr().err


def test_a_format_other_than_pptx_or_pdf_is_refused_before_any_work(store, tmp_path):
    with pytest.raises(ExportError, match=r"written as \.pptx or \.pdf, not \.docx"):
        write_pack(build_content(store, suppressed=False), tmp_path / "pack.docx")
    assert not (tmp_path / "pack.docx").exists()


def test_the_pack_carries_no_raw_identifier(demo_pptx, demo_pdf):
    """The demo's child IDs (SYN-000001 …) were loaded into the store; neither pack format holds one."""
    import zipfile

    pattern = re.compile(rb"SYN-\d{6}")
    with zipfile.ZipFile(demo_pptx) as archive:
        assert [name for name in archive.namelist() if pattern.search(archive.read(name))] == []
    assert not pattern.search(demo_pdf.read_bytes())
    assert not any(re.search(r"SYN-\d{6}", text) for text in _pdf_texts(demo_pdf))
