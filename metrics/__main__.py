"""Command line: ``python -m metrics [--db PATH] [--json]``, ``... actions``, ``... decide ACTION_ID``, ``... comment ACTION_ID``,
``... spc METRIC [--rebase YYYY-MM] [--json]``, ``... benchmarks [--la NAME] [--json]``.

Exit status: 0 done; 1 a refused decision or an unusable database (message on stderr); 2 a usage error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from loaders.store import Store, StoreBusyError, default_db_path

ACTION_KEYS = ("action_id", "measure", "latest_period", "latest_value", "baseline", "target", "trajectory_value",
               "rag", "reason")
VALUE_KEYS = ("metric", "period", "group", "value", "numerator", "denominator")


class _Refused(Exception):
    pass


def _parser(prog: str, description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--db", type=Path, default=None,
                        help="the DuckDB file (default: $DASHBOARD_DB, else data/dashboard.duckdb)")
    return parser


def _plain(value: object) -> object:
    """JSON-ready: NaN and NA become null, numpy numbers plain Python, whole counts ints."""
    if value is None or pd.isna(value):
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isinf(value):
        return None
    return value


def _open(path: Path | None, write: bool) -> Store:
    path = path or default_db_path()
    if not write and not path.exists():
        raise _Refused(f"no database at {path}: load data first with python -m loaders")
    try:
        return Store(path, read_only=not write)
    except StoreBusyError as exc:
        raise _Refused(str(exc)) from exc


def _print_values(store: Store, as_json: bool) -> None:
    from metrics.compute import compute_all
    from metrics.registry import get

    frame = compute_all(store)
    if as_json:
        for row in frame.itertuples(index=False):
            record = {k: _plain(v) for k, v in zip(VALUE_KEYS, row, strict=True)}
            metric = get(record["metric"])
            if metric and metric.unit == "count" and record["value"] is not None:
                record["value"] = int(record["value"])
            print(json.dumps(record))
        return
    if frame.empty:
        print("No metric values: no current rows in any dataset.")
        return
    shown = frame.assign(group=frame["group"].fillna("(overall)"), value=frame["value"].round(2))
    print(shown.to_string(index=False, na_rep=""))


def _print_actions(store: Store, as_json: bool) -> None:
    from metrics.brag import rate_actions

    frame = rate_actions(store)
    for record in frame.to_dict("records"):
        if as_json:
            print(json.dumps({k: _plain(record[k]) for k in ACTION_KEYS}))
        else:
            print(f"{record['action_id']:<8} {record['rag']:<8} {record['reason']}")
    if frame.empty and not as_json:
        print("No action plan loaded.")


def _decide(args: argparse.Namespace) -> None:
    from loaders.audit import CLI_ROLE, Actor
    from metrics.decisions import DecisionError, record_decision

    store = _open(args.db, write=True)
    try:
        decision_id = record_decision(store, args.action_id, args.status, args.note, args.by, args.on,
                                      actor=Actor(args.by, CLI_ROLE))
    except DecisionError as exc:
        raise _Refused(f"decision refused: {exc}") from exc
    finally:
        store.close()
    print(f"Recorded decision {decision_id}: action {args.action_id} is now {args.status.strip()}")


def _comment(args: argparse.Namespace) -> None:
    from loaders.audit import CLI_ROLE, Actor
    from metrics.commentary import CommentaryError, add_comment

    store = _open(args.db, write=True)
    try:
        comment_id = add_comment(store, args.action_id, args.quarter, args.text, args.by,
                                 actor=Actor(args.by, CLI_ROLE))
    except CommentaryError as exc:
        raise _Refused(f"commentary refused: {exc}") from exc
    finally:
        store.close()
    print(f"Recorded commentary {comment_id} on action {args.action_id}")


def _spc(args: argparse.Namespace) -> None:
    """One JSON object (or line) per month, then the series' variation and assurance; the target, and the
    date the change went live (a rebase unless ``--rebase`` is given), are those of the first action the plan
    measures by the metric."""
    from metrics.brag import rate_actions
    from metrics.monthly import action_targets, action_went_live, monthly_metrics, monthly_values, spc_many
    from metrics.spc import SpcError

    charted = [m.id for m in monthly_metrics()]
    if args.metric not in charted:
        raise _Refused(f"no monthly series for {args.metric!r}: monthly metrics are {', '.join(charted)}")
    store = _open(args.db, write=False)
    try:
        rated = rate_actions(store)
        result = spc_many(monthly_values(store), [args.metric], targets=action_targets(rated), rebase=args.rebase,
                          went_live=action_went_live(rated))[args.metric]
    finally:
        store.close()
    if isinstance(result, SpcError):
        raise _Refused(f"{args.metric}: {result}")
    for record in result.to_records():
        print(json.dumps(record) if args.json else
              f"{record['period']}  {_num(record['value']):>10}  mean {_num(record['mean'])}  "
              f"limits {_num(record['lower'])} to {_num(record['upper'])}  {record['point_type'] or 'gap'}")
    summary = {**result.summary(), "target": result.target}
    print(json.dumps(summary) if args.json else summary["words"])


def _benchmarks(args: argparse.Namespace) -> None:
    """Every pair's published figures for the LA, its neighbours' median, its region and England, one line
    per measure, year and area. The store's reference set, else the shipped extract."""
    from metrics.benchmarks import UnknownArea, benchmark_frame, benchmark_records, la_code_of, reference_connection

    path = args.db or default_db_path()
    store = _open(path, write=False) if path.exists() else None
    try:
        con = reference_connection(store)
        try:
            code, name = la_code_of(con, args.la)
        except UnknownArea as exc:
            raise _Refused(str(exc)) from exc
        records = list(benchmark_records(benchmark_frame(con, code), name))
    finally:
        if store is not None:
            store.close()
    for record in records:
        if args.json:
            print(json.dumps(record))
        else:
            value = "" if record["value"] is None else f"{record['value']:g}"
            print(f"{record['metric']:<30} {record['published_measure']:<26} {record['year']}  "
                  f"{record['area']:<10} {record['area_name']:<32} {value}")


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _month(text: str) -> str:
    try:
        return dt.datetime.strptime(text, "%Y-%m").strftime("%Y-%m")
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a month like 2025-06: {text!r}") from exc


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date like 2025-04-03: {text!r}") from exc


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv and argv[0] in ("actions", "decide", "comment", "spc", "benchmarks") else None
    try:
        if command == "benchmarks":
            parser = _parser("python -m metrics benchmarks", "Published figures for each paired measure: the LA, "
                             "its statistical neighbours' median, its region and England, every published year.")
            parser.add_argument("--la", default=None, help="the LA's name exactly as the DfE publishes it "
                                "(default: the partnership's, data/partnership.toml)")
            parser.add_argument("--json", action="store_true", help="one JSON object per line, nothing else")
            _benchmarks(parser.parse_args(argv[1:]))
            return 0
        if command == "spc":
            parser = _parser("python -m metrics spc", "A metric's monthly SPC (XmR) chart: each month's value, "
                             "mean, process limits and point type, then its variation and assurance.")
            parser.add_argument("metric", help="a monthly metric id, e.g. contacts.decided_within_1wd")
            parser.add_argument("--rebase", type=_month, action="append", default=[],
                                help="recalculate the limits from this month (YYYY-MM); may be repeated. "
                                "Without it, the action plan's Live from date, if any")
            parser.add_argument("--json", action="store_true", help="one JSON object per line, nothing else")
            _spc(parser.parse_args(argv[1:]))
            return 0
        if command == "comment":
            parser = _parser("python -m metrics comment", "Write commentary on an action for a quarter.")
            parser.add_argument("action_id")
            parser.add_argument("--quarter", required=True, help="the financial quarter, e.g. '2025-26 Q2'")
            parser.add_argument("--text", required=True, help="plain text, at most 1,500 characters")
            parser.add_argument("--by", required=True, help="who wrote it (name or role)")
            _comment(parser.parse_args(argv[1:]))
            return 0
        if command == "decide":
            parser = _parser("python -m metrics decide", "Record a partnership decision on an action.")
            parser.add_argument("action_id")
            parser.add_argument("--status", required=True,
                                help="Not started, In progress, Evidence submitted or Agreed complete")
            parser.add_argument("--note", required=True, help="what was decided, e.g. 'evidence accepted'")
            parser.add_argument("--by", required=True, help="who decided (name or role)")
            parser.add_argument("--on", type=_date, default=None, help="date of the decision (default today)")
            _decide(parser.parse_args(argv[1:]))
            return 0
        if command == "actions":
            parser = _parser("python -m metrics actions", "Rate every action in the current plan (BRAG).")
        else:
            parser = _parser("python -m metrics", "Print every metric value for every quarter.")
        parser.add_argument("--json", action="store_true", help="one JSON object per line, nothing else")
        args = parser.parse_args(argv[1:] if command else argv)
        store = _open(args.db, write=False)
        try:
            (_print_actions if command else _print_values)(store, args.json)
        finally:
            store.close()
        return 0
    except _Refused as exc:
        print(str(exc), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
