"""``reports.content``: one content for every export, through the pages' queries and wording: the latest
commentary and decision per action, ``--quarter`` as at a quarter's end, suppressed only where asked."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx

from loaders.store import Store
from metrics.commentary import add_comment
from metrics.decisions import record_decision
from reports.content import build_content, partnership_name
from reports.public import render
from reports.scrutiny import write_scrutiny
from tests.reports.stores import HOSTILE, measured_store


def _store(tmp_path: Path) -> Path:
    db = measured_store(tmp_path / "store")
    with Store(db) as store:
        add_comment(store, "1.1", "2024-25 Q4", "Older quarter's word", "Ann Chair")
        add_comment(store, "1.1", "2025-26 Q1", HOSTILE, "Ann Chair")
        add_comment(store, "2.1", "2024-25 Q4", "Strategy agreed by the board", "Bo Manager")
        record_decision(store, "2.1", "In progress", "Earlier note", "Ann Chair", on=dt.date(2025, 1, 20))
        record_decision(store, "2.1", "Agreed complete", "Strategy signed off", "Ann Chair", on=dt.date(2025, 5, 2),
                        meeting_date=dt.date(2025, 4, 30))
    return db


def test_latest_commentary_and_decision(tmp_path: Path) -> None:
    with Store(_store(tmp_path)) as store:
        content = build_content(store, suppressed=True)
    by_id = {a.action_id: a for a in content.actions}
    assert by_id["1.1"].commentary == HOSTILE and by_id["2.1"].commentary == "Strategy agreed by the board"
    assert by_id["2.1"].decision == "Agreed complete: Strategy signed off" and by_id["2.1"].decision_on == "30/04/2025"
    # The latest decision is the current status: the pages' rating follows it.
    assert (by_id["2.1"].rating, by_id["2.1"].rating_words) == ("Blue", "complete")
    assert by_id["1.1"].decision is None
    html = render(content)
    assert "Latest commentary: **bold** &lt;img src=x onerror=alert(1)&gt;" in html
    write_scrutiny(content, tmp_path / "s.docx")
    paragraphs = [p.text for p in docx.Document(str(tmp_path / "s.docx")).paragraphs]
    assert f"Commentary on 1.1 ({by_id['1.1'].commentary_on}): {HOSTILE}" in paragraphs


def test_as_at_a_quarter(tmp_path: Path) -> None:
    with Store(_store(tmp_path)) as store:
        content = build_content(store, suppressed=True, quarter="2024-25 Q4")
    by_id = {a.action_id: a for a in content.actions}
    assert content.quarter == "2024-25 Q4" and content.data_to == dt.date(2025, 3, 31)
    assert by_id["1.1"].commentary == "Older quarter's word" and by_id["1.1"].latest == "85.0%"
    assert (by_id["2.1"].decision, by_id["2.1"].rating) == ("In progress: Earlier note", "Amber")
    assert by_id["1.1"].chart.categories[-1] == "2027-28 Q4" and by_id["1.1"].chart.series[0].values[2] is None


def test_suppressed_only_where_asked(tmp_path: Path) -> None:
    with Store(measured_store(tmp_path / "store")) as store:
        scrutiny = build_content(store, suppressed=True)
        pack = build_content(store, suppressed=False)
    assert (scrutiny.actions[0].latest, scrutiny.actions[0].rating) == ("c", "Not shown")
    assert scrutiny.actions[0].chart.series[0].values[2] is None
    assert (pack.actions[0].latest, pack.actions[0].rating) == ("100.0%", "Green")
    assert pack.actions[0].chart.series[0].values[2] == 100.0
    assert scrutiny.counts == {"Green": 1, "Not shown": 1} and pack.counts == {"Green": 2}
    assert scrutiny.freshness[0][0] != "contacts"  # datasets by their titles, not table names


def test_partnership_name(tmp_path: Path) -> None:
    (tmp_path / "p.toml").write_text('name = "Haringey"\n', encoding="utf-8")
    assert partnership_name(tmp_path / "p.toml") == "Haringey Safeguarding Children Partnership"
    (tmp_path / "p.toml").write_text('name = "Haringey"\npartnership = "Haringey LSCP"\n', encoding="utf-8")
    assert partnership_name(tmp_path / "p.toml") == "Haringey LSCP"
    assert partnership_name(tmp_path / "missing.toml") == "Safeguarding Children Partnership"
