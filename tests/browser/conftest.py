"""Real-browser fixtures: one demo database, one app server and one Chromium per test session.

The tests drive the system Chromium (``/usr/bin/chromium``) through the ``playwright`` package and never
download a browser. The accessibility checks inject axe-core from ``tests/browser/node_modules`` (npm).

A missing prerequisite (Chromium, the playwright package, axe-core) skips the tests locally with the command
that installs it; with ``CI=true`` it fails them instead, so CI can never pass by skipping.

Fixtures for reuse (the sign-in tests, for example):

- ``demo_db``: the session app's DuckDB file with the synthetic demo data; ``demo_db_copy()``: another copy, for a
  server of your own (DuckDB lets only one process open a file for writing); ``app_env``: the session app's
  environment.
- ``app_url``: the session's app (demo data, local mode), started once; for another configuration start a
  server with :func:`tests.browser.helpers.start_app`.
- ``browser``: the session's Chromium; ``page``: a fresh context and tab per test.
- ``open_page("/upload")``: open a page of ``app_url`` in ``page`` and wait until Streamlit has finished running.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.browser import helpers
from tests.browser.helpers import (
    ACTION_TIMEOUT_MS,
    CHROMIUM_ARGS,
    INSTALL_AXE,
    INSTALL_CHROMIUM,
    INSTALL_PLAYWRIGHT,
    ROOT,
    base_env,
    require,
    start_app,
    wait_for_run,
)


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    chromium = helpers.CHROMIUM
    require(chromium.is_file() and os.access(chromium, os.X_OK), f"Chromium ({chromium})", INSTALL_CHROMIUM)
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        require(False, "The Python package playwright", INSTALL_PLAYWRIGHT)
    return chromium


@pytest.fixture(scope="session")
def axe_script() -> Path:
    axe = helpers.AXE_JS
    require(axe.is_file(), f"axe-core ({axe.relative_to(ROOT) if axe.is_relative_to(ROOT) else axe})", INSTALL_AXE)
    return axe


@pytest.fixture(scope="session")
def demo_db_template(tmp_path_factory: pytest.TempPathFactory, chromium_path: Path) -> Path:
    """A DuckDB file holding the synthetic demo data, built once per session; no server ever opens it.

    DuckDB lets one process at a time open a file for writing, so every server gets its own copy
    (``demo_db`` for the session app, ``demo_db_copy()`` for any other). Depends on ``chromium_path`` so that
    a machine without Chromium skips before spending time on it.
    """
    path = tmp_path_factory.mktemp("browser-db-template") / "dashboard.duckdb"
    result = subprocess.run([sys.executable, "-m", "loaders", "demo", "--db", str(path)], cwd=ROOT, env=base_env(),
                            capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        pytest.fail(f"`python -m loaders demo` failed ({result.returncode}):\n{result.stdout}\n{result.stderr}",
                    pytrace=False)
    return path


@pytest.fixture(scope="session")
def demo_db_copy(demo_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Callable[[], Path]:
    """``demo_db_copy()``: a fresh copy of the demo database, in its own temporary folder, for one server."""

    def copy() -> Path:
        path = tmp_path_factory.mktemp("browser-db") / demo_db_template.name
        shutil.copyfile(demo_db_template, path)
        return path

    return copy


@pytest.fixture(scope="session")
def demo_db(demo_db_copy: Callable[[], Path]) -> Path:
    """The session app's copy of the demo database."""
    return demo_db_copy()


@pytest.fixture(scope="session")
def app_env(demo_db: Path) -> dict[str, str]:
    """The session app's environment: demo data, local mode (no sign-in, the person is admin)."""
    return {**base_env(), "DASHBOARD_DB": str(demo_db), "DASHBOARD_LOCAL": "1"}


@pytest.fixture(scope="session")
def app_url(app_env: dict[str, str], browser) -> Iterator[str]:
    """The session's app, warmed up: one visit to ``/`` runs ``dashboard.py`` (which calls ``st.navigation``, so
    Streamlit stops treating ``pages/`` as an old-style multipage folder; see test_entry_script.py) and fills
    the caches, so each page test times that page alone."""
    with start_app(app_env) as url:
        context = browser.new_context()
        try:
            page = context.new_page()
            page.goto(url, wait_until="domcontentloaded")
            wait_for_run(page)
        finally:
            context.close()
        yield url


@pytest.fixture(scope="session")
def browser(chromium_path: Path):
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=ACTION_TIMEOUT_MS)  # the app answers over a websocket, sometimes slowly
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium_path), headless=True, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser):
    """A fresh browser context (no cookies, a new Streamlit session) and tab for each test.

    ``page.js_errors`` collects uncaught JavaScript errors for the test to check.
    """
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="en-GB",
                                  timezone_id="Europe/London", accept_downloads=True)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    tab = context.new_page()
    tab.js_errors = []
    tab.on("pageerror", lambda error: tab.js_errors.append(str(error)))
    try:
        yield tab
    finally:
        context.close()


@pytest.fixture
def open_page(page, app_url: str) -> Callable[[str], object]:
    """``open_page("/upload")``: go to a page of the session's app and wait for its script run to finish."""

    def go(url_path: str):
        page.goto(f"{app_url}{url_path}", wait_until="domcontentloaded")
        wait_for_run(page)
        return page

    return go
