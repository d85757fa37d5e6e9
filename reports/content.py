"""What every export says, built once from the store through the same queries and wording as the pages.

``build_content`` reads the metric values (``metrics.compute.compute_all``), the ratings
(``metrics.brag.rate_actions``), the Summary's wording (``metrics.summary``), the data's freshness and the
latest commentary and decision, and returns one ``ReportContent``. With ``suppressed=True`` (the scrutiny
report and the public page) small numbers show as ``c`` and everything built from them is withheld, exactly
as on the Summary; without it (the meeting pack, for partners) each action's figures are shown as on the
Action plan page. The sentences per aim and the headline measures are always the Summary's, suppressed: the
same words whoever reads them.

Two readings from the pages too, worded once here for every format: the comparison with published figures of
each headline or action measure that has a pair (``metrics.compare_words``, as the Summary; for scrutiny the
local figure only when every quarter it adds up is shown), and each measured action's monthly SPC reading
(``metrics.monthly``, as the Action plan: variation and assurance icon names, their words and the reading;
scrutiny's small-number months are gaps). The writers draw the icons (``charts.spc_icons``).

Every string in it is plain text as the user wrote it: each writer makes it literal for its own format.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import pandas as pd

from charts.spec import ChartSpec, trajectory_spec
from loaders.datasets import DATASETS
from loaders.periods import Quarter
from loaders.status import latest_submissions
from loaders.store import Store
from metrics import benchmarks, compare_words, summary, wording
from metrics import ratings as rating_kinds
from metrics.brag import rate, rate_actions
from metrics.commentary import commentary_history
from metrics.compute import all_metrics, compute_all
from metrics.decisions import decision_history
from metrics.display import format_number, missing, shown_or_number
from metrics.monthly import action_result, monthly_metrics, monthly_values
from metrics.registry import PAIRS, Metric
from metrics.spc import ASSURANCE_ICONS, VARIATION_ICONS, SpcError
from metrics.suppress import is_withheld, suppress_values

PARTNERSHIP_FILE = Path(__file__).resolve().parent.parent / "data" / "partnership.toml"
NO_DATA = "No data has been loaded yet: nothing to report."
NO_PLAN = "No action plan has been loaded yet."
NO_MEASURES = "The action plan names no measures: actions are rated by their status."
NO_SPC = "No SPC reading yet"
COMPARE_TITLE = "How we compare with published figures"
ICON_PX = 192  # each SPC icon's picture in the pack and the report: sharp at about 0.6 inch


@dataclass(frozen=True)
class SpcReading:
    """An action's monthly SPC reading (issue 15), as the Action plan page gives it: the variation and
    assurance icons (names in ``metrics.spc``, None when there is none) with their words, and the reading."""

    variation: str | None
    variation_words: str
    assurance: str | None
    assurance_words: str
    reading: str  # "Special cause improvement: 8 months above the average since June 2025. …"

    @property
    def icons(self) -> list[tuple[str, str]]:
        """(icon name, its words) for each icon there is: variation, then assurance."""
        return [(name, words) for name, words in ((self.variation, self.variation_words),
                                                   (self.assurance, self.assurance_words)) if name]

    @property
    def text(self) -> str:
        """'Variation: … Assurance: … <the reading>' (no assurance without a target or with trial limits)."""
        if self.variation is None:
            return self.reading
        parts = [f"Variation: {self.variation_words}.",
                 *([f"Assurance: {self.assurance_words}."] if self.assurance else []), self.reading]
        return " ".join(parts)


@dataclass(frozen=True)
class ActionContent:
    action_id: str
    title: str
    aim: str
    lead: str
    lead_officer: str
    status: str
    rating: str  # a name in metrics.ratings (``Not shown`` when withheld for scrutiny)
    rating_words: str  # "on track"
    colour: str  # the rating's colour
    reason: str
    measure: str | None  # metric id
    measure_title: str | None
    baseline: str  # shown figures: "62.0%", "c", "no value"
    latest: str
    target: str
    baseline_period: str
    latest_period: str
    due_period: str
    commentary: str | None = None  # the latest commentary's text
    commentary_by: str | None = None
    commentary_on: str | None = None  # dd/mm/yyyy
    decision: str | None = None  # the latest decision: "In progress: the note"
    decision_on: str | None = None
    chart: ChartSpec | None = None
    comparison: str | None = None  # the published figures for its measure (metrics.compare_words)
    spc: SpcReading | None = None  # None: its measure is not charted by month

    @property
    def progress(self) -> str:
        """'62.0% (2024-25 Q4) → 71.0% (2025-26 Q2) → 90.0% (2026-27 Q1)', or '' without a measure."""
        if not self.measure:
            return ""
        return (f"{self.baseline} ({self.baseline_period or 'no period'}) → {self.latest} "
                f"({self.latest_period or 'no data'}) → {self.target} ({self.due_period or 'no date'})")


@dataclass(frozen=True)
class Definition:
    title: str
    description: str
    numerator: str
    denominator: str | None


@dataclass(frozen=True)
class ReportContent:
    partnership: str
    generated_on: dt.date
    quarter: str | None  # the quarter reported on ("2025-26 Q2"), None for everything loaded
    data_to: dt.date | None  # the newest date any dataset covers
    suppressed: bool
    meeting_date: dt.date | None = None
    counts: dict[str, int] = field(default_factory=dict)  # rating -> number of actions, in rating order
    rating_words: dict[str, str] = field(default_factory=dict)
    aims: dict[str, list[str]] = field(default_factory=dict)  # aim -> the Summary's sentences
    actions: list[ActionContent] = field(default_factory=list)
    headlines: list[summary.Headline] = field(default_factory=list)
    definitions: list[Definition] = field(default_factory=list)
    freshness: list[tuple[str, str, str]] = field(default_factory=list)  # dataset, agency, data up to
    stale: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # why something is missing: no data, no measures
    # The Summary's words (metrics.wording): "Of 14 actions: 2 off track, …", every Red then Amber action with
    # its reason in plain English and what happens next, and one line on how up to date the data is.
    verdict: str = ""
    attention: list[wording.ActionNote] = field(default_factory=list)
    freshness_line: str = ""
    # Metric id -> the comparison with published figures, for each headline measure and action measure that
    # has a pair (issue 14); the note on how the published and local periods differ when there is any.
    comparisons: dict[str, str] = field(default_factory=dict)
    comparison_note: str = ""

    @property
    def data_to_text(self) -> str:
        return self.data_to.strftime("%d/%m/%Y") if self.data_to else "no data yet"

    @property
    def empty(self) -> bool:
        return not self.actions and not self.headlines

    def actions_in(self, aim: str) -> list[ActionContent]:
        return [a for a in self.actions if a.aim == aim]


def partnership_name(path: Path = PARTNERSHIP_FILE) -> str:
    """``partnership`` in data/partnership.toml, else '<name> Safeguarding Children Partnership'."""
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError):
        return "Safeguarding Children Partnership"
    if str(data.get("partnership", "")).strip():
        return str(data["partnership"]).strip()
    name = str(data.get("name", "")).strip()
    return f"{name} Safeguarding Children Partnership" if name else "Safeguarding Children Partnership"


def _text(value: object) -> str:
    return "" if missing(value) else str(value)


def _up_to(values: pd.DataFrame, quarter: Quarter | None) -> pd.DataFrame:
    if quarter is None or values.empty:
        return values
    index = values["period"].map(lambda p: Quarter.parse(p).index)
    return values[index <= quarter.index].reset_index(drop=True)


def _freshness(store: Store, quarter: Quarter | None) -> tuple[dt.date | None, list[tuple[str, str, str]],
                                                               pd.DataFrame]:
    latest = latest_submissions(store)
    if latest.empty:
        return None, [], latest
    # Datasets by their titles ("Child protection plans"), never their table names.
    titles = {name: d.title for name, d in DATASETS.items() if name != "actions"}
    latest = latest.assign(dataset=latest["dataset"].map(lambda d: titles.get(d, d)))
    rows = [(str(r.dataset), str(r.agency), pd.Timestamp(r.data_up_to).strftime("%d/%m/%Y"))
            for r in latest.itertuples() if not pd.isna(r.data_up_to)]
    measured = latest[(latest["dataset"] != "actions") & latest["data_up_to"].notna()]
    newest = pd.Timestamp(measured["data_up_to"].max()).date() if len(measured) else None
    if newest and quarter is not None:
        newest = min(newest, quarter.end)
    return newest, rows, latest


def _latest_by_action(frame: pd.DataFrame, order: list[str]) -> dict[str, dict]:
    """The last row per action of a history ``frame`` sorted oldest first by ``order``."""
    if frame is None or frame.empty:
        return {}
    return {str(r["action_id"]): r for r in frame.sort_values(order).to_dict("records")}


def _commentary(store: Store, as_at: Quarter | None) -> dict[str, dict]:
    """The latest commentary per action (its newest quarter, then the newest written), up to ``as_at``."""
    history = commentary_history(store)
    if history.empty:
        return {}
    index = history["period"].map(lambda p: Quarter.parse(p).index)
    if as_at is not None:
        history, index = history[index <= as_at.index], index[index <= as_at.index]
    return _latest_by_action(history.assign(_q=index), ["_q", "written_at", "comment_id"])


def _date_text(value: object) -> str | None:
    return None if missing(value) or pd.isna(value) else pd.Timestamp(value).strftime("%d/%m/%Y")


def _shown_lookup(shown: pd.DataFrame) -> dict[tuple[str, str], dict]:
    overall = shown[shown["group"].isna()] if not shown.empty else shown
    return {(r["metric"], r["period"]): r for r in overall.to_dict("records")}


def _figure(value: object, metric_id: str | None, period: str, unit: str, lookup: dict | None) -> str:
    """A figure as its reader may see it: ``c`` where suppressed (``lookup`` given), else the number."""
    if lookup is not None and metric_id and period:
        row = lookup.get((metric_id, period))
        if row is not None and is_withheld(row):
            return "c"
        if row is not None:
            return shown_or_number(value, row.get("value_shown"), unit)
    return format_number(value, unit)


def _actual(values: pd.DataFrame, metric_id: str, lookup: dict | None) -> pd.DataFrame:
    rows = values[(values["metric"] == metric_id) & values["group"].isna()][["period", "value"]]
    if lookup is None or rows.empty:
        return rows
    # A suppressed quarter is a gap in the line: its position on the axis would give it away.
    keep = [not is_withheld(lookup.get((metric_id, p), {})) for p in rows["period"]]
    return rows.assign(value=rows["value"].where(keep))


def _action(row: dict, registry: dict[str, Metric], values: pd.DataFrame, lookup: dict | None,
            notes: dict[str, dict], decisions: dict[str, dict], words: dict[str, str]) -> ActionContent:
    measure = _text(row.get("measure")) or None
    metric = registry.get(measure) if measure else None
    unit = metric.unit if metric else "%"
    kind = rating_kinds.rating_kind(str(row["rag"]))
    latest_period, base_period = _text(row.get("latest_period")), _text(row.get("baseline_period"))
    chart = None
    if metric is not None:
        chart = trajectory_spec(
            _actual(values, measure, lookup), title=f"{metric.title} ({metric.display.axis})", unit=unit,
            baseline=None if missing(row.get("baseline")) else float(row["baseline"]), baseline_period=base_period or None,
            target=None if missing(row.get("target")) else float(row["target"]),
            due_period=_text(row.get("due_period")) or None)
    comment = notes.get(str(row["action_id"]), {})
    decision = decisions.get(str(row["action_id"]))
    return ActionContent(
        action_id=str(row["action_id"]), title=_text(row.get("action")), aim=_text(row.get("priority_area")),
        lead=_text(row.get("lead_agency")), lead_officer=_text(row.get("lead_officer")),
        status=_text(row.get("status")), rating=str(row["rag"]), rating_words=words.get(str(row["rag"]), kind.words),
        colour=kind.colour, reason=_text(row.get("reason")), measure=measure,
        measure_title=metric.title if metric else measure,
        baseline=_figure(row.get("baseline"), measure, base_period, unit, lookup),
        latest=_figure(row.get("latest_figure"), measure, latest_period, unit, lookup),
        target=format_number(row.get("target"), unit), baseline_period=base_period, latest_period=latest_period,
        due_period=_text(row.get("due_period")),
        commentary=_text(comment.get("text")) or None, commentary_by=_text(comment.get("written_by")) or None,
        commentary_on=_date_text(comment.get("written_at")),
        decision=f"{decision['status']}: {decision['note']}" if decision else None,
        # The meeting's date where it was recorded, else the date of the decision.
        decision_on=(_date_text(decision.get("meeting_date")) or _date_text(decision.get("decided_on")))
        if decision else None,
        chart=chart)


def build_content(store: Store, *, suppressed: bool, quarter: str | None = None,
                  meeting_date: dt.date | None = None, today: dt.date | None = None) -> ReportContent:
    """Everything an export shows. ``quarter``: report as at the end of that quarter (later figures left out);
    raises ``ValueError`` for a quarter that is not one."""
    as_at = Quarter.parse(quarter) if quarter else None
    today = today or dt.date.today()
    rate_on = min(today, as_at.end) if as_at else today
    values = _up_to(compute_all(store), as_at)
    plan = rate_actions(store, today=rate_on, values=values)
    registry = {m.id: m for m in all_metrics(store)}
    data_to, fresh, latest = _freshness(store, as_at)
    decisions = decision_history(store)
    if as_at is not None and not decisions.empty:
        decisions = decisions[pd.to_datetime(decisions["decided_on"]).dt.date <= as_at.end]
    latest_decisions = _latest_by_action(decisions, ["decided_on", "recorded_at", "decision_id"])
    if as_at is not None:
        plan = _rated_as_at(plan, latest_decisions, registry, values, rate_on)
    shown = suppress_values(values) if not values.empty else values
    lookup = _shown_lookup(shown) if suppressed and not values.empty else None
    # A rating withheld for scrutiny blanks its latest value; the figure itself is shown unless it is small.
    plan = plan.assign(latest_figure=plan["latest_value"])
    rated = summary.withheld_ratings(plan, shown) if suppressed else plan
    words = summary.rating_words(plan, shown) if suppressed and not plan.empty else rating_kinds.words()
    notes = _commentary(store, as_at)
    actions = [_action(r, registry, values, lookup, notes, latest_decisions, words) for r in rated.to_dict("records")]
    headlines = summary.headlines(shown, plan, registry) if not values.empty else []
    compared, compare_note = _comparisons(store, values, [*(h.metric_id for h in headlines),
                                                          *(a.measure for a in actions if a.measure)], lookup)
    readings = _spc_readings(store, rated, as_at, suppressed)
    actions = [replace(a, comparison=compared.get(a.measure or ""), spc=readings.get(a.action_id)) for a in actions]
    counts = rated["rag"].value_counts().to_dict() if not rated.empty else {}
    withheld = summary.withheld_figures(shown) if suppressed else set()
    reader = wording.Reader()
    verdict = wording.verdict({str(k): int(v) for k, v in counts.items()})
    attention = [note for rag in ("Red", "Amber")
                 for note in wording.attention(rated, decisions, registry, reader, withheld, rag)]
    return ReportContent(
        partnership=partnership_name(), generated_on=today, quarter=as_at.label if as_at else None,
        data_to=data_to, suppressed=suppressed, meeting_date=meeting_date,
        counts={r: int(counts[r]) for r in rating_kinds.ORDER if r in counts}, rating_words=words,
        aims=summary.aim_sentences(shown, plan, registry),
        actions=actions, headlines=headlines, comparisons=compared, comparison_note=compare_note,
        definitions=_definitions(registry, plan, values),
        freshness=fresh, stale=summary.stale_datasets(latest, today) if len(latest) else [],
        notes=_notes(values, plan), verdict=verdict, attention=attention,
        freshness_line=wording.freshness_line(latest, today) if len(latest) else "No data has been received yet.")


def _covered(period: str) -> list[str]:
    """The quarters a local value beside a published year adds up ('2024-25' or '12 months to 2025-26 Q2')."""
    if period.startswith("12 months to "):
        last = Quarter.parse(period.removeprefix("12 months to "))
        return [str(last + k) for k in range(-3, 1)]
    return [f"{period} Q{n}" for n in range(1, 5)]


def _local_shown(row: dict, lookup: dict | None) -> bool:
    """Whether the local value may be shown: always for partners; for scrutiny only when every quarter it adds
    up is there and shown, so neither a small count nor a suppressed quarter can be worked out from it."""
    if lookup is None:
        return True
    if missing(row.get("local_period")):
        return False
    pair = next(p for p in PAIRS if p.metric == row["metric"])
    source = pair.per_10k_of or pair.metric
    found = [lookup.get((source, quarter)) for quarter in _covered(str(row["local_period"]))]
    return all(r is not None and not is_withheld(r) for r in found)


def _comparisons(store: Store, values: pd.DataFrame, metric_ids: list[str],
                 lookup: dict | None) -> tuple[dict[str, str], str]:
    """Metric id -> the comparison sentence for each of ``metric_ids`` that has a pair with published figures
    (the store's reference set, else the shipped one, as on the pages), and the period note."""
    wanted = {p.metric for p in PAIRS} & set(metric_ids)
    if not wanted or values.empty:
        return {}, ""
    try:
        own = benchmarks.partnership()
        table = benchmarks.compare_table(benchmarks.reference_connection(store), own.old_la_code, values)
    except (OSError, ValueError):  # no partnership settings, or an LA the published figures do not have
        return {}, ""
    found = {}
    for row in table[table["metric"].isin(wanted)].to_dict("records"):
        sentence = compare_words.comparison_sentence(row, own.name, local=_local_shown(row, lookup))
        if sentence:
            found[str(row["metric"])] = sentence
    ordered = {m: found[m] for m in dict.fromkeys(metric_ids) if m in found}
    return ordered, benchmarks.PERIOD_NOTE if ordered else ""


def _spc_readings(store: Store, plan: pd.DataFrame, as_at: Quarter | None, suppressed: bool) -> dict[str, SpcReading]:
    """Action id -> its SPC reading, for each action measured by a monthly metric, against its own target and
    from the month its change went live (``metrics.monthly``, as the Action plan page). Scrutiny's small-number
    months are gaps. A series that cannot be charted yet says why."""
    charted = {m.id for m in monthly_metrics()}
    rows = [r for r in plan.to_dict("records") if r.get("measure") in charted] if not plan.empty else []
    if not rows:
        return {}
    monthly = monthly_values(store)
    if as_at is not None and not monthly.empty:
        monthly = monthly[monthly["period"] <= f"{as_at.end:%Y-%m}"]
    readings = {}
    for row in rows:
        result = action_result(row, monthly, withhold_small=suppressed)  # as the Action plan page reads it
        if isinstance(result, SpcError):
            readings[str(row["action_id"])] = SpcReading(None, "", None, "", f"{NO_SPC} ({result}).")
            continue
        readings[str(row["action_id"])] = SpcReading(
            result.variation, VARIATION_ICONS[result.variation], result.assurance,
            ASSURANCE_ICONS.get(result.assurance or "", ""), result.reading)
    return readings


def _rated_as_at(plan: pd.DataFrame, decisions: dict[str, dict], registry: dict[str, Metric],
                 values: pd.DataFrame, on: dt.date) -> pd.DataFrame:
    """``plan`` re-rated where a decision after the quarter changed the status: the status as at the quarter is
    its latest decision by then, else the uploaded plan's (``metrics.brag.rate``, the pages' rule)."""
    rows = []
    for row in plan.to_dict("records"):
        decision = decisions.get(str(row["action_id"]))
        status = decision["status"] if decision else row["plan_status"]
        if status != row["status"] and not (missing(status) and missing(row["status"])):
            metric = registry.get(row["measure"]) if not missing(row["measure"]) else None
            overall = values[(values["metric"] == row["measure"]) & values["group"].isna() & values["value"].notna()]
            figures = dict(zip(overall["period"], overall["value"].astype(float), strict=True)) if metric else {}
            row = {**row, "status": status}
            row.update(asdict(rate(row, figures, metric, on)))
        rows.append(row)
    return pd.DataFrame.from_records(rows, columns=plan.columns) if rows else plan


def _definitions(registry: dict[str, Metric], plan: pd.DataFrame, values: pd.DataFrame) -> list[Definition]:
    """The measures the report shows: the plan's measures and the headlines, in that order."""
    ids = summary.headline_metrics(plan) if not plan.empty else [*summary.default_headlines(),
                                                                 *summary.context_headlines()]
    shown = [registry[i] for i in ids if i in registry]
    return [Definition(m.title, m.description, m.numerator, m.denominator) for m in shown]


def _notes(values: pd.DataFrame, plan: pd.DataFrame) -> list[str]:
    notes = []
    if values.empty and plan.empty:
        notes.append(NO_DATA)
    elif plan.empty:
        notes.append(NO_PLAN)
    elif plan["measure"].isna().all():
        notes.append(NO_MEASURES)
    return notes
