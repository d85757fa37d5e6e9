"""The Summary's "Actions by rating" chart as a small inline SVG, drawn here without plotly.

Why not plotly, like every other chart: the Summary is the first page most people open, and its only chart
would make the browser load plotly (a 4.7 MB bundle, about a second on the first visit, issue 12) to draw five
bars of whole numbers that need no hover or zoom. The page shows it as an image (``st.html`` strips SVG), with
the same words as its alternative text, and the page's caption under it says every bar in words ("Red: 2, off
track"), so print and screen readers lose nothing. The colours and order are the ratings' own
(``metrics.ratings``), as on every other chart. Only rating names and counts reach the drawing, never text
from an upload, and each is escaped all the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from metrics.ratings import ORDER, rating_kind

TEXT = "#0b0c0c"
AXIS = "#505a5f"
FONT = "Arial, Helvetica, sans-serif"


@dataclass(frozen=True)
class SvgChart:
    """A chart drawn as SVG: the drawing, its words for whoever cannot see it, and its width in pixels."""

    svg: str
    alt: str
    width: int


def _axis_top(largest: int) -> int:
    """The y axis's top: a whole number at or above the tallest bar with room for its label."""
    step = 1 if largest <= 5 else 2 if largest <= 10 else 5
    return max(step, -(-(largest + 1) // step) * step)


def ratings_svg(counts: Sequence[tuple[str, int]], title: str, *, width: int = 600, height: int = 320,
                scale: float = 1.0) -> SvgChart:
    """Vertical bars of actions per rating, in the ratings' order, coloured as the rating, each with its count
    above it and its rating's name below (a "Not shown: 12" above each of six bars would not fit its slot);
    ``role="img"`` with a title and a description listing every bar, which is also the alt text."""
    bars = sorted(((str(name), int(n)) for name, n in counts),
                  key=lambda bar: ORDER.index(bar[0]) if bar[0] in ORDER else len(ORDER))
    size = round(13 * scale)
    left, right, top, bottom = 56, 16, 40 + round(12 * scale), 48
    plot_w, plot_h = width - left - right, height - top - bottom
    ceiling = _axis_top(max((n for _, n in bars), default=0))
    slot = plot_w / max(len(bars), 1)

    def y(value: float) -> float:
        return top + plot_h * (1 - value / ceiling)

    described = "; ".join(f"{name}: {n}" for name, n in bars) or "no actions"
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" aria-labelledby="ratings-title ratings-desc" '
             f'font-family="{FONT}" font-size="{size}" fill="{TEXT}">',
             f'<title id="ratings-title">{escape(title)}</title><desc id="ratings-desc">{escape(described)}</desc>',
             f'<text x="0" y="{round(22 * scale)}" font-size="{round(18 * scale)}">{escape(title)}</text>']
    step = max(1, ceiling // 5)
    for tick in range(0, ceiling + 1, step):
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
                     f'stroke="#e6e6e6"/><text x="{left - 8}" y="{y(tick) + size / 3:.1f}" '
                     f'text-anchor="end">{tick}</text>')
    for index, (name, n) in enumerate(bars):
        centre, bar_w = left + slot * (index + 0.5), min(slot * 0.6, 90)
        parts.append(f'<rect x="{centre - bar_w / 2:.1f}" y="{y(n):.1f}" width="{bar_w:.1f}" '
                     f'height="{y(0) - y(n):.1f}" fill="{rating_kind(name).colour}"/>'
                     f'<text x="{centre:.1f}" y="{y(n) - 6:.1f}" text-anchor="middle">{n}</text>'
                     f'<text x="{centre:.1f}" y="{y(0) + 18:.1f}" text-anchor="middle">{escape(name)}</text>')
    parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(0):.1f}" y2="{y(0):.1f}" stroke="{AXIS}"/>'
                 f'<text x="{left + plot_w / 2:.1f}" y="{height - 6}" text-anchor="middle">Rating</text>'
                 f'<text transform="translate(14 {top + plot_h / 2:.1f}) rotate(-90)" text-anchor="middle">'
                 'Number of actions</text></svg>')
    return SvgChart("".join(parts), f"{title}: {described}.", width)
