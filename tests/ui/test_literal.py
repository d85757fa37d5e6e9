"""Unit tests of ``ui.literal`` (what Streamlit and plotly then draw is checked in Chromium by
tests/browser/test_literal_text.py); the formula escaping behind every displayed table is tests/charts/test_export.py."""

from __future__ import annotations

import html
import re
import string

import pytest

from tests.pages.helpers import rendered
from ui.literal import WORD_JOINER, chart_literal, markdown_literal, option_literal

HOSTILE = [
    "![x](http://127.0.0.1:9/x.png)",
    "**bold** _it_ ~~gone~~",
    ":red[x] :blue-badge[y] :material/home: :tada: :+1:",
    "[link](http://evil.example) <http://evil.example/angle> [ref]: http://evil.example/r",
    "<a href='http://evil.example'>a</a> <img src=x onerror=alert(1)> <script>alert(1)</script>",
    "$x^2$ and $$y$$",
    "http://evil.example/auto www.evil.example HTTPS://EVIL.EXAMPLE bob@evil.example",
    "&amp; &lt; &#65; &copy;",
    "# heading\n1. one\n- item\n> quote\n    indented code\n| a | b |",
    "-> <- <-> -- >= <= ~=",
    "back\\slash \\*not bold\\*",
    "",
    "Plain words, with a comma.",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_literal_escapes_every_ascii_punctuation_character(text: str) -> None:
    escaped = markdown_literal(text)
    unescaped = re.sub(r"\\[!-/:-@\[-`{-~]", "", escaped)  # take away every escaped character
    assert not [c for c in unescaped if c in string.punctuation], escaped


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_literal_reads_back_as_the_same_text(text: str) -> None:
    assert rendered(markdown_literal(text)) == text


def test_shortcodes_autolinks_and_replacements_are_split_by_an_invisible_joiner() -> None:
    # These are matched after escapes are resolved, so the escape alone would not stop them.
    escaped = markdown_literal(":tada: :material/home: http://x.example www.x.example bob@x.example -> <= --")
    without_escapes = re.sub(r"\\(.)", r"\1", escaped)
    for pattern in (":tada:", ":material/", "http://", "www.", "bob@", "->", "<=", "--"):
        assert pattern not in without_escapes, pattern
    assert without_escapes.replace(WORD_JOINER, "") == ":tada: :material/home: http://x.example www.x.example " \
                                                       "bob@x.example -> <= --"


def test_markdown_literal_keeps_lines_and_indentation_without_making_blocks() -> None:
    escaped = markdown_literal("first\n    second\r\nthird")
    assert escaped == "first  \n\u00a0\u00a0\u00a0\u00a0second  \nthird"  # hard breaks; no indented code block


def test_markdown_literal_of_nothing_and_of_numbers() -> None:
    assert markdown_literal(None) == ""
    assert markdown_literal(12.5) == "12\\.5"


@pytest.mark.parametrize("text", HOSTILE)
def test_chart_literal_leaves_no_tag_and_no_entity(text: str) -> None:
    escaped = chart_literal(text)
    assert "<" not in escaped and ">" not in escaped
    assert not re.search(r"&(?!amp;|lt;|gt;)", escaped)  # the only entities are our own
    assert html.unescape(escaped) == text  # what plotly's entity decoding gives back


def test_chart_literal_examples() -> None:
    assert chart_literal("<a href='x'>&amp;</a>") == "&lt;a href='x'&gt;&amp;amp;&lt;/a&gt;"
    assert chart_literal(None) == ""
    assert chart_literal(3) == "3"


@pytest.mark.parametrize("text", HOSTILE)
def test_option_literal_is_the_text_itself(text: str) -> None:
    # Selectbox and multiselect options are drawn as plain text (checked in Chromium): an escape would show.
    assert option_literal(text) == text


def test_option_literal_of_nothing_and_of_numbers() -> None:
    assert option_literal(None) == ""
    assert option_literal(12) == "12"
