"""MASH and referrals, one tab at a time: contacts (by source, timeliness, awaiting a decision), what the MASH
decided (outcomes, neglect, conversion to referral), referrals (re-referrals, no further action) and child
protection plans (started, neglect, repeat plans); then the monthly SPC view and the published comparison."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from charts import bar_by_group, stacked_by_quarter
from metrics.breakdowns import SOURCE_GROUP_LABELS, outcome_labels, outcome_mix, referral_conversion, source_label
from metrics.display import rounded
from metrics.jumps import explain_jump, sudden_jump
from metrics.registry import DIRECTIONS
from ui.app import require
from ui.blocks import (
    action_target,
    chart_block,
    columns_for_charts,
    contact_outcomes,
    empty_state,
    has_rows,
    intro,
    latest_period,
    lazy_tabs,
    meeting_scale,
    metric_caption,
    metric_chart,
    mix_chart,
    tidy,
)
from ui.compare import comparison_panel
from ui.data import freshness
from ui.filters import series
from ui.spc import spc_view

CONTACTS_UPLOAD = ("Upload the MASH contacts return (Annex A List 1 (contacts), with the MASH decision date, "
                   "outcome and whether neglect was identified) to see {what}.")
REFERRALS_UPLOAD = "Upload the referrals return (Annex A List 3 (referrals)) to see {what}."
PLANS_UPLOAD = "Upload the child protection return (Annex A List 7 (child protection plans)) to see {what}."

require("mash")


def awaiting_note() -> str | None:
    """Why contacts awaiting a decision leapt in the latest quarter, from the contacts returns' dates."""
    rows = series("contacts.awaiting_decision")
    fresh = freshness()
    fresh = fresh[fresh["dataset"] == "contacts"] if not fresh.empty else fresh
    if rows.empty or fresh.empty:
        return None
    jump = sudden_jump([(p, float(v)) for p, v in zip(rows["period"], rows["value"]) if pd.notna(v)])
    up_to = fresh["data_up_to"].max()
    return explain_jump(jump, noun="contacts awaiting a decision", unit="count",
                        loaded_on=pd.Timestamp(fresh["last_uploaded"].max()).date(),
                        data_up_to=None if pd.isna(up_to) else pd.Timestamp(up_to).date(),
                        pending="decisions on its last contacts were still being recorded")


def _contacts() -> None:
    """Contacts by source, MASH decisions within one working day, contacts awaiting a decision."""
    if not has_rows("contacts"):
        empty_state(CONTACTS_UPLOAD.format(what="contacts by source, MASH decisions within one working day and "
                                                "contacts awaiting a decision"))
        return
    left, right = columns_for_charts()
    with left:
        by_source = series("contacts.by_source", by_group=True)
        if by_source.empty:
            empty_state(CONTACTS_UPLOAD.format(what="contacts by source"))
        else:
            data = by_source.assign(source=by_source["group"].map(source_label))
            order = [label for label in SOURCE_GROUP_LABELS.values() if label in set(data["source"])]
            order += [label for label in dict.fromkeys(data["source"]) if label not in order]
            title = "Contacts received, by source (number)"
            fig = stacked_by_quarter(data, title, "count", group="source", group_order=order,
                                     y_label="Contacts", scale=scale)
            table = tidy(data.astype({"numerator": "Int64"}),
                         {"period": "Quarter", "source": "Source", "numerator": "Contacts"})
            chart_block(fig, table, "contacts-by-source", caption=metric_caption("contacts.by_source"))
    with right:
        metric_chart("contacts.decided_within_1wd", "mash-decisions-1wd",
                     CONTACTS_UPLOAD.format(what="MASH decisions within one working day (the return needs the "
                                                 "MASH decision date)"))
    left, _ = columns_for_charts()
    with left:
        metric_chart("contacts.awaiting_decision", "contacts-awaiting-decision",
                     CONTACTS_UPLOAD.format(what="contacts awaiting a decision"), note=awaiting_note())


def _outcomes(outcomes: pd.DataFrame) -> None:
    mix = outcome_mix(outcomes)
    if mix.empty or set(mix["outcome"]) == {"Not recorded"}:
        empty_state(CONTACTS_UPLOAD.format(what="the MASH outcomes (the return needs the MASH outcome column)"))
        return
    order = [o for o in outcome_labels() if o in set(mix["outcome"])]
    mix_chart(mix, title="What the MASH decided, by quarter (number of contacts)", group="outcome",
              count="contacts", order=order, name="contact-outcomes", caption=(
        "The next step the MASH decided for each contact: a strategy discussion, a referral to children's "
        "social care, early help, information and advice, or no further action. "
        + DIRECTIONS["neither"].caption))


def _conversion(outcomes: pd.DataFrame) -> None:
    recorded = outcomes[outcomes["outcome"] != "Not recorded"] if not outcomes.empty else outcomes
    latest = latest_period(recorded["period"]) if not recorded.empty else None
    if latest is None:
        empty_state(CONTACTS_UPLOAD.format(what="conversion to referral by source (the return needs the MASH "
                                                "outcome column)"))
        return
    conversion = referral_conversion(outcomes[outcomes["period"] == latest], by_period=False)
    conversion = rounded(conversion[conversion["with_outcome"] > 0], "%")
    title = f"Contacts leading to a referral, by source, {latest} (%)"
    goal = action_target("contacts.to_referral")
    fig = bar_by_group(conversion, title, "%", category="source_group",
                       target=goal[0] if goal else None, y_label="Per cent of contacts with an outcome",
                       scale=scale)
    table = tidy(conversion.assign(period=latest),
                 {"period": "Quarter", "source_group": "Source", "value": "Led to a referral (%)",
                  "to_referral": "Contacts with outcome Referral or Strategy discussion",
                  "with_outcome": "Contacts with an outcome recorded"})
    chart_block(fig, table, "conversion-by-source", caption=metric_caption(
        "contacts.to_referral", "Shown by source for the latest quarter chosen; a small source's share "
                                "can swing on a few contacts (see the table)."))


def _decisions() -> None:
    """What the MASH decided, neglect identified, and contacts leading to a referral by source."""
    if not has_rows("contacts"):
        empty_state(CONTACTS_UPLOAD.format(what="the MASH outcomes, neglect identified and conversion to "
                                                "referral"))
        return
    outcomes = contact_outcomes()
    left, right = columns_for_charts()
    with left:
        _outcomes(outcomes)
    with right:
        metric_chart("contacts.neglect_identified", "contacts-neglect-identified",
                     CONTACTS_UPLOAD.format(what="the share of contacts where neglect was identified (the return "
                                                 "needs the neglect identified column)"))
    left, _ = columns_for_charts()
    with left:
        _conversion(outcomes)


def _referrals() -> None:
    if not has_rows("referrals"):
        empty_state(REFERRALS_UPLOAD.format(what="referrals, re-referrals within 12 months and referrals ending "
                                                 "in no further action"))
        return
    left, right = columns_for_charts()
    with left:
        metric_chart("referrals.rereferral_12m", "rereferrals-12m", REFERRALS_UPLOAD.format(what="re-referrals"))
    with right:
        metric_chart("referrals.nfa", "referrals-nfa",
                     REFERRALS_UPLOAD.format(what="referrals ending in no further action (the return needs the "
                                                  "Referral NFA? column)"))
    left, _ = columns_for_charts()
    with left:
        metric_chart("referrals.count", "referrals-count", REFERRALS_UPLOAD.format(what="referrals"))


def _plans() -> None:
    if not has_rows("cp_plans"):
        empty_state(PLANS_UPLOAD.format(what="plans started, plans under neglect and second or later plans"))
        return
    left, right = columns_for_charts()
    with left:
        metric_chart("cp_plans.started", "cp-plans-started", PLANS_UPLOAD.format(what="plans started"))
    with right:
        metric_chart("cp_plans.neglect_initial", "cp-plans-neglect",
                     PLANS_UPLOAD.format(what="plans started under neglect"))
    left, _ = columns_for_charts()
    with left:
        metric_chart("cp_plans.second_or_subsequent", "cp-plans-second",
                     PLANS_UPLOAD.format(what="second or later plans (the return needs the number of previous "
                                              "plans)"))


st.title("MASH and referrals")
scale = meeting_scale()
intro("How contacts about children reach the Multi-Agency Safeguarding Hub (MASH), how quickly and how it decides, "
      "and what happens next: referrals to children's social care and child protection plans.")

# One section at a time: only the open tab's charts are built and drawn (ui/blocks.py lazy_tabs).
lazy_tabs({"Contacts": _contacts, "What the MASH decided": _decisions, "Referrals": _referrals,
           "Child protection plans": _plans}, "mash-section")

# Monthly SPC charts of these datasets' measures, behind a toggle (ui/spc.py).
spc_view(("contacts", "referrals", "assessments", "s47_enquiries", "cp_plans"), "mash")

# The DfE's published figures for these measures (ui/compare.py; the full view is the How we compare page).
comparison_panel(("referrals", "assessments", "s47_enquiries", "cp_plans"))
