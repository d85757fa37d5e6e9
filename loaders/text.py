"""Small text helpers shared by header matching and code normalisation."""

from __future__ import annotations

import re

_PUNCTUATION = re.compile(r"[?:()\-–—_/\\.,'’\"\[\]{}*#!;]+")
_SPACES = re.compile(r"\s+")

EXCEL_ERRORS = frozenset(
    {"#n/a", "#ref!", "#value!", "#div/0!", "#name?", "#null!", "#num!", "#getting_data", "#spill!", "#calc!"}
)


def clean_cell_text(value: str) -> str:
    """Trim a cell's text and fold non-breaking and repeated spaces into one space."""
    # str.split() splits on every Unicode space, non-breaking ones included.
    return " ".join(value.split())


def is_blank(value: object) -> bool:
    """True for empty cells, whitespace and Excel error values such as ``#N/A``."""
    if value is None:
        return True
    if isinstance(value, str):
        if not value or value.isspace():  # non-breaking spaces count as space
            return True
        text = value.lstrip()
        return text[0] == "#" and clean_cell_text(text).lower() in EXCEL_ERRORS
    return isinstance(value, float) and value != value  # NaN


def normalise_key(text: object) -> str:
    """Match key for headers and coded values: case, punctuation and spacing ignored."""
    if text is None:
        return ""
    folded = str(text).replace("\u00a0", " ").replace("&", " and ").lower()
    return _SPACES.sub(" ", _PUNCTUATION.sub(" ", folded)).strip()


def slugify(text: str) -> str:
    """``GCP2 used`` -> ``gcp2_used``: lower-case, runs of other characters become ``_``."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
