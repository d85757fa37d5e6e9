"""Command line: ``python -m loaders FILE...``, ``withdraw``, ``history``, ``template``, ``demo``.

Exit status: 0 when every file was accepted or a duplicate, 1 when any was rejected, 2 for a
usage error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import math
import sys
from pathlib import Path

import pandas as pd

from loaders.audit import CLI_ROLE, Actor
from loaders.datasets import DATASETS
from loaders.report import LoadReport
from loaders.store import Store, StoreBusyError, default_db_path

COMMANDS = ("withdraw", "history", "template", "demo")


def _user() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _plain(value: object) -> object:
    """A JSON-ready value: missing as null, dates as ISO, lists and numbers as themselves."""
    if isinstance(value, (list, tuple)) or hasattr(value, "tolist"):
        return [_plain(v) for v in (value.tolist() if hasattr(value, "tolist") else value)]
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() and value.hour == 0 else value.isoformat()
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    return value


def _print_report(report: LoadReport) -> None:
    headline = {
        "accepted": f"accepted as submission {report.submission_id}",
        "duplicate": f"duplicate of submission {report.submission_id}: nothing changed",
        "rejected": "rejected: nothing was written",
        "checked": "would be accepted (dry run): nothing was written",
    }[report.status]
    print(f"{report.file}: {headline}")
    for sheet in report.sheets:
        covered = f", {sheet.date_from:%d/%m/%Y} to {sheet.date_to:%d/%m/%Y}" if sheet.date_from else ""
        print(f"  sheet '{sheet.sheet}' → {sheet.dataset}: {sheet.rows_read} rows read, "
              f"{sheet.rows_valid} valid{covered}")
    if report.sheets_not_used:
        print(f"  sheets not used: {', '.join(report.sheets_not_used)}")
    if report.dropped_columns:
        print(f"  columns dropped for privacy: {', '.join(report.dropped_columns)}")
    print(f"  rows read {report.rows_read}, loaded {report.rows_loaded}, skipped {report.rows_skipped}")
    for issue in report.errors:
        print(f"  ERROR {issue}")
    for issue in report.warnings:
        print(f"  warning {issue}")


def _load(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m loaders", description="Load agency spreadsheets into the store.")
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.add_argument("--agency", help="the submitting agency (default: Children's social care)")
    parser.add_argument("--db", type=Path, default=None, help="database file (default: $DASHBOARD_DB or data/dashboard.duckdb)")
    parser.add_argument("--dry-run", action="store_true", help="check the files and write nothing")
    parser.add_argument("--skip-invalid-rows", action="store_true",
                        help="load the valid rows and skip the listed invalid ones (recorded on the submission)")
    parser.add_argument("--json", action="store_true", help="print one JSON object per file and nothing else")
    parser.add_argument("--by", default=None, help="who is loading (default: cli:<user>)")
    args = parser.parse_args(argv)
    from loaders.submit import load_file

    missing = [str(f) for f in args.files if not f.is_file()]
    if missing:
        parser.error(f"no such file: {', '.join(missing)}")
    with Store(args.db or default_db_path()) as store:
        status = 0
        for path in args.files:
            report = load_file(store, path, uploaded_by=args.by or _user(), agency=args.agency,
                               dry_run=args.dry_run, skip_invalid_rows=args.skip_invalid_rows,
                               actor=Actor(args.by or _user(), CLI_ROLE))
            if args.json:
                print(json.dumps(report.to_json(), default=str), flush=True)
            else:
                _print_report(report)
            if report.status == "rejected":
                status = 1
    return status


def _withdraw(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m loaders withdraw")
    parser.add_argument("submission_id", type=int)
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--by", default=None)
    args = parser.parse_args(argv)
    from loaders.submit import WithdrawError, withdraw

    with Store(args.db or default_db_path()) as store:
        try:
            result = withdraw(store, args.submission_id, by=args.by or _user(),
                              actor=Actor(args.by or _user(), CLI_ROLE))
        except WithdrawError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    print(f"submission {result['submission_id']} withdrawn ({', '.join(result['datasets'])}); "
          "what it superseded counts again")
    return 0


def _history(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m loaders history")
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    from loaders.submit import submission_history

    with Store(args.db or default_db_path()) as store:
        history = submission_history(store)
    if args.json:
        for record in history.to_dict(orient="records"):
            print(json.dumps({key: _plain(value) for key, value in record.items()}))
    elif history.empty:
        print("no submissions yet")
    else:
        print(history.drop(columns=["withdrawn_by"]).to_string(index=False))
    return 0


def _template(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m loaders template")
    parser.add_argument("dataset", choices=sorted(DATASETS))
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    from loaders.template import write_template

    write_template(DATASETS[args.dataset], args.out)
    print(f"wrote {args.out}")
    return 0


def _demo(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m loaders demo",
                                     description="Load the synthetic demo data into an empty database.")
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--if-empty", action="store_true", help="do nothing when the database has submissions")
    args = parser.parse_args(argv)
    from loaders.demo_load import load_demo

    with Store(args.db or default_db_path()) as store:
        return load_demo(store, only_if_empty=args.if_empty)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    handlers = {"withdraw": _withdraw, "history": _history, "template": _template, "demo": _demo}
    try:
        if argv and argv[0] in handlers and not Path(argv[0]).exists():
            return handlers[argv[0]](argv[1:])
        return _load(argv)
    except SystemExit as exc:  # argparse: usage errors exit 2
        return int(exc.code or 0)
    except StoreBusyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
