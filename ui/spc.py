"""SPC ("Making Data Count") on the pages, issue 15: the area pages' monthly SPC view, the Action plan's
variation and assurance beside each rating, and the About page's plain-English section. One call per page;
the months come from ``metrics.monthly`` (cached here until the data changes), the charts from ``charts.spc``,
the variation and assurance icons from ``charts.spc_icons``: always beside their words, each image with its
words as alt text (``st.image(alt=…)``; the SVG's own ``<title>`` is not read out from inside an ``<img>``).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from access.permissions import sees_suppressed_only
from charts.spc import MARKS, spc_chart
from charts.spc_icons import ICON_NAMES, ICONS, icon_data_uri, icon_svg
from metrics.display import rounded
from metrics.monthly import action_spc, action_targets, action_went_live, monthly_metrics, monthly_values, spc_many
from metrics.spc import ASSURANCE_ICONS, MIN_STABLE_POINTS, VARIATION_ICONS, SpcError, SpcResult
from ui.blocks import chart_block, meeting_scale, metric_caption
from ui.data import ratings
from ui.literal import markdown_literal
from ui.people import current_person
from ui.store import get_store, store_key
from ui.tables import show_table

TOGGLE = "Show monthly SPC charts: real change or noise?"
SPC_INTRO = ("Each month's figure against its average and process limits. Points marked in colour and shape are "
             "special cause: a real change, not the month-to-month noise every measure has.")


@st.cache_data(show_spinner=False)
def _monthly(db: str) -> pd.DataFrame:
    return monthly_values(get_store())


@st.cache_data(show_spinner=False)
def _action_spc(db: str) -> pd.DataFrame:
    """Each measured action's SPC reading (``metrics.monthly.action_spc``), until the data changes."""
    return action_spc(ratings(), _monthly(db))


def _table(result: SpcResult, unit: str, value_name: str) -> pd.DataFrame:
    """The chart's data as a person reads it: month, value, mean, limits and what the month shows."""
    frame = pd.DataFrame(result.to_records())
    words = {kind: words for kind, (words, _, _) in MARKS.items()}
    frame = rounded(frame, unit).assign(point_type=frame["point_type"].map(words).fillna("No value"))
    for column in ("mean", "lower", "upper"):
        frame[column] = frame[column].round(2)
    return frame[["period", "value", "mean", "lower", "upper", "point_type"]].rename(columns={
        "period": "Month", "value": value_name, "mean": "Mean", "lower": "Lower process limit",
        "upper": "Upper process limit", "point_type": "What the month shows"})


def reading(result: SpcResult) -> str:
    """The icons' words and the reading: 'Variation: … Assurance: … Special cause improvement: 8 months…'."""
    parts = [f"**Variation:** {VARIATION_ICONS[result.variation]}."]
    if result.assurance:
        parts.append(f"**Assurance:** {ASSURANCE_ICONS[result.assurance]}.")
    return " ".join([*parts, markdown_literal(result.reading)])


ICON_PX = 40  # the icons beside a reading (x1.5 in meeting mode)


def icon_names(result: SpcResult) -> list[str]:
    """The icons a result shows: its variation, then its assurance when it has one."""
    return [result.variation, *([result.assurance] if result.assurance else [])]


def icon_row(names: list[str], text: str, width: int = ICON_PX, alts: list[str] | None = None) -> None:
    """The icons side by side with ``text`` (Markdown) beside them, each image with its words as alt text (or
    ``alts``). One row that never wraps, so the words stay beside their icons."""
    with st.container(horizontal=True, vertical_alignment="center", gap="small", wrap=False):
        for name, alt in zip(names, alts or [ICONS[name].words for name in names], strict=True):
            st.image(icon_svg(name, width), width=width, alt=alt)
        st.markdown(text, width="stretch")


def spc_view(datasets: tuple[str, ...], name: str) -> None:
    """An area page's SPC view of the monthly measures of ``datasets``, behind a toggle. Scrutiny members
    (who see suppressed figures only) get small-number months as gaps, and so words built without them."""
    monthly = _monthly(store_key())
    present = set(monthly["metric"])  # a dataset with no rows yet has no months: its page says what to upload
    metrics = [m for m in monthly_metrics() if m.dataset in datasets and m.id in present]
    if not metrics or not st.toggle(TOGGLE, key=f"spc-{name}"):
        return
    st.caption(SPC_INTRO)
    person = current_person()
    withhold = person is None or sees_suppressed_only(person)
    rated = ratings()
    targets = action_targets(rated)  # and the plan's Live from dates: the limits are recalculated from them
    results = spc_many(monthly, [m.id for m in metrics], targets=targets, withhold_small=withhold,
                       went_live=action_went_live(rated))
    for metric in metrics:
        result = results[metric.id]
        title = f"{metric.title}, by month{metric.display.suffix}"
        if isinstance(result, SpcError):
            st.info(markdown_literal(f"{metric.title}: no SPC chart yet ({result})."))
            continue
        icon_row(icon_names(result), f"**{markdown_literal(metric.title)}**: {reading(result)}",
                 round(ICON_PX * meeting_scale()))
        fig = spc_chart(result, title, metric.unit, target=targets.get(metric.id), scale=meeting_scale())
        chart_block(fig, _table(result, metric.unit, title), f"spc-{metric.id}",
                    caption=metric_caption(metric.id))


def action_spc_line(action_id: str) -> None:
    """Under an action's rating: its variation and assurance icons with their words and the reading, so the
    room sees both answers on the action's own screen. Nothing for an action not measured by month."""
    found = _action_spc(store_key())
    rows = found[found["action_id"] == action_id]
    if rows.empty:
        return
    row = rows.iloc[0]
    names = [row["variation"], *([row["assurance"]] if isinstance(row["assurance"], str) else [])]
    text = f"**Monthly SPC:** {markdown_literal(row['variation_words'])}."
    if isinstance(row["assurance"], str):
        text += f" {markdown_literal(row['assurance_words'])}."
    icon_row(names, f"{text} {markdown_literal(row['words'])}", round(ICON_PX * meeting_scale()))


def action_spc_table() -> None:
    """The Action plan's SPC reading: each action measured monthly, its BRAG rating beside its variation and
    assurance (against that action's target)."""
    rated = ratings()
    found = _action_spc(store_key())
    if found.empty:
        return
    st.subheader("Real change or noise? (monthly SPC)")
    st.caption("The rating compares the latest quarter with the action's baseline, trajectory and target. "
               "Variation and assurance read every month: is the change real, and will the target reliably be met?")
    rag = dict(zip(rated["action_id"], rated["rag"]))
    table = pd.DataFrame({"Action": found["action_id"], "Measure": found["measure"],
                          "Rating": found["action_id"].map(rag),
                          "Variation icon": found["variation"].map(_icon_uri),
                          "Variation": found["variation_words"],
                          "Assurance icon": found["assurance"].map(_icon_uri),
                          "Assurance": found["assurance_words"].replace("", "No assurance"),
                          "Reading": found["words"]})
    # The grid draws images on its canvas, with no alt text: the words column beside each icon says it.
    show_table(table, column_config={
        "Variation icon": st.column_config.ImageColumn("Variation icon", width=100,
                                                       help="Making Data Count variation icon (words beside)"),
        "Assurance icon": st.column_config.ImageColumn("Assurance icon", width=100,
                                                       help="Making Data Count assurance icon (words beside)")})


def _icon_uri(name: object) -> str | None:
    """An icon's data URI for an image column; none where there is no icon (no assurance)."""
    return icon_data_uri(name) if isinstance(name, str) and name in ICONS else None


ABOUT = f"""
**SPC and BRAG: two different questions.**

The BRAG rating (Blue, Red, Amber, Green) asks whether an action is where the plan said it would be: the latest
quarter against its baseline, its planned trajectory and its target, by the rule above.

Statistical process control (SPC) asks whether a change is real. Every measure goes up and down a little from
month to month by chance. An SPC chart draws each month's figure with its average and two *process limits*, set
from how much the figure usually moves from one month to the next (the average moving range × 2.66 either side
of the average). A month is *special cause*, a real change rather than noise, when:
1. it is outside the process limits; or
2. it is part of 7 months in a row each higher (or each lower) than the one before; or
3. it is one of 2 out of 3 months in a row close to the same limit; or
4. it is part of 7 months in a row on the same side of the average.

*Variation* says what the latest month shows: common cause (no sign of real change), special cause improvement or
concern (by which way is better for the measure), or special cause that is neither better nor worse.
*Assurance* compares the action's target with the limits: if every expected month meets the target it will
reliably be met; if none does, it will not be met without change; otherwise it is hit and miss. With fewer than
{MIN_STABLE_POINTS} months the limits are *trial limits* and no assurance is given. Missing months are gaps, never
zeros. The method follows NHS England's "Making Data Count" guidance and the NHS-R NHSRplotthedots package.
Figures are shown by month for the children's records (contacts, referrals, assessments, enquiries,
child protection plans) and case audits.
"""


def spc_about() -> None:
    """The About page's section on SPC and how it differs from BRAG, with the key to every icon."""
    st.subheader("Real change or noise: SPC charts")
    st.markdown(ABOUT)
    st.markdown("**The icons, and what each means.** Each is always shown with its words. Variation, from the "
                "latest month (H: higher values, L: lower values), then assurance, the action's target against "
                "the process limits:")
    # Two columns, variation and assurance; the icon's alt text says what it shows, the words beside what it means.
    for column, kind in zip(st.columns(2), ("variation", "assurance"), strict=True):
        with column:
            for name in (n for n in ICON_NAMES if ICONS[n].kind == kind):
                icon_row([name], ICONS[name].words, 40, alts=[ICONS[name].looks])
