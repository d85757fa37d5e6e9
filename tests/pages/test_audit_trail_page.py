"""The Audit trail page (issue 9, items 8 and 9): it says whether the audit chain is intact, and which row
breaks it if not; an administrator downloads a backup made through the app's own connection, the download
is audited, and the file restores."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest
from pandas.testing import assert_frame_equal
from streamlit.runtime.media_file_manager import MediaFileManager

from access import writes
from access.people import LOCAL_ADMIN, Person
from access.permissions import NotAllowed, check_backup
from loaders.backup import restore
from loaders.store import Store
from metrics.compute import compute_all
from tests.pages.helpers import page_text

_ADD_DEFERRED = MediaFileManager.add_deferred


@pytest.fixture
def deferred(monkeypatch: pytest.MonkeyPatch) -> list:
    """The (callable, file name) pairs the page registers for deferred downloads: the callable is what runs
    when the button is clicked."""
    registered: list = []

    def add_deferred(self, data_callable, *args, **kwargs):
        registered.append((data_callable, kwargs.get("file_name")))
        return _ADD_DEFERRED(self, data_callable, *args, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    return registered


def test_the_page_says_the_chain_is_intact(open_app, demo_copy):
    with Store(demo_copy) as store:
        rows = store.scalar("SELECT count(*) FROM audit_log")
        newest = store.scalar("SELECT row_hash FROM audit_log ORDER BY audit_id DESC LIMIT 1")
    at = open_app(demo_copy, "audit_trail")
    text = page_text(at)
    assert f"Checked just now: all {rows} rows link up." in text
    assert newest in text
    assert not at.error


def test_the_page_names_the_first_broken_row(open_app, demo_copy):
    with duckdb.connect(str(demo_copy)) as con:
        con.execute("UPDATE audit_log SET detail = 'nothing happened' WHERE audit_id = 4")
    at = open_app(demo_copy, "audit_trail")
    [error] = at.error
    assert error.value.startswith("The audit trail does not check: broken at audit row 4: its content (or its id) "
                                  "was changed after it was written.")
    assert "link up" not in page_text(at)


def test_an_administrator_downloads_a_backup_that_restores_and_is_audited(open_app, demo_copy, deferred, tmp_path):
    with Store(demo_copy) as store:
        metrics = compute_all(store)
        submissions = store.query("SELECT * FROM submissions ORDER BY submission_id")
        audit_rows = store.scalar("SELECT count(*) FROM audit_log")
    at = open_app(demo_copy, "audit_trail")
    [button] = at.get("download_button")
    assert button.proto.label == "Download a backup"
    assert button.proto.deferred_file_id, "the backup is made only when the button is clicked"
    make_backup, file_name = deferred[-1]
    assert file_name.startswith("dashboard-backup-") and file_name.endswith(".duckdb")
    with Store(demo_copy) as store:
        assert store.scalar("SELECT count(*) FROM audit_log") == audit_rows  # showing the button made nothing

    data = make_backup()  # what the click runs, on a server thread, while the app holds the store
    downloaded = tmp_path / file_name
    downloaded.write_bytes(data)
    restored = tmp_path / "restored" / "dashboard.duckdb"
    result = restore(downloaded, restored)
    assert result.chain.intact and result.chain.rows == audit_rows
    with Store(restored) as store:
        assert_frame_equal(compute_all(store), metrics)
        assert_frame_equal(store.query("SELECT * FROM submissions ORDER BY submission_id"), submissions)

    at.run()  # the app's own connection wrote the audit row; this run shows it
    with Store(demo_copy) as store:
        who, action, target, outcome, detail = store.rows(
            "SELECT who, action, target, outcome, detail FROM audit_log ORDER BY audit_id DESC LIMIT 1")[0]
    assert (who, action, outcome) == (LOCAL_ADMIN.email, "backup", "done")
    assert target == f"{file_name} (downloaded from the app)"
    assert detail.endswith(f"sha256 {hashlib.sha256(data).hexdigest()}")
    assert f"all {audit_rows + 1} rows link up" in page_text(at)
    assert not list(Path(demo_copy).parent.glob(".backup-*"))  # the scratch copy is gone


@pytest.mark.parametrize("role", ["scrutiny", "partner", "manager", "chair"])
def test_only_an_administrator_may_take_a_backup_and_a_refusal_is_audited(demo_copy, role):
    person = Person(f"{role}@example.org", role, "Police" if role == "manager" else None)
    with pytest.raises(NotAllowed, match="may not download a backup"):
        check_backup(person)
    with Store(demo_copy) as store:
        before = store.scalar("SELECT count(*) FROM audit_log")
        with pytest.raises(NotAllowed):
            writes.backup_download(store, person, "b.duckdb")
        assert store.rows("SELECT who, action, target, outcome FROM audit_log ORDER BY audit_id DESC LIMIT 1") == [
            (person.email, "backup", "b.duckdb", "refused")]
        assert store.scalar("SELECT count(*) FROM audit_log") == before + 1
    assert not list(Path(demo_copy).parent.glob(".backup-*"))
