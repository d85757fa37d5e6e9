"""Command line: ``python -m loaders FILE...``, ``withdraw``, ``history``, ``template``, ``demo``,
``verify-audit``, ``backup``, ``restore``, ``alias``, ``aliases``, ``unalias``, ``reference``.

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
from loaders.issue_groups import group_issues
from loaders.report import LoadReport
from loaders.store import Store, StoreBusyError, default_db_path

COMMANDS = ("withdraw", "history", "template", "demo", "verify-audit", "backup", "restore", "alias", "aliases",
            "unalias", "reference")


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
        "duplicate": f"duplicate: {report.message}",
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
    if report.aliases_applied:
        print("  value mappings applied: " + ", ".join(
            f"alias {alias_id} to {cells} cell{'s' if cells != 1 else ''}"
            for alias_id, cells in sorted(report.aliases_applied.items())))
    # Repeated problems once each, with their count and first rows (``--json`` keeps every issue).
    several_sheets = len({issue.sheet for issue in (*report.errors, *report.warnings) if issue.sheet}) > 1
    for group in group_issues(report.errors):
        print(f"  ERROR {group.line(with_sheet=several_sheets)}")
    for group in group_issues(report.warnings):
        print(f"  warning {group.line(with_sheet=several_sheets)}")
    for volume in report.volume_warnings:
        print(f"  check: {volume.message}")


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
    from demo.load import load_demo  # demo data is not a loader: the demo package loads it through them

    with Store(args.db or default_db_path()) as store:
        return load_demo(store, only_if_empty=args.if_empty)


def _open_for_check(db: Path) -> Store:
    """The store read-only; one from before the audit chain is opened for writing once, which chains it."""
    store = Store(db, read_only=True)
    if store.scalar("SELECT count(*) FROM duckdb_columns() WHERE table_name = 'audit_log' AND column_name = 'row_hash'"):
        return store
    store.close()
    store = Store(db)
    print(f"note: {db} was upgraded to schema version {store.schema_version}; its audit rows were chained now, "
          "so changes made to them before today cannot be detected", file=sys.stderr)
    return store


def _verify_audit(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m loaders verify-audit",
                                     description="Check the audit trail's hash chain: 0 if intact, 1 if not.")
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    from loaders.audit import verify_chain

    db = args.db or default_db_path()
    if not db.is_file():
        print(f"error: there is no store at {db}", file=sys.stderr)
        return 1
    try:
        with _open_for_check(db) as store:
            check = verify_chain(store)
    except StoreBusyError:
        print(f"error: {db} is open in another process (the dashboard?): its Audit trail page shows the same "
              "check", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(check.to_json()))
    else:
        print(check.message + (f" (newest hash {check.last_hash})" if check.last_hash else ""))
    return 0 if check.intact else 1


SECRET_REMINDER = ("the backup does not contain the secret (DASHBOARD_SECRET, or .secret beside the database): "
                   "keep a copy of it separately and safely")


def _backup(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m loaders backup",
                                     description="Write a consistent copy of the store to FILE.")
    parser.add_argument("--out", type=Path, required=True, metavar="FILE")
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--force", action="store_true", help="replace FILE if it exists")
    parser.add_argument("--by", default=None)
    args = parser.parse_args(argv)
    from loaders.backup import BackupError, backup

    db = args.db or default_db_path()
    if not db.is_file():
        print(f"error: there is no store at {db}", file=sys.stderr)
        return 1
    try:
        with Store(db) as store:
            result = backup(store, args.out, actor=Actor(args.by or _user(), CLI_ROLE), force=args.force)
    except StoreBusyError:
        print(f"error: {db} is open in another process (the dashboard?): an administrator can download a "
              "backup from its Audit trail page", file=sys.stderr)
        return 1
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {result.path}: {result.size} bytes, schema version {result.schema_version}, "
          f"{result.submissions} submissions, audit trail {result.chain.message}; sha256 {result.sha256}")
    print(f"note: {SECRET_REMINDER}")
    return 0


def _restore(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m loaders restore",
                                     description="Replace the store with a backup made by `backup`.")
    parser.add_argument("file", type=Path, metavar="FILE")
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--force", action="store_true", help="replace a store that already holds data")
    args = parser.parse_args(argv)
    from loaders.backup import BackupError, restore

    db = args.db or default_db_path()
    try:
        result = restore(args.file, db, force=args.force)
    except StoreBusyError:
        print(f"error: {db} is open in another process (the dashboard?): stop it before restoring",
              file=sys.stderr)
        return 1
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"restored {args.file} into {result.path}{' (the store that was there is replaced)' if result.replaced else ''}"
          f": schema version {result.schema_version}, {result.submissions} submissions, "
          f"audit trail {result.chain.message}")
    if not result.chain.intact:
        print("warning: the backup's audit trail does not check: it was changed before or after the backup "
              "was made", file=sys.stderr)
    if not result.secret_found:
        print(f"warning: no secret for {result.path} (DASHBOARD_SECRET unset, no .secret beside it): put the "
              "original secret there before loading anything, or new pseudonyms will not match the restored ones",
              file=sys.stderr)
    return 0


def _alias(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m loaders alias",
        description="Read VALUE as CODE in DATASET's COLUMN, in one agency's loads from now on.")
    parser.add_argument("dataset", metavar="DATASET", help="contacts, referrals, cp_plans, training, audits, actions")
    parser.add_argument("column", metavar="COLUMN", help="the column's key or any accepted header (Contact source); "
                                                        "judgement for every theme of an audit return")
    parser.add_argument("value", metavar="VALUE", help="the label as the agency writes it")
    parser.add_argument("code", metavar="CODE", help="the accepted code it means (any accepted spelling)")
    parser.add_argument("--agency", required=True, help="the agency whose returns use this label")
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--json", action="store_true", help="print the mapping as one JSON object")
    parser.add_argument("--by", default=None, help="who is mapping (default: cli:<user>)")
    args = parser.parse_args(argv)
    from loaders.aliases import AliasError, add_alias, column_of, describe_code

    with Store(args.db or default_db_path()) as store:
        try:
            alias = add_alias(store, Actor(args.by or _user(), CLI_ROLE), args.agency, args.dataset, args.column,
                              args.value, args.code)
        except AliasError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    column = column_of(alias.dataset, alias.column)
    if args.json:
        print(json.dumps({"alias_id": alias.alias_id, "agency": alias.agency, "dataset": alias.dataset,
                          "column": alias.column, "value": alias.value, "code": alias.code}))
    else:
        print(f"alias {alias.alias_id}: {alias.value!r} in {alias.dataset}.{alias.column} ({column.header}) is read "
              f"as {describe_code(column, alias.code)} in {alias.agency}'s loads from now on")
    return 0


def _aliases(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m loaders aliases", description="List the value mappings.")
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--all", action="store_true", help="include removed mappings")
    parser.add_argument("--json", action="store_true", help="one JSON object per mapping")
    args = parser.parse_args(argv)
    from loaders.aliases import list_aliases

    with Store(args.db or default_db_path()) as store:
        mappings = list_aliases(store, include_removed=args.all)
    if args.json:
        for record in mappings.to_dict(orient="records"):
            print(json.dumps({key: _plain(value) for key, value in record.items()}))
    elif mappings.empty:
        print("no value mappings yet")
    else:
        for m in mappings.itertuples():
            removed = f"; removed by {m.removed_by} on {m.removed_at:%d/%m/%Y}" if isinstance(m.removed_by, str) else ""
            print(f"{m.alias_id}: {m.agency}, {m.dataset}.{m.column} ({m.header}): {m.value!r} -> {m.meaning} "
                  f"(by {m.created_by} on {m.created_at:%d/%m/%Y}{removed})")
    return 0


def _unalias(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m loaders unalias",
                                     description="Remove a value mapping: later loads no longer apply it.")
    parser.add_argument("alias_id", type=int, metavar="ID")
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--by", default=None)
    args = parser.parse_args(argv)
    from loaders.aliases import AliasError, remove_alias

    with Store(args.db or default_db_path()) as store:
        try:
            alias = remove_alias(store, Actor(args.by or _user(), CLI_ROLE), args.alias_id)
        except AliasError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    print(f"mapping {alias.alias_id} removed: {alias.value!r} in {alias.dataset}.{alias.column} is no longer read as "
          f"{alias.code} in {alias.agency}'s loads (files already loaded are unchanged)")
    return 0


def _reference(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m loaders reference",
        description="Load newer DfE comparator files (LAIT long table, its dictionary, the statistical-neighbour "
                    "model, ONS population, children in need CSVs) as the store's reference set, replacing the "
                    "current one whole. Kinds not given are taken from the shipped extract.")
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--json", action="store_true", help="print one JSON object and nothing else")
    parser.add_argument("--by", default=None)
    args = parser.parse_args(argv)
    from loaders.reference import ReferenceFileRejected
    from loaders.reference_store import load_reference_files

    missing = [str(f) for f in args.files if not f.is_file()]
    if missing:
        parser.error(f"no such file: {', '.join(missing)}")
    with Store(args.db or default_db_path()) as store:
        try:
            result = load_reference_files(store, args.files, loaded_by=args.by or _user(),
                                          actor=Actor(args.by or _user(), CLI_ROLE))
        except ReferenceFileRejected as exc:
            if args.json:
                print(json.dumps({"status": "rejected", "message": str(exc)}))
            else:
                print(f"rejected: {exc}", file=sys.stderr)
            return 1
    if args.json:
        print(json.dumps({"status": result.status, "reference_id": result.reference_id,
                          "rows_loaded": result.rows_loaded, "files": list(result.files)}))
    else:
        print(result.message)
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    handlers = {"withdraw": _withdraw, "history": _history, "template": _template, "demo": _demo,
                "verify-audit": _verify_audit, "backup": _backup, "restore": _restore, "alias": _alias,
                "aliases": _aliases, "unalias": _unalias, "reference": _reference}
    try:
        # A command's name, unless a file of that name is meant (the demo/ package folder is not a file).
        if argv and argv[0] in handlers and not Path(argv[0]).is_file():
            return handlers[argv[0]](argv[1:])
        return _load(argv)
    except SystemExit as exc:  # argparse: usage errors exit 2
        return int(exc.code or 0)
    except StoreBusyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
