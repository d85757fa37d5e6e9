"""The administrator's backup download in a real Chromium (issue 9, item 9): the app, holding the store's
only write lock, makes the backup when the button is clicked; the file the browser saves restores into a
new store with the same submissions and an intact audit chain, and the download is in the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import expect

from loaders.backup import restore
from loaders.store import Store
from tests.browser.helpers import RUN_TIMEOUT_MS, base_env, start_app, wait_for_run

pytestmark = pytest.mark.browser


def test_the_downloaded_backup_restores_and_is_audited(page, demo_db_copy: Callable[[], Path], tmp_path: Path):
    db = demo_db_copy()  # a server of its own: the download adds a row to the audit trail
    with Store(db) as store:
        submissions = store.query("SELECT * FROM submissions ORDER BY submission_id")
        audit_rows = store.scalar("SELECT count(*) FROM audit_log")
    with start_app({**base_env(), "DASHBOARD_DB": str(db), "DASHBOARD_LOCAL": "1"}, log_name="backup_download") as url:
        page.goto(f"{url}/audit_trail", wait_until="domcontentloaded")
        wait_for_run(page)
        main = page.get_by_test_id("stMain")
        expect(main.get_by_text(f"all {audit_rows} rows link up", exact=False)).to_be_visible()
        with page.expect_download(timeout=RUN_TIMEOUT_MS) as download:
            main.get_by_role("button", name="Download a backup").click()
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        assert download.value.failure() is None
    # The server has stopped, so the store can be opened again here.
    assert saved.name.startswith("dashboard-backup-") and saved.suffix == ".duckdb"
    result = restore(saved, tmp_path / "restored" / "dashboard.duckdb")
    assert result.chain.intact and result.chain.rows == audit_rows
    with Store(result.path) as store:
        assert store.query("SELECT * FROM submissions ORDER BY submission_id").equals(submissions)
    with Store(db) as store:
        assert store.rows("SELECT who, action, outcome FROM audit_log ORDER BY audit_id DESC LIMIT 1") == [
            ("local-admin", "backup", "done")]
