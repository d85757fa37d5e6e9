"""Load the synthetic demo borough through the real loaders (``python -m loaders demo``)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from loaders.store import Store
from loaders.submit import load_file


def load_demo(store: Store, *, only_if_empty: bool = False, out_dir: Path | None = None, quiet: bool = False) -> int:
    """Generate the demo spreadsheets and load each as a manager would; 0 on success."""
    from loaders.demo import write_demo_files

    if only_if_empty and store.scalar("SELECT count(*) FROM submissions"):
        if not quiet:
            print(f"{store.path} already has data: demo not loaded")
        return 0
    with tempfile.TemporaryDirectory() as scratch:
        files = write_demo_files(Path(out_dir or scratch))
        status = 0
        for path in files:
            report = load_file(store, path, uploaded_by="demo", agency=_agency_for(path))
            if not quiet:
                print(f"{path.name}: {report.status}, {report.rows_loaded} rows ({', '.join(report.datasets)})")
            if report.status == "rejected":
                status = 1
                for issue in report.errors[:20]:
                    print(f"  ERROR {issue}")
    return status


def _agency_for(path: Path) -> str | None:
    name = path.name.lower()
    for word, agency in (("training", "Safeguarding partnership"), ("audit", "Safeguarding partnership"),
                         ("action", "Safeguarding partnership")):
        if word in name:
            return agency
    return None
