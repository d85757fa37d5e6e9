"""The scrutiny summary: a small figure shows as ``c`` and never as the number (nor as a change, a comparison
with the target or a rating that gives it away: "fewer than 6 contacts: not shown"), for a scrutiny member as
for anyone; on the demo data the headlines, the rating counts and the sentences per aim render; an empty
database says what to upload."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from loaders.store import Store
from metrics.brag import rate_actions
from metrics.compute import all_metrics, compute_all
from metrics.summary import WITHHELD, aim_sentences, headlines, withheld_ratings
from metrics.wording import verdict
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
    # A change from 10 would give the 3 away. The first mention of a quarter is in words.
    assert len(re.findall(r"Since (January to March 2025 \()?2024-25 Q4\)?: not shown", text)) == 2
    assert "Figures for April to June 2025 (2025-26 Q1), unless a card says otherwise." in text
    assert text.count("2025-26 Q1: fewer than 6 contacts: not shown") == 2
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
    assert "2025-26 Q1: fewer than 6 contacts: not shown" in text
    assert re.search(r"Since (January to March 2025 \()?2024-25 Q4\)?: not shown", text)
    assert "Since the baseline (2024-25 Q4): not shown" in text
    assert "Target: 90.0%" in text           # the plan's own figure: shown, but never compared with the 3
    assert "Of 1 action: 1 based on small numbers." in text
    assert "Not shown: based on small numbers" in text            # the card's rating chip
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
    assert [h.value for h in at.header][:4] == ["Headline figures", "Action plan ratings", "Progress by aim",
                                                "Returns received"]

    # Headlines: each measure in the plan that has values, then the volumes, with the suppressed display value.
    assert len(expected) >= 8
    assert _metrics(at) == [(h.title, h.value) for h in expected]          # in rows of three
    assert [h.metric_id for h in expected][-2:] == ["contacts.count", "cp_plans.started"]
    text = _plain(page_text(at))
    for figure in expected:
        if figure.previous_period:
            assert re.search(rf"Since [^:]*{re.escape(figure.previous_period)}\)?: "
                             rf"{re.escape(figure.change_previous)}", text), figure

    # Rating counts across the plan, in BRAG order with their words, and per aim in the chart's table; a rating
    # built from a suppressed figure (the demo has one: a baseline quarter with few audits) is not shown.
    plan = withheld_ratings(plan, values)
    counts = plan["rag"].value_counts()
    assert int(counts.sum()) == 14 and WITHHELD in counts
    assert _plain(at.subheader[0].value) == verdict({str(k): int(v) for k, v in counts.items()})
    assert _plain(at.subheader[0].value).startswith("Of 14 actions: 2 off track, 4 behind plan, ")
    # Every Red action is named, by its words, with its reason and what happens next; then the Amber ones.
    for rag in ("Red", "Amber"):
        for _, act in plan[plan["rag"] == rag].iterrows():
            assert f"**{act['action_id']} {act['action'][:40]}" in text, act["action_id"]
    assert text.index("Red: off track") < text.index("Amber: behind plan")
    assert "Next: " in text
    # No metric or dataset id reaches the reader.
    for metric_id in registry:
        assert metric_id not in text, metric_id
    [table] = [t.value for t in at.dataframe if "Aim" in t.value.columns]
    assert list(table["Aim"]) == sorted(["All actions", *AIMS])
    per_aim = table.set_index("Aim")
    for aim in AIMS:
        actions = plan[plan["priority_area"] == aim]
        assert {rag: int(per_aim.at[aim, rag]) for rag in per_aim.columns} == \
               {rag: int((actions["rag"] == rag).sum()) for rag in per_aim.columns}
    assert int(per_aim.loc["All actions"].sum()) == 14

    # One or two sentences per aim, in plain English.
    assert [_plain(s.value) for s in at.subheader][1:] == AIMS
    sentences = aim_sentences(values, plan, registry)
    for aim in AIMS:
        actions = plan[plan["priority_area"] == aim]
        good = int(actions["rag"].isin(["Green", "Blue"]).sum())
        assert sentences[aim][0].startswith(f"{good} of {len(actions)} actions are on track or complete")
        assert " ".join(sentences[aim]) in text

    # Freshness: one plain line, then the newest return per dataset and agency, by the return's name.
    assert "Data to March 2026." in text and "None" not in text
    assert "- **MASH contacts** from Children's social care: data to 31 March 2026, last uploaded " in text
    assert "- **Action plan** from Safeguarding partnership: not dated, last uploaded " in text
    for name in ("Multi-agency training", "Multi-agency case audits"):
        assert f"- **{name}** from " in text


def test_summary_on_an_empty_database_says_what_to_upload(open_app, tmp_path):
    at = open_app(tmp_path / "empty.duckdb")
    assert [t.value for t in at.title] == ["How the partnership is doing"]
    assert [i.value for i in at.main.info] == [
        "No data yet. Upload the MASH contacts, Annex A lists, training register, case audits and the action plan "
        "to see the summary. Managers can load returns on the **Upload** page."]
    assert not at.header
    assert shows_no_data(at)


# --- the wording rules, each case generated in a real store and read off the page ---

BASE, PREV, NOW = "2024-25 Q3", "2024-25 Q4", "2025-26 Q1"
STARTS = {BASE: dt.date(2024, 10, 1), PREV: dt.date(2025, 1, 7), NOW: dt.date(2025, 4, 8)}
LATER = "2027-28 Q4"   # due long after today: no action below is overdue


def _days(quarter: str, n: int) -> list[dt.date]:
    return [STARTS[quarter] + dt.timedelta(days=7 * (i % 10) + i // 10) for i in range(n)]


def _contacts(quarter: str, n: int, in_time: int) -> list[dict]:
    """``n`` contacts on weekdays; the first ``in_time`` decided the next working day, the rest ten days later."""
    return [contact(day, day + dt.timedelta(days=1 if i < in_time else 10), child=f"{quarter}-{i}")
            for i, day in enumerate(_days(quarter, n))]


def _plans(quarter: str, n: int, repeat: int) -> list[dict]:
    return [{"child_key": f"{quarter}-{i}", "plan_start": day, "initial_category": "Neglect",
             "previous_plans": 1 if i < repeat else 0} for i, day in enumerate(_days(quarter, n))]


def _delegates(quarter: str, n: int) -> list[dict]:
    return [{"session_date": day, "course": "Neglect", "agency": "Health", "attended": "Yes", "session_id": "S1",
             "confidence_pre": 2, "confidence_post": 4} for day in _days(quarter, n)]


WORDING_CASES = {
    # name: (rows per dataset, the action plan, patterns the page must show, words it must not)
    "zero change": (
        {"contacts": _contacts(PREV, 10, 7) + _contacts(NOW, 10, 7)},
        [action("1.1", baseline=70.0, baseline_period=PREV, target=90.0, due_period=LATER)],
        [r"Since (January to March 2025 \()?2024-25 Q4\)?: no change", r"Since the baseline \(2024-25 Q4\): no change"],
        [" 0.0 points", ", worse", ", better"]),
    "a change smaller than the display's precision": (
        {"contacts": _contacts(PREV, 10, 7) + _contacts(NOW, 10, 7)},
        [action("1.1", baseline=70.04, baseline_period=PREV, target=90.0, due_period=LATER)],
        [r"Since the baseline \(2024-25 Q4\): no change", "MASH decisions within 1 working day stayed at 70.0%"],
        [" 0.0 points", ", worse", "fell to"]),
    "lower is better": (
        {"cp_plans": _plans(PREV, 32, 8) + _plans(NOW, 40, 8)},
        [action("1.1", "cp_plans.second_or_subsequent", baseline=25.0, baseline_period=PREV, target=15.0,
                due_period=LATER)],
        [r"▼ down 5\.0 points \(percentage points: the difference between two percentages\), better",
         r"fell to 20\.0% in 2025-26 Q1, above the 15\.0% target \(lower is better\)\.", r"\*Lower is better\.\*"],
        ["short of", ", worse"]),
    "a suppressed value": (
        {"contacts": _contacts(PREV, 10, 7) + _contacts(NOW, 3, 3)},
        [action("1.1", baseline=70.0, baseline_period=PREV, target=90.0, due_period=LATER)],
        ["2025-26 Q1: fewer than 6 contacts: not shown", r"Of 1 action: 1 based on small numbers\.",
         r"\[Not shown: based on small numbers\]"],
        ["100.0%", "▲", ", better", "meeting", "Green"]),
    "mixed latest quarters": (
        {"contacts": _contacts(PREV, 10, 7) + _contacts(NOW, 10, 8), "training": _delegates(PREV, 8)},
        [action("1.1", baseline=70.0, baseline_period=PREV, target=90.0, due_period=LATER),
         action("1.2", "training.confidence_uplift", baseline=1.5, baseline_period=PREV, target=1.8,
                due_period=LATER)],
        [r"Figures for April to June 2025 \(2025-26 Q1\), unless a card says otherwise\.",
         "Latest figure: 2024-25 Q4, not 2025-26 Q1", "2.00 points on a 1–5 scale"],
        []),
    "baseline in the latest quarter": (
        {"contacts": _contacts(PREV, 10, 7) + _contacts(NOW, 10, 8)},
        [action("1.1", baseline=80.0, baseline_period=NOW, target=90.0, due_period=LATER)],
        [r"Since the baseline \(2025-26 Q1\): the baseline is this quarter", r"\[No data: without data yet\]"],
        [" 0.0 points", ", worse"]),
}


@pytest.mark.parametrize("case", WORDING_CASES)
def test_the_summary_words_each_case_plainly(open_app, tmp_path, case):
    rows, plan, says, never = WORDING_CASES[case]
    db = tmp_path / "case.duckdb"
    with Store(db) as store:
        for dataset, dataset_rows in rows.items():
            add_rows(store, dataset, dataset_rows, agency="Safeguarding partnership" if dataset == "training"
                     else "Children's social care")
        add_rows(store, "actions", plan, agency="Safeguarding partnership")
    at = open_app(db)
    text = _plain(page_text(at))
    for pattern in says:
        assert re.search(pattern, text), (pattern, text)
    for words in never:
        assert words not in text, (words, text)
    assert "contacts.decided" not in text and "cp_plans" not in text      # no ids for a reader
