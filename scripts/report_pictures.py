"""Make the README's pictures of the exports, from the synthetic demo:

    .venv/bin/python scripts/report_pictures.py [--db PATH] [--out DIR]

- ``DIR/pack-slide.png``: slide 4 of the meeting pack's PDF (the first action), rendered with pdftoppm
  (poppler-utils);
- ``DIR/public-page.png``: the top of the public progress page, in Chromium (playwright with the system's
  ``/usr/bin/chromium``).

Only this script needs Chromium and pdftoppm: the exports themselves need neither. Without ``--db`` the demo
is loaded into a scratch store first. The meeting date is fixed, so the pictures change only with the data.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from loaders.store import Store  # noqa: E402
from reports.content import build_content  # noqa: E402
from reports.pack import write_pack  # noqa: E402

DEFAULT_OUT = ROOT / "docs"
CHROMIUM = "/usr/bin/chromium"
MEETING = dt.date(2026, 3, 12)


def _store(db: Path | None, scratch: Path) -> Path:
    if db is not None:
        return db
    from demo.load import load_demo
    path = scratch / "demo.duckdb"
    with Store(path) as store:
        if load_demo(store, quiet=True) != 0:
            raise SystemExit("the demo did not load")
    return path


def pack_slide(db: Path, out: Path, scratch: Path, page: int = 4) -> Path:
    """Slide ``page`` of the pack's PDF as ``out`` (PNG, 110 pixels per inch)."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise SystemExit("pdftoppm is missing: apt-get install -y poppler-utils")
    with Store(db, read_only=True) as store:
        content = build_content(store, suppressed=False, meeting_date=MEETING)
    pdf = write_pack(content, scratch / "pack.pdf")
    prefix = scratch / "slide"
    subprocess.run([pdftoppm, "-f", str(page), "-l", str(page), "-r", "110", "-png", "-singlefile", str(pdf),
                    str(prefix)], check=True)
    shutil.move(str(prefix.with_suffix(".png")), out)
    return out


def public_page(db: Path, out: Path, scratch: Path) -> Path:
    """The public page's first 1280×1000 pixels in Chromium as ``out``."""
    from playwright.sync_api import sync_playwright

    from reports.public import write_public
    with Store(db, read_only=True) as store:
        content = build_content(store, suppressed=True)
    written = Path(write_public(content, scratch / "public"))
    page_file = written if written.suffix == ".html" else written / "index.html"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.goto(page_file.resolve().as_uri())
            page.screenshot(path=str(out))
        finally:
            browser.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/report_pictures.py", description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=None, help="a store to picture (default: the demo, loaded afresh)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the folder for the pictures (default docs/)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="report-pictures-") as folder:
        scratch = Path(folder)
        db = _store(args.db, scratch)
        for made in (pack_slide(db, args.out / "pack-slide.png", scratch),
                     public_page(db, args.out / "public-page.png", scratch)):
            print(f"wrote {made}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
