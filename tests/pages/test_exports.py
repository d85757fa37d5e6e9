"""The Exports section on the Summary and the Action plan (issue 13): each role is offered exactly its
downloads, each file is made only when clicked, every download lands in the audit trail, and a refused one is
audited without the file being made."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader
from streamlit.runtime.media_file_manager import MediaFileManager

from access import writes
from access.people import Person
from access.permissions import NotAllowed, exports_for
from loaders.store import Store
from tests.pages.helpers import page_text

_ADD_DEFERRED = MediaFileManager.add_deferred
EMAILS = {"scrutiny": "scrutiny@example.org", "partner": "partner@example.org", "chair": "chair@example.org",
          "admin": "admin@example.org"}
ROLES_FILE = "".join(f'[users."{email}"]\nrole = "{role}"\n' for role, email in EMAILS.items())
PARTNER_LABELS = ["Meeting pack (PowerPoint)", "Meeting pack (PDF)", "Decisions log (CSV)", "Decisions log (Word)",
                  "Scrutiny report (Word)", "Public progress page (HTML)"]
SCRUTINY_LABELS = ["Scrutiny report (Word)", "Public progress page (HTML)"]


@pytest.fixture
def deferred(monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """File name -> the callable a download button runs when it is clicked."""
    registered: dict[str, object] = {}

    def add_deferred(self, data_callable, *args, **kwargs):
        registered[kwargs.get("file_name")] = data_callable
        return _ADD_DEFERRED(self, data_callable, *args, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    return registered


@pytest.fixture
def roles_file(tmp_path: Path) -> Path:
    path = tmp_path / "roles.toml"
    path.write_text(ROLES_FILE)
    return path


def _open_as(open_app, db: Path, roles_file: Path, role: str, page: str):
    return open_app(db, page, local=False, auth=True, roles=roles_file,
                    user={"is_logged_in": True, "email": EMAILS[role]})


def _buttons(at) -> list[str]:
    return [button.proto.label for button in at.get("download_button")]


def _last_audit(db: Path) -> tuple:
    with Store(db) as store:
        return store.rows("SELECT who, role, action, target, outcome, detail FROM audit_log "
                          "ORDER BY audit_id DESC LIMIT 1")[0]


@pytest.mark.parametrize("role", ["scrutiny", "partner", "chair", "admin"])
def test_each_role_is_offered_exactly_its_exports_on_the_summary(role, open_app, demo_db, roles_file):
    at = _open_as(open_app, demo_db, roles_file, role, "summary")
    labels = [label for label in _buttons(at) if label in PARTNER_LABELS]
    assert sorted(labels) == sorted(SCRUTINY_LABELS if role == "scrutiny" else PARTNER_LABELS)
    assert "Exports" in [h.value for h in at.header]
    assert all(button.proto.deferred_file_id for button in at.get("download_button")
               if button.proto.label in PARTNER_LABELS), "every export is made only when clicked"


def test_the_action_plan_offers_the_pack_and_a_click_makes_an_audited_pdf(open_app, demo_copy, roles_file,
                                                                         deferred):
    with Store(demo_copy) as store:
        before = store.scalar("SELECT count(*) FROM audit_log")
    at = _open_as(open_app, demo_copy, roles_file, "partner", "actions")
    assert sorted(label for label in _buttons(at) if label in PARTNER_LABELS) == sorted(PARTNER_LABELS)
    with Store(demo_copy) as store:
        assert store.scalar("SELECT count(*) FROM audit_log") == before  # showing the buttons made nothing
    [name] = [n for n in deferred if n.startswith("meeting-pack-") and n.endswith(".pdf")]

    data = deferred[name]()  # what the click runs
    pdf = PdfReader(io.BytesIO(data))
    assert len(pdf.pages) >= 4 and "Where the action plan stands" in pdf.pages[1].extract_text()
    who, role, action, target, outcome, detail = _last_audit(demo_copy)
    assert (who, role, action, target, outcome) == (EMAILS["partner"], "partner", "export", name, "done")
    assert detail == f"meeting pack: {len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()}"
    assert "Exports" in page_text(at)


def test_the_decisions_log_download_is_the_csv_the_command_line_writes(open_app, demo_copy, roles_file, deferred):
    _open_as(open_app, demo_copy, roles_file, "chair", "summary")
    [name] = [n for n in deferred if n.startswith("decisions-log-") and n.endswith(".csv")]
    data = deferred[name]()
    assert data.decode("utf-8-sig").splitlines()[0].startswith("Action,")
    assert _last_audit(demo_copy)[2:5] == ("export", name, "done")


@pytest.mark.parametrize("kind", ["meeting pack", "decisions log"])
def test_a_scrutiny_member_is_refused_the_unsuppressed_exports_and_the_refusal_is_audited(demo_copy, kind):
    person = Person("scrutiny@example.org", "scrutiny", None)
    assert kind not in exports_for(person)
    made: list[bool] = []
    with Store(demo_copy) as store, pytest.raises(NotAllowed, match=f"may not download the {kind}"):
        writes.export_download(store, person, kind, "x.file", lambda: made.append(True) or b"")
    assert not made, "a refused export is never made"
    assert _last_audit(demo_copy)[:5] == ("scrutiny@example.org", "scrutiny", "export", "x.file", "refused")


def test_a_scrutiny_member_downloads_the_suppressed_public_page_and_it_is_audited(open_app, demo_copy, roles_file,
                                                                                   deferred):
    _open_as(open_app, demo_copy, roles_file, "scrutiny", "summary")
    assert not [n for n in deferred if n.startswith(("meeting-pack-", "decisions-log-"))]
    [name] = [n for n in deferred if n.startswith("public-progress-")]
    html = deferred[name]().decode("utf-8")
    assert html.lstrip().lower().startswith("<!doctype html") and "<script" not in html.lower()
    assert "shown as <strong>c</strong>" in html or "shown as <b>c</b>" in html or ">c<" in html
    assert _last_audit(demo_copy)[:5] == (EMAILS["scrutiny"], "scrutiny", "export", name, "done")
    [report] = [n for n in deferred if n.startswith("scrutiny-report-")]
    document = Document(io.BytesIO(deferred[report]()))
    assert any(p.style.name.startswith(("Title", "Heading")) for p in document.paragraphs)
    assert _last_audit(demo_copy)[2:5] == ("export", report, "done")


def test_meeting_mode_keeps_the_action_plan_to_one_screen_without_the_exports(open_app, demo_db, roles_file):
    at = open_app(demo_db, "actions", local=False, auth=True, roles=roles_file,
                  user={"is_logged_in": True, "email": EMAILS["chair"]}, state={"meeting_mode": True})
    assert not [label for label in _buttons(at) if label in PARTNER_LABELS]
    assert "Exports" not in [h.value for h in at.header]
