"""Command line: the exports, from the same data, ratings and suppression as the pages.

    python -m reports pack      --out FILE.pptx|FILE.pdf [--db PATH] [--quarter '2025-26 Q2'] [--meeting-date YYYY-MM-DD]
    python -m reports scrutiny  --out FILE.docx          [--db PATH] [--quarter ...]
    python -m reports public    --out DIR                [--db PATH] [--quarter ...]   # writes DIR/index.html
    python -m reports decisions --out FILE.csv|FILE.docx [--db PATH]

The format follows the extension. Exit status: 0 written; 1 with a one-line reason on stderr (an unusable
database, a quarter that is not one, an --out that cannot be written); 2 a usage error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import duckdb

from loaders.periods import Quarter
from loaders.store import Store, StoreBusyError, default_db_path

# Kind -> (the extensions it writes, whether --out is a folder, suppressed for scrutiny).
KINDS: dict[str, tuple[tuple[str, ...], bool, bool]] = {
    "pack": ((".pptx", ".pdf"), False, False),
    "scrutiny": ((".docx",), False, True),
    "public": ((), True, True),
    "decisions": ((".csv", ".docx"), False, False),
}


class Refused(Exception):
    """An export that cannot be made; the message is the one line the user reads."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m reports", description="Write an export of the dashboard.")
    parser.add_argument("kind", choices=list(KINDS), help="which export")
    parser.add_argument("--out", type=Path, required=True, help="the file to write (a folder for public)")
    parser.add_argument("--db", type=Path, default=None,
                        help="the DuckDB file (default: $DASHBOARD_DB, else data/dashboard.duckdb)")
    parser.add_argument("--quarter", default=None, help="report as at this quarter, e.g. '2025-26 Q2'")
    parser.add_argument("--meeting-date", default=None, help="the meeting's date, YYYY-MM-DD (pack only)")
    return parser


def _check_out(kind: str, out: Path) -> None:
    """Refuse a wrong extension or an --out that cannot be written, before any work is done."""
    extensions, folder, _ = KINDS[kind]
    if folder:
        if out.exists() and not out.is_dir():
            raise Refused(f"cannot write to {out}: it is a file, and public needs a folder")
        parent = out if out.exists() else out.parent
    else:
        if out.suffix.lower() not in extensions:
            raise Refused(f"{kind} writes {' or '.join(extensions)}: cannot write {out.name or out}")
        if out.is_dir():
            raise Refused(f"cannot write to {out}: it is a folder")
        parent = out.parent
    parent = parent if str(parent) else Path(".")
    existing = next((p for p in (parent, *parent.parents) if p.exists()), None)
    if existing is None or not existing.is_dir():
        raise Refused(f"cannot write to {out}: {parent} is not a folder")
    if not os.access(existing, os.W_OK | os.X_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise Refused(f"cannot write to {out}: permission denied")


def _writer(kind: str) -> Callable:
    if kind == "pack":
        from reports.pack import write_pack
        return write_pack
    if kind == "scrutiny":
        from reports.scrutiny import write_scrutiny
        return write_scrutiny
    if kind == "public":
        from reports.public import write_public
        return write_public
    from reports.decisions import write_decisions
    return write_decisions


def _meeting_date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise Refused(f"--meeting-date {text!r} is not a date as YYYY-MM-DD") from exc


def export(kind: str, out: Path, db: Path | None = None, quarter: str | None = None,
           meeting_date: dt.date | None = None) -> Path:
    """Write one export and return the file written (DIR/index.html for public)."""
    from reports.content import build_content

    _check_out(kind, out)
    if quarter is not None:
        try:
            Quarter.parse(quarter)
        except ValueError as exc:
            raise Refused(f"--quarter {quarter!r} is not a quarter such as '2025-26 Q2'") from exc
    path = Path(db) if db is not None else default_db_path()
    if not path.exists():
        raise Refused(f"no database at {path}: load data first (python -m loaders ...)")
    # Opened for writing only so an older store is brought up to date (migrations); the exports write nothing.
    with Store(path) as store:
        if kind == "decisions":
            written = _writer(kind)(store, out)
        else:
            content = build_content(store, suppressed=KINDS[kind][2], quarter=quarter, meeting_date=meeting_date)
            written = _writer(kind)(content, out)
    return Path(written) if written else out


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        written = export(args.kind, args.out, args.db, args.quarter, _meeting_date(args.meeting_date))
    except Refused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except StoreBusyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except duckdb.Error as exc:
        print(f"error: the database cannot be read: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: cannot write {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"wrote {written}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
