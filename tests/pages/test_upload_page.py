"""The upload journey through AppTest's file uploader, in local mode (the person is the administrator):
a valid return is previewed, then loaded only when confirmed; an invalid one shows every error by sheet,
row and column and cannot be loaded; the same file again changes nothing; a withdrawal needs confirming (its
selector starts empty). Issue 10: repeated errors grouped, skipping invalid rows as a choice the button spells out,
nothing stale after a load, mapping a label from the page, and confirming a return far from the usual volume."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.errors import AppTestError

from loaders.store import Store
from tests.pages.helpers import rendered, table_snapshot
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
    assert [rendered(i.value) for i in at.main.info] == ["Nothing has been uploaded yet."]

    _choose(at, "contacts.xlsx", good_file)
    assert [rendered(s.value) for s in at.subheader] == ["contacts.xlsx: ready to load"]
    preview = _table(at, "Sheet")
    assert [{k: r[k] for k in ("Sheet", "Dataset", "Rows", "Valid rows", "Dates covered", "Columns not used")}
            for r in preview] == [{"Sheet": "Contacts", "Dataset": "MASH contacts", "Rows": 3, "Valid rows": 3,
                                   "Dates covered": "03/04/2025 to 05/04/2025", "Columns not used": ""}]
    assert "Contact date → Contact date" in preview[0]["Columns mapped"]
    assert not at.main.error and not at.main.warning
    confirm = at.button(key="confirm_load")
    assert (confirm.label, confirm.disabled) == ("Load 3 rows", False)  # says what it will do
    with _db(db) as store:   # the preview wrote nothing
        assert store.scalar("SELECT count(*) FROM submissions") == 0
        assert store.scalar("SELECT count(*) FROM audit_log") == 0

    _click(at, "confirm_load")
    assert [rendered(s.value) for s in at.main.success] == ["contacts.xlsx: loaded as submission 1 (3 rows)."]
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
    assert [rendered(s.value) for s in at.subheader] == ["bad.xlsx: will not be loaded"]
    assert [rendered(e.value) for e in at.main.error] == ["2 error(s): fix these cells and upload again."]
    # every error is its own group here (no repeats), so the grouped table is the whole list
    assert _table(at, "Column") == [
        {"Column": "Contact date", "Value": "31/02/2025", "Rows": 1, "First rows": "3",
         "Problem": "is not a real date; expected a date such as 03/04/2025 or 2025-04-03"},
        {"Column": "MASH decision date", "Value": "soon", "Rows": 1, "First rows": "4",
         "Problem": "is not a date; expected a date such as 03/04/2025 or 2025-04-03"},
    ]
    assert not [t for t in at.main.toggle]  # nothing more to show on request
    confirm = at.button(key="confirm_load")
    assert (confirm.label, confirm.disabled) == ("Nothing ready to load", True)
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
    assert [rendered(s.value) for s in at.subheader] == ["contacts.xlsx: ready to load"]
    _click(at, "confirm_load")
    assert not at.main.success
    assert [rendered(i.value) for i in at.main.info] == [
        "contacts.xlsx: already loaded as submission 1 for Children's social care: nothing changed"]
    assert [r["Submission id"] for r in _table(at, "Submission id")] == [1]
    with _db(db) as store:
        after = table_snapshot(store)
        assert {t: v for t, v in after.items() if t != "upload_log"} == \
               {t: v for t, v in before.items() if t != "upload_log"}
        assert store.rows("SELECT status, submission_id FROM upload_log ORDER BY log_id") == [
            ("accepted", 1), ("duplicate", 1)]
        assert store.rows("SELECT action, target, outcome FROM audit_log ORDER BY audit_id") == [
            ("upload", "1", "accepted"), ("upload", "1", "duplicate")]


def test_same_file_under_another_agency_is_refused_with_the_reason(open_app, tmp_path, good_file):
    db = tmp_path / "upload.duckdb"
    at = open_app(db, "upload")
    at.selectbox(key="upload_agency").set_value("Police").run()
    _choose(at, "contacts.xlsx", good_file)
    _click(at, "confirm_load")
    at.file_uploader(key="upload_files").clear()
    at.selectbox(key="upload_agency").set_value("Health").run()
    _choose(at, "contacts.xlsx", good_file)
    _click(at, "confirm_load")
    assert not at.main.success
    assert [rendered(e.value) for e in at.main.error] == [
        "contacts.xlsx: not loaded: already loaded as submission 1 for Police; "
        "withdraw that one first if the agency was wrong — nothing was written."]
    with _db(db) as store:
        assert store.rows("SELECT submission_id, agency FROM submissions") == [(1, "Police")]
        assert store.rows("SELECT outcome FROM audit_log ORDER BY audit_id") == [("accepted",), ("rejected",)]


def test_withdrawal_needs_confirming_and_cancel_keeps_the_submission(open_app, tmp_path, good_file):
    db = tmp_path / "upload.duckdb"
    at = open_app(db, "upload")
    _choose(at, "contacts.xlsx", good_file)
    _click(at, "confirm_load")
    at.file_uploader(key="upload_files").clear()
    at.run()
    label = f"1: contacts.xlsx (Children's social care, {TODAY})"
    assert [rendered(o) for o in at.selectbox(key="withdraw_choice").options] == [label]
    # the selector starts empty, so nothing is withdrawn by a stray click
    assert at.selectbox(key="withdraw_choice").value is None
    assert at.button(key="withdraw_start").disabled
    at.selectbox(key="withdraw_choice").set_value(1).run()

    _click(at, "withdraw_start")
    assert [rendered(w.value) for w in at.main.warning] == [
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
    assert [rendered(s.value) for s in at.main.success] == ["Submission 1 withdrawn."]
    assert not at.main.warning
    assert _history(at) == [{"Submission id": 1, "File name": "contacts.xlsx", "Agency": "Children's social care",
                             "Uploaded by": "local-admin", "Rows current": 0, "State": "withdrawn"}]
    assert not [s for s in at.selectbox if s.key == "withdraw_choice"]   # nothing active is left to withdraw
    with _db(db) as store:
        assert store.rows("SELECT withdrawn_by FROM submissions WHERE submission_id = 1") == [("local-admin",)]
        assert store.scalar("SELECT count(*) FROM contacts WHERE is_current") == 0
        assert store.rows("SELECT who, role, action, target, outcome FROM audit_log WHERE action = 'withdraw'") == [
            ("local-admin", "admin", "withdraw", "1", "done")]


# --- issue 10: errors a manager can act on ----------------------------------------------------------------

def _mash_export(tmp_path: Path, labels: int = 40, good: int = 10, bad_dates: int = 0) -> bytes:
    """A MASH export: ``labels`` rows with the local label "LA services", ``good`` valid rows and ``bad_dates``
    rows with an impossible date (each a different child)."""
    rows = [_contacts({"child_key": f"SYN-LA-{i:03d}", "source_code": "LA services"})[0] for i in range(labels)]
    rows += [_contacts({"child_key": f"SYN-OK-{i:03d}"})[0] for i in range(good)]
    rows += [_contacts({"child_key": f"SYN-BD-{i:03d}", "contact_date": "31/02/2025"})[0] for i in range(bad_dates)]
    return write_xlsx(tmp_path / "mash.xlsx", {"MASH": dataset_rows("contacts", rows)}).read_bytes()


def test_repeated_errors_are_grouped_and_the_full_list_is_there_on_request(open_app, tmp_path):
    at = open_app(tmp_path / "upload.duckdb", "upload")
    _choose(at, "mash.xlsx", _mash_export(tmp_path, labels=40, good=2, bad_dates=1))
    assert [rendered(e.value) for e in at.main.error] == ["41 error(s): fix these cells and upload again."]
    groups = _table(at, "Column")
    assert [(g["Column"], g["Value"], g["Rows"], g["First rows"]) for g in groups] == [
        ("Contact source", "LA services", 40, "2, 3, 4, 5, 6, 7, 8, 9, 10, 11, …"),
        ("Contact date", "31/02/2025", 1, "44")]
    assert groups[0]["Problem"].startswith("is not a recognised source; expected a children in need source code")
    assert not [t for t in at.dataframe if "Message" in t.value.columns]  # the full list only on request
    at.toggle(key=[t.key for t in at.main.toggle if t.key.startswith("all_errors_")][0]).set_value(True).run()
    [full] = [t.value for t in at.dataframe if "Message" in t.value.columns]
    assert len(full) == 41 and list(full["Row"][:3]) == [2, 3, 4]
    # the marked copy is offered (made only when clicked: see tests/browser/test_upload.py)
    assert [b.label for b in at.get("download_button") if b.proto.id and "marked" in b.id] == [
        "Download your file with the problem cells marked"]


def test_skipping_invalid_rows_is_a_choice_after_the_errors_and_the_button_says_what_it_does(open_app, tmp_path):
    db = tmp_path / "upload.duckdb"
    at = open_app(db, "upload")
    _choose(at, "mash.xlsx", _mash_export(tmp_path, labels=0, good=10, bad_dates=4))
    assert [rendered(s.value) for s in at.subheader] == ["mash.xlsx: will not be loaded"]
    assert (at.button(key="confirm_load").label, at.button(key="confirm_load").disabled) == (
        "Nothing ready to load", True)
    skip = at.checkbox(key="skip_invalid")
    assert skip.label == "Skip the 4 rows with errors and load the other 10 (recorded on the submission)"
    # the choice comes after the errors on the page
    order = [type(e).__name__ for e in at.main if type(e).__name__ in ("Error", "Checkbox")]
    assert order.index("Error") < order.index("Checkbox")
    [(prepared_before, _)] = at.session_state["prepared"].values()
    skip.check().run()
    assert [rendered(s.value) for s in at.subheader] == ["mash.xlsx: the valid rows can be loaded"]
    assert list(at.session_state["prepared"].values())[0][0] is prepared_before  # not read again for the choice
    confirm = at.button(key="confirm_load")
    assert (confirm.label, confirm.disabled) == ("Load 10 valid rows, skip 4", False)
    _click(at, "confirm_load")
    assert [rendered(s.value) for s in at.main.success] == ["mash.xlsx: loaded as submission 1 (10 rows)."]
    with _db(db) as store:
        assert store.rows("SELECT rows_loaded, rows_skipped, skip_invalid_rows FROM submissions") == [(10, 4, True)]
        assert store.scalar("SELECT count(*) FROM contacts WHERE is_current") == 10


def test_after_a_load_the_stale_errors_go_and_the_button_is_disabled(open_app, tmp_path):
    db = tmp_path / "upload.duckdb"
    at = open_app(db, "upload")
    _choose(at, "mash.xlsx", _mash_export(tmp_path, labels=0, good=3, bad_dates=2))
    at.checkbox(key="skip_invalid").check().run()
    assert at.main.error
    _click(at, "confirm_load")
    assert [rendered(s.value) for s in at.main.success] == ["mash.xlsx: loaded as submission 1 (3 rows)."]
    assert not at.main.error and not at.main.warning and not at.subheader  # the preview and its errors are gone
    assert not [c for c in at.main.checkbox if c.key == "skip_invalid"]
    confirm = at.button(key="confirm_load")
    assert (confirm.label, confirm.disabled) == ("Nothing ready to load", True)
    at.run()  # any later run keeps it so: the file is not loaded twice
    assert at.button(key="confirm_load").disabled
    with _db(db) as store:
        assert store.scalar("SELECT count(*) FROM submissions") == 1
        assert store.scalar("SELECT count(*) FROM upload_log") == 1


def test_an_unrecognised_label_is_mapped_from_the_page_and_the_file_checked_again(open_app, tmp_path):
    db = tmp_path / "upload.duckdb"
    at = open_app(db, "upload")
    _choose(at, "mash.xlsx", _mash_export(tmp_path, labels=40, good=2))
    [choice] = [s for s in at.main.selectbox if s.key.startswith("map_")]
    assert rendered(choice.label) == "'LA services' in Contact source (40 rows)"
    assert choice.value is None  # nothing is mapped unless chosen
    # every accepted code, with its meaning
    assert {"5A (LA services: social care)", "6 (Police)"} <= {rendered(o) for o in choice.options}
    choice.set_value("5A")
    [save] = [b for b in at.main.button if b.label == "Save the mappings and check the file again"]
    save.click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert [rendered(s.value) for s in at.main.success] == [
        "'LA services' in Contact source is read as 5A from now on (mapping 1)."]
    assert [rendered(s.value) for s in at.subheader] == ["mash.xlsx: ready to load"]  # checked again, with it
    assert not at.main.error
    assert "Value mappings applied: 'LA services' read as 5A (40 cells)" in [rendered(c.value) for c in at.main.caption]
    with _db(db) as store:
        assert store.rows("SELECT agency, dataset, column_key, value, code, created_by FROM value_aliases") == [
            ("Children's social care", "contacts", "source_code", "LA services", "5A", "local-admin")]
        assert store.rows("SELECT who, action, target, outcome FROM audit_log") == [
            ("local-admin", "alias added", "1", "done")]
    _click(at, "confirm_load")
    with _db(db) as store:
        assert store.rows("SELECT source_code, count(*) FROM contacts WHERE is_current GROUP BY 1 ORDER BY 1") == [
            ("5A", 40), ("6", 2)]


def test_a_return_far_below_the_usual_volume_must_be_confirmed(open_app, tmp_path):
    from loaders.periods import Quarter
    from loaders.submit import load_file
    from tests.spreadsheets import write_csv

    db = tmp_path / "upload.duckdb"
    with Store(db) as store:
        for back, rows in enumerate((100, 104, 110, 102), start=1):
            quarter = Quarter(2025, 1) + -back
            history_rows = [[f"SYN-V-{back}-{i}", f"{quarter.start:%d/%m/%Y}", "6", f"{quarter.start:%d/%m/%Y}",
                             "No further action", "No"] for i in range(rows)]
            path = write_csv(tmp_path / f"q{back}.csv", [dataset_rows("contacts", [VALID_ROW["contacts"]])[0][:6],
                                                          *history_rows])
            assert load_file(store, path, uploaded_by="test").status == "accepted"
    at = open_app(db, "upload")
    _choose(at, "small.xlsx", _mash_export(tmp_path, labels=0, good=40))
    assert [rendered(w.value) for w in at.main.warning] == [
        "This return has 40 contacts for April to June 2025; Children's social care's last four quarters had a "
        "median of 103. Is this the whole return?"]
    confirm = at.button(key="confirm_load")
    assert (confirm.label, confirm.disabled) == ("Nothing ready to load", True)
    [tick] = [c for c in at.main.checkbox if c.key.startswith("volume_ok_")]
    assert tick.label == "I have checked this return: load it as it is"
    tick.check().run()
    assert (at.button(key="confirm_load").label, at.button(key="confirm_load").disabled) == ("Load 40 rows", False)
    _click(at, "confirm_load")
    assert [rendered(s.value) for s in at.main.success] == ["small.xlsx: loaded as submission 5 (40 rows)."]
