"""The meeting pack as a PDF, A4 landscape, one page per slide: a Typst source built here and compiled in
process by the ``typst`` package (no browser, no external program). Every page carries the pack's date and
its page number ("Page 3 of 18") in the footer.

All text from the store (action titles, reasons, commentary, decisions, agency names) goes through
:func:`typst_literal` (markup) or :func:`typst_string` (a string inside code), so it is set as itself."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from reports.content import COMPARE_TITLE
from reports.pack import ActionSlide, Pack

# Typst markup gives meaning to ASCII punctuation (``#`` code, ``*``/``_`` emphasis, `````, ``$`` maths,
# ``<label>``, ``@ref``, ``=`` headings, ``-``/``+``/``/`` lists at a line's start, ``~`` no-break space,
# ``--`` dashes, ``...``, smart quotes, ``//`` comments, URLs, ``\`` escapes). A backslash before a punctuation
# character always stands for the character itself, so escaping every one disarms all of it.
_MARKUP = re.compile(r"([!-/:-@\[-`{-~])")
_NEWLINE = re.compile(r"\r\n|\r|\n")

PAGE = """#set document(title: {title})
#set page(paper: "a4", flipped: true, margin: (x: 1.6cm, top: 1.4cm, bottom: 1.8cm),
  footer: context [#set text(size: 9pt, fill: rgb("#505a5f"))
    {footer} #h(1fr) Page #counter(page).display() of #counter(page).final().first()])
#set text(font: ("Liberation Sans", "DejaVu Sans", "Arial", "Libertinus Serif"), size: 13pt, lang: "en",
  region: "gb")
#set par(justify: false)
#show heading: set text(size: 20pt)
"""


def typst_literal(text: object) -> str:
    """``text`` (``None`` is empty) as Typst markup that sets exactly that text: every punctuation character
    escaped, line breaks kept as line breaks."""
    if text is None:
        return ""
    lines = _NEWLINE.split(str(text))
    return " #linebreak()\n".join(_MARKUP.sub(r"\\\1", line) for line in lines)


def typst_string(text: object) -> str:
    """``text`` as a Typst string literal (for code: alt text, the document title)."""
    escaped = str(text or "").replace("\\", "\\\\").replace('"', '\\"')
    return '"' + _NEWLINE.sub("\\\\n", escaped) + '"'


def _swatch(colour: str) -> str:
    return f'#box(width: 0.9em, height: 0.9em, fill: rgb("{colour}"), baseline: 0.1em)'


def _title_page(pack: Pack) -> str:
    lines = [f"#v(3cm)\n#text(size: 34pt, weight: \"bold\")[{typst_literal(pack.title)}]\n",
             f"#text(size: 20pt)[{typst_literal(pack.partnership)}]\n"]
    lines += [f"#text(size: 16pt)[{typst_literal(line)}]\n" for line in pack.title_lines]
    return "\n".join(lines)


def _verdict_page(pack: Pack) -> str:
    parts = [f"= {typst_literal(pack.verdict_title)}\n", f"{typst_literal(pack.verdict_sentence)}\n"]
    if pack.verdict_counts:
        cells = ", ".join(f"[{_swatch(c.colour)} {typst_literal(c.name)}], [{typst_literal(c.words)}], "
                          f"[{c.count}]" for c in pack.verdict_counts)
        parts.append("#table(columns: (auto, auto, auto), inset: 8pt, stroke: 0.5pt + rgb(\"#b1b4b6\"),\n"
                     f"  table.header([*Rating*], [*Meaning*], [*Actions*]), {cells})\n")
    for named in pack.named:
        parts.append(f"*{typst_literal(named.heading)}*\n")
        parts.extend(f"- {typst_literal(item)}" for item in named.items)
        parts.append("")
    return "\n".join(parts)


def icon_file(name: str) -> str:
    """The file an SPC icon's picture is written to in the scratch folder (one per icon, however often used)."""
    return f"icon-{name}.png"


def _spc_block(slide: ActionSlide) -> str:
    """Below the chart: the variation and assurance icons, then their words and the reading beside them."""
    icons = ", ".join(f"image({typst_string(icon_file(icon.name))}, alt: {typst_string(icon.words)}, width: 1.5cm)"
                      for icon in slide.spc_icons)
    words = (f"[#text(size: 11pt)[*Real change or noise (monthly SPC):* {typst_literal(slide.spc)}]]")
    columns = ", ".join(["auto"] * len(slide.spc_icons) + ["1fr"])
    cells = f"{icons}, {words}" if icons else words
    return f"\n#v(0.3cm)\n#grid(columns: ({columns},), gutter: 0.25cm, align: horizon, {cells})\n"


def _action_page(slide: ActionSlide, chart: str | None) -> str:
    compares = [f"*How it compares:* {typst_literal(slide.comparison)}\n"] if slide.comparison else []
    text = [f"#text(size: 12pt, fill: rgb(\"#505a5f\"))[{typst_literal(slide.subtitle)}]\n",
            f"#text(size: 16pt, weight: \"bold\")[{_swatch(slide.colour)} Rating: "
            f"{typst_literal(slide.rating_text)}]\n",
            typst_literal(slide.reason) + "\n",
            f"*Baseline → latest → target:* {typst_literal(slide.progress)}\n", *compares,
            f"*Latest commentary:* {typst_literal(slide.commentary)}\n",
            f"*Latest decision:* {typst_literal(slide.decision)}\n"]
    left = "\n".join(text)  # each item ends in a blank line: its own paragraph
    right = (f"#image({typst_string(chart)}, alt: {typst_string(slide.chart_alt)}, width: 100%)"
             if chart else typst_literal(slide.chart_alt)) + (_spc_block(slide) if slide.spc else "")
    return (f"= {typst_literal(slide.heading)}\n\n"
            f"#grid(columns: (1fr, 1.15fr), gutter: 0.8cm,\n  [{left}],\n  [{right}])\n")


def _compare_page(pack: Pack) -> str:
    items = "\n".join(f"*{typst_literal(title)}*: {typst_literal(sentence)}\n" for title, sentence in pack.comparisons)
    note = f"#text(size: 10pt, fill: rgb(\"#505a5f\"))[{typst_literal(pack.comparison_note)}]\n"
    return f"= {typst_literal(COMPARE_TITLE)}\n\n{items}\n{note}"


def _appendix_pages(pack: Pack) -> list[str]:
    pages = []
    for index, chunk in enumerate(pack.definition_chunks()):
        rows = ", ".join(f"[{typst_literal(term)}], [{typst_literal(meaning)}]" for term, meaning in chunk)
        heading = "Appendix: definitions" + (" (continued)" if index else "")
        table = (f"#text(size: 10pt)[#table(columns: (30%, 70%), inset: 6pt, stroke: 0.5pt + rgb(\"#b1b4b6\"),\n"
                 f"  table.header([*Term*], [*What it means*]), {rows})]\n") if rows else ""
        pages.append(f"= {heading}\n\n{table}")
    fresh = ", ".join("[" + "], [".join(typst_literal(cell) for cell in row) + "]" for row in pack.freshness)
    header = ", ".join(f"[*{typst_literal(cell)}*]" for cell in pack.freshness_header)
    body = (f"#text(size: 11pt)[#table(columns: {len(pack.freshness_header)}, inset: 6pt, "
            f"stroke: 0.5pt + rgb(\"#b1b4b6\"),\n  table.header({header}), {fresh})]\n"
            if pack.freshness else typst_literal(pack.freshness_empty) + "\n")
    pages.append(f"= Appendix: how up to date the data is\n\n{typst_literal(pack.freshness_sentence)}\n\n{body}")
    return pages


def typst_source(pack: Pack, charts: dict[str, str]) -> str:
    """The whole pack as one Typst document; ``charts`` maps an action's id to its picture's file name."""
    pages = [_title_page(pack), _verdict_page(pack), *([_compare_page(pack)] if pack.comparisons else [])]
    pages += [_action_page(slide, charts.get(slide.key)) for slide in pack.actions]
    pages += _appendix_pages(pack)
    head = PAGE.format(title=typst_string(pack.title), footer=typst_literal(pack.footer))
    return head + "\n#pagebreak()\n".join(pages)


def pack_pdf(pack: Pack) -> bytes:
    """The pack as PDF bytes. Typst reads pictures from files, so the source, the charts and the SPC icons (as
    PNG: a picture in the PDF, as in the PowerPoint) are written to a private scratch folder removed afterwards."""
    import typst  # imported when used: only this export needs it

    charts = {slide.key: f"chart-{index}.png" for index, slide in enumerate(pack.actions) if slide.chart_png}
    with tempfile.TemporaryDirectory(prefix="pack-") as folder:
        root = Path(folder)
        for slide in pack.actions:
            if slide.key in charts:
                (root / charts[slide.key]).write_bytes(slide.chart_png)
            for icon in slide.spc_icons:
                (root / icon_file(icon.name)).write_bytes(icon.png)
        (root / "main.typ").write_text(typst_source(pack, charts), encoding="utf-8")
        return typst.compile(str(root / "main.typ"), root=str(root), format="pdf")
