"""Shared fixtures: every test gets its own real DuckDB file in a temporary folder."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from loaders.store import Store  # noqa: E402


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the developer's data/ folder: database and secret live in the test's folder."""
    monkeypatch.setenv("DASHBOARD_DB", str(tmp_path / "dashboard.duckdb"))
    monkeypatch.delenv("DASHBOARD_SECRET", raising=False)
    monkeypatch.delenv("DASHBOARD_LOCAL", raising=False)
    monkeypatch.delenv("DASHBOARD_ROLES", raising=False)


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "dashboard.duckdb") as opened:
        yield opened
