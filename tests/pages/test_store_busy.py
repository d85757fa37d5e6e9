"""While another process (a load from the command line) holds the database, the app shows a calm page: no
traceback, no server path, no "is the dashboard running?". Once the other process lets go, the next visit
shows the data. The command line's side (finding the dashboard holding the store) is in tests/loaders."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.pages.helpers import TITLES, page_text, shows_no_data

BUSY = "The data store is busy (a load is running from the command line). Try again in a minute."
# A separate process opens the file for writing, as `python -m loaders FILE` does, and waits until told to stop.
HOLD = ("import sys, duckdb; con = duckdb.connect(sys.argv[1]); print('holding', flush=True); sys.stdin.readline(); "
        "con.close()")


def test_a_busy_store_is_a_calm_message_then_the_data(open_app, demo_copy: Path) -> None:
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(demo_copy)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        for page in (None, "actions", "upload"):
            at = open_app(demo_copy, page)   # fails on any exception shown
            assert [t.value for t in at.title] == ["The data store is busy"]
            assert [i.value for i in at.main.info] == [BUSY]
            text = page_text(at)
            assert str(demo_copy.parent) not in text and "duckdb" not in text.lower()
            assert "dashboard running" not in text
            assert shows_no_data(at) and not at.sidebar.children
    finally:
        holder.communicate("\n", timeout=30)
    assert holder.returncode == 0

    at = open_app(demo_copy)   # the CLI has finished: the next visit opens the store
    assert [t.value for t in at.title] == [TITLES["summary"]]
    assert BUSY not in page_text(at)
