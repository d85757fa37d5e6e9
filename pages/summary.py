"""Summary for scrutiny: how the partnership is doing, in plain English, with small numbers suppressed."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from charts import BRAG_ORDER, brag_bar
from metrics.summary import WITHHELD, aim_sentences, headlines, rag_counts, rating_words, stale_datasets
from metrics.suppress import suppress_values
from pages.common import (
    chart_block,
    empty_state,
    freshness,
    get_store,
    meeting_scale,
    metric_values,
    metrics_registry,
    ratings,
    require,
)
from ui.literal import markdown_literal as md
from ui.tables import show_table


@st.cache_data(show_spinner=False)
def _words(db: str) -> tuple[list, dict[str, list[str]], pd.DataFrame, dict[str, str]]:
    """Headlines, sentences per aim, rating counts and the ratings' words, each withholding what a suppressed
    figure would give away (suppressing every figure takes a few seconds: once per data change)."""
    values, plan, registry = metric_values(), ratings(), metrics_registry()
    shown = suppress_values(values)
    return (headlines(shown, plan, registry), aim_sentences(shown, plan, registry), rag_counts(plan, shown),
            rating_words(plan, shown))


require("summary")
st.title("How the partnership is doing")
st.markdown(
    "Progress on the neglect action plan agreed after the joint targeted area inspection. "
    "To protect children's privacy, any figure based on 1 to 5 children is shown as **c**."
)

values, plan, registry = metric_values(), ratings(), metrics_registry()

if values.empty and plan.empty:
    empty_state("Upload the MASH contacts, Annex A lists, training register, case audits and the action plan "
                "to see the summary.")
    st.stop()

st.header("Headline figures")
figures, sentences_by_aim, counts, rag_words = _words(str(get_store().path))
if not figures:
    st.info("No measures have values yet.")
columns = st.columns(3)
for index, figure in enumerate(figures):
    with columns[index % 3].container(border=True):
        # Audit themes' titles come from the returns' headers: every value is shown literally (ui.literal).
        st.metric(md(figure.title), figure.value, help=md(registry[figure.metric_id].description))
        lines = [f"Latest quarter: {md(figure.period)}" + (f" — {md(figure.withheld)}" if figure.withheld else "")]
        if figure.previous_period:
            lines.append(f"Since {md(figure.previous_period)}: {md(figure.change_previous)}")
        if figure.baseline_period:
            lines.append(f"Since the baseline ({md(figure.baseline_period)}): {md(figure.change_baseline)}")
        if figure.target:
            lines.append(f"Target: {md(figure.target)}")
        polarity = {"higher": "Higher is better.", "lower": "Lower is better.", "neither": ""}[figure.polarity]
        st.markdown("  \n".join(lines) + (f"  \n*{polarity}*" if polarity else ""))

st.header("Action plan ratings")
if counts.empty:
    st.info("No action plan has been loaded yet: upload it on the Upload page.")
else:
    overall = counts[counts["aim"] == "All actions"]
    st.markdown(", ".join(
        f"**{int(overall.loc[overall['rag'] == rag, 'count'].sum())} {rag}** ({rag_words[rag]})"
        for rag in (*BRAG_ORDER, WITHHELD) if rag in set(overall["rag"])
    ) + f" — {int(overall['count'].sum())} actions in all.")
    table = counts.pivot_table(index="aim", columns="rag", values="count", aggfunc="sum", fill_value=0)
    table = table.reindex(columns=[r for r in (*BRAG_ORDER, WITHHELD) if r in table.columns]).reset_index()
    chart_block(brag_bar(overall.sort_values("rag"), "Actions by rating (number of actions)", scale=meeting_scale()),
                table.rename(columns={"aim": "Aim"}), "summary-ratings",
                caption="Blue = agreed complete, Green = on track, Amber = at risk, Red = off track. "
                        "These count actions, not children, so they are not suppressed; but a rating built "
                        f"from a figure based on small numbers is itself {WITHHELD.lower()}.")

    st.header("Progress by aim")
    for aim, sentences in sentences_by_aim.items():
        st.subheader(md(aim))
        st.markdown(md(" ".join(sentences)))

st.header("How up to date the data is")
latest = freshness()
if latest.empty:
    st.info("Nothing has been uploaded yet.")
else:
    for warning in stale_datasets(latest):
        st.warning(md(warning), icon=":material/schedule:")
    shown = latest.assign(
        last_uploaded=pd.to_datetime(latest["last_uploaded"]).dt.strftime("%d/%m/%Y"),
        data_up_to=pd.to_datetime(latest["data_up_to"]).dt.strftime("%d/%m/%Y"),
    )
    show_table(shown[["dataset", "agency", "data_up_to", "last_uploaded"]].rename(columns={
        "dataset": "Dataset", "agency": "Agency", "data_up_to": "Data up to", "last_uploaded": "Last uploaded"}),
        hide_index=True)
