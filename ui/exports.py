"""The Exports section at the end of the Summary and the Action plan: the downloads the person's role may have
(``access.permissions.exports_for``) — a scrutiny member the scrutiny report and the public page, both
suppressed; a partner and above also the meeting pack and the decisions log.

Each file is made only when its button is clicked (``st.download_button`` with a callable, run outside the
script, so it uses no Streamlit calls), through ``access.writes.export_download``, which checks the role again
and records the download in the audit trail as "export"."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from access import writes
from access.people import Person
from access.permissions import SUPPRESSED_EXPORTS, exports_for
from loaders.store import Store
from ui.filters import meeting_mode
from ui.people import current_person
from ui.store import get_store


@dataclass(frozen=True)
class Download:
    kind: str  # an export in access.permissions.EXPORTS
    label: str
    suffix: str
    mime: str
    stem: str  # the file's name before its date


DOWNLOADS: tuple[Download, ...] = (
    Download("meeting pack", "Meeting pack (PowerPoint)", ".pptx",
             "application/vnd.openxmlformats-officedocument.presentationml.presentation", "meeting-pack"),
    Download("meeting pack", "Meeting pack (PDF)", ".pdf", "application/pdf", "meeting-pack"),
    Download("decisions log", "Decisions log (CSV)", ".csv", "text/csv", "decisions-log"),
    Download("decisions log", "Decisions log (Word)", ".docx",
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "decisions-log"),
    Download("scrutiny report", "Scrutiny report (Word)", ".docx",
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "scrutiny-report"),
    Download("public page", "Public progress page (HTML)", ".html", "text/html", "public-progress"),
)


def _written(write: Callable[[Path], object], name: str) -> bytes:
    """What a file writer (``reports.scrutiny``, ``reports.public``) writes, read back from a private scratch
    folder that is removed afterwards; ``public`` writes a folder holding index.html."""
    with tempfile.TemporaryDirectory(prefix="export-") as folder:
        target = Path(folder) / name
        written = write(target)
        path = Path(written) if written else target
        return (path / "index.html" if path.is_dir() else path).read_bytes()


def export_bytes(store: Store, download: Download, meeting_date: dt.date | None = None) -> bytes:
    """The file for ``download``, made now from the store (the same content the command line writes)."""
    if download.kind == "decisions log":
        from reports.decisions import decisions_bytes
        return decisions_bytes(store, download.suffix)
    from reports.content import build_content
    content = build_content(store, suppressed=download.kind in SUPPRESSED_EXPORTS, meeting_date=meeting_date)
    if download.kind == "meeting pack":
        from reports.pack import build_pack, pack_bytes
        return pack_bytes(build_pack(content), download.suffix)
    if download.kind == "scrutiny report":
        from reports.scrutiny import write_scrutiny
        return _written(lambda out: write_scrutiny(content, out), "report.docx")
    from reports.public import write_public
    return _written(lambda out: write_public(content, out), "public")


def _make(store: Store, person: Person, download: Download, name: str, meeting_date: dt.date | None):
    return lambda: writes.export_download(store, person, download.kind, name,
                                          lambda: export_bytes(store, download, meeting_date))


def exports_section() -> None:
    """The section itself: one line at the end of a page."""
    person = current_person()
    # Meeting mode is one action per screen, without scrolling: the downloads wait until it is switched off.
    if person is None or meeting_mode():
        return
    allowed = exports_for(person)
    offered = [d for d in DOWNLOADS if d.kind in allowed]
    st.header("Exports")
    st.markdown("Reports made from the same figures, ratings and wording as these pages. Each file is made when "
                "you click, and each download is recorded in the audit trail."
                + (" Figures based on 1 to 5 children show as **c**." if set(allowed) <= set(SUPPRESSED_EXPORTS) else ""))
    meeting_date = None
    if "meeting pack" in allowed:
        meeting_date = st.date_input("Meeting date (for the meeting pack)", value=None, format="DD/MM/YYYY",
                                     key="export_meeting_date")
    store, today = get_store(), dt.date.today()
    columns = st.columns(3)
    for index, download in enumerate(offered):
        name = f"{download.stem}-{today:%Y-%m-%d}{download.suffix}"
        columns[index % 3].download_button(
            download.label, data=_make(store, person, download, name, meeting_date), file_name=name,
            mime=download.mime, on_click="ignore", key=f"export-{download.stem}{download.suffix}",
            icon=":material/download:", width="stretch")
