"""Page benchmark: the AppTest script run time of every page, on the demo data and on 2.5 million contacts.

Prints JSON lines {"name", "value", "unit", "baseline", "ratio"}; the baseline is the target
(1 s per page on the demo data, 2 s with 2.5 million contacts). "cold" is the first run after
start-up (queries computed), "warm" a later run (queries cached, as people see it most of the time).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import emit  # noqa: E402


def time_pages(db: Path, label: str, target: float) -> None:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from access.pages import PAGES

    os.environ["DASHBOARD_DB"] = str(db)
    os.environ["DASHBOARD_LOCAL"] = "1"  # the local administrator: every page
    for app_page in PAGES:
        page = app_page.name
        runs = []
        for attempt in range(3):
            if attempt == 0:
                st.cache_data.clear()  # cold: every query computed in this run
            app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=300)
            app.switch_page(app_page.file)  # opened by its URL, as a person following a link
            started = time.perf_counter()
            app.run()
            runs.append(time.perf_counter() - started)
            assert not app.exception, [e.value for e in app.exception]
            assert app.title and app.title[0].value, "the page did not render"
        emit(f"pages.{label}.{page}.cold", runs[0], "s", target)
        emit(f"pages.{label}.{page}.warm", min(runs[1:]), "s", target)


def main() -> None:
    os.environ.setdefault("DASHBOARD_SECRET", "bench")
    from bench.bench_metrics import build
    from demo.files import submitting_agency, write_demo_files
    from demo.load import load_demo
    from loaders.store import Store
    from loaders.submit import load_file

    with tempfile.TemporaryDirectory() as folder:
        demo = Path(folder) / "demo.duckdb"
        with Store(demo) as store:
            load_demo(store, quiet=True)
        time_pages(demo, "demo", 1.0)
        big = Path(folder) / "big.duckdb"
        build(big).close()
        demo_files = write_demo_files(Path(folder) / "files")
        with Store(big) as store:  # the demo action plan gives the pages a plan to rate
            plan = next(path for path in demo_files if "action_plan" in path.name)
            load_file(store, plan, uploaded_by="bench", agency=submitting_agency(plan))
        time_pages(big, "2.5m_contacts", 2.0)


if __name__ == "__main__":
    main()
