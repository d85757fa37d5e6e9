"""The scrutiny summary: a small figure shows as ``c`` and never as the number (nor as a change, a comparison
with the target or a rating that gives it away: "fewer than 6 contacts: not shown"), for a scrutiny member as
for anyone; on the demo data the headlines, the rating counts and the sentences per aim render; an empty
database says what to upload."""

from __future__ import annotations

import re

from charts import BRAG_ORDER
from loaders.store import Store
from metrics.brag import rate_actions
from metrics.compute import all_metrics, compute_all
from metrics.summary import WITHHELD, aim_sentences, headlines, rating_words, withheld_ratings
from tests.metrics.helpers import action, add_rows, contact
from tests.pages.helpers import page_text, shows_no_data

# One scrutiny member, as the roles file names them.
SCRUTINY_ROLES = 'contact = "lscp@example.org"\n[users."scrutiny@example.org"]\nrole = "scrutiny"\n'
AIMS = ["Measurable outcomes for children", "Workforce knowledge and skills", "Processes and pathways"]
EARLIER = ["2025-01-06", "2025-01-07", "2025-01-08", "2025-01-09", "2025-01-13", "2025-01-14", "2025-01-15",
           "2025-01-16", "2025-01-20", "2025-01-21"]


def _plain(text: str) -> str:
    """Markdown source as a person reads it: without the escapes that keep data literal (ui.literal)."""
    return re.sub(r"\\(.)", r"\1", str(text).replace("\u2060", ""))


def _metrics(at) -> list[tuple[str, str]]:
    return [(_plain(m.label), _plain(m.value)) for m in at.metric]


def _tiny_store(db, plan: bool = False) -> None:
    """2024-25 Q4: 10 contacts, each decided the next working day; 2025-26 Q1: 3 contacts, all decided in time.
    With ``plan``, one action measured by decisions in time (met its 90% target: a rating built from the 3)."""
    with Store(db) as store:
        add_rows(store, "contacts", [contact(day, day[:-2] + f"{int(day[-2:]) + 1:02d}", child=f"e{n}")
                                     for n, day in enumerate(EARLIER)])
        add_rows(store, "contacts", [contact("2025-04-07", "2025-04-08", child="a"),
                                     contact("2025-04-08", "2025-04-09", child="b"),
                                     contact("2025-04-09", "2025-04-10", child="c")])
        if plan:
            add_rows(store, "actions", [action("1.1", baseline=100.0, baseline_period="2024-25 Q4", target=90.0,
                                               due_period="2026-27 Q4")], agency="Safeguarding partnership")


def test_small_numbers_show_as_c_and_nothing_gives_them_away(open_app, tmp_path):
    db = tmp_path / "tiny.duckdb"
    _tiny_store(db)
    at = open_app(db)
    assert [t.value for t in at.title] == ["How the partnership is doing"]
    assert _metrics(at) == [("MASH decisions within 1 working day", "c"), ("Contacts received", "c")]
    text = _plain(page_text(at))
    assert text.count("Since 2024-25 Q4: not shown") == 2            # a change from 10 would give the 3 away
    assert "Latest quarter: 2025-26 Q1 — fewer than 6 contacts: not shown" in text
    assert text.count("Latest quarter: 2025-26 Q1") == 2
    assert not re.search(r"(?<![\d-])3(?![\d])", text), text     # the raw count appears nowhere
    assert "100.0%" not in text and "▼" not in text and "▲" not in text


def test_a_scrutiny_member_sees_no_rating_or_comparison_built_from_a_small_number(open_app, tmp_path):
    """3 of 3 contacts decided in time met the 90% target: neither the Green rating, nor 'meeting the target',
    nor 'stayed at 100%' may tell a scrutiny member so."""
    db, roles = tmp_path / "tiny.duckdb", tmp_path / "roles.toml"
    _tiny_store(db, plan=True)
    roles.write_text(SCRUTINY_ROLES)
    at = open_app(db, local=False, auth=True, roles=roles,
                  user={"is_logged_in": True, "email": "scrutiny@example.org"})
    assert [t.value for t in at.title] == ["How the partnership is doing"]
    assert [_plain(c.value) for c in at.sidebar.caption] == ["Signed in as scrutiny@example.org (scrutiny)"]
    assert _metrics(at) == [("MASH decisions within 1 working day", "c"), ("Contacts received", "c")]
    text = _plain(page_text(at))
    assert "Latest quarter: 2025-26 Q1 — fewer than 6 contacts: not shown" in text
    assert "Since 2024-25 Q4: not shown" in text and "Since the baseline (2024-25 Q4): not shown" in text
    assert "Target: 90.0%" in text           # the plan's own figure: shown, but never compared with the 3
    assert "**1 Not shown** (based on fewer than 6 contacts: not shown) — 1 actions in all." in text
    assert "0 of 1 actions are on track or complete; 1 is based on fewer than 6 contacts: not shown." in text
    [table] = [t.value for t in at.dataframe if "Aim" in t.value.columns]
    assert list(table.columns) == ["Aim", WITHHELD]
    assert not re.search(r"(?<![\d-])3(?![\d])", text), text
    # What the page says about the data (the chart's caption explains every rating's colour, so is left out).
    said = _plain("\n".join([*(m.value for m in at.main.markdown), *(f"{m.label} {m.value}" for m in at.metric)]))
    for word in ("100", "Green", "on track)", "meeting", "meets", "rose", "stayed", ", better", "▲", "▼"):
        assert word not in said, word


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
    text = _plain(page_text(at))
    for figure in expected:
        assert f"Latest quarter: {figure.period}" in text
        if figure.previous_period:
            assert f"Since {figure.previous_period}: {figure.change_previous}" in text

    # Rating counts across the plan, in BRAG order with their words, and per aim in the chart's table; a rating
    # built from a suppressed figure (the demo has one: a baseline quarter with few audits) is not shown.
    plan = withheld_ratings(plan, values)
    counts, words = plan["rag"].value_counts(), rating_words(plan, values)
    assert int(counts.sum()) == 14 and WITHHELD in counts
    line = ", ".join(f"**{int(counts[rag])} {rag}** ({words[rag]})" for rag in (*BRAG_ORDER, WITHHELD)
                     if rag in counts)
    assert f"{line} — 14 actions in all." in [_plain(m.value) for m in at.markdown]
    [table] = [t.value for t in at.dataframe if "Aim" in t.value.columns]
    assert list(table["Aim"]) == sorted(["All actions", *AIMS])
    per_aim = table.set_index("Aim")
    for aim in AIMS:
        actions = plan[plan["priority_area"] == aim]
        assert {rag: int(per_aim.at[aim, rag]) for rag in per_aim.columns} == \
               {rag: int((actions["rag"] == rag).sum()) for rag in per_aim.columns}
    assert int(per_aim.loc["All actions"].sum()) == 14

    # One or two sentences per aim, in plain English.
    assert [_plain(s.value) for s in at.subheader] == AIMS
    sentences = aim_sentences(values, plan, registry)
    for aim in AIMS:
        actions = plan[plan["priority_area"] == aim]
        good = int(actions["rag"].isin(["Green", "Blue"]).sum())
        assert sentences[aim][0].startswith(f"{good} of {len(actions)} actions are on track or complete")
        assert " ".join(sentences[aim]) in [_plain(m.value) for m in at.markdown]

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
