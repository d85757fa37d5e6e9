"""Data protection: raw identifiers, names, e-mails and dates of birth never reach the database."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import stat
from pathlib import Path

import pytest
from loader_helpers import load, user_tables

from loaders.store import Store
from loaders.submit import pseudonymiser_for
from tests.spreadsheets import write_csv, write_xlsx

RAW_CHILD_IDS = ["SYN-RAWCHILD-0001", "SYN-RAWCHILD-0002", "SYN-RAWCHILD-0003"]
RAW_CONTACT_ID = "SYN-RAWCONTACT-77"
EMAILS = ["delegate.alpha@example.org", "delegate.beta@example.org"]
NAMES = ["Zedekiah Quarrington", "Philomena Dubrovnik", "Wilhelmina Tarkovsky", "Bartholomew Yeovil"]
ADDRESS = "17 Quincunx Terrace"
POSTCODE = "ZZ99 9QQ"
NHS_NUMBER = "943 476 5919"
PHONE = "07700 900461"
DOB = dt.date(2013, 2, 27)
SECRETS = [*RAW_CHILD_IDS, RAW_CONTACT_ID, *EMAILS, *NAMES, ADDRESS, POSTCODE, NHS_NUMBER, PHONE]
STORED_CONTROL = "Zebracourse Neglect Intensive"


def _workbook(tmp_path: Path) -> Path:
    contacts = [
        ["Child Unique ID", "Contact ID", "Child name", "Date of Birth", "Address", "Postcode", "NHS number",
         "Date of Contact", "Contact Source", "Allocated Worker", "Parent phone", "Referrer email"],
        [RAW_CHILD_IDS[0], RAW_CONTACT_ID, NAMES[0], DOB, ADDRESS, POSTCODE, NHS_NUMBER,
         dt.date(2025, 4, 3), "6", NAMES[2], PHONE, EMAILS[1]],
        [RAW_CHILD_IDS[1], None, NAMES[1], "27/02/2013", None, None, None, dt.date(2025, 4, 4), "4", NAMES[3],
         None, None],
    ]
    referrals = [
        ["Child Unique ID", "Child Forename", "Child Surname", "Date of referral", "Referral Source",
         "Allocated Team", "Allocated Worker", "Social worker"],
        [RAW_CHILD_IDS[2], "Zedekiah", "Quarrington", dt.date(2025, 4, 7), "6", "Team A", NAMES[2], NAMES[3]],
    ]
    plans = [
        ["Child Unique ID", "Child Protection Plan Start Date", "Initial Category of Abuse", "Allocated Worker"],
        [RAW_CHILD_IDS[0], dt.date(2025, 5, 12), "NEG", NAMES[2]],
    ]
    training = [
        ["Course date", "Course title", "Delegate agency", "Attendance", "Delegate email", "Delegate name",
         "Telephone"],
        [dt.date(2025, 5, 20), STORED_CONTROL, "Health", "Attended", EMAILS[0], NAMES[0], PHONE],
        [dt.date(2025, 5, 20), STORED_CONTROL, "Police", "DNA", EMAILS[1], NAMES[1], None],
    ]
    audits = [
        ["Audit ID", "Audit date", "Agency", "Overall grade", "Child ID", "Child name", "Worker", "Auditor notes",
         "Neglect recognised"],
        ["MACA-1", dt.date(2025, 6, 1), "Police", "Good", RAW_CHILD_IDS[1], NAMES[1], NAMES[3],
         f"Spoke to {NAMES[2]}", "Yes"],
    ]
    return write_xlsx(tmp_path / "return.xlsx", {"Contacts": contacts, "Referrals": referrals, "Plans": plans,
                                                 "Training": training, "Audits": audits})


def _all_text(store: Store) -> str:
    parts = []
    for table in user_tables(store):
        parts.extend(repr(row) for row in store.rows(f"SELECT * FROM {table}"))
    return "\n".join(parts)


@pytest.fixture
def loaded(tmp_path):
    db = tmp_path / "private.duckdb"
    with Store(db) as store:
        report = load(store, _workbook(tmp_path))
        assert report.status == "accepted", report.errors
        yield store, report, db


def test_no_raw_identifier_name_or_email_in_any_table(loaded):
    store, _, _ = loaded
    text = _all_text(store)
    assert STORED_CONTROL in text  # the scan does see stored text
    for secret in SECRETS:
        assert secret.lower() not in text.lower(), secret
    for word in ("Zedekiah", "Quarrington", "Quincunx"):
        assert word.lower() not in text.lower()


def test_every_text_or_blob_cell_checked_in_sql(loaded):
    store, _, _ = loaded
    columns = store.rows("""SELECT table_name, column_name FROM information_schema.columns
                            WHERE table_schema = 'main' AND data_type IN ('VARCHAR', 'JSON', 'VARCHAR[]', 'BLOB')""")
    assert ("contacts", "child_key") in columns and ("training", "delegate_key") in columns
    for table, column in columns:
        for secret in SECRETS:
            hits = store.scalar(
                f'SELECT count(*) FROM "{table}" WHERE contains(lower(CAST("{column}" AS VARCHAR)), lower(?))',
                [secret])
            assert hits == 0, (table, column, secret)


def test_no_raw_value_in_the_database_file_bytes(loaded):
    store, _, db = loaded
    store.con.execute("CHECKPOINT")
    store.close()
    files = [p for p in db.parent.iterdir() if p.name.startswith(db.name)]
    data = b"".join(p.read_bytes() for p in files)
    assert STORED_CONTROL.encode() in data  # the check can see plain stored text
    for secret in SECRETS:
        assert secret.encode() not in data, secret
        assert secret.encode("utf-16-le") not in data, secret


def test_identifiers_are_keyed_hashes(loaded):
    store, _, db = loaded
    key = (db.parent / ".secret").read_text().strip().encode()

    def keyed(raw: str) -> bytes:
        return hmac.new(key, raw.encode(), hashlib.sha256).digest()

    assert store.rows("SELECT child_key, contact_id FROM contacts ORDER BY source_row") == [
        (keyed(RAW_CHILD_IDS[0]), keyed(RAW_CONTACT_ID)), (keyed(RAW_CHILD_IDS[1]), None)]
    assert store.rows("SELECT delegate_key FROM training ORDER BY source_row") == [(keyed(e),) for e in EMAILS]
    assert store.rows("SELECT child_key FROM audits") == [(keyed(RAW_CHILD_IDS[1]),)]
    assert store.rows("SELECT child_key FROM cp_plans") == [(keyed(RAW_CHILD_IDS[0]),)]
    # the same child in two datasets links up
    assert store.scalar("SELECT count(*) FROM contacts c JOIN cp_plans p USING (child_key)") == 1


def test_dropped_columns_are_listed_in_the_report(loaded):
    _, report, _ = loaded
    assert report.dropped_columns == [
        "Child name", "Address", "Postcode", "NHS number", "Allocated Worker", "Parent phone", "Referrer email",
        "Child Forename", "Child Surname", "Social worker", "Delegate name", "Telephone", "Worker",
        "Auditor notes",
    ]
    by_sheet = {s.sheet: s.columns_dropped for s in report.sheets}
    assert by_sheet["Referrals"] == ["Child Forename", "Child Surname", "Allocated Worker", "Social worker"]
    assert by_sheet["Audits"] == ["Child name", "Worker", "Auditor notes"]
    assert {s.sheet: s.themes for s in report.sheets}["Audits"] == ["Neglect recognised"]


def test_date_of_birth_is_reduced_to_age_at_the_event(loaded):
    store, _, _ = loaded
    assert store.rows("SELECT contact_date, age FROM contacts ORDER BY source_row") == [
        (dt.date(2025, 4, 3), 12), (dt.date(2025, 4, 4), 12)]
    date_columns = store.rows("""SELECT table_name, column_name FROM information_schema.columns
                                 WHERE table_schema = 'main' AND data_type = 'DATE'""")
    assert not any("birth" in column or "dob" in column for _, column in date_columns)
    for table, column in date_columns:
        assert store.scalar(f"SELECT count(*) FROM {table} WHERE {column} = ?", [DOB]) == 0, (table, column)


def test_secret_file_is_created_with_mode_0600(tmp_path):
    db = tmp_path / "sub" / "x.duckdb"
    with Store(db) as store:
        pseudonymiser_for(store)
    secret = db.parent / ".secret"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert len(secret.read_text().strip()) == 64
    first = secret.read_text()
    with Store(db) as store:
        pseudonymiser_for(store)
    assert secret.read_text() == first  # created once, then reused


def test_dashboard_secret_sets_the_key_and_changes_the_hash(tmp_path, monkeypatch):
    path = write_csv(tmp_path / "c.csv", [["Child ID", "Contact date", "Contact source"],
                                          [RAW_CHILD_IDS[0], "03/04/2025", "6"]])
    keys = []
    for secret in ("alpha-secret", "beta-secret"):
        monkeypatch.setenv("DASHBOARD_SECRET", secret)
        with Store(tmp_path / f"{secret}.duckdb") as store:
            assert load(store, path).status == "accepted"
            keys.append(store.scalar("SELECT child_key FROM contacts"))
        expected = hmac.new(secret.encode(), RAW_CHILD_IDS[0].encode(), hashlib.sha256).digest()
        assert keys[-1] == expected
    assert keys[0] != keys[1]
    assert not (tmp_path / ".secret").exists()  # with DASHBOARD_SECRET set no secret file is written


def test_rejected_file_log_does_not_hold_child_ids(store, tmp_path):
    rows = [["Child Unique ID", "Date of Contact", "Contact Source"], [RAW_CHILD_IDS[0], "not a date", "6"]]
    report = load(store, write_xlsx(tmp_path / "c.xlsx", {"C": rows}))
    assert report.status == "rejected"
    assert RAW_CHILD_IDS[0] not in _all_text(store)


def test_a_numeric_child_id_hashes_the_same_from_excel_and_csv(store, tmp_path):
    csv_path = write_csv(tmp_path / "c.csv", [["Child ID", "Contact date", "Contact source"], ["12345", "03/04/2025", "6"]])
    xlsx_path = write_xlsx(tmp_path / "c.xlsx", {"C": [["Child ID", "Contact date", "Contact source"],
                                                      [12345, dt.date(2025, 4, 3), 6]]})
    assert load(store, csv_path, agency="Police").status == "accepted"
    assert load(store, xlsx_path, agency="Health").status == "accepted"
    assert store.scalar("SELECT count(DISTINCT child_key) FROM contacts") == 1
    assert "12345" not in _all_text(store)
