"""The scrutiny summary: a small figure shows as ``c`` and never as the number (nor as a change that gives it
away); on the demo data the headlines, the rating counts and the sentences per aim render; an empty database
says what to upload."""

from __future__ import annotations

import re

from charts import BRAG_ORDER
from loaders.store import Store
from metrics.brag import rate_actions
from metrics.compute import all_metrics, compute_all
from metrics.summary import RAG_WORDS, aim_sentences, headlines
from tests.metrics.helpers import add_rows, contact
from tests.pages.helpers import page_text, shows_no_data

AIMS = ["Measurable outcomes for children", "Workforce knowledge and skills", "Processes and pathways"]


def _metrics(at) -> list[tuple[str, str]]:
    return [(m.label, m.value) for m in at.metric]


def test_small_numbers_show_as_c_and_nothing_gives_them_away(open_app, tmp_path):
    db = tmp_path / "tiny.duckdb"
    earlier = ["2025-01-06", "2025-01-07", "2025-01-08", "2025-01-09", "2025-01-13", "2025-01-14", "2025-01-15",
               "2025-01-16", "2025-01-20", "2025-01-21"]
    with Store(db) as store:
        # 2024-25 Q4: 10 contacts, each decided the next working day; 2025-26 Q1: 3 contacts, all decided in time.
        add_rows(store, "contacts", [contact(day, day[:-2] + f"{int(day[-2:]) + 1:02d}", child=f"e{n}")
                                     for n, day in enumerate(earlier)])
        add_rows(store, "contacts", [contact("2025-04-07", "2025-04-08", child="a"),
                                     contact("2025-04-08", "2025-04-09", child="b"),
                                     contact("2025-04-09", "2025-04-10", child="c")])
    at = open_app(db)
    assert [t.value for t in at.title] == ["How the partnership is doing"]
    assert _metrics(at) == [("MASH decisions within 1 working day", "c"), ("Contacts received", "c")]
    text = page_text(at)
    assert "Since 2024-25 Q4: c" in text            # a change from 10 would give the 3 away
    assert text.count("Latest quarter: 2025-26 Q1") == 2
    assert not re.search(r"(?<![\d-])3(?![\d])", text), text     # the raw count appears nowhere
    assert "100.0%" not in text and "▼" not in text and "▲" not in text


def test_summary_on_the_demo_data(open_app, demo_db):
    with Store(demo_db) as store:
        values = compute_all(store)
        plan = rate_actions(store, values=values)
        registry = {m.id: m for m in all_metrics(store)}
    expected = headlines(values, plan, registry)
    at = open_app(demo_db)
    assert [t.value for t in at.title] == ["How the partnership is doing"]
    assert [h.value for h in at.header] == ["Headline figures", "Action plan ratings", "Progress by aim",
                                            "How up to date the data is"]

    # Headlines: each measure in the plan that has values, then the volumes, with the suppressed display value.
    assert len(expected) >= 8
    in_columns = [expected[i] for column in range(3) for i in range(column, len(expected), 3)]   # three columns
    assert _metrics(at) == [(h.title, h.value) for h in in_columns]
    assert [h.metric_id for h in expected][-2:] == ["contacts.count", "cp_plans.started"]
    text = page_text(at)
    for figure in expected:
        assert f"Latest quarter: {figure.period}" in text
        if figure.previous_period:
            assert f"Since {figure.previous_period}: {figure.change_previous}" in text

    # Rating counts across the plan, in BRAG order with their words, and per aim in the chart's table.
    counts = plan["rag"].value_counts()
    assert int(counts.sum()) == 14
    line = ", ".join(f"**{int(counts[rag])} {rag}** ({RAG_WORDS[rag]})" for rag in BRAG_ORDER if rag in counts)
    assert f"{line} — 14 actions in all." in [m.value for m in at.markdown]
    [table] = [t.value for t in at.dataframe if "Aim" in t.value.columns]
    assert list(table["Aim"]) == sorted(["All actions", *AIMS])
    per_aim = table.set_index("Aim")
    for aim in AIMS:
        actions = plan[plan["priority_area"] == aim]
        assert {rag: int(per_aim.at[aim, rag]) for rag in per_aim.columns} == \
               {rag: int((actions["rag"] == rag).sum()) for rag in per_aim.columns}
    assert int(per_aim.loc["All actions"].sum()) == 14

    # One or two sentences per aim, in plain English.
    assert [s.value for s in at.subheader] == AIMS
    sentences = aim_sentences(values, plan, registry)
    for aim in AIMS:
        actions = plan[plan["priority_area"] == aim]
        good = int(actions["rag"].isin(["Green", "Blue"]).sum())
        assert sentences[aim][0].startswith(f"{good} of {len(actions)} actions are on track or complete")
        assert " ".join(sentences[aim]) in [m.value for m in at.markdown]

    # Freshness: the newest submission per dataset and agency.
    [fresh] = [t.value for t in at.dataframe if "Last uploaded" in t.value.columns]
    assert {"contacts", "training", "audits", "actions"} <= set(fresh["Dataset"])


def test_summary_on_an_empty_database_says_what_to_upload(open_app, tmp_path):
    at = open_app(tmp_path / "empty.duckdb")
    assert [t.value for t in at.title] == ["How the partnership is doing"]
    assert [i.value for i in at.main.info] == [
        "No data yet. Upload the MASH contacts, Annex A lists, training register, case audits and the action plan "
        "to see the summary. Managers can load returns on the **Upload** page."]
    assert not at.header
    assert shows_no_data(at)
