"""Text that came from outside (uploads, forms, sign-in claims) shown as itself, never as formatting.

Each rendering path interprets text in its own way, so there is one function per path:

- :func:`markdown_literal` for everything Streamlit renders as Markdown: ``st.markdown``, captions, headers,
  alerts, expander and tab labels, metric labels, ``help`` tooltips, widget labels, and the options of
  ``st.radio`` and ``st.select_slider`` (pass it as ``format_func``: their options are drawn as Markdown).
- :func:`option_literal` for the options of ``st.selectbox`` and ``st.multiselect`` (as ``format_func``).
  Streamlit 1.67 draws those as plain text everywhere: the open list's items, the selected value (the
  combobox's text) and a multiselect's chips and their "Remove …" names. Markdown escapes would be shown as
  backslashes there, and read out by a screen reader.
- :func:`chart_literal` for every string plotly draws: titles, axis titles and tick labels (category values),
  legend entries (trace names), hover text and annotations.

All were checked in Chromium against Streamlit 1.67 and plotly 7.1 (tests/browser/test_literal_text.py).
"""

from __future__ import annotations

import re

WORD_JOINER = "\u2060"  # invisible and zero-width: it splits a pattern without changing what a person reads

# CommonMark lets a backslash escape any ASCII punctuation character (the backslash is not shown). Escaping
# every one of them disarms emphasis, links and images (``![x](url)``), angle autolinks, code, tables,
# headings, lists, blockquotes, HTML, entities (``&amp;``), LaTeX (``$x$``) and Streamlit's directives
# (``:red[...]``, ``:blue-badge[...]``).
_PUNCTUATION = re.compile(r"([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")
# Some things are matched on the text *after* escapes are resolved, so escaping does not stop them: emoji
# shortcodes (``:tada:``) and material icons (``:material/home:``, which Streamlit rewrites before parsing),
# GFM's bare autolinks (``http://…``, ``www.…``, ``name@host``) and the typographic replacements (``->``,
# ``<-``, ``--``, ``>=``, ``<=``, ``~=``). A word joiner after a colon and before an ``@`` (where not next
# to a space already: ``file.xlsx: ready`` stays as it is, for assistive technology and search), inside
# ``www.`` and between the two characters of each replacement keeps each from matching. The cost: an e-mail
# address copied from the page carries the invisible joiner before its ``@``.
_BREAKS = re.compile(r"(?<=:)(?=\S)|(?<=\S)(?=@)|(?<=www)(?=\.)|(?<=[<>~-])(?=[<>=-])", re.IGNORECASE)
_NEWLINE = re.compile(r"\r\n|\r|\n")
_LEADING_SPACE = re.compile(r"^[ \t]+", re.MULTILINE)

# plotly draws a subset of HTML in every text (<a href>, <b>, <i>, <br>, <sub>, <sup>, <span style>, <s>,
# <u>, <em>) and decodes entities (&amp;, &#65;) in the text between tags: escaping these three characters
# leaves no tag and no entity, and plotly's decoding gives back exactly the original text.
_CHART_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_CHART_SPECIAL = re.compile("[&<>]")


def markdown_literal(text: object) -> str:
    """``text`` (anything; ``None`` is empty) for a Streamlit Markdown context, where it renders as itself."""
    if text is None:
        return ""
    # Breaks first: a joiner between a backslash and its character would undo the escape.
    escaped = _PUNCTUATION.sub(r"\\\1", _BREAKS.sub(WORD_JOINER, str(text)))
    # Leading spaces would make an indented code block: non-breaking spaces are not indentation.
    escaped = _LEADING_SPACE.sub(lambda m: "\u00a0" * len(m.group()), escaped)
    # A single newline is a soft break (shown as a space): a hard break keeps the person's line.
    return _NEWLINE.sub("  \n", escaped)


def option_literal(text: object) -> str:
    """``text`` (anything; ``None`` is empty) as a selectbox or multiselect option: exactly the text, since
    those options interpret nothing (no Markdown, HTML, icon or directive)."""
    return "" if text is None else str(text)


def chart_literal(text: object) -> str:
    """``text`` (anything; ``None`` is empty) for plotly, which then draws it as itself."""
    if text is None:
        return ""
    return _CHART_SPECIAL.sub(lambda m: _CHART_ESCAPES[m.group()], str(text))
