"""The Audit trail's table reads as words: readable headings, actions and outcomes without underscores, and
blank cells, never "None" (issue 12)."""

from __future__ import annotations

from loaders.store import Store

HEADINGS = ["No.", "When (UTC)", "Who", "Role", "Agency", "Action", "What it acted on", "Outcome", "Detail"]


def test_the_trail_has_readable_columns_and_no_none(open_app, demo_copy):
    at = open_app(demo_copy, "audit_trail")
    table = at.dataframe[0].value
    assert list(table.columns) == HEADINGS
    cells = [str(v) for v in table.drop(columns=["No."]).to_numpy().ravel()]
    assert "None" not in cells and "nan" not in cells and "NaT" not in cells
    assert not any("_" in str(v) for v in table["Action"])
    assert all(len(v) == 19 for v in table["When (UTC)"])  # 2026-12-03 03:17:42
    with Store(demo_copy) as store:
        blanks = store.scalar("SELECT count(*) FROM audit_log WHERE agency IS NULL OR target IS NULL "
                              "OR detail IS NULL")
    assert blanks > 0  # the demo's trail does have empty cells: they show blank
    assert (table[["Agency", "What it acted on", "Detail"]] == "").to_numpy().any()
