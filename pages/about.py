"""About the data: every measure's definition, where each dataset comes from, and accessibility."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from loaders.aliases import list_aliases
from loaders.datasets import DATASETS
from loaders.roles import role_words
from ui.app import require
from ui.data import counts, metrics_registry
from ui.spc import spc_about
from ui.store import get_store
from ui.tables import show_table

require("about")
st.title("About the data")

st.header("Measures")
st.markdown(
    "Every figure is worked out per financial quarter (2025-26 Q1 is April to June 2025) from the rows that "
    "count now: a newer return replaces an older one for the dates it covers, and withdrawn returns never count. "
    "Percentages are rounded only for display."
)
registry = metrics_registry()
show_table(pd.DataFrame([{
    "Measure": m.title, "Id": m.id, "What it tells you": m.description, "Unit": m.unit,
    "Which way is better": m.direction.better, "Numerator": m.numerator, "Denominator": m.denominator or "",
    "Dataset": m.dataset, "Broken down by": ", ".join(m.groups),
} for m in registry.values()]))

st.header("How actions are rated")
st.markdown("""
For an action with a measure, the latest quarter after the baseline period with a value is compared, in this order:
1. **Blue** — agreed complete by the partnership (whether or not it has a measure).
2. **No data** — the measure has no value after the baseline period.
3. **Green** — the latest value meets the target.
4. **Red** — the due quarter has passed and the target is not met.
5. **Red** — the latest value is no better than the baseline.
6. **Green** — the latest value is on or better than the straight line from the baseline to the target.
7. **Amber** — otherwise.

An action without a measure is rated by its status: Not started is Red when past due, else Amber;
In progress is Amber; Evidence submitted is Green. Every rating shows its reason with the numbers used.
""")

st.header("Protecting children's privacy")
st.markdown("""
- Counts from 1 to 5 are shown as **c**; 0 stays 0. A percentage is shown as **c** when the number of children
  it is based on is. Where a hidden figure could be worked out from a total and the other parts, the next
  smallest part is hidden too. Other symbols: **x** not available, **z** not applicable, **low** rounds to 0.
- Children's and delegates' identifiers are replaced by a keyed code before they are stored; dates of birth
  become an age; names, addresses, postcodes, NHS numbers and workers' names are never stored.
- All data in the demo is synthetic.
""")

st.header("Datasets")
st.markdown(
    "What a wrong value does depends on the column. In a column that identifies or dates a row, or that a "
    "measure uses, it stops the file (unless invalid rows are skipped). In a descriptive column, which no "
    "measure uses (age, gender, ethnicity...), the value is loaded blank and the upload warns about it."
)
rows = counts().set_index("dataset")
for dataset in DATASETS.values():
    current = int(rows.loc[dataset.name, "current_rows"]) if dataset.name in rows.index else 0
    with st.expander(f"{dataset.title} — {current:,} rows count now"):
        st.markdown(f"{dataset.description}  \n**Where it comes from:** {dataset.source}")
        show_table(pd.DataFrame([{
            "Column": c.header, "Required": "yes" if c.required else "",
            "If a value is wrong": role_words(dataset, c.key), "What to enter": c.expected(),
            "Also accepted as": ", ".join(c.aliases),
        } for c in dataset.columns]))

st.header("Local labels read as codes")
st.markdown(
    "Some agencies' systems write their own labels in a column of codes ('LA services' for source 5A). A "
    "manager maps such a label once, for their agency; an administrator can map for any agency and remove a "
    "mapping. Each later return from that agency is read with its mappings, and the upload report says how many "
    "cells each one changed. Returns already loaded are not changed. Every mapping and removal is in the audit "
    "trail."
)
mappings = list_aliases(get_store())
if mappings.empty:
    st.markdown("No labels are mapped at the moment.")
else:
    # Values are shown exactly as the agency writes them: the table draws cells as plain text.
    show_table(pd.DataFrame({
        "Agency": mappings["agency"],
        "Dataset": [DATASETS[name].title for name in mappings["dataset"]],
        "Column": mappings["header"],
        "Label as written": mappings["value"],
        "Read as": mappings["meaning"],
        "Mapped by": mappings["created_by"],
        "Mapped on": mappings["created_at"].dt.strftime("%d/%m/%Y"),
    }))

st.header("Accessibility statement")
st.markdown("""
This dashboard is meant to meet the Web Content Accessibility Guidelines (WCAG) 2.2 at level AA, as public bodies
must. What we do:
- every chart can be read as a table ("View as table") and its data downloaded as CSV;
- colours come from a colour-blind-safe palette, and no information is given by colour alone: ratings always
  show their word, lines have distinct markers and bars are labelled;
- meeting mode enlarges text and charts; the summary prints on A4 without menus or buttons;
- pages are checked automatically with axe-core in a real browser in every test run.

Known limitations: the interactive charts are drawn by Plotly and are not fully usable with a screen reader —
use "View as table" instead. If you find a problem, tell the partnership business unit, who will reply within
10 working days. If you are not happy with the reply, contact the Equality Advisory and Support Service (EASS).
""")

spc_about()  # SPC and BRAG, the two questions (ui/spc.py)
