"""The app itself: page config, the navigation built from the person's role, the sidebar, and running the page.

``dashboard.py`` calls :func:`main`. Every page starts with :func:`require`, which also covers a page file that
Streamlit runs *directly*: while no script run in the process has called ``st.navigation`` and a ``pages/``
folder sits beside the entry script, Streamlit serves a page's URL by running ``pages/<page>.py`` itself, with a
navigation of every file in the folder (its old multipage mode). The page then calls :func:`main` — whose
``st.navigation`` ends that mode for the process and registers only the person's pages — and stops, so what
is shown is exactly what ``dashboard.py`` would show for that URL. Public API only.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import streamlit as st

from access.pages import PAGES
from access.people import Person
from access.permissions import pages_for, sees_suppressed_only
from ui import gate
from ui.filters import draw_filters, meeting_mode
from ui.literal import markdown_literal
from ui.people import auth_mode, current_person, session_expired
from ui.store import store_available

ROOT = Path(__file__).resolve().parent.parent
# A local icon: a material icon as favicon would be fetched from an outside font server.
FAVICON = ROOT / "data" / "favicon.png"

# A container keyed ``PRINT_ONLY + name`` (class ``st-key-print-only-<name>``) is drawn on paper only: the print
# copy of what the screen keeps in an expander, which print hides.
PRINT_ONLY = "print-only-"
STYLE = """
<style>
@media not print { [class*="st-key-print-only-"] { display: none !important; } }
/* A date field's day, month and year are separate targets: at least 24 px each (WCAG 2.2, 2.5.8). */
[data-testid="stDateInput"] [role="spinbutton"] { display: inline-block; min-width: 24px; min-height: 24px;
  line-height: 24px; text-align: center; }
/* A rating chip in a narrow card wraps rather than cutting its words short. */
[data-testid="stMarkdownContainer"] span[class*="badge"], [data-testid="stMarkdownContainer"] p > span {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  max-width: none !important; height: auto !important; }
@media print {
  section[data-testid="stSidebar"], header[data-testid="stHeader"], [data-testid="stToolbar"],
  .stButton, .stDownloadButton, [data-testid="stExpander"], [data-testid="stSidebarCollapsedControl"],
  .stSelectbox, .stToggle, .stCheckbox, .stSelectSlider { display: none !important; }
  .main .block-container, [data-testid="stMainBlockContainer"] { max-width: 100% !important; padding: 0 !important; }
  /* Smaller on paper: rows of cards pack onto fewer A4 pages, and a chart drawn for the screen fits. */
  [data-testid="stMainBlockContainer"] { zoom: 0.8; }
  .js-plotly-plot, .stPlotlyChart { break-inside: avoid; }
  /* No card, metric or table splits across pages; help icons do nothing on paper. */
  [data-testid="stVerticalBlockBorderWrapper"], [data-testid="stMetric"], [data-testid="stMarkdownContainer"],
  .stDataFrame, [data-testid="stTable"], [data-testid="stHorizontalBlock"] { break-inside: avoid; }
  [data-testid="stTooltipIcon"], [data-testid="stTooltipHoverTarget"] svg, .stTooltipIcon { display: none !important; }
  h1, h2, h3 { break-after: avoid; }
}
</style>
"""


def print_page_style(title: str, day: str) -> str:
    """The printed page: A4, with the title and ``day`` at the top of every page and "Page n of m" at the foot
    (CSS page margin boxes, which Chromium draws in its own print and in a PDF alike)."""
    def quoted(text: str) -> str:
        return '"' + "".join(ch for ch in text if ch not in '"\\<>') + '"'
    return ("<style>@page { size: A4; margin: 16mm 12mm 16mm 12mm; "
            f"@top-left {{ content: {quoted(title)}; font: 9pt sans-serif; }} "
            f"@top-right {{ content: {quoted(day)}; font: 9pt sans-serif; }} "
            '@bottom-right { content: "Page " counter(page) " of " counter(pages); font: 9pt sans-serif; } }'
            "</style>")
MEETING_STYLE = """
<style>
/* Meeting mode, for a 1920x1080 projector: the sidebar and its filters fold away (the page's "Leave meeting
   mode" button is the way back), and everything read from the back of the room scales up, never down. */
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"] { display: none !important; }
[data-testid="stMainBlockContainer"] { padding-top: 3.5rem !important; padding-bottom: 1rem !important; }
[data-testid="stMainBlockContainer"] p, [data-testid="stMainBlockContainer"] li,
[data-testid="stMainBlockContainer"] td { font-size: 1.35rem !important; }
[data-testid="stMainBlockContainer"] h1 { font-size: 2.6rem !important; padding-top: 0 !important; }
[data-testid="stMainBlockContainer"] h2, [data-testid="stMainBlockContainer"] h3 { font-size: 2.2rem !important; }
[data-testid="stMainBlockContainer"] span.stMarkdownBadge { font-size: 2rem !important; padding: 0.1em 0.45em !important; }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] div { font-size: 3.4rem !important; }
[data-testid="stMetricLabel"] p, [data-testid="stMetricDelta"] div { font-size: 1.5rem !important; }
[data-testid="stMainBlockContainer"] input, [data-testid="stMainBlockContainer"] textarea,
[data-testid="stMainBlockContainer"] [data-baseweb="select"] div { font-size: 1.35rem !important; }
[data-testid="stMainBlockContainer"] .stDataFrame { zoom: 1.3; }
/* The way out sits in the top bar, out of the page's flow: the screen is for the content. */
.st-key-leave_meeting_mode { position: fixed; top: 0.55rem; right: 4.5rem; z-index: 999991; width: auto !important; }
</style>
"""


def _leave_meeting_mode() -> None:
    st.session_state["meeting_mode"] = False


def _meeting_exit() -> None:
    """Meeting mode hides the sidebar (its toggle with it), so every page offers the way out."""
    st.html(MEETING_STYLE)
    st.button("Leave meeting mode", key="leave_meeting_mode", on_click=_leave_meeting_mode,
              icon=":material/close_fullscreen:", help="Show the sidebar and its filters again")


_entry = threading.local()  # set while main() runs the chosen page (one script run per thread)


@contextmanager
def _through_main() -> Iterator[None]:
    _entry.active = True
    try:
        yield
    finally:
        _entry.active = False


def _gate_page(page, title: str):
    """A single hidden page shown instead of the dashboard (sign in, no access, not configured, busy)."""
    return st.navigation([st.Page(page, title=title, default=True)], position="hidden")


def _navigation(mode: str, person: Person | None):
    """The navigation for this person. It is built from their role: a page they may not see is never
    registered, so its URL shows nothing of it."""
    if mode == "none":
        return _gate_page(gate.not_configured, "Sign-in not configured")
    if person is None and (not st.user.get("is_logged_in") or session_expired()):
        return _gate_page(gate.sign_in, "Sign in")
    if person is None:
        return _gate_page(gate.no_access, "No access")
    if not store_available():
        return _gate_page(gate.store_busy, "Data store busy")
    allowed = set(pages_for(person))
    return st.navigation([st.Page(page.file, title=page.title, icon=page.icon, default=index == 0)
                          for index, page in enumerate(PAGES) if page.name in allowed])


def _sidebar(mode: str, person: Person, title: str) -> None:
    with st.sidebar:
        if mode == "local":
            st.warning("Local mode: no sign-in, you are the administrator. For use on this computer only.",
                       icon=":material/warning:")
        else:
            st.caption(f"Signed in as {markdown_literal(person.label)}")
            st.button("Sign out", on_click=st.logout, key="sign_out")
        page = next((p for p in PAGES if p.title == title), None)
        # Only the filters the page declares; scrutiny members see the Summary alone, which has none.
        if page is not None and not sees_suppressed_only(person):
            draw_filters(page.filters)


def main() -> None:
    """Everything ``dashboard.py`` does: page config, navigation, sidebar, then the chosen page."""
    st.set_page_config(page_title="Neglect outcomes dashboard", page_icon=str(FAVICON), layout="wide")
    mode, person = auth_mode(), current_person()
    st.html(STYLE)
    navigation = _navigation(mode, person)
    if person is not None and store_available():
        _sidebar(mode, person, navigation.title)
        if meeting_mode():
            _meeting_exit()
    with _through_main():
        navigation.run()


def require(page: str) -> Person:
    """A page's first line: the person, when their role includes ``page`` (the navigation already hides it).

    A page file run directly (see the module docstring) hands the run to :func:`main` and stops."""
    if not getattr(_entry, "active", False):
        main()
        st.stop()
    person = current_person()
    if person is None or page not in pages_for(person):
        st.error("You do not have access to this page.")
        st.stop()
    return person
