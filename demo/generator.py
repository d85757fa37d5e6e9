"""Generate the demo borough's records from a seed, and recompute the metric values they give."""

from __future__ import annotations

import bisect
import datetime as dt
import random
from collections import defaultdict

from demo.design import (
    AGENCIES,
    AUDIT_ALIASES,
    AUDIT_PARTNERS,
    AUDIT_TYPES,
    COURSES,
    DESIGN,
    END,
    ETHNICITIES,
    GENDERS,
    OUTCOME_SHARES,
    QUARTERS,
    SOURCES,
    THEME_NOT_APPLICABLE,
    THEMES,
)
from demo.records import (
    AuditRow,
    Child,
    Contact,
    Delegate,
    DemoData,
    Plan,
    Referral,
    TrainingRow,
    add_working_days,
    age_at,
    days_between,
    flags,
    is_bank_holiday,
    is_working_day,
    on_or_after_working_day,
    quota,
)
from loaders.codes import GOOD_GRADES, REFERRAL_OUTCOMES
from loaders.periods import Quarter
from loaders.text import slugify


class _Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.data = DemoData()
        self.contact_days: dict[str, set[dt.date]] = defaultdict(set)

    def new_child(self, day: dt.date, ages: tuple[int, int] = (0, 17)) -> Child:
        rng = self.rng
        age = rng.choice(range(ages[0], ages[1] + 1))
        dob = day - dt.timedelta(days=age * 365 + rng.randint(14, 350))
        gender = rng.choices([g[0] for g in GENDERS], [g[2] for g in GENDERS])[0]
        eth = rng.choices([e[0] for e in ETHNICITIES], [e[1] for e in ETHNICITIES])[0]
        child = Child(f"SYN-{len(self.data.children) + 1:06d}", dob, gender, eth)
        self.data.children.append(child)
        return child

    def usable(self, child: Child, day: dt.date) -> bool:
        return child.dob < day and age_at(child.dob, day) <= 17 and day not in self.contact_days[child.id]

    # contacts ---------------------------------------------------------------------------------
    def contacts(self) -> None:
        rng = self.rng
        codes = [s[0] for s in SOURCES]
        weights = [s[3] for s in SOURCES]
        for i, q in enumerate(QUARTERS):
            days = days_between(q.start, q.end)
            day_weights = []
            for d in days:
                w = 1.0 if d.weekday() < 5 else (0.22 if d.weekday() == 5 else 0.18)
                if is_bank_holiday(d):
                    w = 0.25
                if d.month == 8 or (d.month == 12 and d.day >= 22) or (d.month == 1 and d.day == 1):
                    w *= 0.75
                day_weights.append(w)
            n = int(DESIGN["contacts"][i]) + rng.randint(-40, 40)
            dates = sorted(rng.choices(days, day_weights, k=n))
            within = flags(rng, n, DESIGN["within_1wd"][i])
            outcomes = quota(rng, n, OUTCOME_SHARES)
            batch: list[Contact] = []
            for day, ok, outcome in zip(dates, within, outcomes):
                if ok:
                    decided = day if is_working_day(day) and rng.random() < 0.55 else add_working_days(day, 1)
                else:
                    decided = add_working_days(day, rng.choices((2, 3, 4, 5, 7, 10), (50, 25, 12, 7, 4, 2))[0])
                minute = rng.randint(8 * 60 + 30, 19 * 60)
                stamp = dt.datetime.combine(decided, dt.time(minute // 60, minute % 60))
                batch.append(Contact(day, rng.choices(codes, weights)[0], stamp, outcome, None))
            # neglect recorded on ~93%; "Yes" on an exact share, more likely where the contact went further
            recorded = [c for c in batch if rng.random() < 0.93]
            bias = {"Referral": 3.0, "Strategy discussion": 3.5, "Early help": 2.0, "Advice": 0.7, "NFA": 0.4}
            keyed = sorted(recorded, key=lambda c: rng.random() ** (1 / bias[c.outcome]), reverse=True)
            k = round(DESIGN["neglect_yes"][i] * len(recorded))
            for j, c in enumerate(keyed):
                c.neglect = "Yes" if j < k else "No"
            self.data.contacts += batch
        for c in self.data.contacts:  # decisions after the last return are still awaited
            if c.decided and c.decided.date() > END:
                c.decided = c.outcome = c.neglect = None

    # children and referrals --------------------------------------------------------------------
    def referrals(self) -> None:
        rng = self.rng
        to_refer = sorted((c for c in self.data.contacts if c.outcome in REFERRAL_OUTCOMES),
                          key=lambda c: (c.decided, c.date))
        by_quarter: dict[Quarter, list[Contact]] = defaultdict(list)
        for c in to_refer:
            by_quarter[Quarter.of(c.decided.date())].append(c)
        ref_dates: list[dt.date] = []  # all referral dates so far, ascending
        ref_children: list[Child] = []
        last_referral: dict[str, dt.date] = {}
        history: dict[str, list[dt.date]] = defaultdict(list)
        for q in QUARTERS:
            batch = by_quarter[q]
            i = QUARTERS.index(q)
            repeat = flags(rng, len(batch), DESIGN["rereferral"][i])
            nfa = flags(rng, len(batch), DESIGN["referral_nfa"][i])
            pending = 0
            for c, want, is_nfa in zip(batch, repeat, nfa):
                day = c.decided.date()
                child = None
                if want or pending:
                    lo = bisect.bisect_left(ref_dates, day - dt.timedelta(days=365))
                    hi = bisect.bisect_left(ref_dates, day)
                    for _ in range(12 if hi > lo else 0):
                        cand = ref_children[rng.randrange(lo, hi)]
                        if self.usable(cand, c.date) and last_referral[cand.id] < day:
                            child = cand
                            break
                    if child is not None and not want:
                        pending -= 1
                    elif child is None and want:
                        pending += 1
                if child is None:
                    child = self._fresh_referral_child(c.date, day, last_referral)
                c.child = child
                self.contact_days[child.id].add(c.date)
                last_referral[child.id] = day
                history[child.id].append(day)
                ref_dates.append(day)
                ref_children.append(child)
                n12 = sum(1 for d in history[child.id] if d >= day - dt.timedelta(days=365))
                self.data.referrals.append(Referral(child, day, c.source, is_nfa, c.outcome == "Strategy discussion",
                                                    n12))

    def _fresh_referral_child(self, contact_day: dt.date, day: dt.date, last: dict[str, dt.date]) -> Child:
        # now and then a child last referred more than a year ago; otherwise a child new to the MASH
        if last and self.rng.random() < 0.08:
            for _ in range(6):
                cand = self.data.children[self.rng.randrange(len(self.data.children))]
                if cand.id in last and last[cand.id] < day - dt.timedelta(days=365) and self.usable(cand, contact_day):
                    return cand
        return self.new_child(contact_day, (0, 17))

    def other_contacts(self) -> None:
        rng = self.rng
        for c in self.data.contacts:
            if c.child is not None:
                continue
            child = None
            if self.data.children and rng.random() < 0.35:
                pool = self.data.children[-4000:]
                for _ in range(6):
                    cand = pool[rng.randrange(len(pool))]
                    if self.usable(cand, c.date):
                        child = cand
                        break
            if child is None:
                child = self.new_child(c.date)
            c.child = child
            self.contact_days[child.id].add(c.date)

    # child protection plans --------------------------------------------------------------------
    def plans(self) -> None:
        rng = self.rng
        strategy = sorted((r for r in self.data.referrals if r.strategy), key=lambda r: r.date)
        strategy_dates = [r.date for r in strategy]
        on_plan: dict[str, dt.date | None] = {}  # child -> end of their latest plan
        plan_count: dict[str, int] = defaultdict(int)
        workers = [f"Worker {chr(65 + k)}" for k in range(12)]
        for i, q in enumerate(QUARTERS):
            n = int(DESIGN["cp_started"][i])
            working = [d for d in days_between(q.start, q.end) if is_working_day(d)]
            starts = sorted(rng.choice(working) for _ in range(n))
            neglect = flags(rng, n, DESIGN["cp_neglect"][i])
            second = flags(rng, n, DESIGN["cp_second"][i])
            for start, is_neglect, is_second in zip(starts, neglect, second):
                child = None
                lo = bisect.bisect_left(strategy_dates, start - dt.timedelta(days=50))
                hi = bisect.bisect_right(strategy_dates, start - dt.timedelta(days=10))
                for _ in range(10 if hi > lo else 0):
                    cand = strategy[rng.randrange(lo, hi)].child
                    # a child with an earlier plan here can only start a second or subsequent one
                    busy = cand.id in on_plan and (not is_second or on_plan[cand.id] is None
                                                   or on_plan[cand.id] >= start)
                    if not busy and age_at(cand.dob, start) <= 16:
                        child = cand
                        break
                if child is None:
                    child = self.new_child(start, (0, 15))
                initial = 0 if is_neglect else rng.choices((1, 2, 3, 4), (30, 10, 50, 10))[0]
                latest = initial if rng.random() > 0.08 else rng.choice([k for k in range(5) if k != initial])
                first_review = on_or_after_working_day(start + dt.timedelta(days=rng.randint(80, 92)))
                n_reviews = rng.choices((1, 2, 3, 4), (20, 45, 25, 10))[0]
                reviews = [first_review] + [on_or_after_working_day(first_review + dt.timedelta(days=182 * k))
                                            for k in range(1, 5)]
                end = reviews[n_reviews - 1]
                reviews = reviews[:n_reviews]
                if end > END:
                    end = None
                    reviews = [r for r in reviews if r <= END]
                on_plan[child.id] = end
                earlier = plan_count[child.id]
                plan_count[child.id] += 1
                previous = max(earlier, 1 if rng.random() < 0.8 else 2) if is_second else 0
                self.data.plans.append(Plan(
                    child, start, initial, latest, previous, reviews, end,
                    seen_alone=age_at(child.dob, start) >= 4 and rng.random() < 0.85, epo=rng.random() < 0.03,
                    team=f"Child Protection Team {rng.randint(1, 3)}", worker=rng.choice(workers)))

    # training ----------------------------------------------------------------------------------
    def training(self) -> None:
        rng = self.rng
        delegates = []
        for k in range(1, 701):
            name, _, roles, aliases = rng.choices(AGENCIES, [a[1] for a in AGENCIES])[0]
            written = rng.choice(aliases) if aliases and rng.random() < 0.2 else name
            delegates.append(Delegate(f"delegate{k:04d}@example.invalid", name, written, rng.choice(roles)))
        courses = [c[0] for c in COURSES]
        course_weights = [c[1] for c in COURSES]
        session_no = 0
        for i, q in enumerate(QUARTERS):
            working = [d for d in days_between(q.start, q.end) if is_working_day(d) and d.month != 8]
            dates = sorted(rng.sample(working, int(DESIGN["training_sessions"][i])))
            sessions = []
            for day in dates:
                session_no += 1
                sessions.append((f"MAT-{day.year}-{session_no:03d}", day, rng.choices(courses, course_weights)[0],
                                 rng.sample(delegates, rng.randint(10, 25))))
            n = sum(len(s[3]) for s in sessions)
            attended = flags(rng, n, DESIGN["attendance"][i])
            t = i / (len(QUARTERS) - 1)
            uplift_w = [a + (b - a) * t for a, b in zip(DESIGN["uplift_early"], DESIGN["uplift_late"])]
            k = 0
            for sid, day, course, people in sessions:
                for person in people:
                    came = attended[k]
                    k += 1
                    pre = post = follow = None
                    if came:
                        if rng.random() < 0.93:
                            pre = rng.choices((1, 2, 3, 4, 5), (12, 33, 38, 15, 2))[0]
                        if rng.random() < 0.92:
                            base = pre if pre is not None else 3
                            post = max(1, min(5, base + rng.choices((0, 1, 2, 3), uplift_w)[0]))
                        if post is not None and rng.random() < 0.4 and day <= END - dt.timedelta(days=56):
                            follow = max(1, min(5, post + rng.choices((0, -1, 1), (55, 38, 7))[0]))
                    self.data.training.append(TrainingRow(sid, day, course, person, came, pre, post, follow))

    # audits ------------------------------------------------------------------------------------
    def audits(self) -> None:
        rng = self.rng
        plan_children = sorted(self.data.plans, key=lambda p: p.start)
        numbers: dict[int, int] = defaultdict(int)
        for i, q in enumerate(QUARTERS):
            working = [d for d in days_between(q.start, q.end) if is_working_day(d)]
            rows: list[AuditRow] = []
            for day in sorted(rng.sample(working, int(DESIGN["audits"][i]))):
                numbers[q.year] += 1
                audit_id = f"MACA-{q.year % 100:02d}{(q.year + 1) % 100:02d}-{numbers[q.year]:02d}"
                earlier = [p.child for p in plan_children if p.start <= day - dt.timedelta(days=30)]
                child = rng.choice(earlier) if earlier else rng.choice(self.data.children[:500])
                kind = rng.choices(AUDIT_TYPES, (6, 3, 2))[0]
                for agency in ("Children's social care", *rng.sample(AUDIT_PARTNERS, rng.randint(2, 4))):
                    written = agency
                    if rng.random() < 0.15:
                        written = AUDIT_ALIASES.get(agency, agency)
                    rows.append(AuditRow(audit_id, day, agency, written, child, kind, "", {}))
            n = len(rows)
            gob = DESIGN["good_or_better"][i]
            inadequate = 0.16 - 0.015 * i
            grades = quota(rng, n, {"Good": gob, "Inadequate": inadequate, "Requires improvement": 1.0})
            for row, grade in zip(rows, grades):
                row.grade = "Outstanding" if grade == "Good" and rng.random() < 0.12 else grade
            for theme in THEMES:
                slug = slugify(theme)
                na = THEME_NOT_APPLICABLE.get(theme, set())
                judged = []
                for row in rows:
                    if row.agency in na or (theme == "Early help offered" and rng.random() < 0.1):
                        row.themes[theme] = "N/A"
                    elif rng.random() < 0.03:
                        row.themes[theme] = ""  # not assessed
                    else:
                        judged.append(row)
                yes = DESIGN[f"theme.{slug}"][i]
                values = quota(rng, len(judged), {"Yes": yes, "Partly": (1 - yes) * 0.6, "No": 1.0})
                for row, value in zip(judged, values):
                    row.themes[theme] = value
            self.data.audits += rows


def generate(seed: int = 2025) -> DemoData:
    """The synthetic records (no files): used by :func:`write_demo_files` and the tests."""
    g = _Generator(seed)
    g.contacts()
    g.referrals()
    g.other_contacts()
    g.plans()
    g.training()
    g.audits()
    return g.data


# --- the metric values this data gives (same definitions as metrics/, in plain Python) -----------


def designed_metrics(data: DemoData) -> dict[str, dict[str, float | None]]:
    """Metric id -> quarter label -> value, for the metrics the demo action plan measures."""
    out: dict[str, dict[str, float | None]] = defaultdict(dict)

    def pct(num: int, den: int) -> float | None:
        return 100.0 * num / den if den else None

    by_q: dict[str, dict[Quarter, list]] = {k: defaultdict(list) for k in ("c", "r", "p", "t", "a")}
    for c in data.contacts:
        by_q["c"][Quarter.of(c.date)].append(c)
    for r in data.referrals:
        by_q["r"][Quarter.of(r.date)].append(r)
    for p in data.plans:
        by_q["p"][Quarter.of(p.start)].append(p)
    for t in data.training:
        by_q["t"][Quarter.of(t.date)].append(t)
    for a in data.audits:
        by_q["a"][Quarter.of(a.date)].append(a)
    ref_history: dict[str, list[dt.date]] = defaultdict(list)
    for r in data.referrals:
        ref_history[r.child.id].append(r.date)
    for q in QUARTERS:
        label = q.label
        cs = by_q["c"][q]
        decided = [c for c in cs if c.decided]
        out["contacts.count"][label] = len(cs)
        out["contacts.awaiting_decision"][label] = len(cs) - len(decided)
        out["contacts.decided_within_1wd"][label] = pct(
            sum(c.decision_date <= add_working_days(c.date, 1) for c in decided), len(decided))
        out["contacts.to_referral"][label] = pct(
            sum(c.outcome in REFERRAL_OUTCOMES for c in decided), len(decided))
        recorded = [c for c in cs if c.neglect]
        out["contacts.neglect_identified"][label] = pct(sum(c.neglect == "Yes" for c in recorded), len(recorded))
        rs = by_q["r"][q]
        out["referrals.count"][label] = len(rs)
        out["referrals.rereferral_12m"][label] = pct(sum(
            any(r.date - dt.timedelta(days=365) <= d < r.date for d in ref_history[r.child.id]) for r in rs), len(rs))
        known = [r for r in rs if r.date <= END - dt.timedelta(days=20)]
        out["referrals.nfa"][label] = pct(sum(r.nfa for r in known), len(known))
        ps = by_q["p"][q]
        out["cp_plans.started"][label] = len(ps)
        out["cp_plans.neglect_initial"][label] = pct(sum(p.initial == 0 for p in ps), len(ps))
        out["cp_plans.second_or_subsequent"][label] = pct(sum(p.previous > 0 for p in ps), len(ps))
        ts = by_q["t"][q]
        out["training.sessions"][label] = len({t.session_id for t in ts})
        out["training.attendance_rate"][label] = pct(sum(t.attended for t in ts), len(ts))
        both = [t for t in ts if t.attended and t.pre is not None and t.post is not None]
        out["training.confidence_uplift"][label] = (sum(t.post - t.pre for t in both) / len(both)) if both else None
        aus = by_q["a"][q]
        out["audits.count"][label] = len(aus)
        out["audits.good_or_better"][label] = pct(sum(a.grade in GOOD_GRADES for a in aus), len(aus))
        for theme in THEMES:
            slug = slugify(theme)
            judged = [a.themes[theme] for a in aus if a.themes[theme] in ("Yes", "Partly", "No")]
            out[f"audits.theme.{slug}"][label] = pct(judged.count("Yes"), len(judged))
    return dict(out)

