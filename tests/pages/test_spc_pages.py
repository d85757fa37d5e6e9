"""SPC on the pages (issue 15), on the demo data: the MASH page's monthly SPC view reads in words, the Action
plan shows each measured action's variation and assurance beside its rating, the About page explains SPC."""

from __future__ import annotations

from metrics.monthly import monthly_metrics
from tests.pages.helpers import page_text
from ui.spc import TOGGLE


def test_mash_page_spc_view_reads_in_words(demo_db, open_app):
    at = open_app(demo_db, "mash")
    toggle = at.toggle(key="spc-mash")
    assert toggle.label == TOGGLE and not toggle.value
    assert "Variation:" not in page_text(at)  # off until asked for
    before = len(list(at.get("plotly_chart")))
    toggle.set_value(True).run()
    assert not at.exception, [e.message for e in at.exception]
    text = page_text(at)
    charted = [m for m in monthly_metrics() if m.dataset in ("contacts", "referrals", "cp_plans")]
    assert len(list(at.get("plotly_chart"))) >= before + len(charted)
    # The demo's re-referrals fall from September 2025 (designed improvement; lower is better).
    assert "Special cause improvement: 7 months below the average since September 2025." in text
    assert "**Variation:** Special cause improvement (lower values)." in text
    assert "Common cause variation: no sign of real change." in text
    # Action 1.2 measures re-referrals with a target: assurance is given against it.
    assert "**Assurance:**" in text


def test_action_plan_shows_variation_and_assurance_beside_the_rating(demo_db, open_app):
    at = open_app(demo_db, "actions")
    assert "Real change or noise? (monthly SPC)" in page_text(at)
    [table] = [t.value for t in at.dataframe if "Variation" in t.value.columns]
    assert list(table.columns) == ["Action", "Measure", "Rating", "Variation", "Assurance", "Reading"]
    row = table.set_index("Action").loc["1.2"]
    assert row["Measure"] == "referrals.rereferral_12m"
    assert row["Rating"] in ("Blue", "Green", "Amber", "Red", "No data")
    assert row["Variation"] == "Special cause improvement (lower values)"
    assert row["Assurance"] in ("The target will reliably be met", "The target will not be met without change",
                                "The target may or may not be met (hit and miss)")


def test_about_page_explains_spc_and_brag(demo_db, open_app):
    at = open_app(demo_db, "about")
    text = page_text(at)
    assert "Real change or noise: SPC charts" in text
    assert "SPC and BRAG: two different questions." in text and "trial limits" in text


def test_case_audits_page_offers_the_same_spc_view(demo_db, open_app):
    at = open_app(demo_db, "audits")
    at.toggle(key="spc-audits").set_value(True).run()
    assert not at.exception, [e.message for e in at.exception]
    text = page_text(at)
    assert "Case audits, by month" in " ".join(str(c.proto.spec) for c in at.get("plotly_chart"))
    assert "**Variation:**" in text
