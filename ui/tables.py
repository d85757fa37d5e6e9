"""Every table a person sees goes through :func:`show_table`, never a raw ``st.dataframe``.

Streamlit's table toolbar offers "Download as CSV" (and copying cells) of exactly what the table holds, and
Streamlit 1.67 cannot escape it: its only switch, the ``client.disableDataExport`` config option, turns
export off for the whole server, including the tables (submission history, audit trail, upload errors)
that have no download of their own. So the *displayed copy* is escaped instead, by the same rule as the
app's own CSV buttons (``charts.export``): text that a spreadsheet would run as a formula (starting with
``= + - @``, tab or carriage return) is shown with a leading apostrophe. The person sees the value as
Excel would show it, and every download and copy of the table is safe. Cells in a grid are drawn as plain
text, never as Markdown, so nothing else needs escaping here.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from charts.export import formula_safe


def show_table(data: pd.DataFrame, **kwargs) -> None:
    """Show ``data`` as an interactive table (index hidden) whose toolbar download carries no formula."""
    kwargs.setdefault("hide_index", True)
    st.dataframe(formula_safe(data), **kwargs)
