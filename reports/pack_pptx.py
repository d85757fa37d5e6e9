"""The meeting pack as PowerPoint, 16:9 (python-pptx). Every slide has a real title (what a screen reader and
PowerPoint's outline list) and its words in ordinary text boxes and tables, so the pack can be edited before
the meeting; the only pictures are the charts and the SPC icons, each with alt text (an icon's: its words,
which are also written beside it). python-pptx sets text as itself: nothing in a text frame is interpreted."""

from __future__ import annotations

import io

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_AUTO_SIZE
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from reports.content import COMPARE_TITLE
from reports.pack import ActionSlide, Pack

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)  # 16:9
MARGIN = Inches(0.5)
GREY = RGBColor(0x50, 0x5A, 0x5F)
TITLE_ONLY = 5  # the default template's "Title Only" layout: a real title placeholder on every slide


def set_alt_text(picture, text: str) -> None:
    """Give a picture alt text. python-pptx 1.0.2 has no property for it; PowerPoint reads it from the
    ``descr`` attribute of the picture's non-visual properties (``p:nvPicPr/p:cNvPr``), which is what its
    "Alt Text" pane edits."""
    picture._element.nvPicPr.cNvPr.set("descr", text)


def _rgb(colour: str) -> RGBColor:
    return RGBColor.from_string(colour.lstrip("#").upper())


def _title_size(title: str) -> int:
    """Points for a slide title: smaller for a long one, so it stays within its two or three lines."""
    return 28 if len(title) <= 60 else 24 if len(title) <= 110 else 20


def _slide(deck, title: str, *, size: int | None = None) -> Slide:
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY])
    heading = slide.shapes.title
    # The template's placeholders are laid out for 4:3: place the title across the 16:9 slide.
    heading.left, heading.top, heading.width, heading.height = MARGIN, Inches(0.3), WIDTH - 2 * MARGIN, Inches(1.0)
    heading.text = title
    frame = heading.text_frame
    frame.word_wrap = True
    for paragraph in frame.paragraphs:
        paragraph.font.size = Pt(size or _title_size(title))
        paragraph.font.bold = True
    return slide


def _text(slide: Slide, left, top, width, height, lines: list[tuple[str, int, bool]], *,
          colour: RGBColor | None = None):
    """A text box holding ``lines`` (text, size in points, bold), one paragraph each."""
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
    for index, (text, size, bold) in enumerate(lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = text
        run.font.size, run.font.bold = Pt(size), bold
        if colour is not None:
            run.font.color.rgb = colour
        paragraph.space_after = Pt(6)
    return box


def _table(slide: Slide, left, top, width, rows: list[tuple[str, ...]], header: tuple[str, ...], *,
           size: int = 14, widths: tuple[float, ...] | None = None):
    shape = slide.shapes.add_table(len(rows) + 1, len(header), left, top, width, Inches(0.4) * (len(rows) + 1))
    table = shape.table
    for column, share in enumerate(widths or (1 / len(header),) * len(header)):
        table.columns[column].width = Emu(int(width * share))
    for r, values in enumerate([header, *rows]):
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.text = str(value)
            for paragraph in cell.text_frame.paragraphs:
                paragraph.font.size = Pt(size)
                paragraph.font.bold = r == 0
    return shape


def _swatch(slide: Slide, left, top, colour: str, size=Inches(0.35)) -> None:
    square = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, left, top, size, size)
    square.fill.solid()
    square.fill.fore_color.rgb = _rgb(colour)
    square.line.fill.background()


def _title_slide(deck, pack: Pack) -> None:
    slide = _slide(deck, pack.title, size=40)
    slide.shapes.title.top = Inches(2.0)
    lines = [(pack.partnership, 28, False), *((line, 22, False) for line in pack.title_lines)]
    _text(slide, MARGIN, Inches(3.3), WIDTH - 2 * MARGIN, Inches(3.0), lines)


def _verdict_slide(deck, pack: Pack) -> None:
    slide = _slide(deck, pack.verdict_title)
    _text(slide, MARGIN, Inches(1.35), WIDTH - 2 * MARGIN, Inches(0.8), [(pack.verdict_sentence, 20, False)])
    half = (WIDTH - 3 * MARGIN) // 2
    if pack.verdict_counts:
        rows = [(c.name, c.words, str(c.count)) for c in pack.verdict_counts]
        _table(slide, MARGIN + Inches(0.5), Inches(2.3), half - Inches(0.5), rows, ("Rating", "Meaning", "Actions"),
               size=18, widths=(0.35, 0.45, 0.2))
        for index, count in enumerate(pack.verdict_counts):
            _swatch(slide, MARGIN, Inches(2.3) + Inches(0.4) * (index + 1) + Inches(0.03), count.colour)
    lines: list[tuple[str, int, bool]] = []
    for named in pack.named:
        lines.append((named.heading, 18, True))
        lines.extend((item, 16, False) for item in named.items)
    if lines:
        _text(slide, 2 * MARGIN + half, Inches(2.3), half, Inches(4.7), lines)


def _action_slide(deck, action: ActionSlide) -> None:
    slide = _slide(deck, action.heading)
    left_width = Inches(5.6)
    _text(slide, MARGIN, Inches(1.3), left_width, Inches(0.5), [(action.subtitle, 14, False)], colour=GREY)
    _swatch(slide, MARGIN, Inches(1.95), action.colour, Inches(0.45))
    _text(slide, MARGIN + Inches(0.6), Inches(1.85), left_width - Inches(0.6), Inches(0.6),
          [(f"Rating: {action.rating_text}", 24, True)], colour=_rgb(action.colour))
    _text(slide, MARGIN, Inches(2.6), left_width, Inches(4.5), [
        (action.reason, 16, False),
        ("Baseline → latest → target", 14, True), (action.progress, 14, False),
        *([("How it compares", 14, True), (action.comparison, 13, False)] if action.comparison else []),
        ("Latest commentary", 14, True), (action.commentary, 13, False),
        ("Latest decision", 14, True), (action.decision, 13, False),
    ])
    chart_left = MARGIN + left_width + Inches(0.3)
    chart_width = WIDTH - chart_left - MARGIN
    if action.chart_png:
        picture = slide.shapes.add_picture(io.BytesIO(action.chart_png), chart_left, Inches(1.4), width=chart_width)
        set_alt_text(picture, action.chart_alt)
    else:
        _text(slide, chart_left, Inches(1.4), chart_width, Inches(1.0), [(action.chart_alt, 16, False)], colour=GREY)
    if action.spc:
        _spc(slide, action, chart_left, chart_width)


def _spc(slide: Slide, action: ActionSlide, left, width) -> None:
    """Below the chart: the variation and assurance icons side by side, their words and the reading beside
    them (the words name each icon, so colour and shape are never the only cue)."""
    top, size = Inches(5.6), Inches(0.65)
    for index, icon in enumerate(action.spc_icons):
        picture = slide.shapes.add_picture(io.BytesIO(icon.png), left + index * (size + Inches(0.1)), top,
                                           width=size, height=size)
        set_alt_text(picture, icon.words)
    words_left = left + len(action.spc_icons) * (size + Inches(0.1))
    _text(slide, words_left, top - Inches(0.1), width - (words_left - left), Inches(1.5),
          [("Real change or noise (monthly SPC)", 12, True), (action.spc, 11, False)])


def _compare_slide(deck, pack: Pack) -> None:
    """Each headline measure's published figures, then how the published and local periods differ."""
    slide = _slide(deck, COMPARE_TITLE)
    lines = [line for title, sentence in pack.comparisons for line in ((title, 16, True), (sentence, 14, False))]
    _text(slide, MARGIN, Inches(1.35), WIDTH - 2 * MARGIN, Inches(4.6), lines)
    _text(slide, MARGIN, Inches(6.0), WIDTH - 2 * MARGIN, Inches(1.2), [(pack.comparison_note, 11, False)],
          colour=GREY)


def _appendix(deck, pack: Pack) -> None:
    for index, chunk in enumerate(pack.definition_chunks()):
        slide = _slide(deck, "Appendix: definitions" + (" (continued)" if index else ""))
        if chunk:
            _table(slide, MARGIN, Inches(1.4), WIDTH - 2 * MARGIN, list(chunk), ("Term", "What it means"), size=12,
                   widths=(0.3, 0.7))
    slide = _slide(deck, "Appendix: how up to date the data is")
    _text(slide, MARGIN, Inches(1.3), WIDTH - 2 * MARGIN, Inches(0.6), [(pack.freshness_sentence, 16, False)])
    if pack.freshness:
        _table(slide, MARGIN, Inches(2.0), WIDTH - 2 * MARGIN, list(pack.freshness), pack.freshness_header, size=12)
    else:
        _text(slide, MARGIN, Inches(2.0), WIDTH - 2 * MARGIN, Inches(0.6), [(pack.freshness_empty, 16, False)])


def pack_pptx(pack: Pack) -> bytes:
    """The pack as a .pptx file's bytes."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    deck.core_properties.title = pack.title
    _title_slide(deck, pack)
    _verdict_slide(deck, pack)
    if pack.comparisons:
        _compare_slide(deck, pack)
    for action in pack.actions:
        _action_slide(deck, action)
    _appendix(deck, pack)
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()
