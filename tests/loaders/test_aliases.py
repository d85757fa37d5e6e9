"""Value mappings remembered per agency (a local label read as an accepted code): the store's side (add, list, remove, history),
what a mapping may be, one active mapping per normalised value, the audit trail (chained, never the value),
the command line (permissions: tests/access/test_alias_permissions.py), and a MASH export that loads once its label is mapped."""

from __future__ import annotations

import datetime as dt
import inspect
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from loader_helpers import count

from loaders.aliases import (
    AUDIT_ACTIONS,
    AliasError,
    accepted_codes,
    add_alias,
    aliases_for,
    code_choices,
    get_alias,
    list_aliases,
    remove_alias,
)
from loaders.audit import CLI_ROLE, Actor, verify_chain
from loaders.codes import SOURCE_GROUPS
from loaders.datasets import DATASETS
from loaders.store import MIGRATIONS, Store
from loaders.submit import prepare
from metrics.compute import compute_all
from tests.spreadsheets import write_csv

ROOT = Path(__file__).resolve().parents[2]
ADMIN = Actor("admin@example.org", "admin")
CSC = "Children's social care"


def _add(store: Store, value: str = "LA services", code: str = "5A", *, agency: str = CSC,
         dataset: str = "contacts", column: str = "source_code", actor: Actor = ADMIN):
    return add_alias(store, actor, agency, dataset, column, value, code)


def _audit(store: Store) -> list[tuple]:
    return store.rows("SELECT who, role, agency, action, target, outcome, detail FROM audit_log ORDER BY audit_id")


# --- the store --------------------------------------------------------------------------------------

def test_the_migration_adds_the_table_at_the_next_schema_version(store):
    assert MIGRATIONS[-1][0] == store.schema_version >= 5
    assert store.scalar("SELECT max(version) FROM schema_version") == store.schema_version
    assert count(store, "value_aliases") == 0
    assert list_aliases(store).columns.tolist()[:8] == ["alias_id", "agency", "dataset", "column", "header", "value",
                                                        "code", "meaning"]


def test_add_list_and_remove_keep_the_history(store):
    first = _add(store, "LA services", "n) 5A: LA services")
    second = _add(store, "Passed to EH", "early help assessment", agency="MPS", column="MASH outcome")
    assert (first.alias_id, first.agency, first.dataset, first.column, first.value, first.code) == (
        1, CSC, "contacts", "source_code", "LA services", "5A")
    assert (second.agency, second.column, second.code) == ("Police", "outcome", "Early help")

    listed = list_aliases(store)
    assert listed[["alias_id", "agency", "column", "header", "value", "code", "meaning", "created_by"]].values.tolist() == [
        [1, CSC, "source_code", "Contact source", "LA services", "5A", "5A (LA services: social care)", ADMIN.who],
        [2, "Police", "outcome", "MASH outcome", "Passed to EH", "Early help", "Early help", ADMIN.who],
    ]
    assert listed["created_at"].notna().all() and listed["removed_at"].isna().all()

    removed = remove_alias(store, Actor("other@example.org", "admin"), 1)
    assert removed == first
    assert list_aliases(store)["alias_id"].tolist() == [2]
    history = list_aliases(store, include_removed=True).set_index("alias_id")
    assert history.loc[1, "removed_by"] == "other@example.org" and history.loc[1, "removed_at"] is not None
    assert get_alias(store, 1) == first  # still there, as history
    assert aliases_for(store, CSC).lookup("contacts", "source_code", "LA services") is None

    # Once removed, the same label can be mapped again (to another code): a new mapping with a new id.
    again = _add(store, "la services", "5B")
    assert again.alias_id == 3 and again.code == "5B"
    assert count(store, "value_aliases") == 3


def test_aliases_for_gives_only_that_agencys_active_mappings(store):
    police = _add(store, "Neighbour", "1B", agency="Met Police")
    _add(store, "Neighbour", "1D", agency="Health")
    gone = _add(store, "Self refer", "1C", agency="Police")
    remove_alias(store, ADMIN, gone.alias_id)
    table = aliases_for(store, "MPS")  # any accepted spelling of the agency
    assert table.aliases == (police,)
    assert table.lookup("contacts", "source_code", "  NEIGHBOUR ") == police
    assert table.lookup("referrals", "source_code", "Neighbour") is None  # per dataset
    assert not aliases_for(store, "Education")
    assert not aliases_for(store, "no such agency")
    _add(store, "LA services", "5A")
    assert [a.value for a in aliases_for(store, None).aliases] == ["LA services"]  # None: the default agency


@pytest.mark.parametrize(("args", "message"), [
    (dict(agency="Nowhere"), "unknown agency 'Nowhere'; expected one of: Children's social care"),
    (dict(dataset="mash"), "unknown dataset 'mash'; expected one of: contacts, referrals"),
    (dict(column="Source of referral"), "contacts has no column 'Source of referral'; columns that can be mapped: "
                                        "source_code (Contact source), outcome (MASH outcome)"),
    (dict(column="Date of Contact"), "contacts.contact_date (Contact date) is not a column of codes"),
    (dict(dataset="training", column="Course", code="x"), "training.course (Course) is not a column of codes"),
    (dict(value="   "), "the value to map is blank"),
    (dict(value="#N/A"), "the value to map is blank"),
    (dict(value="--"), "has no letters or digits"),
    (dict(value="x" * 201), "the value to map is 201 characters long; a label is at most 200"),
    (dict(value="q) 6: Police"), "'q) 6: Police' is already read as 6 (Police) in contacts.source_code (Contact "
                                 "source): no mapping is needed"),
    (dict(value="Referral to CSC", column="outcome", code="NFA"), "'Referral to CSC' is already read as Referral"),
    (dict(code="5E"), "'5E' is not an accepted code for contacts.source_code (Contact source); expected a children "
                      "in need source code"),
    (dict(code="Referral"), "'Referral' is not an accepted code for contacts.source_code"),
    (dict(dataset="training", column="Agency", value="Met Pol", code="Metropolis"),
     "'Metropolis' is not an accepted code for training.agency (Agency); expected one of the partnership's agencies"),
    (dict(dataset="cp_plans", column="Initial category", value="Neg.", code="NEG"), "'Neg.' is already read as Neglect"),
])
def test_an_invalid_mapping_is_refused_with_a_reason_and_writes_nothing(store, args, message):
    with pytest.raises(AliasError) as raised:
        _add(store, **args)
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)
    assert count(store, "value_aliases") == 0 and count(store, "audit_log") == 0


@pytest.mark.parametrize(("dataset", "column", "value", "code", "stored"), [
    ("contacts", "Source of contact", "LA services", "n) 5A", "5A"),
    ("contacts", "neglect", "Concern", "a) yes", "Yes"),
    ("contacts", "gender", "Female (assumed)", "b) Female", "Female"),
    ("referrals", "Referral Source", "Neighbour", "1b", "1B"),
    ("cp_plans", "Latest Category of Abuse", "Neglect & emotional", "MUL", "Multiple"),
    ("training", "Organisation", "Met Pol", "MPS", "Police"),
    ("audits", "Overall judgement", "Good overall", "2", "Good"),
    ("actions", "Lead", "Head of MASH team", "CSC", CSC),
    ("actions", "status", "Awaiting evidence", "awaiting sign off", "Evidence submitted"),
    ("audits", "judgement", "Largely", "partially", "Partly"),  # every theme of the agency's audit returns
    ("audits", "Theme judgement", "Mostly met", "met", "Yes"),
])
def test_every_column_of_codes_can_be_mapped_by_key_or_header_to_any_spelling_of_a_code(
        store, dataset, column, value, code, stored):
    alias = _add(store, value, code, dataset=dataset, column=column)
    assert alias.code == stored
    assert alias.column in {c.key for c in DATASETS[dataset].columns if c.kind in ("code", "source", "agency")} | (
        {"judgement"} if dataset == "audits" else set())
    assert list_aliases(store)[["column", "value", "code"]].values.tolist() == [[alias.column, value, stored]]


def test_judgement_is_the_audit_themes_and_the_header_judgement_is_the_overall_grade(store):
    themes = _add(store, "Largely", "Partly", dataset="audits", column="judgement")
    grade = _add(store, "Largely", "Good", dataset="audits", column="Judgement")
    assert (themes.column, grade.column) == ("judgement", "overall_grade")
    listed = list_aliases(store).set_index("alias_id")
    assert listed.loc[themes.alias_id, "header"] == "Theme judgement"
    assert listed.loc[grade.alias_id, "header"] == "Overall grade"
    with pytest.raises(AliasError, match="columns that can be mapped: agency .Agency., overall_grade .Overall grade., "
                                         "judgement .Theme judgement.$"):
        _add(store, "x", "Yes", dataset="audits", column="Theme 3")


def test_one_active_mapping_per_agency_dataset_column_and_normalised_value(store):
    _add(store, "LA services", "5A")
    with pytest.raises(AliasError, match=r"^'la-services' in contacts.source_code is already mapped for Children's "
                                         r"social care \(alias 1, read as 5A\); remove that mapping first"):
        _add(store, "la-services", "5B")
    with pytest.raises(AliasError, match="already mapped"):
        _add(store, "LA  SERVICES", "5A")  # the same mapping again is refused too
    # The same label elsewhere is another mapping: another agency, another dataset, another column.
    _add(store, "LA services", "5B", agency="Police")
    _add(store, "LA services", "5A", dataset="referrals")
    assert count(store, "value_aliases") == 3 and count(store, "audit_log") == 3


def test_two_people_mapping_the_same_label_at_once_make_one_mapping(store):
    outcomes: list[str] = []
    start = threading.Barrier(4)

    def attempt(code: str) -> None:
        start.wait()
        try:
            outcomes.append(_add(store, "LA services", code).code)
        except AliasError:
            outcomes.append("refused")

    threads = [threading.Thread(target=attempt, args=(code,)) for code in ("5A", "5B", "5C", "5D")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes).count("refused") == 3
    assert count(store, "value_aliases", "removed_at IS NULL") == 1


def test_removing_a_mapping_that_is_not_there_or_already_removed_is_refused(store):
    with pytest.raises(AliasError, match="^there is no mapping 9$"):
        remove_alias(store, ADMIN, 9)
    _add(store)
    remove_alias(store, ADMIN, 1)
    with pytest.raises(AliasError, match=r"^mapping 1 was already removed on \d\d/\d\d/\d{4} \d\d:\d\d$"):
        remove_alias(store, ADMIN, 1)
    assert count(store, "audit_log") == 2


def test_each_add_and_removal_is_audited_in_the_chain_without_the_value(store):
    _add(store, "LA services", "5A")
    _add(store, "Passed to EH", "Early help", agency="Police", column="outcome")
    remove_alias(store, Actor("cli:someone", CLI_ROLE), 1)
    assert _audit(store) == [
        ("admin@example.org", "admin", None, "alias added", "1", "done",
         "alias 1 for contacts.source_code (Children's social care): read as 5A"),
        ("admin@example.org", "admin", None, "alias added", "2", "done",
         "alias 2 for contacts.outcome (Police): read as Early help"),
        ("cli:someone", CLI_ROLE, None, "alias removed", "1", "done", "alias 1 for contacts.source_code (Children's "
                                                                       "social care)"),
    ]
    assert not [row for row in _audit(store) if any(v and ("LA services" in v or "EH" in v) for v in row)]
    check = verify_chain(store)
    assert check.intact and check.rows == 3
    assert set(AUDIT_ACTIONS) == {"alias added", "alias removed"}


def test_a_failed_add_leaves_neither_the_mapping_nor_its_audit_row(store, monkeypatch):
    import loaders.aliases

    def broken_append(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(loaders.aliases.audit, "append", broken_append)
    with pytest.raises(RuntimeError):
        _add(store)
    assert count(store, "value_aliases") == 0 and count(store, "audit_log") == 0


def test_mappings_survive_a_backup_and_restore_and_ids_carry_on(store, tmp_path):
    from loaders.backup import backup, restore

    kept = _add(store, "LA services", "5A")
    remove_alias(store, ADMIN, _add(store, "Neighbour", "1B").alias_id)
    backup(store, tmp_path / "backup.duckdb", actor=ADMIN)
    restore(tmp_path / "backup.duckdb", tmp_path / "restored" / "dashboard.duckdb")
    with Store(tmp_path / "restored" / "dashboard.duckdb") as restored:
        history = list_aliases(restored, include_removed=True)
        assert history["alias_id"].tolist() == [1, 2]
        assert aliases_for(restored, CSC).aliases == (kept,)
        assert _add(restored, "Neighbour", "1D").alias_id == 3
        assert verify_chain(restored).intact


def test_the_choices_offered_are_the_codes_each_column_accepts():
    source = DATASETS["contacts"].column("source_code")
    assert accepted_codes(source) == list(SOURCE_GROUPS)
    assert ("6", "6 (Police)") in code_choices(source) and ("5A", "5A (LA services: social care)") in code_choices(source)
    assert [code for code, _ in code_choices(DATASETS["contacts"].column("outcome"))] == [
        "NFA", "Advice", "Early help", "Referral", "Strategy discussion", "Other"]
    assert "Police" in accepted_codes(DATASETS["training"].column("agency"))


# --- the command line ---------------------------------------------------------------------------------

def _cli(*args: str, db: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DASHBOARD_DB": str(db)}
    return subprocess.run([sys.executable, "-m", "loaders", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


def test_cli_alias_aliases_and_unalias(tmp_path):
    db = tmp_path / "cli.duckdb"
    made = _cli("alias", "contacts", "Contact source", "LA services", "n) 5A", "--agency", "CSC", "--by", "cli:tester",
                db=db)
    assert (made.returncode, made.stderr) == (0, "")
    assert made.stdout == ("alias 1: 'LA services' in contacts.source_code (Contact source) is read as "
                           "5A (LA services: social care) in Children's social care's loads from now on\n")
    as_json = _cli("alias", "contacts", "outcome", "Passed to EH", "early help", "--agency", "Police", "--json", db=db)
    assert as_json.returncode == 0
    assert json.loads(as_json.stdout) == {"alias_id": 2, "agency": "Police", "dataset": "contacts",
                                          "column": "outcome", "value": "Passed to EH", "code": "Early help"}

    listed = _cli("aliases", db=db)
    assert listed.returncode == 0
    lines = listed.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("1: Children's social care, contacts.source_code (Contact source): 'LA services' -> "
                               "5A (LA services: social care) (by cli:tester on ")

    gone = _cli("unalias", "1", db=db)
    assert gone.returncode == 0 and gone.stdout.startswith("mapping 1 removed: 'LA services' in contacts.source_code")
    records = [json.loads(line) for line in _cli("aliases", "--json", db=db).stdout.splitlines()]
    assert [r["alias_id"] for r in records] == [2]
    assert set(records[0]) == {"alias_id", "agency", "dataset", "column", "header", "value", "code", "meaning",
                               "created_by", "created_at", "removed_by", "removed_at"}
    everything = [json.loads(line) for line in _cli("aliases", "--all", "--json", db=db).stdout.splitlines()]
    assert [(r["alias_id"], r["removed_by"] is not None) for r in everything] == [(1, True), (2, False)]
    with Store(db) as store:
        assert [row[3] for row in _audit(store)] == ["alias added", "alias added", "alias removed"]
        assert _audit(store)[0][:3] == ("cli:tester", CLI_ROLE, None)
        assert verify_chain(store).intact


def test_cli_exit_status_one_with_a_one_line_reason_and_two_for_usage(tmp_path):
    db = tmp_path / "cli.duckdb"
    assert _cli("aliases", db=db).stdout == "no value mappings yet\n"
    for args, reason in [
        (("alias", "contacts", "Contact date", "x", "5A", "--agency", "CSC"), "is not a column of codes"),
        (("alias", "contacts", "source_code", "Police", "6", "--agency", "CSC"), "is already read as 6 (Police)"),
        (("alias", "contacts", "source_code", "LA services", "5Z", "--agency", "CSC"), "is not an accepted code"),
        (("alias", "contacts", "source_code", "LA services", "5A", "--agency", "Gotham"), "unknown agency 'Gotham'"),
        (("unalias", "7"), "there is no mapping 7"),
    ]:
        result = _cli(*args, db=db)
        assert result.returncode == 1, args
        assert result.stdout == "" and result.stderr.startswith("error: ") and reason in result.stderr
        assert result.stderr.count("\n") == 1
    for args in [("alias", "contacts", "source_code", "LA services", "5A"),  # --agency is required
                 ("alias", "contacts"), ("unalias",), ("unalias", "one"), ("aliases", "--bogus")]:
        assert _cli(*args, db=db).returncode == 2, args
    with Store(db) as store:
        assert count(store, "value_aliases") == 0 and count(store, "audit_log") == 0


# --- end to end: a MASH export with a local label ------------------------------------------------------

def _mash_export(path: Path) -> Path:
    """A MASH export as a CSV: 40 contacts from "LA services" (the system's own label), 20 from the police."""
    rows = [["Child ID", "Contact date", "Source of contact", "MASH decision date", "MASH outcome"]]
    for n in range(60):
        day = dt.date(2025, 4, 1) + dt.timedelta(days=n)
        source = "LA services" if n % 3 else "Police"
        rows.append([f"SYN-{n:04d}", day.strftime("%d/%m/%Y"), source, day.strftime("%d/%m/%Y"), "Advice"])
    return write_csv(path, rows)


F_PREPARE_TAKES_ALIASES = "aliases" in inspect.signature(prepare).parameters


@pytest.mark.skipif(not F_PREPARE_TAKES_ALIASES,
                    reason="waits on helper F: loaders.submit.prepare(aliases=...) applying mappings in the parser")
def test_a_mash_export_loads_once_its_local_label_is_mapped(tmp_path):
    db = tmp_path / "e2e.duckdb"
    export = _mash_export(tmp_path / "mash-export.csv")
    refused = _cli(str(export), "--json", db=db)
    assert refused.returncode == 1
    report = json.loads(refused.stdout)
    assert report["status"] == "rejected" and report["rows_loaded"] == 0
    assert sum(1 for e in report["errors"] if e["value"] == "LA services") >= 1

    mapped = _cli("alias", "contacts", "source_code", "LA services", "5A", "--agency", "Children's social care",
                  db=db)
    assert mapped.returncode == 0, mapped.stderr

    loaded = _cli(str(export), "--json", db=db)
    assert loaded.returncode == 0, loaded.stdout
    report = json.loads(loaded.stdout)
    assert (report["status"], report["rows_loaded"], report["errors"]) == ("accepted", 60, [])
    assert report["aliases_applied"] == {"1": 40}
    text = _cli(str(export), "--dry-run", db=db)  # the text report says it too (a duplicate now: rows 0)
    assert "value mappings applied: alias 1 to 40 cells" in text.stdout
    with Store(db) as store:
        assert store.rows("SELECT source_code, source_group, count(*) FROM contacts GROUP BY ALL ORDER BY 1") == [
            ("5A", "la_services", 40), ("6", "police", 20)]
        values = compute_all(store)
    by_source = values[(values["metric"] == "contacts.by_source") & (values["period"] == "2025-26 Q1")]
    assert dict(zip(by_source["group"], by_source["value"], strict=True)) == {"la_services": 40, "police": 20}
