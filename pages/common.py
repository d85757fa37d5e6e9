"""What every page shares: the store, cached reads, the shared filters, and the chart block
(chart, "view as table", CSV download). Layout helpers only: no SQL here."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from access import writes
from access.people import LOCAL_ADMIN, Person
from access.permissions import check_audit_trail, pages_for
from access.roles import load_roles
from charts.export import safe_csv
from loaders.audit import audit_trail
from loaders.periods import Quarter
from loaders.status import latest_submissions, row_counts
from loaders.store import Store, StoreBusyError, default_db_path
from loaders.submit import submission_history
from metrics.brag import rate_actions
from metrics.compute import all_metrics, compute_all
from metrics.decisions import decision_history
from ui.literal import markdown_literal
from ui.tables import show_table

ALL_AGENCIES = "All agencies"


@st.cache_resource(show_spinner=False)
def _open_store(path: str) -> Store:
    return Store(path)


def get_store() -> Store:
    """This process's one connection to the database named by ``DASHBOARD_DB``."""
    return _open_store(str(default_db_path()))


def store_available() -> bool:
    """Whether this process holds the database. False while another process (a load from the command line)
    has it open: nothing is cached then, so the next visit tries again."""
    try:
        get_store()
    except StoreBusyError:
        return False
    return True


def _db() -> str:
    return str(get_store().path)


@st.cache_data(show_spinner=False)
def _metric_values(db: str) -> pd.DataFrame:
    return compute_all(get_store())


@st.cache_data(show_spinner=False)
def _ratings(db: str) -> pd.DataFrame:
    return rate_actions(get_store(), values=_metric_values(db))


@st.cache_data(show_spinner=False)
def _decisions(db: str) -> pd.DataFrame:
    return decision_history(get_store())


@st.cache_data(show_spinner=False)
def _history(db: str) -> pd.DataFrame:
    return submission_history(get_store())


@st.cache_data(show_spinner=False)
def _freshness(db: str) -> pd.DataFrame:
    return latest_submissions(get_store())


@st.cache_data(show_spinner=False)
def _counts(db: str) -> pd.DataFrame:
    return row_counts(get_store())


@st.cache_data(show_spinner=False)
def _metrics(db: str) -> dict:
    return {m.id: m for m in all_metrics(get_store())}


def metric_values() -> pd.DataFrame:
    """Every metric value: metric, period, group, value, numerator, denominator."""
    return _metric_values(_db())


def ratings() -> pd.DataFrame:
    return _ratings(_db())


def decisions() -> pd.DataFrame:
    return _decisions(_db())


def history() -> pd.DataFrame:
    return _history(_db())


def freshness() -> pd.DataFrame:
    return _freshness(_db())


def counts() -> pd.DataFrame:
    return _counts(_db())


def metrics_registry() -> dict:
    """Metric id -> Metric, including the audit themes found in the data."""
    return _metrics(_db())


def data_changed() -> None:
    """Call after every load, withdrawal or decision: every page reads afresh."""
    st.cache_data.clear()


# --- shared filters ---------------------------------------------------------------------------

def quarters_available() -> list[str]:
    values = metric_values()
    if values.empty:
        return []
    return sorted(set(values["period"]), key=lambda label: Quarter.parse(label).index)


def period_range() -> tuple[str, str] | None:
    """The quarters chosen in the sidebar (first, last), or None when there is no data."""
    quarters = quarters_available()
    if not quarters:
        return None
    chosen = st.session_state.get("period_range")
    if not chosen or chosen[0] not in quarters or chosen[1] not in quarters:
        return quarters[0], quarters[-1]
    return chosen[0], chosen[1]


def agency_filter() -> str | None:
    agency = st.session_state.get("agency_filter", ALL_AGENCIES)
    return None if agency in (None, ALL_AGENCIES) else agency


def in_range(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of a metric frame inside the chosen quarters."""
    chosen = period_range()
    if chosen is None or frame.empty:
        return frame
    first, last = Quarter.parse(chosen[0]).index, Quarter.parse(chosen[1]).index
    index = frame["period"].map(lambda label: Quarter.parse(label).index)
    return frame[(index >= first) & (index <= last)]


def series(metric_id: str, *, by_group: bool = False, agency: str | None = None) -> pd.DataFrame:
    """One metric's rows within the chosen quarters: overall, all groups, or one agency's."""
    values = metric_values()
    rows = values[values["metric"] == metric_id]
    if agency:
        rows = rows[rows["group"] == agency]
    elif by_group:
        rows = rows[rows["group"].notna()]
    else:
        rows = rows[rows["group"].isna()]
    return in_range(rows).reset_index(drop=True)


# --- display pieces ---------------------------------------------------------------------------

def meeting_scale() -> float:
    return 1.5 if st.session_state.get("meeting_mode") else 1.0


def chart_block(fig: go.Figure, data: pd.DataFrame, name: str, *, caption: str | None = None) -> None:
    """A chart, its data as a table, and a CSV download of exactly that data. ``caption`` is plain text."""
    # theme=None keeps our own colours: Streamlit's chart theme greys axis text below AA contrast.
    st.plotly_chart(fig, key=f"chart-{name}", config={"displaylogo": False}, theme=None)
    if caption:  # plain text, often naming themes or actions from the returns
        st.caption(markdown_literal(caption))
    with st.expander("View as table"):
        show_table(data)
    st.download_button(
        "Download CSV", safe_csv(data), file_name=f"{name}.csv", mime="text/csv", key=f"csv-{name}",
        help="The data behind this chart",
    )


def empty_state(what: str) -> None:
    st.info(f"No data yet. {what} Managers can load returns on the **Upload** page.", icon=":material/upload_file:")


def tidy(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """Keep and rename columns for a table or CSV a person reads."""
    return frame[list(columns)].rename(columns=columns).reset_index(drop=True)



# --- who is looking -----------------------------------------------------------------------------

def auth_mode() -> str:
    """``local`` (DASHBOARD_LOCAL=1: no sign-in, the person is admin), ``oidc`` (``[auth]`` in secrets)
    or ``none`` (neither: the app shows no data)."""
    if os.environ.get("DASHBOARD_LOCAL") == "1":
        return "local"
    try:
        configured = "auth" in st.secrets
    except (FileNotFoundError, StreamlitSecretNotFoundError):
        configured = False
    return "oidc" if configured else "none"


def _claims() -> list[str]:
    claims: list[str] = []
    for name in ("groups", "roles"):
        value = st.user.get(name)
        if isinstance(value, str):
            claims.append(value)
        elif isinstance(value, (list, tuple)):
            claims.extend(str(v) for v in value)
    return claims


def escape_markdown(text: str) -> str:
    """Text from outside (names, e-mails) shown as itself, never as formatting or a link (see ``ui.literal``)."""
    return markdown_literal(text)


def signed_in_id() -> str | None:
    """The signed-in account: the e-mail claim, else the account name (Entra accounts may lack ``email``).
    An e-mail the provider says it has not verified (e.g. some guest accounts) is not trusted."""
    if st.user.get("email_verified") is False:
        return st.user.get("preferred_username")
    return st.user.get("email") or st.user.get("preferred_username")


def session_expired() -> bool:
    """Streamlit keeps its identity cookie for 30 days and never asks the provider again: a sign-in older
    than ``DASHBOARD_MAX_SESSION_HOURS`` (default 12) must be made again, so a leaver loses access."""
    issued = st.user.get("iat")
    if not st.user.get("is_logged_in") or not issued:
        return False
    hours = float(os.environ.get("DASHBOARD_MAX_SESSION_HOURS") or 12)
    return time.time() - float(issued) > hours * 3600


def current_person() -> Person | None:
    """The person using the app, with their role from the roles file; None when nobody with a role is signed in."""
    mode = auth_mode()
    if mode == "local":
        return LOCAL_ADMIN
    if mode == "oidc" and st.user.get("is_logged_in") and not session_expired():
        return load_roles().person(signed_in_id(), _claims(), st.user.get("name"))
    return None


_entry = threading.local()


@contextmanager
def entry_script() -> Iterator[None]:
    """Marks a script run that went through ``dashboard.py`` (and so through its role-built navigation)."""
    _entry.active = True
    try:
        yield
    finally:
        _entry.active = False


def _never_run_pages_directly() -> None:
    # Streamlit runs a file in pages/ directly, with a navigation of every file in the folder, until the
    # first st.navigation call in the process. Turn that off as soon as any page is imported.
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # pragma: no cover - a Streamlit without the v1 pages folder behaviour
        return
    PagesManager.uses_pages_directory = False


_never_run_pages_directly()


def require(page: str) -> Person:
    """Stop the page unless the person's role includes it (the navigation already hides it).

    A page run without the entry script (a deep link served before the navigation existed) is rerun
    through ``dashboard.py``, so the role-built navigation decides."""
    if not getattr(_entry, "active", False):
        _never_run_pages_directly()
        st.rerun()
    person = current_person()
    if person is None or page not in pages_for(person):
        st.error("You do not have access to this page.")
        st.stop()
    return person


def record_decision_as(person: Person, action_id: str, status: str, note: str, by: str, on) -> int:
    return writes.decide(get_store(), person, action_id, status, note, by, on)


def audit_rows(person: Person, **filters) -> pd.DataFrame:
    check_audit_trail(person)
    return audit_trail(get_store(), **filters)
