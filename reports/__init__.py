"""Exports that leave the app: the meeting pack, the scrutiny report, the public progress page and the
decisions log, all built from one ``reports.content.ReportContent`` (``python -m reports``)."""
