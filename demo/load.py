"""Load the synthetic demo borough through the real loaders (``python -m loaders demo``, ``make run``)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from demo.files import submitting_agency, write_demo_files
from loaders.reference_store import ensure_reference
from loaders.store import Store
from loaders.submit import load_file


def load_demo(store: Store, *, only_if_empty: bool = False, out_dir: Path | None = None, quiet: bool = False) -> int:
    """Generate the demo spreadsheets and load each as its submitting agency's manager would; 0 on success."""
    if only_if_empty and store.scalar("SELECT count(*) FROM submissions"):
        if not quiet:
            print(f"{store.path} already has data: demo not loaded")
        return 0
    reference = ensure_reference(store, loaded_by="demo")  # the DfE's published figures, for "How we compare"
    if reference is not None and not quiet:
        print(f"reference: {reference.message}")
    with tempfile.TemporaryDirectory() as scratch:
        files = write_demo_files(Path(out_dir or scratch))
        status = 0
        for path in files:
            report = load_file(store, path, uploaded_by="demo", agency=submitting_agency(path))
            if not quiet:
                print(f"{path.name}: {report.status}, {report.rows_loaded} rows ({', '.join(report.datasets)})")
            if report.status == "rejected":
                status = 1
                for issue in report.errors[:20]:
                    print(f"  ERROR {issue}")
    return status
