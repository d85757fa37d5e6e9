"""Who sees what (issue 5), through AppTest with ``at.user`` and an OpenID Connect ``[auth]`` configuration,
and every write called directly as each role: allowed ones work, the others are refused, change nothing and
are audited. Nothing in the app can edit or delete the audit trail."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from access import writes
from access.people import ROLES, Person
from access.permissions import NotAllowed, check_audit_trail, pages_for, upload_agency
from access.roles import load_roles
from loaders.audit import audit_trail
from loaders.store import Store
from loaders.submit import Prepared, prepare, pseudonymiser_for
from metrics.decisions import decision_history
from tests.pages.helpers import PAGE_FILES, TITLES, page_text, rendered, shows_no_data, table_snapshot
from tests.spreadsheets import VALID_ROW, dataset_rows, write_xlsx
from ui.literal import markdown_literal as escape_markdown

ROOT = Path(__file__).resolve().parents[2]
EMAIL = {
    "scrutiny": "scrutiny@example.org",
    "partner": "partner@example.org",
    "manager": "police.manager@example.org",
    "chair": "chair@example.org",
    "admin": "admin@example.org",
}
CONTACT = "the partnership business unit (lscp@example.org)"
ROLES_FILE = f'''
contact = "{CONTACT}"
[users."scrutiny@example.org"]
role = "scrutiny"
[users."partner@example.org"]
role = "partner"
[users."Police.Manager@example.org"]
role = "manager"
agency = "police"
[users."chair@example.org"]
role = "chair"
[users."admin@example.org"]
role = "admin"
[groups."LSCP-Health-Managers"]
role = "manager"
agency = "NHS"
'''
ALLOWED_PAGES = {
    "scrutiny": {"summary"},
    "partner": {"summary", "actions", "mash", "training", "audits", "compare", "about"},
    "manager": {"summary", "actions", "mash", "training", "audits", "compare", "about", "upload"},
    "chair": {"summary", "actions", "mash", "training", "audits", "compare", "about"},
    "admin": set(TITLES),
}
FORBIDDEN = [(role, page) for role in ROLES for page in TITLES if page not in ALLOWED_PAGES[role]]


@pytest.fixture
def roles_file(tmp_path: Path) -> Path:
    path = tmp_path / "roles.toml"
    path.write_text(ROLES_FILE)
    return path


@pytest.fixture
def people(roles_file: Path) -> dict[str, Person]:
    """Each role's person, as the roles file makes them."""
    roles = load_roles(roles_file)
    return {role: roles.person(EMAIL[role]) for role in ROLES}


def _signed_in(role_or_email: str) -> dict:
    return {"is_logged_in": True, "email": EMAIL.get(role_or_email, role_or_email)}


def _titles(at) -> list[str]:
    return [t.value for t in at.title]


# --- the navigation, page by page ---------------------------------------------------------------

def test_the_roles_file_gives_each_person_their_role_and_agency(people):
    assert {role: (p.role, p.agency) for role, p in people.items()} == {
        "scrutiny": ("scrutiny", None), "partner": ("partner", None), "manager": ("manager", "Police"),
        "chair": ("chair", None), "admin": ("admin", None)}
    assert {role: set(pages_for(p)) for role, p in people.items()} == ALLOWED_PAGES


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_its_pages(role, open_app, demo_db, roles_file):
    at = open_app(demo_db, local=False, auth=True, roles=roles_file, user=_signed_in(role))
    assert _titles(at) == [TITLES["summary"]]
    agency = ", Police" if role == "manager" else ""
    assert [rendered(c.value) for c in at.sidebar.caption] == [f"Signed in as {EMAIL[role]} ({role}{agency})"]
    assert [b.key for b in at.sidebar.button] == ["sign_out"]
    assert not at.sidebar.warning   # the local-mode banner is for local mode only
    filters = [w.key for w in (*at.sidebar.select_slider, *at.sidebar.selectbox, *at.sidebar.toggle)]
    # The Summary declares only meeting mode (its figures ignore the quarter and agency filters).
    assert filters == ([] if role == "scrutiny" else ["meeting_mode"])

    for page, path in PAGE_FILES.items():
        if page not in ALLOWED_PAGES[role]:
            with pytest.raises(ValueError, match="Could not find a navigation page"):
                at.switch_page(path)   # not registered for this person
            continue
        at.switch_page(path).run()
        assert not at.exception, (page, [e.message for e in at.exception])
        assert _titles(at) == [TITLES[page]], page
        assert "You do not have access to this page." not in [e.value for e in at.main.error]
        if page == "actions":   # only a chair or an administrator records decisions
            assert bool(at.form_submit_button) == (role in ("chair", "admin"))
        if page == "upload":    # only an administrator chooses the agency
            assert [s.key for s in at.selectbox if s.key == "upload_agency"] == (["upload_agency"] if role == "admin"
                                                                                  else [])


@pytest.mark.parametrize(("role", "page"), FORBIDDEN)
def test_a_forbidden_page_url_shows_nothing_of_that_page(role, page, open_app, demo_db, roles_file):
    """Opening the URL of a page the person may not see runs the person's own default page instead."""
    at = open_app(demo_db, page, local=False, auth=True, roles=roles_file, user=_signed_in(role))
    assert _titles(at) == [TITLES["summary"]]
    assert not at.file_uploader and not at.form_submit_button and not at.text_input
    assert not [e for e in at.expander if " · " in e.label]   # no action of the action plan


@pytest.mark.parametrize("page", list(TITLES))
def test_local_mode_is_the_administrator_with_a_banner_on_every_page(page, open_app, demo_db):
    at = open_app(demo_db, page)
    assert _titles(at) == [TITLES[page]]
    assert [w.value for w in at.sidebar.warning] == [
        "Local mode: no sign-in, you are the administrator. For use on this computer only."]


def test_signed_in_without_a_role_sees_only_whom_to_ask(open_app, demo_db, roles_file):
    for page in (None, "summary", "upload"):
        at = open_app(demo_db, page, local=False, auth=True, roles=roles_file, user=_signed_in("stranger@example.org"))
        assert _titles(at) == ["You do not have access yet"]
        assert [m.value for m in at.markdown] == [
            "You are signed in as:",
            f"You have not been given a role on this dashboard. Ask {escape_markdown(CONTACT)} to add you."]
        assert [t.value for t in at.text] == ["stranger@example.org"]
        assert [b.key for b in at.button] == ["sign_out_no_access"]
        assert shows_no_data(at) and not at.sidebar.children
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(PAGE_FILES["summary"])


def test_a_group_claim_gives_its_role_and_agency(open_app, demo_db, roles_file):
    user = {**_signed_in("nurse@example.org"), "groups": ["All staff", "LSCP-Health-Managers"]}
    at = open_app(demo_db, "upload", local=False, auth=True, roles=roles_file, user=user)
    assert _titles(at) == [TITLES["upload"]]
    assert "Submitting agency: **Health** (your uploads are always recorded under your own agency)" in page_text(at)


@pytest.mark.parametrize("page", [None, "summary", "mash"])
def test_not_signed_in_sees_only_the_sign_in_page(page, open_app, demo_db, roles_file):
    at = open_app(demo_db, page, local=False, auth=True, roles=roles_file, user={"is_logged_in": False})
    assert _titles(at) == ["Neglect outcomes dashboard"]
    assert [(b.key, b.label) for b in at.button] == [("sign_in", "Sign in")]
    assert shows_no_data(at) and not at.sidebar.children


@pytest.mark.parametrize(("hours_ago", "signed_in"), [(11.5, True), (12.5, False)])
def test_a_sign_in_older_than_the_maximum_session_must_be_made_again(hours_ago, signed_in, open_app, demo_db,
                                                                      roles_file):
    # Streamlit's identity cookie lasts 30 days; the dashboard asks for a new sign-in after 12 hours.
    user = {**_signed_in("partner"), "iat": int(time.time() - hours_ago * 3600)}
    at = open_app(demo_db, local=False, auth=True, roles=roles_file, user=user)
    if signed_in:
        assert _titles(at) == [TITLES["summary"]]
    else:
        assert _titles(at) == ["Neglect outcomes dashboard"]
        assert [i.value for i in at.info] == ["Your session has expired. Sign in again to carry on."]
        assert [(b.key, b.label) for b in at.button] == [("sign_in", "Sign in")]
        assert shows_no_data(at)


def test_an_account_without_an_email_claim_is_named_by_its_account_name(open_app, demo_db, roles_file):
    user = {"is_logged_in": True, "preferred_username": "[someone](http://example.invalid)@example.org"}
    at = open_app(demo_db, local=False, auth=True, roles=roles_file, user=user)
    assert _titles(at) == ["You do not have access yet"]
    assert [t.value for t in at.text] == ["[someone](http://example.invalid)@example.org"]


def test_an_unverified_email_claim_does_not_give_that_address_its_role(open_app, demo_db, roles_file):
    user = {**_signed_in("admin"), "email_verified": False, "preferred_username": "guest#EXT#@example.org"}
    at = open_app(demo_db, local=False, auth=True, roles=roles_file, user=user)
    assert _titles(at) == ["You do not have access yet"]


@pytest.mark.parametrize("page", [None, "summary", "upload", "audit_trail"])
def test_neither_local_mode_nor_sign_in_shows_no_data(page, open_app, demo_db, roles_file):
    # Even a person who would be an administrator sees nothing while sign-in is not configured.
    at = open_app(demo_db, page, local=False, auth=False, roles=roles_file, user=_signed_in("admin"))
    assert _titles(at) == ["Sign-in is not configured"]
    assert shows_no_data(at) and not at.button and not at.sidebar.children
    assert "DASHBOARD_LOCAL=1" in page_text(at)


def test_a_page_url_opened_first_on_a_fresh_server_goes_through_the_entry_script(
        open_app, demo_db, roles_file):
    """On a server's first script run Streamlit runs ``pages/<page>.py`` directly (its pages-folder mode; AppTest
    makes every run such a first run): the page must still end up behind ``dashboard.py``'s navigation, for the
    right person."""
    at = open_app(demo_db, "mash", local=False, auth=True, roles=roles_file, user=_signed_in("partner"))
    assert _titles(at) == [TITLES["mash"]]
    assert [b.key for b in at.sidebar.button] == ["sign_out"]
    at = open_app(demo_db, "mash", local=False, auth=True, roles=roles_file, user=_signed_in("scrutiny"))
    assert _titles(at) == [TITLES["summary"]]


# --- every write, as every role -----------------------------------------------------------------

def _prepared(store: Store, folder: Path, name: str, dataset: str, rows: list[dict], agency: str) -> Prepared:
    path = write_xlsx(folder / name, {dataset: dataset_rows(dataset, rows)})
    return prepare(path, pseudonymiser_for(store), display_name=name, agency=agency)


def _contacts_file(store: Store, folder: Path, name: str, child: str, agency: str = "Police") -> Prepared:
    return _prepared(store, folder, name, "contacts", [{**VALID_ROW["contacts"], "child_key": child}], agency)


def _last_audit(store: Store) -> tuple:
    return store.rows("SELECT who, role, agency, action, target, outcome, detail FROM audit_log "
                      "ORDER BY audit_id DESC LIMIT 1")[0]


def _refused(store: Store, person: Person, write: Callable[[], object], action: str, target: str, message: str):
    before = table_snapshot(store)
    audit_rows = store.scalar("SELECT count(*) FROM audit_log")
    with pytest.raises(NotAllowed) as refused:
        write()
    assert str(refused.value) == message
    assert table_snapshot(store) == before
    assert store.scalar("SELECT count(*) FROM audit_log") == audit_rows + 1
    assert _last_audit(store) == (person.email, person.role, person.agency, action, target, "refused", message)


@pytest.mark.parametrize("role", ROLES)
def test_every_write_as_every_role(role, people, demo_copy, tmp_path):
    person, admin = people[role], people["admin"]
    email = person.email
    with Store(demo_copy) as store:
        police = writes.upload(store, admin, _contacts_file(store, tmp_path, "police-q1.xlsx", "SYN-P-1"))
        assert (police.status, police.agency) == ("accepted", "Police")
        council = store.scalar("SELECT min(submission_id) FROM submissions WHERE agency = 'Children''s social care'")

        # A decision on an action (chair and administrator).
        decide = lambda: writes.decide(store, person, "1.5", "Agreed complete", "Agreed at the meeting", "Chair")  # noqa: E731
        if role in ("chair", "admin"):
            decision = decide()
            assert decision_history(store, "1.5")["decision_id"].tolist() == [decision]
            assert _last_audit(store)[:6] == (email, role, None, "decision", "1.5", "done")
        else:
            _refused(store, person, decide, "decision", "1.5", f"{email} ({role}) may not record decisions on actions")

        # An upload of a Police return (Police's manager and the administrator).
        new = _contacts_file(store, tmp_path, "police-q2.xlsx", "SYN-P-2")
        if role in ("manager", "admin"):
            report = writes.upload(store, person, new)
            assert report.status == "accepted"
            assert store.rows("SELECT agency, uploaded_by FROM submissions WHERE submission_id = ?",
                              [report.submission_id]) == [("Police", email)]
            assert _last_audit(store)[:6] == (email, role, person.agency, "upload", str(report.submission_id),
                                              "accepted")
        else:
            _refused(store, person, lambda: writes.upload(store, person, new), "upload", "police-q2.xlsx",
                     f"{email} ({role}) may not upload returns")

        # Withdrawing Police's submission (Police's manager and the administrator).
        pulled = lambda: writes.withdraw_submission(store, person, police.submission_id)  # noqa: E731
        if role in ("manager", "admin"):
            assert pulled()["withdrawn_by"] == email
            assert _last_audit(store)[:6] == (email, role, person.agency, "withdraw", str(police.submission_id),
                                              "done")
        else:
            _refused(store, person, pulled, "withdraw", str(police.submission_id),
                     f"{email} ({role}) may not withdraw submissions")

        # Withdrawing the council's submission (the administrator only).
        pulled = lambda: writes.withdraw_submission(store, person, council)  # noqa: E731
        if role == "admin":
            assert pulled()["agency"] == "Children's social care"
        else:
            message = (f"{email} may withdraw only Police's submissions, not Children's social care's"
                       if role == "manager" else f"{email} ({role}) may not withdraw submissions")
            _refused(store, person, pulled, "withdraw", str(council), message)

        # Loading the action plan (the administrator only).
        plan = _prepared(store, tmp_path, "plan.xlsx", "actions", [VALID_ROW["actions"]], "Safeguarding partnership")
        if role == "admin":
            report = writes.upload(store, person, plan)
            assert report.status == "accepted"
            assert store.rows("SELECT action_id FROM actions WHERE is_current") == [("1.1",)]
            assert _last_audit(store)[3:6] == ("action plan load", str(report.submission_id), "accepted")
        else:
            message = ("only an administrator may load the action plan" if role == "manager"
                       else f"{email} ({role}) may not upload returns")
            _refused(store, person, lambda: writes.upload(store, person, plan), "action plan load", "plan.xlsx", message)

        # Reading the audit trail (the administrator only).
        if role == "admin":
            check_audit_trail(person)
        else:
            with pytest.raises(NotAllowed):
                check_audit_trail(person)


def test_a_manager_uploads_only_under_their_own_agency(people, demo_copy, tmp_path):
    manager = people["manager"]
    assert upload_agency(manager, "Health") == "Police"
    assert upload_agency(people["admin"], "Health") == "Health"
    with Store(demo_copy) as store:
        # Another agency's return, prepared behind the page's back, is refused inside the write itself.
        health = _contacts_file(store, tmp_path, "health.xlsx", "SYN-H-1", agency="Health")
        _refused(store, manager, lambda: writes.upload(store, manager, health), "upload", "health.xlsx",
                 "police.manager@example.org may upload only for Police, not Health")
        # Whatever was chosen, the page prepares the file under the manager's agency.
        chosen = _contacts_file(store, tmp_path, "chosen.xlsx", "SYN-H-2", agency=upload_agency(manager, "Health"))
        report = writes.upload(store, manager, chosen)
        assert store.rows("SELECT agency FROM submissions WHERE submission_id = ?", [report.submission_id]) == [
            ("Police",)]


def test_a_managers_upload_page_records_their_agency_and_lists_only_their_submissions(open_app, demo_copy, roles_file,
                                                                                     tmp_path):
    path = write_xlsx(tmp_path / "police.xlsx", {"Contacts": dataset_rows("contacts", [VALID_ROW["contacts"]])})
    at = open_app(demo_copy, "upload", local=False, auth=True, roles=roles_file, user=_signed_in("manager"),
                  state={"upload_agency": "Health"})   # a stale or forged choice of agency
    assert "Submitting agency: **Police** (your uploads are always recorded under your own agency)" in page_text(at)
    assert not [s for s in at.selectbox if s.key == "upload_agency"]
    assert not [s for s in at.selectbox if s.key == "withdraw_choice"]   # nothing of Police's to withdraw yet
    at.file_uploader(key="upload_files").set_value(("police.xlsx", path.read_bytes(), "application/octet-stream"))
    at.run()
    at.button(key="confirm_load").click().run()
    assert not at.exception
    [message] = [rendered(s.value) for s in at.main.success]
    submission = int(re.search(r"loaded as submission (\d+)", message).group(1))
    with Store(demo_copy) as store:
        assert store.rows("SELECT agency, uploaded_by FROM submissions WHERE submission_id = ?", [submission]) == [
            ("Police", "police.manager@example.org")]
    at.file_uploader(key="upload_files").clear()
    at.run()
    options = [rendered(o) for o in at.selectbox(key="withdraw_choice").options]
    assert len(options) == 1 and options[0].startswith(f"{submission}: police.xlsx (Police, ")


# --- the audit trail ----------------------------------------------------------------------------

def test_the_audit_trail_page_shows_every_kind_of_write_to_the_administrator(open_app, people, demo_copy, roles_file,
                                                                            tmp_path):
    admin, partner, chair = people["admin"], people["partner"], people["chair"]
    with Store(demo_copy) as store:
        first = _contacts_file(store, tmp_path, "police.xlsx", "SYN-P-1")
        upload = writes.upload(store, admin, first)
        again = prepare(tmp_path / "police.xlsx", pseudonymiser_for(store), agency="Police")
        assert writes.upload(store, admin, again).status == "duplicate"
        with pytest.raises(NotAllowed):
            writes.upload(store, partner, _contacts_file(store, tmp_path, "sneaky.xlsx", "SYN-P-9"))
        writes.withdraw_submission(store, admin, upload.submission_id)
        writes.decide(store, chair, "1.2", "In progress", "Step-down plans are being piloted", "Chair")

    at = open_app(demo_copy, "audit_trail", local=False, auth=True, roles=roles_file, user=_signed_in("admin"))
    assert _titles(at) == [TITLES["audit_trail"]]
    [table] = [t.value for t in at.dataframe]
    newest = table.head(5)[["Who", "Action", "What it acted on", "Outcome"]].to_records(index=False).tolist()
    assert newest == [
        ("chair@example.org", "decision", "1.2", "done"),
        ("admin@example.org", "withdraw", str(upload.submission_id), "done"),
        ("partner@example.org", "upload", "sneaky.xlsx", "refused"),
        ("admin@example.org", "upload", str(upload.submission_id), "duplicate"),
        ("admin@example.org", "upload", str(upload.submission_id), "accepted"),
    ]
    assert {"upload", "action plan load"} <= set(table["Action"])   # the demo's own loads are there too
    with Store(demo_copy) as store:
        assert len(table) == len(audit_trail(store))

    at.selectbox(key="audit_outcome").set_value("refused").run()
    [table] = [t.value for t in at.dataframe]
    assert table[["Who", "Outcome"]].to_records(index=False).tolist() == [("partner@example.org", "refused")]
    at.selectbox(key="audit_outcome").set_value("").run()
    at.text_input(key="audit_who").input("chair@example.org").run()
    [table] = [t.value for t in at.dataframe]
    assert table["Action"].tolist() == ["decision"]
    # Read only: filters, and nothing that could change a row.
    assert not at.get("data_editor") and not at.main.button


AUDIT_WRITE = re.compile(r"\b(UPDATE|DELETE\s+FROM|TRUNCATE(\s+TABLE)?|DROP\s+TABLE(\s+IF\s+EXISTS)?|ALTER\s+TABLE"
                         r"|INSERT\s+OR\s+REPLACE\s+INTO)\s+\"?audit_log\b", re.IGNORECASE)


def test_nothing_in_the_app_can_edit_or_delete_the_audit_trail():
    sources = [ROOT / "dashboard.py", *(p for folder in ("access", "pages", "loaders", "metrics")
                                         for p in sorted((ROOT / folder).rglob("*.py")))]
    assert len(sources) > 30
    offending = [(str(p.relative_to(ROOT)), " ".join(m.group(0).split())) for p in sources
                 for m in AUDIT_WRITE.finditer(p.read_text())]
    # The one exception is migration 4, which adds the hash columns and fills them (only where empty) for rows
    # written before the chain existed; nothing else calls the function that fills them.
    # Migration 4 also withholds, before chaining, file content that earlier releases wrote into details.
    assert offending == [("loaders/audit.py", "UPDATE audit_log"), ("loaders/store.py", "ALTER TABLE audit_log"),
                         ("loaders/store.py", "ALTER TABLE audit_log"), ("loaders/store.py", "UPDATE audit_log")]
    callers = [str(p.relative_to(ROOT)) for p in sources if "chain_existing(" in p.read_text()]
    assert callers == ["loaders/audit.py", "loaders/store.py"]
    # The pattern does find what it is looking for.
    for statement in ("UPDATE audit_log SET who = 'x'", "delete from  audit_log", 'TRUNCATE "audit_log"',
                      "DROP TABLE IF EXISTS audit_log"):
        assert AUDIT_WRITE.search(statement), statement
    # The only statement that writes to it appends.
    writers = [p for p in sources if re.search(r"INTO\s+audit_log", p.read_text(), re.IGNORECASE)]
    assert [str(p.relative_to(ROOT)) for p in writers] == ["loaders/audit.py"]
