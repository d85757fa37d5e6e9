"""The README's screenshots: every page of the app on the synthetic demo data, at 1366×768 in Chromium, as
JPEGs in ``docs/screenshots/<page>.jpg`` (the first screen of each page, small enough to keep in git).

    .venv/bin/python scripts/screenshots.py [--out DIR] [--chromium PATH]

Starts the app on a fresh copy of the demo data in local mode (no sign-in: the person is the administrator, so
every page is listed), opens each page by its URL and waits until the script run is over and every chart is
drawn. Synthetic data only: never point this at a real store.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

VIEWPORT = {"width": 1366, "height": 768}
QUALITY = 70  # JPEG quality: a page's first screen stays well under 200 KB


def url_path(name: str, first: bool) -> str:
    """The page's URL path: the default page is ``/``, the others ``/<name>``."""
    return "/" if first else f"/{name}"


def take(out: Path, chromium: Path) -> list[Path]:
    """Start the app on the demo data and write one screenshot per page; returns the files written."""
    from playwright.sync_api import sync_playwright

    from access.pages import PAGES
    from demo.load import load_demo
    from loaders.store import Store
    from tests.browser.helpers import CHROMIUM_ARGS, base_env, start_app, wait_for_render

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "demo.duckdb"
        with Store(db) as store:
            load_demo(store, quiet=True)
        env = {**base_env(), "DASHBOARD_DB": str(db), "DASHBOARD_LOCAL": "1"}
        with start_app(env, log_name="screenshots") as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport=VIEWPORT, locale="en-GB", timezone_id="Europe/London")
            page = context.new_page()
            for index, app_page in enumerate(PAGES):
                page.goto(f"{url}{url_path(app_page.name, index == 0)}", wait_until="domcontentloaded")
                wait_for_render(page)
                path = out / f"{app_page.name}.jpg"
                page.screenshot(path=str(path), type="jpeg", quality=QUALITY, animations="disabled")
                written.append(path)
            browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--chromium", type=Path, default=Path("/usr/bin/chromium"))
    args = parser.parse_args(argv)
    os.environ.setdefault("DASHBOARD_SECRET", "screenshots")
    for path in take(args.out, args.chromium):
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {path.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
