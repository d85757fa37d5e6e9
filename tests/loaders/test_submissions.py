"""Submissions: duplicates, supersede by agency and date range, snapshots, plans, withdraw."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from loader_helpers import count, load, snapshot

from loaders.store import Store
from loaders.submit import WithdrawError, submission_history, withdraw
from tests.spreadsheets import CONTACT_HEADERS, dataset_rows, write_xlsx

D = dt.date


def _contacts_file(path: Path, rows: list[tuple[str, dt.date]], source: str = "6") -> Path:
    return write_xlsx(path, {"Contacts": [CONTACT_HEADERS, *([child, day, source] for child, day in rows)]})


def _days(start: dt.date, end: dt.date, prefix: str) -> list[tuple[str, dt.date]]:
    """One contact a day from start to end inclusive, children named by prefix and date."""
    return [(f"{prefix}-{start + dt.timedelta(n):%m%d}", start + dt.timedelta(n))
            for n in range((end - start).days + 1)]


def _current(store: Store, table: str = "contacts") -> list[tuple]:
    return store.rows(f"SELECT submission_id, count(*) FROM {table} WHERE is_current GROUP BY 1 ORDER BY 1")


def test_rows_repeated_in_one_file_are_loaded_once_with_a_warning_naming_both_rows(store, tmp_path):
    rows = [CONTACT_HEADERS, ["SYN-1", D(2025, 4, 3), "6"], ["SYN-2", D(2025, 4, 3), "6"],
            ["SYN-1", "03/04/2025", "q) 6: Police"], ["SYN-1", D(2025, 4, 3), "4"], ["SYN-2", D(2025, 4, 3), "Police"]]
    report = load(store, write_xlsx(tmp_path / "c.xlsx", {"Contacts": rows}))
    assert report.status == "accepted"
    assert [(w.sheet, w.row, w.message) for w in report.warnings] == [
        ("Contacts", 4, "repeats row 2 (same Contact ID / Child ID, Contact date, Contact source): loaded once"),
        ("Contacts", 6, "repeats row 3 (same Contact ID / Child ID, Contact date, Contact source): loaded once"),
    ]
    assert store.rows("SELECT source_row FROM contacts ORDER BY 1") == [(2,), (3,), (5,)]
    assert (report.rows_read, report.rows_loaded, report.rows_skipped) == (5, 3, 0)


def test_contact_id_is_the_key_when_given(store, tmp_path):
    rows = [["Child ID", "Contact ID", "Contact date", "Contact source"],
            ["SYN-1", "C1", D(2025, 4, 3), "6"], ["SYN-1", "C2", D(2025, 4, 3), "6"],
            ["SYN-9", "C1", D(2025, 4, 4), "4"]]
    report = load(store, write_xlsx(tmp_path / "c.xlsx", {"C": rows}))
    assert [(w.row, w.message.split(" (")[0]) for w in report.warnings] == [(4, "repeats row 2")]
    assert count(store, "contacts") == 2


@pytest.mark.parametrize(("dataset", "rows", "kept"), [
    ("referrals", [{"child_key": "A", "referral_date": D(2025, 4, 1), "source_code": "6"},
                   {"child_key": "A", "referral_date": D(2025, 4, 1), "source_code": "q) 6: Police", "nfa": "Yes"},
                   {"child_key": "A", "referral_date": D(2025, 4, 2), "source_code": "6"}], [2, 4]),
    ("cp_plans", [{"child_key": "A", "plan_start": D(2025, 4, 1), "initial_category": "NEG"},
                  {"child_key": "A", "plan_start": D(2025, 4, 1), "initial_category": "PHY"},
                  {"child_key": "B", "plan_start": D(2025, 4, 1), "initial_category": "NEG"}], [2, 4]),
    ("training", [{"session_date": D(2025, 5, 1), "course": "N", "agency": "Police", "attended": "Yes",
                   "session_id": "S1", "delegate_key": "a@example.org"},
                  {"session_date": D(2025, 5, 1), "course": "N", "agency": "Police", "attended": "No",
                   "session_id": "S1", "delegate_key": "a@example.org"},
                  {"session_date": D(2025, 5, 1), "course": "N", "agency": "Police", "attended": "Yes",
                   "session_id": "S1", "delegate_key": "b@example.org"}], [2, 4]),
    ("training", [{"session_date": D(2025, 5, 1), "course": "N", "agency": "Police", "attended": "Yes"},
                  {"session_date": D(2025, 5, 1), "course": "N", "agency": "MPS", "attended": "Yes"},
                  {"session_date": D(2025, 5, 1), "course": "N", "agency": "Police", "attended": "DNA"}], [2, 4]),
    ("audits", [{"audit_id": "M1", "audit_date": D(2025, 6, 1), "agency": "Police", "overall_grade": "Good"},
                {"audit_id": "M1", "audit_date": D(2025, 6, 1), "agency": "Health", "overall_grade": "Good"},
                {"audit_id": "M1", "audit_date": D(2025, 6, 2), "agency": "MPS", "overall_grade": "RI"}], [2, 3]),
    ("actions", [{"action_id": "1.1", "priority_area": "A", "action": "X", "lead_agency": "Police"},
                 {"action_id": "1.2", "priority_area": "A", "action": "X", "lead_agency": "Police"},
                 {"action_id": "1.1", "priority_area": "B", "action": "Y", "lead_agency": "Health"}], [2, 3]),
])
def test_natural_keys_of_every_dataset(store, tmp_path, dataset, rows, kept):
    report = load(store, write_xlsx(tmp_path / f"{dataset}.xlsx", {"Sheet": dataset_rows(dataset, rows)}))
    assert report.status == "accepted", report.errors
    assert store.rows(f"SELECT source_row FROM {dataset} ORDER BY 1") == [(r,) for r in kept]
    assert len(report.warnings) == 1


def test_same_file_again_is_a_duplicate_and_changes_nothing(store, tmp_path):
    path = _contacts_file(tmp_path / "q1.xlsx", _days(D(2025, 4, 1), D(2025, 4, 10), "A"))
    first = load(store, path)
    before = snapshot(store)
    again = load(store, path)
    assert (again.status, again.submission_id, again.rows_loaded) == ("duplicate", first.submission_id, 0)
    after = snapshot(store)
    unlogged = {t: r for t, r in after.items() if not t.endswith("_log")}
    assert unlogged == {t: r for t, r in before.items() if not t.endswith("_log")}
    assert store.rows("SELECT status, submission_id FROM upload_log ORDER BY log_id") == [
        ("accepted", 1), ("duplicate", 1)]


def test_same_file_again_for_the_same_agency_names_the_submission_and_agency(store, tmp_path):
    path = _contacts_file(tmp_path / "q1.xlsx", [("A", D(2025, 4, 1))])
    load(store, path, agency="Police")
    again = load(store, path, agency="MPS")  # an alias of the same agency
    assert (again.status, again.submission_id, again.errors) == ("duplicate", 1, [])
    assert again.message == "already loaded as submission 1 for Police: nothing changed"
    assert load(store, path, agency="Police", dry_run=True).status == "duplicate"


REFUSAL = "already loaded as submission 1 for Police; withdraw that one first if the agency was wrong"


def test_the_same_file_under_another_agency_is_refused_and_figures_do_not_double(store, tmp_path):
    path = _contacts_file(tmp_path / "q1.xlsx", _days(D(2025, 4, 1), D(2025, 4, 10), "A"))
    assert load(store, path, agency="Police").status == "accepted"
    before = snapshot(store)
    # the same bytes under another name and another agency
    again = load(store, path, agency="Health", display_name="renamed.xlsx", uploaded_by="manager@example.org")
    assert (again.status, again.submission_id, again.rows_loaded) == ("rejected", None, 0)
    assert [e.message for e in again.errors] == [REFUSAL]
    assert again.message == REFUSAL
    after = snapshot(store)
    assert {t: r for t, r in after.items() if not t.endswith("_log")} == {
        t: r for t, r in before.items() if not t.endswith("_log")}
    assert _current(store) == [(1, 10)]
    assert store.rows("SELECT status, agency, submission_id, first_error FROM upload_log ORDER BY log_id") == [
        ("accepted", "Police", 1, None), ("rejected", "Health", None, REFUSAL)]
    assert store.rows("SELECT who, action, target, outcome, detail FROM audit_log ORDER BY audit_id DESC LIMIT 1") == [
        ("manager@example.org", "upload", "renamed.xlsx", "rejected",
         f"renamed.xlsx: contacts; 0 rows loaded; 1 error(s), first: {REFUSAL}")]


def test_a_dry_run_under_another_agency_reports_the_refusal_and_writes_nothing(store, tmp_path):
    path = _contacts_file(tmp_path / "q1.xlsx", [("A", D(2025, 4, 1))])
    load(store, path, agency="Police")
    before = snapshot(store)
    report = load(store, path, agency="Health", dry_run=True)
    assert (report.status, [e.message for e in report.errors]) == ("rejected", [REFUSAL])
    assert snapshot(store) == before


def test_after_withdrawing_the_first_the_file_loads_under_the_right_agency(store, tmp_path):
    path = _contacts_file(tmp_path / "q1.xlsx", [("A", D(2025, 4, 1)), ("B", D(2025, 4, 2))])
    load(store, path, agency="Police")
    assert load(store, path, agency="Health").status == "rejected"
    withdraw(store, 1, by="lead")
    moved = load(store, path, agency="Health")
    assert (moved.status, moved.submission_id) == ("accepted", 2)
    assert store.rows("SELECT submitter_agency, count(*) FROM contacts WHERE is_current GROUP BY 1") == [("Health", 2)]
    # and now the Police upload is the one refused
    assert load(store, path, agency="Police").errors[0].message == (
        "already loaded as submission 2 for Health; withdraw that one first if the agency was wrong")


def test_a_store_holding_one_file_under_two_agencies_names_the_chosen_agencys_copy(store, tmp_path):
    """Loads made before the rule may have stored one file twice: the agency's own copy is the duplicate."""
    path = _contacts_file(tmp_path / "q1.xlsx", [("A", D(2025, 4, 1))])
    load(store, path, agency="Police")
    load(store, _contacts_file(tmp_path / "other.xlsx", [("B", D(2025, 4, 2))]), agency="Health")
    store.con.execute("UPDATE submissions SET sha256 = (SELECT sha256 FROM submissions WHERE submission_id = 1)")
    again = load(store, path, agency="Health")
    assert (again.status, again.message) == ("duplicate", "already loaded as submission 2 for Health: nothing changed")


def test_a_withdrawn_file_can_be_loaded_again(store, tmp_path):
    path = _contacts_file(tmp_path / "q1.xlsx", [("A", D(2025, 4, 1))])
    load(store, path)
    withdraw(store, 1, by="lead")
    again = load(store, path)
    assert (again.status, again.submission_id) == ("accepted", 2)
    assert _current(store) == [(2, 1)]


def test_a_corrected_quarter_replaces_the_quarter(store, tmp_path):
    original = _days(D(2025, 4, 1), D(2025, 6, 30), "A")
    load(store, _contacts_file(tmp_path / "q1.xlsx", original))
    corrected = _days(D(2025, 4, 1), D(2025, 6, 30), "B")[::2]  # fewer, different rows over the same quarter
    report = load(store, _contacts_file(tmp_path / "q1-corrected.xlsx", corrected))
    assert report.status == "accepted"
    assert _current(store) == [(2, len(corrected))]
    assert store.rows("SELECT DISTINCT superseded_by FROM contacts WHERE submission_id = 1") == [(2,)]
    assert count(store, "contacts", "submission_id = 1") == len(original)  # kept, no longer current
    assert store.rows("SELECT date_from, date_to FROM submissions WHERE submission_id = 2") == [
        (D(2025, 4, 1), D(2025, 6, 30))]


def test_a_later_quarter_does_not_supersede_an_earlier_one(store, tmp_path):
    load(store, _contacts_file(tmp_path / "q1.xlsx", _days(D(2025, 4, 1), D(2025, 6, 30), "A")))
    load(store, _contacts_file(tmp_path / "q2.xlsx", _days(D(2025, 7, 1), D(2025, 9, 30), "A")))
    assert _current(store) == [(1, 91), (2, 92)]


def test_overlapping_six_month_annex_a_returns_never_double_count(store, tmp_path):
    # return 1: October to March; return 2: January to June (the same January-March contacts again)
    first = _days(D(2024, 10, 1), D(2025, 3, 31), "C")
    second = _days(D(2025, 1, 1), D(2025, 6, 30), "C")
    load(store, _contacts_file(tmp_path / "annex-a-march.xlsx", first))
    load(store, _contacts_file(tmp_path / "annex-a-june.xlsx", second))
    current = store.rows("SELECT contact_date, count(*) FROM contacts WHERE is_current GROUP BY 1 HAVING count(*) > 1")
    assert current == []
    assert count(store, "contacts", "is_current") == (D(2025, 6, 30) - D(2024, 10, 1)).days + 1
    assert store.rows("""SELECT submission_id, min(contact_date), max(contact_date), count(*) FROM contacts
                         WHERE is_current GROUP BY 1 ORDER BY 1""") == [
        (1, D(2024, 10, 1), D(2024, 12, 31), 92), (2, D(2025, 1, 1), D(2025, 6, 30), 181)]
    assert count(store, "contacts", "submission_id = 1 AND NOT is_current AND superseded_by = 2") == 90


def test_different_agencies_do_not_supersede_each_other(store, tmp_path):
    load(store, _contacts_file(tmp_path / "police.xlsx", _days(D(2025, 4, 1), D(2025, 4, 30), "P")), agency="MPS")
    load(store, _contacts_file(tmp_path / "health.xlsx", _days(D(2025, 4, 1), D(2025, 4, 30), "H")), agency="NHS")
    load(store, _contacts_file(tmp_path / "csc.xlsx", _days(D(2025, 4, 10), D(2025, 4, 20), "S")))
    assert store.rows("SELECT submitter_agency, count(*) FROM contacts WHERE is_current GROUP BY 1 ORDER BY 1") == [
        ("Children's social care", 11), ("Health", 30), ("Police", 30)]
    # a corrected police file only replaces police rows
    load(store, _contacts_file(tmp_path / "police2.xlsx", _days(D(2025, 4, 1), D(2025, 4, 15), "P2")),
         agency="Police")
    assert store.rows("SELECT submission_id, count(*) FROM contacts WHERE is_current GROUP BY 1 ORDER BY 1") == [
        (1, 15), (2, 30), (3, 11), (4, 15)]


def test_supersede_in_other_event_datasets(store, tmp_path):
    def training(path, rows):
        return write_xlsx(path, {"T": [["Course date", "Course", "Delegate agency", "Attendance", "Delegate ID"],
                                       *rows]})
    load(store, training(tmp_path / "t1.xlsx", [[D(2025, 5, 1), "N", "Police", "Yes", "d1"],
                                               [D(2025, 5, 20), "N", "Police", "Yes", "d2"],
                                               [D(2025, 6, 20), "N", "Police", "Yes", "d3"]]), agency="LSCP")
    load(store, training(tmp_path / "t2.xlsx", [[D(2025, 5, 1), "N", "Police", "DNA", "d1"],
                                               [D(2025, 5, 31), "N", "Police", "Yes", "d2"]]), agency="LSCP")
    assert store.rows("SELECT submission_id, source_row FROM training WHERE is_current ORDER BY 1, 2") == [
        (1, 4), (2, 2), (2, 3)]
    referrals = [{"child_key": "A", "referral_date": D(2025, 4, 1), "source_code": "6"},
                 {"child_key": "B", "referral_date": D(2025, 4, 9), "source_code": "6"}]
    load(store, write_xlsx(tmp_path / "r1.xlsx", {"R": dataset_rows("referrals", referrals)}))
    load(store, write_xlsx(tmp_path / "r2.xlsx", {"R": dataset_rows("referrals", referrals[:1])}))
    # the second file covers 1 April only: A is replaced, B (9 April) still counts
    assert _current(store, "referrals") == [(3, 1), (4, 1)]


def test_cp_plans_snapshot_supersedes_by_plan(store, tmp_path):
    def plans(path, rows):
        return write_xlsx(path, {"List 7": dataset_rows("cp_plans", [
            {"child_key": c, "plan_start": s, "initial_category": "NEG", "latest_category": latest}
            for c, s, latest in rows])})
    load(store, plans(tmp_path / "p1.xlsx", [("A", D(2025, 1, 10), "NEG"), ("B", D(2025, 2, 1), "PHY")]))
    load(store, plans(tmp_path / "p2.xlsx", [("A", D(2025, 1, 10), "EMO"), ("C", D(2025, 3, 1), "NEG")]))
    current = store.rows("SELECT submission_id, latest_category FROM cp_plans WHERE is_current ORDER BY plan_start")
    assert current == [(2, "Emotional abuse"), (1, "Physical abuse"), (2, "Neglect")]
    assert store.rows("SELECT superseded_by FROM cp_plans WHERE submission_id = 1 ORDER BY plan_start") == [
        (2,), (None,)]
    withdraw(store, 2, by="lead")
    assert store.rows("SELECT submission_id, latest_category FROM cp_plans WHERE is_current ORDER BY plan_start") == [
        (1, "Neglect"), (1, "Physical abuse")]
    # a withdrawn row is not "superseded" by an older submission
    assert store.rows("SELECT DISTINCT superseded_by FROM cp_plans") == [(None,)]


def _plan(path: Path, ids: list[str]) -> Path:
    return write_xlsx(path, {"Plan": dataset_rows("actions", [
        {"action_id": i, "priority_area": "Workforce", "action": f"Action {i}", "lead_agency": "Health"}
        for i in ids])})


def test_a_new_action_plan_supersedes_the_previous_plan_as_a_whole(store, tmp_path):
    load(store, _plan(tmp_path / "plan1.xlsx", ["1.1", "1.2", "1.3"]), agency="LSCP")
    load(store, _plan(tmp_path / "plan2.xlsx", ["1.1", "2.1"]), agency="LSCP")
    assert store.rows("SELECT action_id FROM actions WHERE is_current ORDER BY 1") == [("1.1",), ("2.1",)]
    assert store.rows("SELECT DISTINCT superseded_by FROM actions WHERE submission_id = 1") == [(2,)]
    withdraw(store, 2, by="lead")
    assert store.rows("SELECT action_id FROM actions WHERE is_current ORDER BY 1") == [("1.1",), ("1.2",), ("1.3",)]
    assert store.rows("SELECT DISTINCT superseded_by FROM actions") == [(None,)]


def test_withdraw_restores_exactly_what_was_superseded(store, tmp_path):
    load(store, _contacts_file(tmp_path / "a.xlsx", _days(D(2025, 4, 1), D(2025, 6, 30), "A")))
    load(store, _contacts_file(tmp_path / "other.xlsx", _days(D(2025, 4, 1), D(2025, 6, 30), "P")), agency="Police")
    before = {t: r for t, r in snapshot(store).items() if t in ("contacts",)}
    load(store, _contacts_file(tmp_path / "b.xlsx", _days(D(2025, 5, 1), D(2025, 5, 31), "B")))
    assert count(store, "contacts", "submission_id = 1 AND NOT is_current") == 31
    result = withdraw(store, 3, by="lead")
    assert result == {"submission_id": 3, "agency": "Children's social care", "datasets": ["contacts"],
                      "withdrawn_by": "lead"}
    after = store.rows("SELECT * FROM contacts WHERE submission_id <> 3")
    assert sorted(after, key=repr) == before["contacts"]
    assert count(store, "contacts", "submission_id = 3 AND is_current") == 0
    assert store.rows("SELECT withdrawn_by, withdrawn_at IS NOT NULL FROM submissions WHERE submission_id = 3") == [
        ("lead", True)]


def test_withdraw_the_middle_of_a_chain(store, tmp_path):
    load(store, _contacts_file(tmp_path / "a.xlsx", _days(D(2025, 4, 1), D(2025, 6, 30), "A")))  # A: Q1
    load(store, _contacts_file(tmp_path / "b.xlsx", _days(D(2025, 4, 1), D(2025, 6, 30), "B")))  # B: Q1 again
    load(store, _contacts_file(tmp_path / "c.xlsx", _days(D(2025, 5, 1), D(2025, 6, 30), "C")))  # C: May-June
    assert _current(store) == [(2, 30), (3, 61)]
    withdraw(store, 2, by="lead")
    # A's April rows count again (C does not cover April); A's May-June stay superseded by C
    assert _current(store) == [(1, 30), (3, 61)]
    assert store.rows("SELECT superseded_by, count(*) FROM contacts WHERE submission_id = 1 GROUP BY 1 ORDER BY 1") == [
        (3, 61), (None, 30)]
    assert count(store, "contacts", "submission_id = 2 AND is_current") == 0
    withdraw(store, 3, by="lead")
    assert _current(store) == [(1, 91)]


def test_withdrawing_twice_or_an_unknown_submission_is_an_error(store, tmp_path):
    load(store, _contacts_file(tmp_path / "a.xlsx", [("A", D(2025, 4, 1))]))
    withdraw(store, 1, by="lead")
    before = snapshot(store)
    with pytest.raises(WithdrawError, match=r"^submission 1 was already withdrawn on \d\d/\d\d/\d{4} \d\d:\d\d$"):
        withdraw(store, 1, by="lead")
    with pytest.raises(WithdrawError, match="^there is no submission 99$"):
        withdraw(store, 99, by="lead")
    assert snapshot(store) == before


def test_submission_records_provenance_and_history(store, tmp_path):
    path = _contacts_file(tmp_path / "q1 return.xlsx", _days(D(2025, 4, 2), D(2025, 4, 5), "A"))
    load(store, path, agency="Police", uploaded_by="manager@example.org")
    load(store, _contacts_file(tmp_path / "b.xlsx", _days(D(2025, 4, 3), D(2025, 4, 3), "B")), agency="Police")
    import hashlib
    row = store.rows("""SELECT submission_id, file_name, sha256, agency, uploaded_by, datasets, date_from, date_to,
                               rows_read, rows_loaded, rows_skipped, uploaded_at IS NOT NULL
                        FROM submissions WHERE submission_id = 1""")
    assert row == [(1, "q1 return.xlsx", hashlib.sha256(path.read_bytes()).hexdigest(), "Police",
                    "manager@example.org", ["contacts"], D(2025, 4, 2), D(2025, 4, 5), 4, 4, 0, True)]
    history = submission_history(store)
    assert list(history["submission_id"]) == [2, 1]
    assert list(history["rows_current"]) == [1, 3]
    assert list(history["state"]) == ["active", "active"]
    withdraw(store, 2, by="lead")
    history = submission_history(store)
    assert list(history["state"]) == ["withdrawn", "active"]
    assert list(history["rows_current"]) == [0, 4]


def test_the_plans_live_from_dates_load_under_local_headers_and_may_lie_ahead(store, tmp_path):
    # A council's plan headed "Go-live date": one change live last year, one planned for next year, one blank.
    rows = [["Action ref", "Aim", "What we will do", "Lead", "Go-live date"],
            ["1.1", "Workforce", "Action 1.1", "Health", dt.datetime(2025, 6, 16)],
            ["1.2", "Workforce", "Action 1.2", "Health", dt.date.today() + dt.timedelta(days=400)],
            ["1.3", "Workforce", "Action 1.3", "Health", None]]
    report = load(store, write_xlsx(tmp_path / "plan.xlsx", {"Plan": rows}), agency="LSCP")
    assert not report.errors, [str(e) for e in report.errors]
    assert store.rows("SELECT action_id, spc_from FROM actions WHERE is_current ORDER BY 1") == [
        ("1.1", dt.date(2025, 6, 16)), ("1.2", dt.date.today() + dt.timedelta(days=400)), ("1.3", None)]
    # A date in the future is still an error where it means an event that has happened.
    contacts = write_xlsx(tmp_path / "contacts.xlsx", {"Contacts": [
        CONTACT_HEADERS, ["C1", dt.date.today() + dt.timedelta(days=30), "6"]]})
    refused = load(store, contacts)
    assert any("is in the future" in str(e) for e in refused.errors)
