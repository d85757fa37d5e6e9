"""Helpers for the AppTest suites: page titles, the data tables a write may change, and what a page shows."""

from __future__ import annotations

import re
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from access.pages import PAGES
from loaders.datasets import DATASETS
from loaders.store import Store
from ui.literal import WORD_JOINER

APP = str(Path(__file__).resolve().parents[2] / "dashboard.py")
# What each page's title says, so a test can tell which page ran.
TITLES = {
    "summary": "How the partnership is doing",
    "actions": "Action plan",
    "mash": "MASH and referrals",
    "training": "Workforce training",
    "audits": "Case audits",
    "upload": "Upload a return",
    "about": "About the data",
    "compare": "How we compare",
    "audit_trail": "Audit trail",
}
PAGE_FILES = {page.name: page.file for page in PAGES}
# Every table a write may change, except the audit log (which every write, refused or not, appends to).
DATA_TABLES = ("submissions", "submission_parts", "upload_log", "action_decisions", "audit_themes", *DATASETS)
# A plausible OpenID Connect configuration: nothing in these tests contacts the provider.
AUTH_SECRETS = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-cookie-secret-0123456789abcdef",
    "client_id": "00000000-0000-0000-0000-000000000000",
    "client_secret": "test-client-secret",
    "server_metadata_url": "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0/"
                           ".well-known/openid-configuration",
}


def clear_app_caches() -> None:
    """Forget cached queries: needed when a test writes to a database behind the app's back."""
    st.cache_data.clear()



def table_snapshot(store: Store) -> dict[str, tuple]:
    """Row count and an order-free hash of every row, per data table."""
    return {table: store.rows(f"SELECT count(*), bit_xor(hash(t)) FROM {table} AS t")[0] for table in DATA_TABLES}


_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def rendered(markdown: str) -> str:
    """The text a person reads where the app built Markdown with ``ui.literal.markdown_literal``: AppTest sees
    the Markdown source, so resolve the backslash escapes and drop the word joiners (the app's own formatting,
    such as ``**Rating:**``, is left as it is)."""
    text = str(markdown).replace("  \n", "\n").replace("\u00a0", " ")
    return _ESCAPED.sub(r"\1", text).replace(WORD_JOINER, "")


def page_text(at: AppTest) -> str:
    """Every piece of text the main area shows (titles, headers, markdown, captions, alerts, metrics), with
    ``ui.literal``'s escapes resolved (see :func:`rendered`)."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        parts.extend(str(element.value) for element in getattr(at.main, kind))
    parts.extend(f"{m.label} {m.value}" for m in at.main.metric)
    return rendered("\n".join(parts))


def shows_no_data(at: AppTest) -> bool:
    """No table, chart, figure or download anywhere in the app."""
    return not (list(at.dataframe) or list(at.get("plotly_chart")) or list(at.metric) or list(at.table)
                or list(at.get("download_button")))
