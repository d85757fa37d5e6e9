"""The scrutiny report: a Word document in the shape of a council committee report, "JTAI Action Plan – Update".

Title, purpose, background (the inspection and the plan), progress by aim with a table of actions, ratings
and reasons and, for each action measured by month, its SPC icons, their words and reading beside its rating;
the headline measures with small numbers suppressed and their published comparisons; next steps and an
appendix of definitions. Headings use Word's own Title and Heading styles, so the navigation pane and a screen reader
see them. The wording is the Summary's (``metrics.summary`` through ``reports.content``). python-docx writes
every string as text (nothing is interpreted); characters XML cannot hold are dropped.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from reports.content import COMPARE_TITLE, ICON_PX, ActionContent, ReportContent

TITLE = "JTAI Action Plan – Update"
# XML 1.0 cannot hold these (python-docx refuses them): a control character in uploaded text is dropped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
ICON_SIZE = Cm(1.1)


def clean(text: object) -> str:
    return _NOT_XML.sub("", "" if text is None else str(text))


def _table(doc: DocumentType, headings: list[str], rows: list[list[str]], widths: list[float] | None = None) -> None:
    table = doc.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    for cell, heading in zip(table.rows[0].cells, headings, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(clean(heading)).bold = True
    # The heading row repeats on every page, and a screen reader reads it as the table's headers.
    header = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header.append(repeat)
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = clean(value)


def _intro(doc: DocumentType, content: ReportContent) -> None:
    doc.add_heading(TITLE, level=0)
    doc.add_paragraph(clean(content.partnership))
    as_at = f" for {content.quarter}" if content.quarter else ""
    doc.add_paragraph(f"Report date: {content.generated_on:%d/%m/%Y}. Data up to {content.data_to_text}{as_at}.")
    doc.add_heading("1. Purpose", level=1)
    doc.add_paragraph(
        "This report tells scrutiny members how the partnership is progressing its action plan for children "
        "living with neglect: which actions are on track, which are not, and what the figures show. To protect "
        "children's privacy, any figure based on 1 to 5 children is shown as c, and nothing worked out from such "
        "a figure is shown either.")
    doc.add_heading("2. Background", level=1)
    doc.add_paragraph(
        "Ofsted, the Care Quality Commission, HMICFRS and HMI Probation carried out a joint targeted area "
        "inspection of the multi-agency response to children living with neglect. The partnership agreed an "
        "action plan in response. Each action has a lead agency and, where it can be measured, a baseline, a "
        "target and a date by which to meet it. Each action is rated at every meeting by one rule: Blue when "
        "agreed complete, Green when on track, Amber when at risk and Red when off track.")
    for note in content.notes:
        doc.add_paragraph(clean(note))


def _progress(doc: DocumentType, content: ReportContent) -> None:
    doc.add_heading("3. Progress by aim", level=1)
    if not content.counts:
        doc.add_paragraph("No action plan has been loaded yet, so there are no ratings to report.")
        return
    doc.add_paragraph(clean(content.verdict))
    for aim in dict.fromkeys(a.aim for a in content.actions):
        doc.add_heading(clean(aim or "Actions without an aim"), level=2)
        for sentence in content.aims.get(aim, []):
            doc.add_paragraph(clean(sentence))
        rows = [[a.action_id, a.title, a.lead, f"{a.rating} ({a.rating_words})", a.reason,
                 a.progress or "No measure"] for a in content.actions_in(aim)]
        _table(doc, ["Action", "What", "Lead", "Rating", "Reason", "Baseline → latest → target"], rows)
        for a in content.actions_in(aim):
            if a.commentary:
                paragraph = doc.add_paragraph()
                paragraph.add_run(clean(f"Commentary on {a.action_id}")).bold = True
                paragraph.add_run(clean(f" ({a.commentary_on or 'undated'}): {a.commentary}"))
        for a in content.actions_in(aim):
            if a.spc is not None:
                _spc(doc, a)


def _spc(doc: DocumentType, action: ActionContent) -> None:
    """An action's monthly SPC reading beside its rating: the variation and assurance icons (each with its
    words as alt text), then the words and the reading. Small-number months were gaps (reports.content)."""
    from charts.spc_icons import icon_png

    paragraph = doc.add_paragraph()
    paragraph.add_run(clean(f"{action.action_id}: rated {action.rating} ({action.rating_words}). Real change or "
                            "noise (monthly SPC): ")).bold = True
    for name, words in action.spc.icons:
        picture = paragraph.add_run().add_picture(io.BytesIO(icon_png(name, ICON_PX)), width=ICON_SIZE,
                                                  height=ICON_SIZE)
        picture._inline.docPr.set("descr", clean(words))  # Word's alt text
        paragraph.add_run(" ")
    paragraph.add_run(clean(action.spc.text))


def _measures(doc: DocumentType, content: ReportContent) -> None:
    doc.add_heading("4. Headline measures", level=1)
    if not content.headlines:
        doc.add_paragraph("No measures have figures yet.")
        return
    doc.add_paragraph("Each measure in its latest quarter, with its change since the previous quarter and since "
                      "the action plan's baseline. c: based on 1 to 5 children, not shown.")
    rows = [[h.title, h.period, h.value + (f" ({h.withheld})" if h.withheld else ""), h.change_previous,
             h.change_baseline, h.target or ""] for h in content.headlines]
    _table(doc, ["Measure", "Quarter", "Figure", "Since the previous quarter", "Since the baseline", "Target"], rows)
    compared = [(h.title, content.comparisons[h.metric_id]) for h in content.headlines
                if h.metric_id in content.comparisons]
    if compared:
        doc.add_heading(COMPARE_TITLE, level=2)
        for title, sentence in compared:
            paragraph = doc.add_paragraph()
            paragraph.add_run(clean(title)).bold = True
            paragraph.add_run(clean(f": {sentence}"))
        doc.add_paragraph(clean(content.comparison_note))


def _next_steps(doc: DocumentType, content: ReportContent) -> None:
    doc.add_heading("5. Next steps", level=1)
    if content.attention:
        doc.add_paragraph("The partnership will review every action off track or behind plan at its next meeting:")
        for note in content.attention:
            paragraph = doc.add_paragraph(style="List Bullet")
            paragraph.add_run(clean(f"{note.action_id} {note.action} ({note.rag})")).bold = True
            paragraph.add_run(clean(f" {note.reason} {note.next_step}"))
    else:
        doc.add_paragraph("No action is off track or behind plan. The partnership will keep reviewing every action "
                          "at each meeting.")
    doc.add_paragraph(clean(content.freshness_line))
    doc.add_paragraph("Scrutiny members are asked to note the progress made and the actions the partnership will "
                      "take where progress is behind plan.")


def _appendix(doc: DocumentType, content: ReportContent) -> None:
    doc.add_heading("Appendix: definitions", level=1)
    doc.add_heading("Ratings", level=2)
    for rating, words in content.rating_words.items():
        doc.add_paragraph(clean(f"{rating}: {words}."), style="List Bullet")
    doc.add_heading("Measures", level=2)
    if not content.definitions:
        doc.add_paragraph("No measures are defined yet.")
    for d in content.definitions:
        paragraph = doc.add_paragraph()
        paragraph.add_run(clean(d.title)).bold = True
        paragraph.add_run(clean(f": {d.description} Counted: {d.numerator}"
                                + (f", out of: {d.denominator}." if d.denominator else ".")))
    doc.add_heading("How up to date the data is", level=2)
    if content.freshness:
        _table(doc, ["Dataset", "Agency", "Data up to"], [list(row) for row in content.freshness])
    else:
        doc.add_paragraph("Nothing has been uploaded yet.")


def build(content: ReportContent) -> DocumentType:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(11)
    for level in ("Title", "Heading 1", "Heading 2"):
        doc.styles[level].font.color.rgb = RGBColor(0x0B, 0x0C, 0x0C)
    doc.core_properties.title = TITLE
    doc.core_properties.author = clean(content.partnership)
    _intro(doc, content)
    _progress(doc, content)
    _measures(doc, content)
    _next_steps(doc, content)
    _appendix(doc, content)
    return doc


def write_scrutiny(content: ReportContent, out: Path | str) -> Path:
    """Write the report to ``out`` (.docx): saved beside it and renamed into place."""
    target = Path(out)
    doc = build(content)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}-", suffix=".docx")
    os.close(handle)
    try:
        doc.save(temporary)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
