"""Charts without a browser: a ``charts.spec.ChartSpec`` drawn with matplotlib (Agg), as PNG bytes (the pack's
pictures) or as an inline SVG element (the public page).

Why matplotlib: it needs nothing but its wheel (no browser, no Chrome for kaleido, no separate JavaScript
runtime), draws a trajectory in tens of milliseconds, and writes SVG whose text stays text. The README's
"Reports" section has the measurements.

Text is drawn as itself: mathtext (``$…$``) is turned off for every string, and the SVG writer escapes
``<``, ``>`` and ``&``.
"""

from __future__ import annotations

import io
import re

import matplotlib
from matplotlib.figure import Figure

from charts.spec import GREY, TEXT, ChartSpec

_RC = {"text.parse_math": False, "svg.fonttype": "none", "svg.hashsalt": "reports", "font.family": "DejaVu Sans",
       "font.size": 10, "text.color": TEXT, "axes.labelcolor": TEXT, "xtick.color": TEXT, "ytick.color": TEXT,
       "axes.edgecolor": GREY}
_DASHES = {"solid": "-", "dash": "--", "dot": ":"}
_MARKERS = {"circle": "o", "star": "*", None: None}
_REFERENCE = re.compile(r'(\bid="|url\(#|href="#)')


def _draw(spec: ChartSpec, width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), dpi=100)
    ax = fig.subplots()
    positions = {p: i for i, p in enumerate(spec.categories)}
    for series in spec.series:
        xs = [positions[p] for p, v in zip(series.periods, series.values, strict=True) if v is not None]
        ys = [v for v in series.values if v is not None]
        if series.kind == "points":
            ax.plot(xs, ys, linestyle="none", marker=_MARKERS[series.marker], markersize=14, color=series.colour,
                    label=series.name)
            # The label sits right of the plot at the point's height, as in the app (charts.trajectory): never on
            # the star, the last Actual point or the due line.
            for y in ys if series.label else ():
                ax.annotate(series.label, (1.0, y), xycoords=("axes fraction", "data"), textcoords="offset points",
                            xytext=(6, 0), ha="left", va="center", color=TEXT, fontsize=9, annotation_clip=False)
            continue
        # A gap (a missing or suppressed quarter) is joined over, as the app's chart does (connectgaps).
        ax.plot(xs, ys, linestyle=_DASHES[series.dash], linewidth=series.width, color=series.colour,
                marker=_MARKERS[series.marker], markersize=6, label=series.name)
    if spec.due_period is not None:
        due = positions[spec.due_period]
        ax.axvline(due, color=GREY, linestyle=":", linewidth=1.5)
        ax.annotate(f"Due {spec.due_period}", (due, 0), xycoords=("data", "axes fraction"), ha="right",
                    va="bottom", xytext=(-3, 3), textcoords="offset points", color=TEXT, fontsize=9)
    ax.set_xticks(range(len(spec.categories)), list(spec.categories), rotation=30, ha="right", fontsize=8)
    ax.set_xlim(-0.5, max(len(spec.categories) - 0.2, 0.5))
    ax.set_xlabel(spec.x_title)
    ax.set_ylabel(spec.y_title)
    top = max((v for s in spec.series for v in s.values if v is not None), default=1.0)
    ax.set_ylim(0, top * 1.12 or 1.0)
    if spec.suffix:
        ax.yaxis.set_major_formatter(lambda v, _: f"{v:g}{spec.suffix}")
    ax.set_title(spec.title, loc="left", fontsize=12, color=TEXT)
    ax.grid(axis="y", color="#dddddd", linewidth=0.8)
    ax.spines[["top", "right"]].set_visible(False)
    if spec.empty:
        ax.text(0.5, 0.5, "No figures to show", transform=ax.transAxes, ha="center", va="center", color=TEXT)
    if any(s.values for s in spec.series):
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.36), ncol=3, frameon=False, fontsize=9)
    # Fixed margins: tight_layout measures every text and doubles the drawing time.
    labelled = any(s.kind == "points" and s.label for s in spec.series)
    fig.subplots_adjust(left=0.1, right=0.86 if labelled else 0.98, top=0.9, bottom=0.33)  # room for a label
    return fig


def png(spec: ChartSpec, width: float = 8.0, height: float = 4.5, dpi: int = 150) -> bytes:
    """The chart as PNG bytes (``width`` × ``height`` inches)."""
    with matplotlib.rc_context(_RC):
        fig = _draw(spec, width, height)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    return buffer.getvalue()


def svg(spec: ChartSpec, chart_id: str, width: float = 8.0, height: float = 4.5) -> str:
    """The chart as an ``<svg>`` element for an HTML page: no XML prolog, DOCTYPE or metadata; ``role="img"``
    with a ``<title>`` (the chart's title) and ``<desc>`` (its alt text) it is labelled by; every id prefixed
    with ``chart_id`` so several charts can share a page."""
    with matplotlib.rc_context(_RC):
        fig = _draw(spec, width, height)
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", facecolor="white", metadata={"Date": None, "Creator": None,
                                                                          "Format": None, "Type": None})
    text = buffer.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.DOTALL)
    # Every id and every reference to one (all within this SVG) in one pass.
    text = _REFERENCE.sub(lambda m: f"{m.group(1)}{chart_id}-", text)
    title, desc = _xml(spec.title), _xml(spec.alt)
    opening = text[:text.index(">") + 1]
    attributes = opening[len("<svg"):-1]
    head = (f'<svg{attributes} role="img" aria-labelledby="{chart_id}-title {chart_id}-desc">'
            f'<title id="{chart_id}-title">{title}</title><desc id="{chart_id}-desc">{desc}</desc>')
    return head + text[len(opening):]


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
