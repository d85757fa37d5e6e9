"""Summary for scrutiny, read in thirty seconds: the verdict, every Red and Amber action with its reason and
what happens next, then the headline cards with their ratings; small numbers suppressed; prints on A4."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from charts.ratings_svg import ratings_svg
from loaders.datasets import DATASETS
from metrics.ratings import ORDER as RATING_ORDER
from metrics.ratings import rating_kind
from metrics.registry import DIRECTIONS
from metrics.summary import (
    WITHHELD,
    aim_sentences,
    common_quarter,
    headlines,
    rag_counts,
    rating_words,
    withheld_figures,
    withheld_ratings,
)
from metrics.suppress import suppress_values
from metrics.wording import SCORE_WORDS, ActionNote, Reader, attention, freshness_line, rating_chip, verdict
from ui.app import PRINT_ONLY, print_page_style, require
from ui.blocks import chart_block, empty_state, meeting_scale
from ui.compare import published_sentence
from ui.data import decisions, freshness, metric_values, metrics_registry, ratings
from ui.exports import exports_section
from ui.literal import markdown_literal as md
from ui.store import get_store

TITLE = "How the partnership is doing"
# More Amber actions than this are listed in a collapsed section, so the first screen stays short.
AMBER_OPEN = 4
NO_RATING = "For scale: not rated"


@st.cache_data(show_spinner=False)
def _words(db: str) -> tuple:
    """Headlines, sentences per aim, rating counts, the ratings' words, the ratings as scrutiny sees them and
    the suppressed figures (suppressing every figure takes a few seconds: once per data change)."""
    values, plan, registry = metric_values(), ratings(), metrics_registry()
    shown = suppress_values(values)
    withheld = withheld_figures(shown)
    return (headlines(shown, plan, registry), aim_sentences(shown, plan, registry), rag_counts(plan, shown),
            rating_words(plan, shown), withheld_ratings(plan, shown), withheld)


def _notes(notes: list[ActionNote]) -> None:
    for note in notes:
        st.markdown(f"**{md(note.action_id)} {md(note.action)}**  \n{md(note.reason)}  \n*{md(note.next_step)}*")


def _attention(plan: pd.DataFrame, registry: dict, reader: Reader, withheld: set) -> None:
    """The verdict, then every Red action, then the Amber ones: the first screen."""
    counts = plan["rag"].value_counts().to_dict() if not plan.empty else {}
    st.subheader(md(verdict({str(k): int(v) for k, v in counts.items()})))
    history = decisions()
    red = attention(plan, history, registry, reader, withheld, "Red")
    if red:
        st.markdown(f"#### {rating_chip('Red')}")
        _notes(red)
    amber = attention(plan, history, registry, reader, withheld, "Amber")
    if len(amber) > AMBER_OPEN:
        st.markdown(f"#### {rating_chip('Amber')}")
        with st.expander(f"{len(amber)} actions behind plan"):
            _notes(amber)
        # Paper has no expanders (ui/app.py hides them in print): the same list again, shown only in print.
        with st.container(key=f"{PRINT_ONLY}amber"):
            _notes(amber)
    elif amber:
        st.markdown(f"#### {rating_chip('Amber')}")
        _notes(amber)


def _cards(figures: list, registry: dict, reader: Reader) -> None:
    common = common_quarter(figures)
    if common:
        st.markdown(md(f"Figures for {reader.period(common)}, unless a card says otherwise."))
    for index, figure in enumerate(figures):
        if index % 3 == 0:  # a row of three: on paper a row never splits across pages (ui/app.py STYLE)
            columns = st.columns(3)
        with columns[index % 3].container(border=True):
            if figure.rating:
                kind = rating_kind(figure.rating)
                st.markdown(f":{kind.badge}-badge[{md(rating_chip(figure.rating))}]")
            else:  # a volume shown for scale: no action measures it, so it has no rating
                st.markdown(f":gray-badge[{md(NO_RATING)}]")
            # Audit themes' titles come from the returns' headers: every value is shown literally (ui.literal).
            st.metric(md(figure.title), figure.value)
            st.caption(md(reader.explain(registry[figure.metric_id].description)))
            lines = []
            if figure.unit == "score" and not figure.withheld:
                lines.append(f"{md(figure.value)} {SCORE_WORDS}")
            if figure.period != common:
                lines.append(f"Latest figure: {md(reader.period(figure.period))}, not {md(common)}")
            if figure.withheld:
                lines.append(f"{md(reader.period(figure.period))}: {md(figure.withheld)}")
            if figure.previous_period:
                lines.append(f"Since {md(reader.period(figure.previous_period))}: "
                             f"{md(reader.explain(figure.change_previous))}")
            if figure.baseline_period:
                lines.append(f"Since the baseline ({md(reader.period(figure.baseline_period))}): "
                             f"{md(reader.explain(figure.change_baseline))}")
            if figure.target:
                lines.append(f"Target: {md(figure.target)}")
            lines += [md(sentence) for sentence in [published_sentence(figure.metric_id)] if sentence]  # issue 14
            polarity = DIRECTIONS[figure.polarity].headline
            st.markdown("  \n".join(lines) + (f"  \n*{polarity}*" if polarity else ""))


def _ratings_chart(counts: pd.DataFrame, rag_words: dict[str, str]) -> None:
    overall = counts[counts["aim"] == "All actions"]
    table = counts.pivot_table(index="aim", columns="rag", values="count", aggfunc="sum", fill_value=0)
    table = table.reindex(columns=[r for r in RATING_ORDER if r in table.columns]).reset_index()
    # Drawn as SVG, 600 px wide so it prints whole on A4: the page then needs no plotly (charts/ratings_svg.py).
    scale = meeting_scale()
    chart = ratings_svg(list(zip(overall["rag"], overall["count"])), "Actions by rating (number of actions)",
                        width=round(600 * scale), height=round(320 * scale), scale=scale)
    # Every bar in words: the chart is an image, so its figures are also here as text (print, search, reading).
    number = dict(zip(overall["rag"], overall["count"]))
    shown = [f"{rag}: {number[rag]} ({rag_words[rag]})" for rag in RATING_ORDER if rag in number]
    chart_block(chart, table.rename(columns={"aim": "Aim"}), "summary-ratings",
                caption="; ".join(shown) + ". These count actions, not children, so they are not suppressed; "
                        f"but a rating built from a figure based on small numbers is itself {WITHHELD.lower()}.")


def _freshness() -> None:
    """The newest return per dataset and agency, as lines of text: they print whole on A4, as a table may not."""
    latest = freshness()
    if latest.empty:
        return
    titles = {name: d.title for name, d in DATASETS.items()}
    lines = []
    for row in latest.sort_values(["dataset", "agency"]).to_dict("records"):
        data_to = pd.Timestamp(row["data_up_to"]) if not pd.isna(row["data_up_to"]) else None
        lines.append(f"- **{md(titles.get(row['dataset'], row['dataset']))}** from {md(row['agency'])}: "
                     + (f"data to {data_to:%-d %B %Y}" if data_to is not None else "not dated")
                     + f", last uploaded {pd.Timestamp(row['last_uploaded']):%-d %B %Y}")
    st.markdown("\n".join(lines))


require("summary")
st.html(print_page_style(TITLE, f"{dt.date.today():%-d %B %Y}"))
st.title(TITLE)
values, plan, registry = metric_values(), ratings(), metrics_registry()

if values.empty and plan.empty:
    empty_state("Upload the MASH contacts, Annex A lists, training register, case audits and the action plan "
                "to see the summary.")
    st.stop()

figures, sentences_by_aim, counts, rag_words, seen_plan, withheld = _words(str(get_store().path))
reader = Reader()
st.caption(md(freshness_line(freshness())) + " Any figure based on 1 to 5 children is shown as **c**, "
           "to protect children's privacy.")
if plan.empty:
    st.info("No action plan has been loaded yet: upload it on the Upload page.")
else:
    _attention(seen_plan, registry, reader, withheld)

st.header("Headline figures")
if not figures:
    st.info("No measures have values yet.")
_cards(figures, registry, reader)

if not counts.empty:
    st.header("Action plan ratings")
    _ratings_chart(counts, rag_words)
    st.header("Progress by aim")
    for aim, sentences in sentences_by_aim.items():
        st.subheader(md(aim))
        st.markdown(md(reader.explain(" ".join(sentences))))

st.header("Returns received")
_freshness()

exports_section()  # the downloads this person may have (ui/exports.py)
