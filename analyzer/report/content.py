"""Build the report's content tree from an Assessment and a Decision (no I/O, no rendering).

Sections, in this order: decision record, cost over time, migration plan, scores,
sensitivity, delivery profile and incidents, assumptions and answers, reproducibility. Every
number comes from the assessment's and the decision's tables; the JSON document is
``Decision.to_dict()`` plus the migration plan and the report's own metadata.
"""

from __future__ import annotations

import dataclasses
import fnmatch
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from analyzer._version import __version__
from analyzer.decision.decide import Decision
from analyzer.decision.explain import (
    best_change,
    horizon_answer,
    horizon_shares,
    people_phrase,
    share_phrase,
)
from analyzer.decision.explain import horizon_sentence as explain_horizon
from analyzer.decision.fmt import (
    NOT_AVAILABLE,
    fmt_count,
    fmt_hours,
    fmt_index,
    fmt_month_of,
    fmt_months,
    fmt_number,
    fmt_pct,
    fmt_score,
    fmt_spread,
    fmt_value,
    unit_for,
    verb_for,
)
from analyzer.decision.inputs import given_fields, is_default, question_of
from analyzer.decision.quantities import option_groups
from analyzer.decision.scoring import CRITERION_LABELS, RAW_UNITS
from analyzer.model import plan as plans
from analyzer.model.assess import Assessment, percentiles
from analyzer.questionnaire.estimate import Estimate
from analyzer.questionnaire.form import CRITERIA, answered, incident_categories, iter_fields
from analyzer.questionnaire.summary import format_answer
from analyzer.report import charts
from analyzer.report.charts import INFRA_LABELS
from analyzer.report.risks import risk_register
from analyzer.report.textout import relabel_reversals, reversal_text, unknown_for_the_choice
from analyzer.report.tree import (
    Block,
    Bullets,
    Column,
    Facts,
    Figure,
    Heading,
    Paragraph,
    Report,
    Section,
    Table,
)

REASONS_ON_PAGE_ONE = 3
#: Units of the criteria's raw values where the label already says part of it.
ARROW = "\u2192"
SOBOL_ROWS = 10
ANSWER_SECTIONS = ("team", "codebase", "delivery", "incidents", "priorities")
DEFAULT_MARK = "default"
PERCENT = 100.0

P_EXPLAINED = (
    "How to read the numbers: the answers are ranges, so the tool simulates {samples} possible "
    "futures drawn from them. P50 is the median; P10 and P90 bracket the middle 80 %: one future "
    "in ten comes in below P10 and one in ten above P90. Figures read \"P50 (P10 to P90)\". "
    "Hours are engineer-hours."
)


# ---- small helpers -------------------------------------------------------------------------------


def _label(a: Assessment, name: str) -> str:
    return a.options[name].label


def _short(a: Assessment, name: str) -> str:
    return a.options[name].short_label


def _lower_first(text: str) -> str:
    """'Total cost (NPV)' -> 'total cost (NPV)': acronyms keep their capitals."""
    return text[:1].lower() + text[1:]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _trio(row: pd.Series, key: str) -> tuple[float, float, float]:
    return float(row[f"{key}_p10"]), float(row[f"{key}_p50"]), float(row[f"{key}_p90"])


def _est(e: Estimate, unit: str = "", scale: float = 1.0) -> str:
    """An answer as "likely (low to high) unit", scaled (e.g. 0.1 -> 10 with scale 100)."""
    def num(x: float) -> str:
        return f"{x * scale:g}"

    tail = f" {unit_for(num(e.likely), unit)}" if unit else ""  # 1 production deploy a week
    if e.is_point:
        return f"{num(e.likely)}{tail}"
    return f"{num(e.likely)}{tail} ({num(e.low)} to {num(e.high)})"


def _median(x: Any) -> float:
    return float(np.median(np.asarray(x, dtype=np.float64)))


def _ranking(d: Decision) -> list[str]:
    return list(d.scores_table().sort_values("total_p50", ascending=False).index)


# ---- section 1: decision record ------------------------------------------------------------------


def _glance_table(a: Assessment) -> Table:
    summary = a.summary()
    rows = []
    for i, name in enumerate(a.option_names):
        r = summary.loc[name]
        sq = name == a.status_quo
        # an option that leaves every process where and how it runs today is no move: no
        # up-front work, nothing to pay back (a team that bakes its containers already)
        same = sq or a.structure.unchanged(i)
        # against today and the payback in money, as the decision's cost criterion counts it
        # (engineer-hours at the hourly cost plus infrastructure): in hours they can disagree
        # with the money line below them when the move changes the infrastructure
        m = a.money(name)
        saving = float(m["saving"]["p50"])
        if sq:
            versus = "baseline"
        elif same:
            versus = "same as today"
        elif saving < 0:
            versus = f"{_money2(-saving, '')} more"
        else:
            versus = f"{_money2(saving, '')} less"
        rows.append({
            "option": _label(a, name),
            "transition": "none" if same else fmt_spread(*_trio(r, "transition_hours")),
            "recurring": fmt_spread(*_trio(r, "recurring_hours_per_month")),
            "total": fmt_spread(*_trio(r, "total_hours")),
            "versus": versus,
            "payback": "-" if same else fmt_month_of(m["breakeven_month"], a.horizon_months),
        })
    h, cur = a.horizon_months, a.currency
    return Table(
        pd.DataFrame(rows),
        (
            Column("option", "Option", width=1.5),
            Column("transition", "Up-front work", align="right", width=1.2),
            Column("recurring", "Running cost a month", align="right", width=1.2),
            Column("total", f"Total over {h} months", align="right", width=1.3),
            Column("versus", f"Against today over {h} months ({cur})", align="right", width=1.1),
            Column("payback", "Pays back (median)", align="right", width=1.0),
        ),
        caption=f"At a glance. Up-front work is the one-off effort of the move, in "
        f"engineer-hours; the total adds {h} months of running cost. Against today and pays "
        f"back are in money ({cur}: engineer-hours at the hourly cost plus infrastructure, "
        "medians), as the decision counts cost.",
    )


def _money2(amount: float, currency: str) -> str:
    """Money to two significant figures: ``_money2(2310, "USD") == "USD 2,300"``."""
    if not np.isfinite(amount):
        return NOT_AVAILABLE
    return f"{currency} {float(f'{amount:.2g}'):,.0f}".strip()


def _money_sentence(a: Assessment) -> str | None:
    """Page 1's money line, medians: per option what it costs up front, a month (of which
    infrastructure), and the saving over the horizon (today's total in money for the baseline)."""
    cur = a.currency
    n = lambda x: _money2(x, "")  # noqa: E731
    rate = _median(a.outputs.hourly_cost)
    h = a.horizon_months
    parts = []
    groups = option_groups(a.structure)
    sq = a.structure.status_quo
    for i, name in enumerate(a.option_names):
        if i != sq and groups[i] == groups[sq]:
            parts.append(f"{_short(a, name)} the same as today's setup (it changes nothing)")
            continue
        m = a.money(name)
        month, infra = n(m["monthly"]["p50"]), n(m["infrastructure_monthly"]["p50"])
        if name == a.status_quo:
            parts.append(f"{_short(a, name)} {month} a month (infrastructure {infra}), "
                         f"{n(m['total']['p50'])} over {h} months")
            continue
        saving = m["saving"]["p50"]
        versus = f"saves {n(saving)}" if saving >= 0 else f"{n(-saving)} more"
        parts.append(f"{_short(a, name)} {n(m['transition']['p50'])} up front, then {month} a "
                     f"month (infrastructure {infra}), {versus}")
    return f"In {cur} ({_priced(a, n(rate))}; medians): {'; '.join(parts)}."


def _priced(a: Assessment, rate: str) -> str:
    """How the money is priced: the hourly cost, and the prices' currency and its conversion
    (or, when no rate converts them, that the sums mix two currencies)."""
    plan = a.structure.money
    text = (f"engineer-hours at about {a.currency} {rate} an hour plus infrastructure"
            if rate else "engineer-hours plus infrastructure")
    if plan is None:
        return text
    if plan.exchange is not None:
        fx = _median(np.asarray(a.values[f"prices.{plan.exchange}"]))
        return (f"{text}, priced in {plan.book.currency} and converted at about "
                f"{fmt_value(fx, f'{plan.currency} per {plan.book.currency}')}")
    if plan.currency_mismatch:
        return (f"{text} in {plan.currency}: no exchange rate for {plan.team_currency} is in "
                f"data/prices.yaml, so these sums mix two currencies; give team.hourly_cost "
                f"in {plan.currency} or in a currency listed there")
    return text


#: How page 2's summary marks a value the questionnaire left to its default.
DEFAULT_TAG = " (default)"


def _about(a: Assessment) -> Facts:
    """Page 2's summary of the answers; every value left to its default says so."""
    q = a.questionnaire
    t, c, d, inc, pr = q.team, q.codebase, q.delivery, q.incidents, q.priorities
    given = given_fields(q)

    def tag(*fields: str) -> str:
        return "" if all(f in given for f in fields) else DEFAULT_TAG

    procs = []
    for p in q.processes:
        traits: list[str] = [p.kind]
        if p.is_stateful:
            traits.append(f"{p.data_gb.likely:g} GB of data{tag(f'processes.{p.name}.data_gb')}")
        if p.managed:
            traits.append("managed")
        procs.append(f"{p.name} ({', '.join(traits)})")
    counted = sum(e.likely for e in inc.counts.values())
    weights = q.priorities.weights.normalised()
    engineers = fmt_count(t.engineers.likely, "engineer")
    items = [
        ("Team and application", q.name),
        ("Team", f"{engineers}{tag('team.engineers')}; "
                 f"{_est(t.ops_time_share, '%', PERCENT)}{tag('team.ops_time_share')} of their "
                 f"time on operations; Docker familiarity {_est(t.docker_familiarity)} on a 0-1 "
                 f"scale{tag('team.docker_familiarity')}"),
        ("Code", f"{_est(c.kloc, 'thousand lines')}{tag('codebase.kloc')}; "
                 f"{', '.join(c.languages)}{tag('codebase.languages')}"),
        ("Processes", "; ".join(procs)),
        ("Delivery", f"{_est(d.prod_deploys_per_week, 'production deploys a week')}"
                     f"{tag('delivery.prod_deploys_per_week')}; "
                     f"{_est(d.failed_deploy_rate, '%', PERCENT)} of deploys need a fix"
                     f"{tag('delivery.failed_deploy_rate')}; "
                     f"{fmt_count(d.environments, 'environment')}{tag('delivery.environments')}"),
        ("Incidents", f"about {counted:g} in the last {inc.window_months.likely:g} months"
                      f"{tag('incidents.counts')}; {_est(inc.hours_to_restore, 'h')} to restore"
                      f"{tag('incidents.hours_to_restore')}"),
        ("Compared over", f"{pr.horizon_months} months{tag('priorities.horizon_months')}; "
                          f"future hours discounted at {PERCENT * pr.discount_rate_annual:g} % "
                          f"a year{tag('priorities.discount_rate_annual')}"),
        ("What matters most", ", ".join(
            f"{_lower_first(CRITERION_LABELS[k])} {fmt_pct(w)}"
            for k, w in sorted(weights.items(), key=lambda kv: -kv[1]) if w > 0)
         + ("" if any(f.startswith("priorities.weights.") for f in given)
            else " (the default weights)")),
    ]
    if q.description:
        items.insert(1, ("Situation", " ".join(q.description.split())))
    return Facts(tuple(items))


def _reversal_blocks(d: Decision) -> list[Block]:
    """Flips on answers as bullets, flips on model assumptions apart; inputs that flip nothing
    within their plausible range named in one sentence; the horizon as a small table."""
    if d.assessment.structure.nothing_to_move:
        return [Paragraph(NOTHING_TO_MOVE_FLIPS)]
    if d.tornado is None and not d.reversals:
        return [Paragraph("Not computed: the sensitivity analysis was not run.", "note")]
    flips = [_cap(reversal_text(d.assessment, r)) for r in d.reversals
             if r.threshold is not None and r.kind == "answer"]
    assumed = [_cap(reversal_text(d.assessment, r)) for r in d.reversals
               if r.threshold is not None and r.kind == "assumption"]
    steady = [r.label for r in d.reversals if r.threshold is None]
    blocks: list[Block] = []
    if d.knife_edge:
        blocks.append(Paragraph(d.knife_edge))
    if flips:
        blocks.append(Bullets(tuple(flips)))
    if assumed:
        blocks.append(Bullets(tuple(assumed),
                              lead="On the model's assumptions (not something you can find out):"))
    if steady:
        lead = "Also checked" if flips or assumed else "Of the inputs that move the result most"
        blocks.append(Paragraph(
            f"{lead}, none of these changes the answer anywhere within its plausible range "
            f"(your range, widened): {'; '.join(steady)}."))
    if not blocks:
        blocks.append(Paragraph(
            "No single input, moved anywhere within its plausible range, changes the answer."))
    return blocks


#: What would change the answer, and the most valuable unknown, when every option is today's
#: state (``Structure.nothing_to_move``): nothing can, by construction.
NOTHING_TO_MOVE_FLIPS = (
    "Nothing you could answer differently: the options differ from today's setup only where "
    "they move a process, and none of them moves one."
)
NOTHING_TO_MOVE_UNKNOWN = (
    "None: with nothing to move, no answer changes the comparison, so nothing is worth "
    "finding out for this decision."
)


def _yours(a: Assessment) -> str:
    """The mark of the report's own horizon: the team's answer, or the default."""
    return (" (yours)" if "priorities.horizon_months" in given_fields(a.questionnaire)
            else " (default)")


def _horizon_blocks(d: Decision) -> list[Block]:
    """The recommendation and its confidence over 12, 24, 36 and 60 months (and yours)."""
    if not d.horizon_checks:
        return []
    a = d.assessment
    frame = pd.DataFrame({
        "months": [f"{c.months}{_yours(a) if c.current else ''}" for c in d.horizon_checks],
        "option": [horizon_answer(a, c) for c in d.horizon_checks],
        "confidence": [horizon_shares(c) for c in d.horizon_checks],
    })
    return [Table(frame, (Column("months", "Horizon, months", width=1.4),
                          Column("option", "Answer", width=2.2),
                          Column("confidence", "Share of futures", width=1.4)),
                  caption="The same futures compared over other horizons. The first share is "
                          "how often the answer's state has the best weighted score; where the "
                          "answer is not a clear one, the second is that of the futures in "
                          "which the best change (best median score) beats today's setup.")]


#: The decision record's heading over the one paragraph that depends on the Sobol indices.
UNKNOWN_HEADING = Heading("The most valuable unknown")


def _unknown_paragraph(d: Decision) -> Paragraph:
    """The decision record's paragraph on the most valuable unknown."""
    if d.assessment.structure.nothing_to_move:
        return Paragraph(NOTHING_TO_MOVE_UNKNOWN)
    if d.next_unknown is None or not d.next_unknown.text:
        return Paragraph("Not computed: the sensitivity analysis was not run.", "note")
    return Paragraph(unknown_for_the_choice(d, d.next_unknown))


def _with_unknown(record: Section, d: Decision) -> Section:
    """``record`` (a decision record) with its unknown paragraph from ``d``: the same as
    ``decision_record`` on ``d`` when the rest of ``d`` is the same."""
    blocks = list(record.blocks)
    at = blocks.index(UNKNOWN_HEADING) + 1
    blocks[at] = _unknown_paragraph(d)
    return dataclasses.replace(record, blocks=tuple(blocks))


def _named_best_change(a: Assessment, d: Decision) -> str:
    """', the hybrid,' -- the change ``Scoring.change_share`` is about -- or nothing."""
    best = best_change(d.scoring)
    return "" if best is None else f", {_short(a, a.option_names[best])},"


def decision_record(a: Assessment, d: Decision) -> Section:
    rec = d.recommendation
    threshold = fmt_pct(d.confidence_threshold)
    share = share_phrase(d.confidence)
    sc = d.scoring
    mates = [_short(a, n) for j, n in enumerate(a.option_names)
             if j != sc.recommended and sc.same_group(j, sc.recommended)]
    same = f" or {' or '.join(mates)} (the same state)" if mates else ""
    lead = (
        f"Confidence {share}: in {a.samples:,} simulated futures (the model's inputs, the "
        f"scoring constants and your weights within your tolerance all drawn), "
        f"{_short(a, rec)}{same} {verb_for(mates[-1] if mates else _short(a, rec), 'has')} "
        f"the best weighted score in {share} of them "
        f"(below {threshold} we would call it too close)."
    )
    if a.structure.nothing_to_move:
        lead = (
            f"Nothing to decide: each option leads to the state you run today, so in every one "
            f"of the {a.samples:,} simulated futures they cost the same and score the same. The "
            "table shows what today's setup costs to run."
        )
    elif d.kept_for_now:
        lead = (
            f"How sure: in {a.samples:,} simulated futures (the model's inputs, the "
            f"scoring constants and your weights within your tolerance all drawn), "
            f"{_short(a, rec)} {verb_for(_short(a, rec), 'has')} the best weighted score in "
            f"{share} of them, and the best "
            f"change{_named_best_change(a, d)} beats it in "
            f"{share_phrase(d.scoring.change_share)}. A move is recommended only when it comes "
            f"out ahead in at least {threshold}: it costs work up front and is hard to undo, "
            "so until then the answer is to stay and watch what would change it."
        )
    if not d.methods_agree and not a.structure.nothing_to_move:
        lead += (f" A second scoring method, TOPSIS, puts {_short(a, d.topsis_winner)} first "
                 "instead: the confidence is the weighted score's, and the choice is less "
                 "certain than it says (Scores section).")
    # how to read P10/P90 right under the first table that shows them, so it stays on page one
    # however many options the table lists
    blocks: list[Block] = [Paragraph(d.headline(), "headline"), Paragraph(lead, "lead"),
                           _glance_table(a),
                           Paragraph(P_EXPLAINED.format(samples=f"{a.samples:,}"), "note")]
    money = _money_sentence(a)
    if money:
        blocks.append(Paragraph(money))
    blocks += [Heading("Why"), Bullets(tuple(d.reasons[:REASONS_ON_PAGE_ONE]))]
    blocks.append(Heading("What would change the answer"))
    blocks += _reversal_blocks(d)
    blocks += [UNKNOWN_HEADING, _unknown_paragraph(d)]
    shown = {explain_horizon(a, d.horizon_checks)} if d.horizon_checks else set()
    weights = a.questionnaire.priorities.weights.notice()
    blocks += [Paragraph(note, "note") for note in (*d.notes, *([weights] if weights else []))
               if note not in shown]
    blocks += [Heading("What this is about"), _about(a)]
    return Section("decision", "Decision record", tuple(blocks))


# ---- section 2: cost over time -----------------------------------------------------------------


NONE_FOR_STATUS_QUO = ("transition_hours", "migration_months", "saving_hours")
SUMMARY_MEASURES: tuple[tuple[str, str, str], ...] = (
    ("transition_hours", "Up-front work", "h"),
    ("migration_months", "Time the move takes", "months"),
    ("recurring_hours_per_month", "Running cost per month", "h"),
    ("total_hours", "Total over the horizon", "h"),
    ("npv_hours", "Total, discounted (NPV)", "h"),
    ("saving_hours", "Saving against today (negative: costs more)", "h"),
)


def summary_table(a: Assessment) -> Table:
    """Measures as rows, options as columns; each cell "P50 (P10 to P90) unit"."""
    summary = a.summary()
    rows: list[dict[str, str]] = []
    for key, label, unit in SUMMARY_MEASURES:
        row = {"measure": f"{label} ({unit})"}
        for i, name in enumerate(a.option_names):
            p10, p50, p90 = _trio(summary.loc[name], key)
            if name == a.status_quo and key in NONE_FOR_STATUS_QUO:
                row[name] = "-"
            elif key in NONE_FOR_STATUS_QUO and a.structure.unchanged(i):
                row[name] = "none"  # an option that changes nothing: no move, no saving
            elif key == "migration_months":
                row[name] = f"{p50:.1f} ({p10:.1f} to {p90:.1f})"
            else:
                row[name] = fmt_spread(p10, p50, p90, "")
        rows.append(row)
    h = a.horizon_months
    pay = {"measure": f"Pays back within {h} months in engineer-hours (share of futures)"}
    first = {"measure": "Cheapest in engineer-hours, NPV (share of futures)"}
    for name in a.option_names:
        r = summary.loc[name]
        pay[name] = "-" if name == a.status_quo else fmt_pct(r["breakeven_share"])
        first[name] = fmt_pct(r["cheapest_share"])
    rows += [pay, first]
    cur = a.currency
    money = {name: a.money(name) for name in a.option_names}  # each is many percentiles
    for key, label in (("transition", f"Up front ({cur})"),
                       ("monthly", f"A month: people and infrastructure ({cur})"),
                       ("npv", f"Total, discounted (NPV, {cur})"),
                       ("saving", f"Saving against today over {h} months, undiscounted ({cur})")):
        row = {"measure": label}
        for i, name in enumerate(a.option_names):
            v = money[name][key]
            sq_blank = name == a.status_quo and key in ("transition", "saving")
            same = key in ("transition", "saving") and a.structure.unchanged(i)
            row[name] = ("-" if sq_blank else "none" if same
                         else fmt_spread(v["p10"], v["p50"], v["p90"], ""))
        rows.append(row)
    # the share page 1 quotes: the break-even in money, infrastructure included
    paid = {"measure": f"Pays back within {h} months in money (share of futures)"}
    for i, name in enumerate(a.option_names):
        paid[name] = ("-" if name == a.status_quo else
                      fmt_pct(float(np.mean(np.isfinite(a.outputs.money_breakeven_month[i])))))
    rows.append(paid)
    cols = [Column("measure", "Measure", width=2.2)]
    cols += [Column(n, _label(a, n), align="right", width=1.3) for n in a.option_names]
    return Table(pd.DataFrame(rows), tuple(cols), caption="Every figure is P50 (P10 to P90).")


def cost_section(a: Assessment, records: list[dict[str, Any]] | None = None) -> Section:
    """``records``: ``running_cost_records(a)`` when computed already."""
    h = a.horizon_months
    intro = (
        f"Engineer-hours each option costs more than today's setup, added up month by month "
        f"over {h} months (today's setup is the line at 0): a move's line rises with its "
        f"up-front work while it happens, then falls by what it saves each month (or keeps "
        f"rising if it costs more to run). Where it comes back below 0, the move has paid back."
    )
    fig = Figure("cost-over-time",
                 f"Cumulative effort against today over {h} months; shaded bands are P10 to P90. "
                 "Paybacks marked "
                 "here count engineer-hours alone; the table's money rows add the "
                 "infrastructure.",
                 partial(_draw_cost, a), (7.0, 3.1))
    return Section("cost", "Cost over time",
                   (Paragraph(intro), fig, summary_table(a), running_cost_table(a, records),
                    infrastructure_table(a)))




def infrastructure_table(a: Assessment) -> Table:
    """Infrastructure money a month, item by item and option by option: P50 (P10 to P90)."""
    o = a.outputs
    rows = []
    for item, arr in o.infrastructure_items.items():
        if not np.any(arr):
            continue  # items no option pays for: left out
        row = {"item": INFRA_LABELS.get(item, item)}
        for i, name in enumerate(a.option_names):
            p10, p50, p90 = (float(v) for v in percentiles(arr[i]))
            row[name] = "-" if p90 == 0 else fmt_spread(p10, p50, p90, "")
        rows.append(row)
    total = {"item": "Infrastructure a month"}
    for i, name in enumerate(a.option_names):
        p10, p50, p90 = (float(v) for v in percentiles(o.infrastructure_monthly[i]))
        total[name] = fmt_spread(p10, p50, p90, "")
    rows.append(total)
    cols = [Column("item", f"Infrastructure, {a.currency} a month", width=2.2)]
    cols += [Column(n, _label(a, n), align="right", width=1.3) for n in a.option_names]
    plan = a.structure.money
    snapshot = (
        f" Prices from the snapshot read on {plan.book.read_on.isoformat()} "
        f"(data/prices.yaml: on-demand list prices, {plan.provider}); override them with your "
        "own under 'prices:' in the --assumptions file."
        if plan is not None else ""
    )
    return Table(pd.DataFrame(rows), tuple(cols),
                 caption="What each option's infrastructure costs a month, P50 (P10 to P90): "
                 "instances or packed container hosts for the processes you listed, the "
                 "platform's fees, registry, transfer and CI; people running the platform are "
                 "counted in engineer-hours above, not here." + snapshot,
                 small=True)


def running_cost_records(a: Assessment) -> list[dict[str, Any]]:
    """Per option and running-cost item: hours a month, P10/P50/P90 and mean (for the JSON)."""
    return [
        {"option": str(r["option"]), "item": str(r["component"]), "label": str(r["label"]),
         **{k: round(float(r[k]), 3) for k in ("p10", "p50", "p90", "mean")}}
        for r in a.recurring_breakdown().to_dict(orient="records")
    ]


def running_cost_table(a: Assessment, records: list[dict[str, Any]] | None = None) -> Table:
    """What each option spends each month, item by item: P50 (P10 to P90) hours a month;
    ``records``: ``running_cost_records(a)`` when computed already."""
    rows: dict[str, dict[str, str]] = {}
    used: set[str] = set()
    for r in running_cost_records(a) if records is None else records:
        row = rows.setdefault(r["item"], {"item": _cap(r["label"])})
        row[r["option"]] = fmt_spread(r["p10"], r["p50"], r["p90"], "")
        if r["p90"] > 0:
            used.add(r["item"])
    rows_list = [row for item, row in rows.items() if item in used]  # items no option spends on: left out
    cols = [Column("item", "Running cost, hours a month", width=2.2)]
    cols += [Column(n, _label(a, n), align="right", width=1.3) for n in a.option_names]
    return Table(pd.DataFrame(rows_list), tuple(cols),
                 caption="What each option spends each month on upkeep, deploys, incidents, "
                 "onboarding and the rest, P50 (P10 to P90); the items' medians need not add up "
                 "to the monthly total above. Items no option spends on are left out.",
                 small=True)


def _draw_cost(a: Assessment, ax: Any) -> Any:
    return charts.cost_over_time(a, ax=ax)


# ---- section 3: migration plan -----------------------------------------------------------------


def plan_intro(a: Assessment, d: Decision, option: str) -> str:
    """The plan's first sentence, worded from the one decision so it never contradicts page 1:
    a recommended move, a move while the answer is too close to call, or a move against a
    recommendation to stay."""
    label = _short(a, option)
    staged = (
        "in stages with a pilot first: stop after the pilot if it costs more than expected."
        if a.options[option].uses_containers
        # baked images: one stage, the bake pipeline and then one service after another
        else "one service after another: stop after the first if it costs more than expected."
    )
    if d.too_close:
        return (
            f"The answer is too close to call ({_short(a, d.recommendation)} leads in only "
            f"{fmt_pct(d.confidence)} of the futures), so nothing here is a recommendation. "
            f"If you move, this is the plan for {label}, the best-scoring move, {staged}"
        )
    if option == d.recommendation:
        return f"The plan for {label}, the recommendation, {staged}"
    return (
        f"The recommendation is to stay with {_short(a, d.recommendation)}, so there is no move "
        f"to plan. If you move anyway, this is the plan for {label}, the best-scoring "
        f"alternative, {staged}"
    )


def migration_section(a: Assessment, d: Decision) -> tuple[Section, dict[str, Any]]:
    option = plans.plan_option(a, d.recommendation, _ranking(d))
    if option is None:
        return Section("plan", "Migration plan", (Paragraph("No option involves a move."),)), {}
    items, stages = plans.migration_plan(a, option)
    intro = plan_intro(a, d, option)
    rows: list[dict[str, Any]] = []
    strong: list[int] = []
    for _, st in stages.iterrows():
        strong.append(len(rows))
        rows.append({"item": f"{st['title']}: {st['goal']}", "p10": None, "p50": None, "p90": None})
        for _, it in items[items["stage"] == st["stage"]].iterrows():
            rows.append({"item": f"    {it['label']}", "p10": it["p10"], "p50": it["p50"],
                         "p90": it["p90"]})
    for _, it in items[items["stage"] == "all"].iterrows():
        rows.append({"item": f"{it['label']} (spread over the stages)", "p10": it["p10"],
                     "p50": it["p50"], "p90": it["p90"]})
    table = a.summary()
    r = table.loc[option]
    t10, t50, t90 = _trio(r, "transition_hours")
    strong.append(len(rows))
    rows.append({"item": "Total", "p10": t10, "p50": t50, "p90": t90})
    num = partial(_blank_or, fmt_number)
    work = Table(
        pd.DataFrame(rows),
        (Column("item", "Work item", width=4.0), Column("p10", "P10 (h)", num, "right"),
         Column("p50", "P50 (h)", num, "right"), Column("p90", "P90 (h)", num, "right")),
        caption="Hours of engineering work. Percentiles do not add up: the P50 and P90 of the "
        "total are its own, not sums of the items' (the items' overruns are correlated, but "
        "not all of them overrun at once).",
        strong_rows=tuple(strong),
    )
    o = a.option_names.index(option)
    people = _median(a.outputs.migration_people[o])
    pace = people * _median(a.values["assumptions.hours_per_engineer_month"])
    m10, m50, m90 = _trio(r, "migration_months")
    hours = zip(stages["hours_p10"], stages["hours_p50"], stages["hours_p90"], strict=True)
    ends = zip(stages["ends_p10"], stages["ends_p50"], stages["ends_p90"], strict=True)
    calendar = Table(
        stages.assign(who=f"about {people_phrase(people)} on the move",
                      hours=[fmt_spread(x, y, z) for x, y, z in hours],
                      ends=[f"month {y:.1f} ({x:.1f} to {z:.1f})" for x, y, z in ends]),
        (Column("title", "Stage", width=1.6), Column("hours", "Work incl. its share of the dip",
                                                     align="right", width=1.4),
         Column("ends", "Done by", align="right", width=1.3),
         Column("who", "Who", width=1.4)),
        caption="Calendar: each stage at the team's migration pace, P50 (P10 to P90), months "
        "from the start; the team names who leads each stage.",
    )
    summary = (
        f"Total: {fmt_spread(t10, t50, t90)} of work. With about {people_phrase(people)} on it "
        f"(about {fmt_hours(pace)} a month) it takes {fmt_months(m50)} ({m10:.1f} to {m90:.1f})."
    )
    others = []
    for name in a.option_names:
        if name in (option, a.status_quo):
            continue
        ro = table.loc[name]
        if a.structure.unchanged(a.option_names.index(name)):
            others.append(f"{_short(a, name)} changes nothing: it is today's setup")
            continue
        others.append(f"{_short(a, name)} would take {fmt_spread(*_trio(ro, 'transition_hours'))} "
                      f"over {fmt_months(ro['migration_months_p50'])}")
    blocks: list[Block] = [Paragraph(intro), work, Paragraph(summary)]
    blocks.append(calendar)
    blocks.append(Figure("migration-plan", "The stages on the calendar.",
                         partial(_draw_plan, stages), (7.0, 1.9)))
    if others:
        blocks.append(Paragraph(_cap("; ".join(others)) + ".", "note"))
    data = {
        "option": option,
        "transition_hours": {"p10": t10, "p50": t50, "p90": t90},
        "migration_months": {"p10": m10, "p50": m50, "p90": m90},
        "stages": stages.round(3).to_dict(orient="records"),
        "items": items.round(3).to_dict(orient="records"),
    }
    return Section("plan", f"Migration plan: {a.options[option].label}", tuple(blocks),
                   page_break=True), data


def risk_section(a: Assessment, d: Decision) -> tuple[Section, list[dict[str, str]]]:
    """The risks of the move the plan describes, with mitigations; owners left to the team."""

    option = plans.plan_option(a, d.recommendation, _ranking(d))
    rows = risk_register(a, option)
    if not rows:
        return Section("risks", "Risk register",
                       (Paragraph("No option involves a move, so there is no move to risk."),)), []
    label = _short(a, option) if option else ""
    table = Table(
        pd.DataFrame(rows),
        (Column("risk", "Risk", width=1.4), Column("why", "Why it applies here", width=1.8),
         Column("mitigation", "Mitigation", width=3.2), Column("owner", "Owner", width=0.8)),
        caption=f"Risks of moving to {label}; sources in data/risks.yaml. Owner: each is the team's to name.",
        small=True,
    )
    return Section("risks", "Risk register", (table,), page_break=True), rows


def _blank_or(fmt: Any, x: Any) -> str:
    return "" if x is None or (isinstance(x, float) and np.isnan(x)) else str(fmt(x))


def _draw_plan(stages: pd.DataFrame, ax: Any) -> Any:
    return charts.migration_plan_chart(stages, ax=ax)


# ---- section 4: scores --------------------------------------------------------------------------


def scores_section(a: Assessment, d: Decision, crit: pd.DataFrame | None = None) -> Section:
    """``crit``: ``d.criteria_table()`` when computed already."""
    intro = (
        "Each option gets a 0-100 score on each criterion (100 is the best of the options); the "
        "weights from the questionnaire turn them into one total out of 100. The bars show how "
        "many points each criterion contributes."
    )
    crit = d.criteria_table() if crit is None else crit
    rows = []
    for c in CRITERIA:
        sub = crit[crit["criterion"] == c].set_index("option")
        row: dict[str, str] = {
            # the cost criterion is money (scoring.raw_criteria: money_npv), in the run's currency
            "criterion": f"{CRITERION_LABELS[c]}, {a.currency if c == 'cost' else RAW_UNITS[c]}",
            "weight": fmt_pct(float(sub["weight"].iloc[0])),
        }
        for name in a.option_names:
            row[name] = (f"{fmt_value(sub.loc[name, 'raw_p50'])} {ARROW} "
                         f"{fmt_score(sub.loc[name, 'score_p50'])}")
        rows.append(row)
    scores = d.scores_table()
    total = {"criterion": "Weighted total (points of 100)", "weight": "100 %"}
    wins = {"criterion": "Best total (share of futures)", "weight": ""}
    topsis = {"criterion": "TOPSIS closeness (0-1, cross-check)", "weight": ""}
    sc = d.scoring
    merged = False
    for i, name in enumerate(a.option_names):
        total[name] = fmt_score(scores.loc[name, "total_p50"])
        wins[name] = fmt_pct(scores.loc[name, "win_share"])
        mates = [j for j in range(len(a.option_names)) if j != i and sc.same_group(i, j)]
        if mates and sc.group_share is not None:
            # options leading to the same state are one choice (the headline's confidence):
            # the share this option's state wins, beside the option's own
            merged = True
            wins[name] += f" ({fmt_pct(float(sc.group_share[i]))} as one state)"
        topsis[name] = fmt_index(scores.loc[name, "topsis"])
    rows += [total, wins, topsis]
    cols = [Column("criterion", "Criterion, unit", width=2.2),
            Column("weight", "Weight", align="right", width=0.6)]
    cols += [Column(n, _label(a, n), align="right", width=1.1) for n in a.option_names]
    table = Table(pd.DataFrame(rows), tuple(cols),
                  caption=f"Each criterion: the option's median value {ARROW} its median 0-100 "
                  "score over the futures (a median of scores, not the score of the median: two "
                  "equal medians can score apart). "
                  "Then the weighted totals, how often each option has the best total, and TOPSIS."
                  + (" Options that lead to the same state (the same processes in containers, "
                     "shipped the same way) are one choice: their shares added, in brackets, are "
                     "what the headline's confidence counts." if merged else ""),
                  strong_rows=(len(CRITERIA),))
    if d.methods_agree:
        check = (f"Cross-check: TOPSIS, a second scoring method (closeness to the ideal option, "
                 f"0-1), also puts {_short(a, d.topsis_winner)} first.")
    else:
        check = (f"Cross-check: TOPSIS, a second scoring method (closeness to the ideal option, "
                 f"0-1), disagrees: it puts {_short(a, d.topsis_winner)} first, not "
                 f"{_short(a, d.recommendation)}. Treat the recommendation as less certain.")
    blocks: list[Block] = [
        Paragraph(intro),
        Figure("score-contributions", "Contribution of each criterion to the weighted total "
               "(median contributions; the number is the median total, as in the table).",
               partial(_draw_scores, d), (7.0, 2.9)),
        table, Paragraph(check),
    ]
    extra = d.reasons[REASONS_ON_PAGE_ONE:]
    if extra:
        blocks += [Heading("More reasons"), Bullets(tuple(extra))]
    # No page break: it follows the risk register (a short page on its own).
    return Section("scores", "Scores", tuple(blocks))


def _draw_scores(d: Decision, ax: Any) -> Any:
    return charts.score_contributions(d, ax=ax)


# ---- section 5: sensitivity ---------------------------------------------------------------------


def sensitivity_section(a: Assessment, d: Decision) -> Section:
    horizon: list[Block] = [Heading("The horizon"), *_horizon_blocks(d)] if d.horizon_checks else []
    if d.tornado is None and d.sobol is None:
        return Section("sensitivity", "Sensitivity", (Paragraph(
            "Not computed: this report was made without the sensitivity analysis, so it cannot "
            "say which inputs move the answer most.", "note"), *horizon))
    if a.structure.nothing_to_move:
        return Section("sensitivity", "Sensitivity", (Paragraph(
            "Not shown: every option is today's setup, so no input moves one option's score "
            "against another's (the tornado's bars and the Sobol indices of the score lead are "
            "all zero)."), *horizon))
    blocks: list[Block] = list(horizon)
    if d.tornado is not None and not d.tornado.empty:
        blocks.append(Paragraph(
            "Tornado: each input is moved from its P10 to its P90 while every other input stays "
            "at its median; the widest bars matter most. The bars show the lead of the "
            "recommendation over the runner-up, in points of 100: the quantity that decides. "
            "The vertical line is the lead with every input at its median, which is not the "
            "median lead over the futures that the reasons quote."))
        blocks.append(Figure("tornado", "The inputs that move the result most.",
                             partial(_draw_tornado, d), (7.0, 3.8)))
    if d.sobol is not None and not d.sobol.empty:
        margin = "margin_ST" in d.sobol.columns
        key = "margin_ST" if margin else "ST"
        top = _sobol_shown(d.sobol.sort_values(key, ascending=False).head(SOBOL_ROWS))
        blocks.append(Paragraph(
            "Sobol indices: the share of the uncertainty in the net saving explained by each "
            "input alone (first order, S1) and together with its interactions (total, ST); "
            "0 means it does not matter, 1 that it explains everything."
            + (" The last column is the total index of the score lead of the recommendation "
               "over the runner-up." if margin else "")))
        columns = [Column("label", "Input", width=3.0), Column("origin", "From", width=1.0),
                   Column("S1", "S1 (alone)", fmt_index, "right"),
                   Column("ST", "ST (with interactions)", fmt_index, "right")]
        if margin:
            columns.append(Column("margin_ST", "ST of the score lead", fmt_index, "right"))
        blocks.append(Table(
            _origin_shown(a, top.reset_index(drop=True)), tuple(columns),
            caption=f"The {len(top)} inputs with the largest total index. From: answer (yours), "
            "default (a question left to the questionnaire's default), assumption (data/). "
            f"Estimates{_from_samples(d.sobol.attrs.get('n'))}: sampling noise that would read "
            "below 0, or S1 above ST, is shown as 0 and as ST.",
        ))
    texts = _unknown_texts(d)
    if texts:
        blocks += [Heading("The most valuable unknown"), *(Paragraph(t) for t in texts)]
    return Section("sensitivity", "Sensitivity", tuple(blocks))


def _unknown_texts(d: Decision) -> list[str]:
    """The most valuable unknown for the choice (the score lead), then for the net saving: one
    paragraph when it is the same input, the second said to be about the money alone when not
    (two "Find out ... first" for two inputs read as a contradiction)."""
    choice, money = d.next_unknown, d.next_unknown_saving
    if choice is None:
        return [money.text] if money is not None else []
    said = unknown_for_the_choice(d, choice)
    if money is None:
        return [said]
    if money.name == choice.name:
        return [f"{said} It is also the answer most involved in the spread of the net "
                f"saving (about {100 * min(max(money.total_index, 0.0), 1.0):.0f} %)."]
    return [said, f"For the net saving alone (how much the move saves, not which option "
                  f"wins): {_lower_first(money.text)}"]


def _from_samples(n: Any) -> str:
    return f" from {n:,} base samples" if isinstance(n, int) else ""


def _sobol_shown(frame: pd.DataFrame) -> pd.DataFrame:
    """Sobol estimates as the indices they estimate: 0 <= S1 <= ST (Saltelli et al. 2010); the
    estimators' sampling noise (-0.01, or S1 0.19 over ST 0.15) is clipped for display only."""
    shown = frame.copy()
    for col in ("ST", "margin_ST"):
        if col in shown:
            shown[col] = shown[col].clip(lower=0.0)
    if "S1" in shown:
        shown["S1"] = np.minimum(shown["S1"].clip(lower=0.0), shown["ST"])
    return shown


def _origin_shown(a: Assessment, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (a ``name`` and an ``origin`` column) with "default" for an answer left to the
    questionnaire's default: a group of per-process inputs (``processes.*.<field>``) when every
    member is; "answer and default" when some are."""
    given = given_fields(a.questionnaire)
    shown = frame.copy()
    for i, name in enumerate(shown["name"]):
        members = [p for p in a.space
                   if not p.constant and fnmatch.fnmatchcase(p.name, str(name))]
        answers = [p for p in members if p.origin == "answer"]
        if not answers:
            continue
        defaults = sum(is_default(p, given) for p in answers)
        if defaults == len(members):
            shown.loc[i, "origin"] = "default"
        elif defaults:
            shown.loc[i, "origin"] = "answer and default"
    return shown


def _draw_tornado(d: Decision, ax: Any) -> Any:
    return charts.tornado_chart(d, ax=ax)


# ---- section 6: delivery profile and incidents ---------------------------------------------------


def delivery_section(a: Assessment, d: Decision) -> Section:
    q = a.questionnaire
    blocks: list[Block] = []
    dora = d.dora
    if dora is not None:
        frame = dora.summary().copy()
        shares = frame["unit"] == "fraction"
        frame["shown"] = ["not given" if v is None or v != v else fmt_pct(v) if share
                          else fmt_value(v)
                          for v, share in zip(frame["value"], shares, strict=True)]
        frame["unit"] = frame["unit"].where(~shares, "of deploys")
        frame["unit"] = ["" if shown == "not given" else unit_for(shown, str(unit))
                         for shown, unit in zip(frame["shown"], frame["unit"], strict=True)]
        missing = [str(lbl) for lbl, v in zip(frame["label"], frame["value"], strict=True)
                   if v is None or v != v]
        blocks.append(Paragraph(
            "The four DORA keys (deployment frequency, lead time, change failure rate, time to "
            "restore), placed in the DORA 2024 performance clusters: elite, high, medium and low, "
            "best first."
            + (f" Not placed: {', '.join(k.lower() for k in missing)}, left to the "
               "questionnaire's default (the model still uses the default)." if missing else "")))
        blocks.append(Table(
            frame,
            (Column("label", "Key", width=1.6),
             Column("shown", "Value", align="right", width=0.8),
             Column("unit", "Unit", width=1.2),
             Column("cluster_2024", "2024 cluster",
                    lambda v: v if isinstance(v, str) and v else "-", width=0.9)),
            caption="Delivery profile.",
        ))
        if dora.overall:
            over = (f" on the {fmt_count(4 - len(missing), 'key')} you gave" if missing
                    else "")
            blocks.append(Paragraph(
                f"Overall: {dora.overall} performer{over} (DORA 2024 clusters)."))
    else:
        dl = q.delivery
        blocks.append(Paragraph(
            f"Delivery as answered: {_est(dl.prod_deploys_per_week, 'production deploys a week')}; "
            f"lead time {_est(dl.lead_time_hours, 'h')}; "
            f"{_est(dl.failed_deploy_rate, '%', PERCENT)} of deploys need a fix; "
            f"{_est(q.incidents.hours_to_restore, 'h')} to restore. Placement in the DORA "
            f"clusters is not available in this build.", "body"))
    blocks.append(Heading("Incidents"))
    cats = incident_categories()
    window = q.incidents.window_months.likely
    rows = []
    for key, spec in cats.items():
        e = q.incidents.counts.get(key)
        if e is None or e.high == 0:
            continue
        rows.append({"category": spec.get("label", key), "count": _est(e),
                     "per_year": e.likely * 12.0 / window})
    if rows:
        blocks.append(Table(
            pd.DataFrame(rows),
            (Column("category", "Category", width=2.0),
             Column("count", f"Incidents in {window:g} months", align="right", width=1.4),
             Column("per_year", "Per year (likely)", fmt_value, "right", 1.0)),
            caption="Incidents as answered; categories answered as none (0 to 0) are left out.",
        ))
    else:
        blocks.append(Paragraph("No incidents were reported."))
    if a.evidence is not None:
        blocks.append(Paragraph("Incident rates and restore times come from the imported history.",
                                "note"))
    # the incidents row of each option's running cost (Assessment.recurring_breakdown's
    # numbers), without the other items' percentiles
    inc = percentiles(a.outputs.recurring["incidents"])  # (3, options)
    parts = [f"{_short(a, n)} {fmt_spread(float(inc[0, i]), float(inc[1, i]), float(inc[2, i]))}"
             for i, n in enumerate(a.option_names)]
    blocks.append(Paragraph(
        f"Expected incident time per month, including follow-up work: {'; '.join(parts)}."))
    return Section("delivery", "Delivery profile and incidents", tuple(blocks))


# ---- section 7: assumptions and answers ---------------------------------------------------------


def _source(text: Any) -> str:
    s = str(text or "").strip()
    return s if s else "judgement"


def assumptions_section(a: Assessment) -> Section:
    used = a.inputs_used().copy()
    used["range"] = [
        fmt_value(r.p50, r.unit) if np.isclose(r.p10, r.p90)
        else f"{fmt_value(r.p50)} ({fmt_value(r.p10)} to {fmt_value(r.p90)}) {r.unit}".rstrip()
        for r in used.itertuples()
    ]
    used["source"] = used["source"].map(_source)
    given_set = given_fields(a.questionnaire)
    defaults = [p.name for p in a.space if is_default(p, given_set)]
    is_def = used["name"].isin(defaults)
    used.loc[is_def, "origin"] = "default"
    used.loc[is_def, "source"] = [
        f"default of questionnaire field {question_of(n)} (not your answer)"
        for n in used.loc[is_def, "name"]
    ]
    embedded = [p.name for p in a.structure.processes if p.embedded]
    left_out = (
        f" Not listed: the answers about {', '.join(embedded)}, a file inside another process"
        " with no instances of its own, which nothing reads." if embedded else ""
    )
    table = Table(
        used,
        (Column("label", "Input", width=2.0), Column("origin", "From", width=0.8),
         Column("range", "P50 (P10 to P90) unit", width=2.2),
         Column("source", "Source", width=3.2)),
        caption="Every input the model used. From: answer (your questionnaire), default (a "
        "question you left to the questionnaire's default), assumption "
        "(data/assumptions.yaml or your override), option (data/options.yaml), history "
        f"(imported incidents).{left_out}",
        small=True,
    )
    q = a.questionnaire
    rows = []
    for section in ANSWER_SECTIONS:
        for path, value, given, info in iter_fields(getattr(q, section), f"{section}."):
            extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
            unit = str(extra.get("unit", "")).replace("currency", q.team.currency)
            mark = "" if given else DEFAULT_MARK
            rows.append({"field": path, "answer": format_answer(value, separator="; "), "unit": unit, "given": mark})
    for p in q.processes:
        traits = [p.kind, "stateful" if p.is_stateful else "stateless"]
        if p.is_stateful:
            traits.append(f"data {p.data_gb} GB"
                          + ("" if answered(p, "data_gb") else DEFAULT_TAG))
        one = p.instances.is_point and p.instances.likely == 1
        if p.embedded:  # a file inside another process: no instance of its own
            traits.append("a file inside another process")
        else:
            traits.append(f"{p.instances} {'instance' if one else 'instances'}"
                          + ("" if answered(p, "instances") else DEFAULT_TAG))
        if p.managed:
            traits.append("managed")
        rows.append({"field": f"processes.{p.name}", "answer": "; ".join(traits), "unit": "",
                     "given": ""})
    answers = Table(
        pd.DataFrame(rows),
        (Column("field", "Field", width=2.2),
         Column("answer", "Answer: likely (low-high)", width=3.0),
         Column("unit", "Unit", width=1.2), Column("given", "Default?", width=0.6)),
        caption="The questionnaire's answers; \"default\" marks a value you did not give.",
        small=True,
    )
    blocks: tuple[Block, ...] = (
        Paragraph("Ranges are P10 to P90 of the distribution the model sampled; a single value "
                  "is certain. Sources say where a default comes from, or that it is a judgement."),
        table, Heading("Answers as given"), answers,
    )
    return Section("assumptions", "Assumptions and answers", blocks)


# ---- section 8: reproducibility -----------------------------------------------------------------


def reproducibility_section(a: Assessment, d: Decision, command: str, date: str | None,
                            version: str) -> Section:
    sobol_n = d.sobol.attrs.get("n") if d.sobol is not None else None
    items = [
        ("Tool", f"analyzer {version}"),
        ("Seed", str(a.seed)),
        ("Samples", f"{a.samples:,}"),
        ("Sensitivity", "not run" if d.tornado is None else
         f"tornado and Sobol indices{f' ({sobol_n:,} base samples)' if sobol_n else ''}"),
        ("Questionnaire SHA-256", a.questionnaire_digest()),
        ("Assumptions SHA-256", a.assumptions.digest()),
        ("Report date", date or "none given (--date)"),
        ("Command", command),
    ]
    note = ("The same questionnaire, assumptions, seed and sample count give the same numbers; "
            "with the same --date too (the report is dated the day it runs unless --date is "
            "given), a byte-identical PDF. The SHA-256 hashes identify the exact inputs.")
    return Section("reproducibility", "Reproducibility",
                   (Facts(tuple(items), monospace=True), Paragraph(note, "note")))


# ---- the report ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportParts:
    """The part of a report that does not depend on the Sobol indices, the command or the
    date: every section but sensitivity and reproducibility (which ``finish_report`` adds, with
    the decision record's paragraph on the most valuable unknown), the figures of all sections, and the JSON document but its
    ``sensitivity`` block. ``analyzer report`` builds it while a background process computes
    the indices (analyzer.app.report); tests/test_report_figures.py checks a report finished
    from parts built on a decision without the indices is the same as one built in one go."""

    assessment: Assessment
    record: Section  # its most valuable unknown is replaced by finish_report
    cost: Section
    plan: Section
    risks: Section
    scores: Section
    delivery: Section
    assumptions: Section
    figures: tuple[Figure, ...]
    data: dict[str, Any] | None  # None: no JSON document wanted (a PDF does not print it)


def report_parts(a: Assessment, d: Decision, *, data: bool = True) -> ReportParts:
    """Everything of the report on ``d`` that ``d``'s Sobol indices and most valuable unknowns
    do not change: those may be missing (``analyzer.app.report`` passes a decision without them
    and finishes the report with the real one). Without ``data`` the JSON document is not built
    (``Report.data`` stays empty): the PDF does not print it, and it is about a third of the
    parts' time (``Decision.to_dict`` percentiles every output again)."""
    plan_section, plan_data = migration_section(a, d)
    risks, risk_rows = risk_section(a, d)
    records = running_cost_records(a)
    criteria = d.criteria_table()
    cost = cost_section(a, records)
    scores = scores_section(a, d, criteria)
    tornado = sensitivity_section(a, d)  # for its figure: the tornado is no Sobol result
    figures = tuple(b for s in (cost, plan_section, scores, tornado) for b in s.blocks
                    if isinstance(b, Figure))

    document = None
    if data:
        document = relabel_reversals(a, d.to_dict())
        document["migration_plan"] = plan_data
        weights = a.questionnaire.priorities.weights.notice()
        if weights:
            document["notes"] = [*document.get("notes", []), weights]
        document["running_cost"] = records
        document["risks"] = risk_rows
        document["criteria"] = [
            {k: (round(v, 4) if isinstance(v, float) else v) for k, v in row.items()}
            for row in criteria.to_dict(orient="records")
        ]
        document["situation"] = [[str(k), str(v)] for k, v in _about(a).items]
    return ReportParts(a, decision_record(a, d), cost, plan_section, risks, scores,
                       delivery_section(a, d), assumptions_section(a), figures, document)


def finish_report(parts: ReportParts, d: Decision, *, command: str,
                  date: str | None = None) -> Report:
    """The whole report from ``parts`` and the decision with its Sobol indices: the decision
    record's most valuable unknown, the sensitivity and reproducibility sections and the JSON's
    ``sensitivity`` block are built here, on ``d``."""
    a = parts.assessment
    sections = (
        _with_unknown(parts.record, d),
        parts.cost,
        parts.plan,
        parts.risks,
        parts.scores,
        sensitivity_section(a, d),
        parts.delivery,
        parts.assumptions,
        reproducibility_section(a, d, command, date, __version__),
    )
    data: dict[str, Any] = {}
    if parts.data is not None:
        data = dict(parts.data)
        data["sensitivity"] = d.sensitivity_dict()
        data["report"] = {"command": command, "date": date}
    title = "Machine images or Docker?"
    subtitle = a.questionnaire.name
    return Report(title, subtitle, date, sections, data)


def build_report(a: Assessment, d: Decision, *, command: str, date: str | None = None,
                 data: bool = True) -> Report:
    """The whole report as a content tree; ``date`` (YYYY-MM-DD) is printed only when given;
    without ``data``, no JSON document (``report_parts``)."""
    return finish_report(report_parts(a, d, data=data), d, command=command, date=date)


def report_figures(a: Assessment, d: Decision) -> list[Figure]:
    """The figures ``build_report`` puts in the report, without building the rest of it.

    None of them depends on the Sobol indices, so ``analyzer report`` draws them while a
    background process computes those (analyzer.app.report).
    """
    return list(report_parts(a, d).figures)
