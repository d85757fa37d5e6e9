"""The meeting pack: the slides partners meet with every two months, as PowerPoint 16:9 (``reports.pack_pptx``)
or PDF A4 landscape (``reports.pack_pdf``), from one ``ReportContent`` (``reports.content``).

The pack is laid out once here, as plain text and numbers (:class:`Pack`): a title slide, the verdict (counts
by rating, Red and Amber named), "How we compare" (the headline measures' published figures, when any has
them), one slide per action (title, lead, rating in words and colour, reason, baseline → latest → target, the
published figures for its measure, its monthly SPC icons with their words and reading, its chart as a picture,
the latest commentary and decision) and an appendix of definitions and data freshness. The two writers only
place what it holds, so they cannot say different things. Text stays text: nothing here is markup, and each
writer sets it literally."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from reports.content import ICON_PX
from reports.decisions import ExportError, write_file

FORMATS = (".pptx", ".pdf")
# Each chart's picture: inches and dots per inch (sharp on a projector, small enough for e-mail).
PNG_SIZE = {"width": 8.0, "height": 5.0, "dpi": 150}
NONE_YET = "None recorded yet."


@dataclass(frozen=True)
class RatingCount:
    name: str  # "Red"
    words: str  # "off track"
    colour: str  # "#d4351c" (metrics.ratings)
    count: int


@dataclass(frozen=True)
class Named:
    """A list on the verdict slide: "Red (off track)" and the actions that have it."""

    heading: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class Icon:
    """A Making Data Count icon (``charts.spc_icons``) with its words: always placed together."""

    name: str  # a key of metrics.spc VARIATION_ICONS / ASSURANCE_ICONS
    words: str
    png: bytes


@dataclass(frozen=True)
class ActionSlide:
    key: str  # the action's id: names its chart picture
    heading: str  # "1.1 · Improve the timeliness of MASH decisions"
    subtitle: str  # "Aim: … · Lead: …"
    rating: str
    rating_text: str  # "Red (off track)"
    colour: str
    reason: str
    progress: str  # "70.0% (2025-26 Q1) → 82.5% (2025-26 Q3) → 90.0% (2026-27 Q1)"
    commentary: str
    decision: str
    chart_png: bytes | None
    chart_alt: str  # the picture's alt text; the slide's words when there is no chart
    # Real change or noise (issue 15): the variation and assurance icons with their words, and the reading
    # ("Variation: … Assurance: … Special cause improvement: …"); empty when the measure is not charted by month.
    spc_icons: tuple[Icon, ...] = ()
    spc: str = ""
    comparison: str = ""  # the published figures for its measure (issue 14), or empty


@dataclass(frozen=True)
class Pack:
    title: str
    partnership: str
    title_lines: tuple[str, ...]  # meeting date, "Data to …", when it was made
    footer: str  # on every PDF page, beside the page number
    verdict_title: str
    verdict_sentence: str
    verdict_counts: tuple[RatingCount, ...]
    named: tuple[Named, ...]
    actions: tuple[ActionSlide, ...]
    definitions: tuple[tuple[str, str], ...]
    freshness_header: tuple[str, ...]
    freshness: tuple[tuple[str, ...], ...]
    freshness_sentence: str
    freshness_empty: str = "Nothing has been uploaded yet."
    # "How we compare": (measure, sentence) per headline measure with published figures, and the period note.
    comparisons: tuple[tuple[str, str], ...] = ()
    comparison_note: str = ""

    def definition_chunks(self, size: int = 8) -> Iterator[Sequence[tuple[str, str]]]:
        """The definitions a slide at a time (at least one slide, empty if there are none)."""
        if not self.definitions:
            yield ()
        for start in range(0, len(self.definitions), size):
            yield self.definitions[start:start + size]


def pack_bytes(pack: Pack, suffix: str) -> bytes:
    """The pack in the format named by ``suffix`` (".pptx" or ".pdf")."""
    if suffix.lower() == ".pptx":
        from reports.pack_pptx import pack_pptx
        return pack_pptx(pack)
    if suffix.lower() == ".pdf":
        from reports.pack_pdf import pack_pdf
        return pack_pdf(pack)
    raise _wrong_format(suffix)


def _wrong_format(suffix: str) -> ExportError:
    return ExportError(f"the meeting pack is written as {' or '.join(FORMATS)}, not {suffix or 'a file without one'}")


def write_pack(content: object, out: Path | str) -> Path:
    """Write the meeting pack for ``content`` (a ``reports.content.ReportContent``) to ``out``; its extension
    (.pptx or .pdf) chooses the format (another raises ``ExportError`` before any work). A path that cannot be
    written raises ``OSError``, which the command line words as "cannot write …"."""
    out = Path(out)
    if out.suffix.lower() not in FORMATS:
        raise _wrong_format(out.suffix)
    return write_file(out, pack_bytes(build_pack(content), out.suffix))


def _day(day: dt.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


def _verdict(counts: dict[str, int], words: dict[str, str]) -> str:
    """'Of 14 actions: 2 off track, 4 at risk, 6 on track, 1 complete, 1 without data.'"""
    total = sum(counts.values())
    parts = [f"{n} {words.get(name) or name}" for name, n in counts.items() if n]
    return f"Of {total} action{'s' if total != 1 else ''}: {', '.join(parts)}." if total else ""


@functools.lru_cache(maxsize=64)
def _chart_png(spec: object) -> bytes | None:
    """The action's chart as a PNG from the browser-free renderer, or None without a chart to draw. A chart
    specification is frozen and holds everything drawn, so the same one always gives the same picture: kept,
    so the PDF after the PowerPoint (or a second download) does not draw every chart again."""
    if spec is None or getattr(spec, "empty", False):
        return None
    from reports import static_charts
    return static_charts.png(spec, **PNG_SIZE)


def _icons(reading) -> tuple[Icon, ...]:
    """The reading's icons as pictures (``charts.spc_icons``: the pages' drawing), each with its words."""
    if reading is None:
        return ()
    from charts.spc_icons import icon_png
    return tuple(Icon(name, words, icon_png(name, ICON_PX)) for name, words in reading.icons)


def _action_slide(action) -> ActionSlide:
    officer = f" ({action.lead_officer})" if action.lead_officer else ""
    comment = NONE_YET
    if action.commentary:
        said = ", ".join(x for x in (action.commentary_by, action.commentary_on) if x)
        comment = action.commentary + (f" ({said})" if said else "")
    decision = action.decision + (f" ({action.decision_on})" if action.decision_on else "") if action.decision \
        else NONE_YET
    chart = action.chart
    png = _chart_png(chart)
    alt = chart.alt if png and chart is not None else (
        "No chart: this action has no measure; it is rated by its status." if not action.measure
        else "No chart: there are no figures for this measure yet.")
    return ActionSlide(
        key=action.action_id, heading=f"{action.action_id} · {action.title}",
        subtitle=f"Aim: {action.aim} · Lead: {action.lead}{officer}", rating=action.rating,
        rating_text=f"{action.rating} ({action.rating_words})" if action.rating_words else action.rating,
        colour=action.colour, reason=action.reason or "No reason recorded.",
        progress=action.progress or "No measure: this action is rated by its status.",
        commentary=comment, decision=decision, chart_png=png, chart_alt=alt, spc_icons=_icons(action.spc),
        spc=action.spc.text if action.spc else "", comparison=action.comparison or "")


def pack_from_content(content) -> Pack:
    """Lay the pack out from a ``reports.content.ReportContent``."""
    from metrics.ratings import rating_kind

    when = content.meeting_date or content.generated_on
    title_lines = [f"Meeting on {_day(content.meeting_date)}" if content.meeting_date else "Meeting date not set",
                   f"Data to {_day(content.data_to)}" if content.data_to else "No data loaded yet",
                   *([f"Reporting quarter {content.quarter}"] if content.quarter else []),
                   f"Made on {_day(content.generated_on)}"]
    words = content.rating_words
    counts = tuple(RatingCount(name, words.get(name, rating_kind(name).words), rating_kind(name).colour, n)
                   for name, n in content.counts.items())
    named = tuple(Named(f"{name} ({words.get(name, rating_kind(name).words)})",
                        tuple(f"{a.action_id} · {a.title}" for a in content.actions if a.rating == name))
                  for name in ("Red", "Amber") if content.counts.get(name))
    sentence = " ".join([_verdict(content.counts, words), *content.notes]).strip()
    definitions = tuple((d.title, f"{d.description} Counted: {d.numerator}"
                         + (f", out of {d.denominator}." if d.denominator else "."))
                        for d in content.definitions)
    fresh = " ".join([f"Data to {_day(content.data_to)}." if content.data_to else "No data has been loaded yet.",
                      *content.stale])
    return Pack(
        title="Neglect action plan: progress", partnership=content.partnership, title_lines=tuple(title_lines),
        footer=f"{content.partnership} · meeting pack · {_day(when)}",
        verdict_title="Where the action plan stands", verdict_sentence=sentence or "No actions to rate.",
        verdict_counts=counts, named=named, actions=tuple(_action_slide(a) for a in content.actions),
        definitions=definitions, freshness_header=("Dataset", "Agency", "Data up to"),
        freshness=tuple(tuple(row) for row in content.freshness), freshness_sentence=fresh,
        comparisons=_compared(content), comparison_note=content.comparison_note)


def _compared(content) -> tuple[tuple[str, str], ...]:
    """(title, sentence) for each headline measure with published figures, in the Summary's order."""
    titles = {h.metric_id: h.title for h in content.headlines}
    return tuple((titles.get(metric, metric), sentence) for metric, sentence in content.comparisons.items()
                 if metric in titles)


def build_pack(content: object) -> Pack:
    """Lay the pack out from a ``ReportContent``."""
    return pack_from_content(content)
