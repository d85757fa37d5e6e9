"""The "Making Data Count" variation and assurance icons, drawn here (issue 15): SVG for the pages and HTML,
PNG for the exports (matplotlib, no browser). Names and words come from ``metrics.spc`` (``VARIATION_ICONS``,
``ASSURANCE_ICONS``); which icon a series gets is decided there, never here.

Sources (our own drawing, nobody's files copied):

- [MDC] NHS England, "Making Data Count: strengthening your decisions" (2019),
  https://www.england.nhs.uk/wp-content/uploads/2019/12/making-data-count-strengthening-your-decisions.pdf :
  variation icons are circles: common cause grey; special cause improvement blue, concern orange, neither
  better nor worse purple, each with H or L for higher or lower values. Assurance icons: the target will
  reliably be met, blue "P" (pass); will not be met without change, orange "F" (fail); hit and miss, grey
  (a line that crosses the target).
- [PTD] NHSRplotthedots, https://github.com/nhs-r-community/NHSRplotthedots : ``R/geom_ptd_icon.R``
  (``geom_ptd_icon``: which icon file for which point type and improvement direction; icon names
  ``common_cause``, ``improvement_high/low``, ``concern_high/low``, ``neutral_high/low``; assurance ``pass``,
  ``fail``, ``inconsistent``, here ``hit_and_miss``), ``R/ptd_spc_colours.R`` (its palette: grey, blue
  ``#289de0``, orange ``#fab428``, purple ``#361475``).

Where we differ, and why:

- Colours: the same hues, darkened so every colour has at least 4.5:1 contrast against white (WCAG 1.4.11 asks
  3:1 for graphics; 4.5:1 also keeps the white inside the ring and the coloured letter readable). Blue is the
  Okabe-Ito blue the SPC chart uses.
- Colour is never the only cue: every icon has its letter (H / L, P / F, ? for hit and miss) and its little
  chart, whose special-cause points have the SPC chart's marker shapes (improvement diamonds, concern squares,
  neither triangles, common cause circles: ``POINT_STYLES``, which the chart uses too); and the pages always
  put the words beside it.
- Every icon carries its words: the SVG's ``<title>`` and ``aria-label`` (``role="img"``).

One declaration (``ICONS``: colour, letter, the little chart's shape) is drawn twice, by ``icon_svg`` and
``icon_png``, from the same list of shapes (``_shapes``), in a 100 × 100 box with y downwards.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from functools import lru_cache
from xml.sax.saxutils import escape, quoteattr

from metrics.spc import ASSURANCE_ICONS, VARIATION_ICONS

GREY = "#626A6E"  # common cause; hit and miss
BLUE = "#0072B2"  # improvement; pass (Okabe-Ito blue, as the chart's improvement points)
ORANGE = "#B35900"  # concern; fail
PURPLE = "#7B3294"  # neither better nor worse
WHITE = "#FFFFFF"
LINE = "#B1B4B6"  # the little chart's line between points (decoration: the points carry the meaning)


@dataclass(frozen=True)
class Icon:
    """One icon as declared: ``kind`` variation / assurance, its ``colour``, the ``letter`` drawn in it, the
    marker ``shape`` of its special-cause points, ``side`` where they are (``high`` / ``low`` / ``both``),
    and ``words`` (from ``metrics.spc``)."""

    name: str
    kind: str
    colour: str
    letter: str
    shape: str
    side: str
    words: str

    @property
    def looks(self) -> str:
        """What the icon shows, in words (alt text where its meaning is the caption beside it)."""
        drawn = ("a question mark" if self.letter == "?" else f"the letter {self.letter}" if self.letter
                 else "a small chart of points going up and down")
        return f"{_COLOUR_NAMES[self.colour]} circle with {drawn}"


_COLOUR_NAMES = {GREY: "Grey", BLUE: "Blue", ORANGE: "Orange", PURPLE: "Purple"}
# Each point type's colour and marker shape, on the SPC chart (``charts.spc.MARKS``) and in the icons' little
# charts alike: [MDC] blue improvement, orange concern, purple neither, grey common cause.
POINT_STYLES: dict[str, tuple[str, str]] = {
    "common_cause": (GREY, "circle"),
    "special_cause_improvement": (BLUE, "diamond"),
    "special_cause_concern": (ORANGE, "square"),
    "special_cause_neutral_high": (PURPLE, "triangle-up"),
    "special_cause_neutral_low": (PURPLE, "triangle-down"),
}


def _variation(name: str, point_type: str, letter: str, side: str) -> Icon:
    colour, shape = POINT_STYLES[point_type]
    return Icon(name, "variation", colour, letter, shape, side, VARIATION_ICONS[name])


def _assurance(name: str, colour: str, letter: str, side: str) -> Icon:
    return Icon(name, "assurance", colour, letter, "circle", side, ASSURANCE_ICONS[name])


# The one declaration ([MDC] colours and letters; [PTD] names).
ICONS: dict[str, Icon] = {icon.name: icon for icon in (
    _variation("common_cause", "common_cause", "", "both"),
    _variation("improvement_high", "special_cause_improvement", "H", "high"),
    _variation("improvement_low", "special_cause_improvement", "L", "low"),
    _variation("concern_high", "special_cause_concern", "H", "high"),
    _variation("concern_low", "special_cause_concern", "L", "low"),
    _variation("neutral_high", "special_cause_neutral_high", "H", "high"),
    _variation("neutral_low", "special_cause_neutral_low", "L", "low"),
    _assurance("pass", BLUE, "P", "high"),
    _assurance("fail", ORANGE, "F", "low"),
    _assurance("hit_and_miss", GREY, "?", "both"),
)}
ICON_NAMES: tuple[str, ...] = tuple(ICONS)
assert set(ICON_NAMES) == set(VARIATION_ICONS) | set(ASSURANCE_ICONS), "an icon of metrics.spc is not drawn"


# -- what is drawn: a few shapes in a 100 x 100 box (y downwards) -------------------------------------------

@dataclass(frozen=True)
class _Shape:
    kind: str  # "circle" (x, y, r), "polygon" / "polyline" (points), "text" (x, y baseline, size)
    points: tuple[tuple[float, float], ...]
    fill: str | None = None
    stroke: str | None = None
    width: float = 0.0
    r: float = 0.0
    text: str = ""
    size: float = 0.0
    dash: bool = False


def _marker(shape: str, x: float, y: float, colour: str, s: float = 4.2) -> _Shape:
    """A point of the little chart with the SPC chart's marker shape (``POINT_STYLES``)."""
    if shape == "circle":
        return _Shape("circle", ((x, y),), fill=colour, r=s * 0.85)
    corners = {"diamond": ((0, -1.3), (1.3, 0), (0, 1.3), (-1.3, 0)),
               "square": ((-1, -1), (1, -1), (1, 1), (-1, 1)),
               "triangle-up": ((0, -1.25), (1.2, 0.9), (-1.2, 0.9)),
               "triangle-down": ((0, 1.25), (1.2, -0.9), (-1.2, -0.9))}[shape]
    return _Shape("polygon", tuple((x + dx * s, y + dy * s) for dx, dy in corners), fill=colour)


# The little chart's six points: x across the circle, y by the icon's side (the letter takes the other half).
_XS = (22.0, 33.0, 44.0, 55.0, 66.0, 77.0)
_SERIES = {
    "variation": {"both": (56, 45, 59, 47, 58, 50), "high": (77, 80, 75, 64, 61, 63),
                  "low": (23, 20, 25, 36, 39, 37)},
    # Assurance: the target is the dashed line at y = 70; pass above it, fail below it, hit and miss across it.
    "assurance": {"high": (61, 59, 62, 60, 58, 61), "low": (79, 81, 78, 80, 82, 79),
                  "both": (61, 80, 60, 79, 62, 78)},
}
_TARGET_Y = 70.0


def _series(icon: Icon) -> list[_Shape]:
    ys = _SERIES[icon.kind][icon.side]
    points = tuple(zip(_XS, (float(y) for y in ys)))
    shapes = [_Shape("polyline", points, stroke=LINE, width=2.0)]
    # Variation: the last three points are the special cause (in the icon's colour and shape); common cause and
    # assurance: every point in the icon's colour.
    special = icon.kind == "variation" and icon.side != "both"
    for index, (x, y) in enumerate(points):
        colour = icon.colour if not special or index >= 3 else GREY
        shape = icon.shape if not special or index >= 3 else "circle"
        shapes.append(_marker(shape, x, y, colour, s=4.0 if shape == "circle" else 4.4))
    return shapes


def _shapes(icon: Icon) -> list[_Shape]:
    """Everything the icon draws, in order: white disc with a ring in its colour, the little chart (and the
    target line for assurance), the letter in bold."""
    shapes = [_Shape("circle", ((50.0, 50.0),), fill=WHITE, stroke=icon.colour, width=7.0, r=45.0)]
    if icon.kind == "assurance":
        shapes.append(_Shape("polyline", ((16.0, _TARGET_Y), (84.0, _TARGET_Y)), stroke=icon.colour, width=2.5,
                             dash=True))
    shapes += _series(icon)
    if icon.letter:
        # Variation: H above the raised points, L below the lowered ones; assurance: the letter above the chart.
        baseline = 82.0 if icon.kind == "variation" and icon.side == "low" else 48.0
        shapes.append(_Shape("text", ((50.0, baseline),), fill=icon.colour, text=icon.letter, size=36.0))
    return shapes


def icon(name: str) -> Icon:
    """The declared icon called ``name`` (a key of ``metrics.spc``'s ``VARIATION_ICONS`` or
    ``ASSURANCE_ICONS``); an unknown name raises ``KeyError``."""
    return ICONS[name]


# -- SVG ------------------------------------------------------------------------------------------------------

def _svg_shape(shape: _Shape) -> str:
    paint = (f' fill="{shape.fill or "none"}"'
             + (f' stroke="{shape.stroke}" stroke-width="{shape.width:g}"' if shape.stroke else "")
             + (' stroke-dasharray="5 4"' if shape.dash else ""))
    if shape.kind == "circle":
        (x, y), = shape.points
        return f'<circle cx="{x:g}" cy="{y:g}" r="{shape.r:g}"{paint}/>'
    if shape.kind == "text":
        (x, y), = shape.points
        return (f'<text x="{x:g}" y="{y:g}" font-size="{shape.size:g}" font-weight="bold" text-anchor="middle" '
                f'font-family="Arial, Helvetica, sans-serif" fill="{shape.fill}">{escape(shape.text)}</text>')
    coords = " ".join(f"{x:g},{y:g}" for x, y in shape.points)
    tag = "polygon" if shape.kind == "polygon" else "polyline"
    return f'<{tag} points="{coords}"{paint} stroke-linejoin="round" stroke-linecap="round"/>'


@lru_cache(maxsize=64)
def icon_svg(name: str, size: int = 48) -> str:
    """The icon as a self-contained SVG document of ``size`` × ``size`` pixels: ``role="img"``, its words as
    ``<title>`` and ``aria-label``, no scripts, no external references."""
    declared = ICONS[name]
    body = "".join(_svg_shape(shape) for shape in _shapes(declared))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{int(size)}" height="{int(size)}" '
            f'viewBox="0 0 100 100" role="img" aria-label={quoteattr(declared.words)}>'
            f"<title>{escape(declared.words)}</title>{body}</svg>")


def icon_data_uri(name: str) -> str:
    """The SVG as a ``data:image/svg+xml;base64,…`` URI, for table image columns and HTML ``<img>``."""
    return "data:image/svg+xml;base64," + base64.b64encode(icon_svg(name).encode("utf-8")).decode("ascii")


# -- PNG (matplotlib) -------------------------------------------------------------------------------------------

_RC = {"text.parse_math": False, "font.family": "DejaVu Sans"}


def _mpl_shape(ax, shape: _Shape, px_per_unit: float) -> None:
    from matplotlib.patches import Circle, Polygon

    width = shape.width * px_per_unit * 72 / 100  # stroke widths in points at dpi 100
    if shape.kind == "circle":
        (x, y), = shape.points
        ax.add_patch(Circle((x, y), shape.r, facecolor=shape.fill or "none", edgecolor=shape.stroke or "none",
                            linewidth=width))
    elif shape.kind == "polygon":
        ax.add_patch(Polygon(shape.points, closed=True, facecolor=shape.fill, edgecolor="none"))
    elif shape.kind == "polyline":
        xs, ys = zip(*shape.points)
        ax.plot(xs, ys, color=shape.stroke, linewidth=width, linestyle=(0, (2, 1.6)) if shape.dash else "-",
                solid_capstyle="round", solid_joinstyle="round")
    else:
        (x, y), = shape.points
        # Font size in points: the SVG's size is the em in box units; DejaVu's capitals are a little taller.
        ax.text(x, y, shape.text, fontsize=shape.size * 0.92 * px_per_unit * 72 / 100, fontweight="bold",
                color=shape.fill, ha="center", va="baseline")


@lru_cache(maxsize=64)
def icon_png(name: str, size: int = 96) -> bytes:
    """The icon as PNG bytes, ``size`` × ``size`` pixels, transparent outside the circle (drawn with matplotlib's
    Agg renderer: thread-safe as no pyplot state is used)."""
    # matplotlib is imported here, not with the module: the pages draw SVG only, and importing it costs the
    # first page that shows an icon about half a second after a server start (issue 12's page timings).
    import matplotlib
    from matplotlib.figure import Figure

    declared = ICONS[name]
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=(size / 100, size / 100), dpi=100)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, 100)
        ax.set_ylim(100, 0)  # y downwards, as the SVG
        ax.set_axis_off()
        for shape in _shapes(declared):
            _mpl_shape(ax, shape, size / 100)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=100, transparent=True)
    return buffer.getvalue()


def contrast(colour: str, against: str = WHITE) -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    high, low = sorted((luminance(colour), luminance(against)), reverse=True)
    return (high + 0.05) / (low + 0.05)
