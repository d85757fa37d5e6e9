"""Shared pieces of the AppTest suites: one demo database per test session, copies of it for tests that
write, and a helper that opens the app as a given person.

How AppTest reaches a page (streamlit 1.67): ``at.switch_page(page)`` *before* the first run is "someone
opens that page's URL": the entry script runs and its navigation decides what is shown. After a run,
``switch_page`` knows only the pages ``dashboard.py`` registered for the person and raises ``ValueError``
for any other.

AppTest resets Streamlit's old pages-folder mode before every run, so every run here is a freshly started
server's first run: a page's URL runs ``pages/<page>.py`` directly, and the page hands the run to
``ui.app.main`` (see ``ui/app.py``). Every AppTest test therefore goes through that path; the path of a server
that has run ``st.navigation`` once (``dashboard.py`` first) is the browser tests' session server.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from demo.load import load_demo
from loaders.store import Store
from tests.pages.helpers import APP, AUTH_SECRETS, PAGE_FILES


@pytest.fixture(scope="session")
def _demo_pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The synthetic demo loaded once per session (with its pseudonymisation secret); never opened again."""
    folder = tmp_path_factory.mktemp("demo-pristine")
    with Store(folder / "demo.duckdb") as store:
        assert load_demo(store, quiet=True) == 0
    return folder


def _copy_demo(source: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("demo.duckdb", ".secret"):
        shutil.copy2(source / name, folder / name)
    return folder / "demo.duckdb"


@pytest.fixture(scope="session")
def demo_db(_demo_pristine: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database shared by every test that only reads (the app's caches stay warm for it)."""
    return _copy_demo(_demo_pristine, tmp_path_factory.mktemp("demo-shared"))


@pytest.fixture
def demo_copy(_demo_pristine: Path, tmp_path: Path) -> Path:
    """A private copy of the demo database for a test that writes."""
    return _copy_demo(_demo_pristine, tmp_path / "demo")


OpenApp = Callable[..., AppTest]


@pytest.fixture
def open_app(monkeypatch: pytest.MonkeyPatch) -> OpenApp:
    """``open_app(db, page=None, *, local=True, user=None, roles=None, auth=False, state=None)`` runs the app
    once and returns the AppTest. ``page`` (e.g. ``"upload"``) is opened by its URL; otherwise the default page.
    ``auth=True`` configures OpenID Connect sign-in; ``user`` is what ``st.user`` holds."""

    def _open(db: Path, page: str | None = None, *, local: bool = True, user: dict | None = None,
              roles: Path | None = None, auth: bool = False, state: dict | None = None,
              check: bool = True) -> AppTest:
        monkeypatch.setenv("DASHBOARD_DB", str(db))
        if local:
            monkeypatch.setenv("DASHBOARD_LOCAL", "1")
        else:
            monkeypatch.delenv("DASHBOARD_LOCAL", raising=False)
        if roles is not None:
            monkeypatch.setenv("DASHBOARD_ROLES", str(roles))
        at = AppTest.from_file(APP, default_timeout=90)
        if auth:
            at.secrets["auth"] = dict(AUTH_SECRETS)
        else:
            # A non-empty secrets dict replaces st.secrets entirely, so no secrets.toml on this machine leaks in.
            at.secrets["unrelated"] = "nothing"
        if user is not None:
            at.user = user
        for key, value in (state or {}).items():
            at.session_state[key] = value
        if page is not None:
            at.switch_page(PAGE_FILES[page])
        at.run()
        if check:
            assert not at.exception, [e.message for e in at.exception]
        return at

    return _open
