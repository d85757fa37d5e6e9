"""Summary for scrutiny: how the partnership is doing, in plain English, with small numbers suppressed."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from charts import BRAG_ORDER, brag_bar
from metrics.summary import RAG_WORDS, aim_sentences, headlines, rag_counts, stale_datasets
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


@st.cache_data(show_spinner=False)
def _words(db: str) -> tuple[list, dict[str, list[str]]]:
    """Headlines and sentences per aim (suppressing every figure takes a few seconds: once per data change)."""
    values, plan, registry = metric_values(), ratings(), metrics_registry()
    return headlines(values, plan, registry), aim_sentences(values, plan, registry)


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
figures, sentences_by_aim = _words(str(get_store().path))
if not figures:
    st.info("No measures have values yet.")
columns = st.columns(3)
for index, figure in enumerate(figures):
    with columns[index % 3].container(border=True):
        st.metric(figure.title, figure.value, help=registry[figure.metric_id].description)
        lines = [f"Latest quarter: {figure.period}"]
        if figure.previous_period:
            lines.append(f"Since {figure.previous_period}: {figure.change_previous}")
        if figure.baseline_period:
            lines.append(f"Since the baseline ({figure.baseline_period}): {figure.change_baseline}")
        if figure.target:
            lines.append(f"Target: {figure.target}")
        polarity = {"higher": "Higher is better.", "lower": "Lower is better.", "neither": ""}[figure.polarity]
        st.markdown("  \n".join(lines) + (f"  \n*{polarity}*" if polarity else ""))

st.header("Action plan ratings")
counts = rag_counts(plan)
if counts.empty:
    st.info("No action plan has been loaded yet: upload it on the Upload page.")
else:
    overall = counts[counts["aim"] == "All actions"]
    st.markdown(", ".join(
        f"**{int(overall.loc[overall['rag'] == rag, 'count'].sum())} {rag}** ({RAG_WORDS[rag]})"
        for rag in BRAG_ORDER if rag in set(overall["rag"])
    ) + f" — {int(overall['count'].sum())} actions in all.")
    table = counts.pivot_table(index="aim", columns="rag", values="count", aggfunc="sum", fill_value=0)
    table = table.reindex(columns=[r for r in BRAG_ORDER if r in table.columns]).reset_index()
    chart_block(brag_bar(overall.sort_values("rag"), "Actions by rating (number of actions)", scale=meeting_scale()),
                table.rename(columns={"aim": "Aim"}), "summary-ratings",
                caption="Blue = agreed complete, Green = on track, Amber = at risk, Red = off track. "
                        "These count actions, not children, so they are not suppressed.")

    st.header("Progress by aim")
    for aim, sentences in sentences_by_aim.items():
        st.subheader(aim)
        st.markdown(" ".join(sentences))

st.header("How up to date the data is")
latest = freshness()
if latest.empty:
    st.info("Nothing has been uploaded yet.")
else:
    for warning in stale_datasets(latest):
        st.warning(warning, icon=":material/schedule:")
    shown = latest.assign(
        last_uploaded=pd.to_datetime(latest["last_uploaded"]).dt.strftime("%d/%m/%Y"),
        data_up_to=pd.to_datetime(latest["data_up_to"]).dt.strftime("%d/%m/%Y"),
    )
    st.dataframe(shown[["dataset", "agency", "data_up_to", "last_uploaded"]].rename(columns={
        "dataset": "Dataset", "agency": "Agency", "data_up_to": "Data up to", "last_uploaded": "Last uploaded"}),
        hide_index=True)
