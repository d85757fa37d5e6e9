"""Plain helpers for the real-browser tests (the fixtures are in ``conftest.py``).

- :func:`require`: skip when a prerequisite is missing locally, fail when ``CI=true``.
- :func:`start_app`: run the dashboard with any environment on a free loopback port (the sign-in tests start
  their own server with ``[auth]`` configured this way).
- :func:`wait_for_run`: wait until Streamlit is connected and its script run has finished.
- :func:`each_tab`: open each of the main area's tabs in turn (the pages' sections are lazy tabs: only the open
  one is built, see ``ui.blocks.lazy_tabs``), waiting until it is drawn.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_JS = HERE / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "tests" / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
AXE_RESULTS = ARTIFACTS / "axe"
LOGS = ARTIFACTS / "logs"
TEST_SECRET = "browser-tests-not-a-real-secret"
HEALTH_TIMEOUT_S = 60
RUN_TIMEOUT_MS = 90_000  # the first run of a page fills the caches; slow on a busy CI machine
ACTION_TIMEOUT_MS = 30_000  # clicks, expectations and other waits

INSTALL_CHROMIUM = "install it with `sudo apt-get install -y chromium` (the tests never download a browser)"
INSTALL_AXE = "install it with `cd tests/browser && npm install` (axe-core is pinned in tests/browser/package.json)"
INSTALL_PLAYWRIGHT = "install it with `make install-test` (the Python package only; never `playwright install`)"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def require(ok: bool, what: str, how: str) -> None:
    """Skip when a prerequisite is missing locally; fail in CI (``CI=true``), where it must be present."""
    if ok:
        return
    message = f"{what} is missing: {how}"
    if in_ci():
        pytest.fail(f"CI=true, so the browser tests must run, but {message}", pytrace=False)
    pytest.skip(message)


def base_env() -> dict[str, str]:
    """This process's environment without any DASHBOARD_/STREAMLIT_ setting, plus the test secret."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DASHBOARD_", "STREAMLIT_"))}
    env["DASHBOARD_SECRET"] = TEST_SECRET
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200 and response.read().strip() == b"ok"
    except (urllib.error.URLError, OSError):
        return False


def _stop(process: subprocess.Popen) -> None:
    """Terminate the server's whole process group (SIGTERM, then SIGKILL after 10 s)."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@contextlib.contextmanager
def start_app(env: Mapping[str, str], *, log_name: str = "streamlit", port: int | None = None,
              args: Sequence[str] = ()) -> Iterator[str]:
    """Run ``streamlit run dashboard.py`` on a free loopback port (or ``port``) with ``env``; yield its base URL.

    ``args`` are extra command-line options, e.g. ``["--secrets.files", "/tmp/x/secrets.toml"]`` to give this
    server its own secrets (an ``[auth]`` section) instead of ``.streamlit/secrets.toml``. Waits at most
    HEALTH_TIMEOUT_S for ``/_stcore/health`` to answer ``ok``; on the way out kills the server's process group.
    Its output goes to ``tests/artifacts/logs/<log_name>.log``.
    """
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    LOGS.mkdir(parents=True, exist_ok=True)
    log_path = LOGS / f"{log_name}.log"
    command = [
        sys.executable, "-m", "streamlit", "run", "dashboard.py",
        "--server.address", "127.0.0.1", "--server.port", str(port), "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",  # a source file edited while the tests run must not rerun the app
        *args,
    ]
    with open(log_path, "w", encoding="utf-8") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=dict(env), stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            deadline = time.monotonic() + HEALTH_TIMEOUT_S
            while not _healthy(url):
                if process.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    output = log_path.read_text(encoding="utf-8", errors="replace")[-4000:]
                    state = (f"exited with status {process.returncode}" if process.poll() is not None
                             else f"was not healthy after {HEALTH_TIMEOUT_S} s")
                    pytest.fail(f"streamlit {state}; its output ({log_path}):\n{output}", pytrace=False)
                time.sleep(0.25)
            yield url
        finally:
            _stop(process)


def wait_for_run(page, timeout: float = RUN_TIMEOUT_MS) -> None:
    """Wait until Streamlit is connected and its script run has finished (the app renders over a websocket)."""
    page.wait_for_selector('[data-testid="stApp"][data-test-connection-state="CONNECTED"]'
                           '[data-test-script-state="notRunning"]', state="attached", timeout=timeout)
    # The toolbar's "Running..." indicator goes once the run and its deltas are done.
    page.wait_for_selector('[data-testid="stStatusWidgetRunningIcon"], [data-testid="stStatusWidgetRunningManIcon"]',
                           state="detached", timeout=timeout)


def wait_for_render(page, timeout: float = RUN_TIMEOUT_MS) -> None:
    """Wait for the run, then for what the browser draws after it: no loading skeletons (Streamlit loads the
    chart component lazily) and every Plotly chart drawn as SVG."""
    wait_for_run(page, timeout)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stSkeleton\"], [data-testid=\"stSkeletonElement\"]')"
        " && [...document.querySelectorAll('[data-testid=\"stPlotlyChart\"]')]"
        ".every(chart => chart.querySelector('.main-svg'))", timeout=timeout, polling=100)


# The open tab's panel holds what the run built for it (a lazy tab not yet run is empty) and the run is over.
TAB_DRAWN_JS = """(tabId) => {
  const app = document.querySelector('[data-testid="stApp"]');
  const panel = document.querySelector(`[role="tabpanel"][aria-labelledby="${tabId}"]`);
  return app && app.dataset.testScriptState === 'notRunning' && panel
    && panel.querySelector('[data-testid="stElementContainer"]') !== null;
}"""


def each_tab(page, timeout: float = RUN_TIMEOUT_MS) -> Iterator[str]:
    """Open each tab of the main area in turn (the first is open already), yielding its label once its content
    is built and drawn. A page without tabs yields nothing."""
    tabs = page.get_by_test_id("stMain").get_by_role("tab")
    for index in range(tabs.count()):
        tab = tabs.nth(index)
        if tab.get_attribute("aria-selected") != "true":
            tab.click()
        page.wait_for_function(TAB_DRAWN_JS, arg=tab.get_attribute("id"), timeout=timeout, polling=50)
        wait_for_render(page, timeout)
        yield tab.inner_text()
