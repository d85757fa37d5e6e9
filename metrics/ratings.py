"""The action ratings, declared once: each one's name, place, colour, words and badge.

``metrics.brag`` decides which rating an action gets; ``metrics.summary`` withholds one built from a suppressed
figure (``WITHHELD``). Charts, filters, counts, badges and the summary's words all read this table.
"""

from __future__ import annotations

from dataclasses import dataclass

WITHHELD = "Not shown"


@dataclass(frozen=True)
class RatingKind:
    name: str
    colour: str  # bars in charts (GOV.UK colours; the word is always shown beside it)
    words: str  # what it means, for scrutiny: "7 Green (on track)"
    badge: str  # Streamlit's badge colour on the Action plan


# In the order every chart, filter and count shows them: the ones needing attention first.
RATINGS: tuple[RatingKind, ...] = (
    RatingKind("Red", "#d4351c", "off track", "red"),
    RatingKind("Amber", "#f47738", "behind plan", "orange"),
    RatingKind("Green", "#00703c", "on track", "green"),
    RatingKind("Blue", "#1d70b8", "complete", "blue"),
    RatingKind("No data", "#505a5f", "without data yet", "gray"),
    # Only scrutiny sees it: a rating built from a figure that small-number suppression hides.
    RatingKind(WITHHELD, "#505a5f", "based on small numbers", "gray"),
)

ORDER: tuple[str, ...] = tuple(r.name for r in RATINGS)
_BY_NAME = {r.name: r for r in RATINGS}
_UNKNOWN = RatingKind("", "#505a5f", "", "gray")


def rating_kind(name: str) -> RatingKind:
    """The rating called ``name``; an unknown name is grey, without words."""
    return _BY_NAME.get(name, _UNKNOWN)


def words() -> dict[str, str]:
    """Rating name -> its words for scrutiny."""
    return {r.name: r.words for r in RATINGS}
