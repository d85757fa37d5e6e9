"""The upload journey through AppTest's file uploader, in local mode (the person is the administrator):
a valid return is previewed, then loaded only when confirmed; an invalid one shows every error by sheet,
row and column and cannot be loaded; the same file again changes nothing; a withdrawal needs confirming."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.errors import AppTestError

from loaders.store import Store
from tests.pages.helpers import table_snapshot
from tests.spreadsheets import VALID_ROW, dataset_rows, write_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TODAY = dt.date.today().strftime("%d/%m/%Y")


def _contacts(*changes: dict) -> list[dict]:
    return [{**VALID_ROW["contacts"], **change} for change in changes]


@pytest.fixture
def good_file(tmp_path: Path) -> bytes:
    rows = _contacts({"child_key": "SYN-C-001"},
                     {"child_key": "SYN-C-002", "contact_date": dt.date(2025, 4, 4), "decision_date": dt.date(2025, 4, 7)},
                     {"child_key": "SYN-C-003", "contact_date": dt.date(2025, 4, 5), "decision_date": dt.date(2025, 4, 7)})
    return write_xlsx(tmp_path / "contacts.xlsx", {"Contacts": dataset_rows("contacts", rows)}).read_bytes()


@pytest.fixture
def bad_file(tmp_path: Path) -> bytes:
    rows = _contacts({"child_key": "SYN-C-010"},
                     {"child_key": "SYN-C-011", "contact_date": "31/02/2025"},
                     {"child_key": "SYN-C-012", "decision_date": "soon"})
    return write_xlsx(tmp_path / "bad.xlsx", {"Contacts": dataset_rows("contacts", rows)}).read_bytes()


def _choose(at: AppTest, name: str, content: bytes) -> AppTest:
    at.file_uploader(key="upload_files").set_value((name, content, XLSX))
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _table(at: AppTest, first_column: str) -> list[dict]:
    """The records of the one table on the page whose first column is ``first_column``."""
    found = [t.value for t in at.dataframe if list(t.value.columns)[:1] == [first_column]]
    assert len(found) == 1, [list(t.value.columns) for t in at.dataframe]
    return found[0].to_dict("records")


def _history(at: AppTest) -> list[dict]:
    return [{k: r[k] for k in ("Submission id", "File name", "Agency", "Uploaded by", "Rows current", "State")}
            for r in _table(at, "Submission id")]


def _db(db: Path) -> Store:
    return Store(db)


def test_valid_file_is_previewed_then_loaded_only_when_confirmed(open_app, tmp_path, good_file):
    db = tmp_path / "upload.duckdb"
    at = open_app(db, "upload")
    assert [t.value for t in at.title] == ["Upload a return"]
    assert at.selectbox(key="upload_agency").value == "Children's social care"
    assert [i.value for i in at.main.info] == ["Nothing has been uploaded yet."]

    _choose(at, "contacts.xlsx", good_file)
    assert [s.value for s in at.subheader] == ["contacts.xlsx: ready to load"]
    preview = _table(at, "Sheet")
    assert [{k: r[k] for k in ("Sheet", "Dataset", "Rows", "Valid rows", "Dates covered", "Columns not used")}
            for r in preview] == [{"Sheet": "Contacts", "Dataset": "MASH contacts", "Rows": 3, "Valid rows": 3,
                                   "Dates covered": "03/04/2025 to 05/04/2025", "Columns not used": ""}]
    assert "Contact date → Contact date" in preview[0]["Columns mapped"]
    assert not at.main.error and not at.main.warning
    confirm = at.button(key="confirm_load")
    assert (confirm.label, confirm.disabled) == ("Load 1 file(s)", False)
    with _db(db) as store:   # the preview wrote nothing
        assert store.scalar("SELECT count(*) FROM submissions") == 0
        assert store.scalar("SELECT count(*) FROM audit_log") == 0

    _click(at, "confirm_load")
    assert [s.value for s in at.main.success] == ["contacts.xlsx: loaded as submission 1 (3 rows)."]
    assert _history(at) == [{"Submission id": 1, "File name": "contacts.xlsx", "Agency": "Children's social care",
                             "Uploaded by": "local-admin", "Rows current": 3, "State": "active"}]
    with _db(db) as store:
        assert store.rows("SELECT submission_id, agency, uploaded_by, datasets FROM submissions") == [
            (1, "Children's social care", "local-admin", ["contacts"])]
        assert store.scalar("SELECT count(*) FROM contacts WHERE is_current AND submission_id = 1") == 3
        assert store.rows("SELECT who, role, action, target, outcome FROM audit_log") == [
            ("local-admin", "admin", "upload", "1", "accepted")]


def test_invalid_file_shows_every_error_and_nothing_can_be_written(open_app, tmp_path, bad_file):
    db = tmp_path / "upload.duckdb"
    at = open_app(db, "upload")
    with _db(db) as store:
        before = table_snapshot(store)

    _choose(at, "bad.xlsx", bad_file)
    assert [s.value for s in at.subheader] == ["bad.xlsx: will not be loaded"]
    assert [e.value for e in at.main.error] == ["2 error(s): fix these cells and upload again."]
    tables = [t.value for t in at.dataframe if "Message" in t.value.columns]
    assert len(tables) == 1
    errors = tables[0]
    assert list(errors.columns) == ["Sheet", "Row", "Column", "Value", "Message"]
    assert errors.to_dict("records") == [
        {"Sheet": "Contacts", "Row": 3, "Column": "Contact date", "Value": "31/02/2025",
         "Message": "is not a real date; expected a date such as 03/04/2025 or 2025-04-03"},
        {"Sheet": "Contacts", "Row": 4, "Column": "MASH decision date", "Value": "soon",
         "Message": "is not a date; expected a date such as 03/04/2025 or 2025-04-03"},
    ]
    confirm = at.button(key="confirm_load")
    assert (confirm.label, confirm.disabled) == ("Load 0 file(s)", True)
    with pytest.raises(AppTestError, match="disabled"):
        confirm.click()
    at.run()
    assert not at.main.success
    with _db(db) as store:
        assert table_snapshot(store) == before
        assert store.scalar("SELECT count(*) FROM submissions") == 0
        assert store.scalar("SELECT count(*) FROM audit_log") == 0


def test_same_file_again_changes_nothing(open_app, tmp_path, good_file):
    db = tmp_path / "upload.duckdb"
    at = open_app(db, "upload")
    _choose(at, "contacts.xlsx", good_file)
    _click(at, "confirm_load")
    with _db(db) as store:
        before = table_snapshot(store)

    at.file_uploader(key="upload_files").clear()
    at.run()
    _choose(at, "contacts.xlsx", good_file)   # the same bytes chosen again: a new upload of the same file
    assert [s.value for s in at.subheader] == ["contacts.xlsx: ready to load"]
    _click(at, "confirm_load")
    assert not at.main.success
    assert [i.value for i in at.main.info] == ["contacts.xlsx: already loaded as submission 1: nothing changed"]
    assert [r["Submission id"] for r in _table(at, "Submission id")] == [1]
    with _db(db) as store:
        after = table_snapshot(store)
        assert {t: v for t, v in after.items() if t != "upload_log"} == \
               {t: v for t, v in before.items() if t != "upload_log"}
        assert store.rows("SELECT status, submission_id FROM upload_log ORDER BY log_id") == [
            ("accepted", 1), ("duplicate", 1)]
        assert store.rows("SELECT action, target, outcome FROM audit_log ORDER BY audit_id") == [
            ("upload", "1", "accepted"), ("upload", "1", "duplicate")]


def test_withdrawal_needs_confirming_and_cancel_keeps_the_submission(open_app, tmp_path, good_file):
    db = tmp_path / "upload.duckdb"
    at = open_app(db, "upload")
    _choose(at, "contacts.xlsx", good_file)
    _click(at, "confirm_load")
    at.file_uploader(key="upload_files").clear()
    at.run()
    label = f"1: contacts.xlsx (Children's social care, {TODAY})"
    assert at.selectbox(key="withdraw_choice").options == [label]

    _click(at, "withdraw_start")
    assert [w.value for w in at.main.warning] == [
        f"Withdraw submission {label}? Its rows stop counting and what it replaced counts again."]
    _click(at, "withdraw_cancel")
    assert not at.main.warning
    assert [b.key for b in at.button if b.key in ("withdraw_confirm", "withdraw_cancel")] == []
    assert _history(at)[0]["State"] == "active"
    with _db(db) as store:
        assert store.scalar("SELECT withdrawn_at FROM submissions WHERE submission_id = 1") is None
        assert store.scalar("SELECT count(*) FROM audit_log WHERE action = 'withdraw'") == 0

    _click(at, "withdraw_start")
    _click(at, "withdraw_confirm")
    assert [s.value for s in at.main.success] == ["Submission 1 withdrawn."]
    assert not at.main.warning
    assert _history(at) == [{"Submission id": 1, "File name": "contacts.xlsx", "Agency": "Children's social care",
                             "Uploaded by": "local-admin", "Rows current": 0, "State": "withdrawn"}]
    assert not [s for s in at.selectbox if s.key == "withdraw_choice"]   # nothing active is left to withdraw
    with _db(db) as store:
        assert store.rows("SELECT withdrawn_by FROM submissions WHERE submission_id = 1") == [("local-admin",)]
        assert store.scalar("SELECT count(*) FROM contacts WHERE is_current") == 0
        assert store.rows("SELECT who, role, action, target, outcome FROM audit_log WHERE action = 'withdraw'") == [
            ("local-admin", "admin", "withdraw", "1", "done")]
