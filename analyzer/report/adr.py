"""The decision as an Architecture Decision Record in MADR 4.0 (``analyzer report --format adr``).

Markdown with YAML front matter (status ``proposed``, the date, decision-makers left for the team)
and MADR's sections: Context and Problem Statement, Decision Drivers, Considered Options, Decision
Outcome (Consequences, Confirmation), Pros and Cons of the Options, More Information. Every number
is read from the report's JSON document (``Report.data``), so the record and ``--format json``
agree by construction. MADR: https://adr.github.io/madr/ (template 4.0.0).
"""

from __future__ import annotations

from typing import Any

import yaml

from analyzer.decision.fmt import fmt_hours, fmt_pct, unit_for
from analyzer.report.tree import Report


def _h(x: float) -> str:
    """Hours as the report gives them (``fmt_hours``: two significant figures, whole hours from
    ten): 9,350 h, 260 h, 0.5 h, not 9,349.8 h."""
    return fmt_hours(x)


def _trio(t: dict[str, float]) -> str:
    return f"{_h(t['p50'])} (P10 {_h(t['p10'])}, P90 {_h(t['p90'])})"


def _pct(x: float) -> str:
    """A share as every other output gives it (``fmt_pct``): never 100.0 % or 0.0 % for a share
    strictly between (0.9996 is "> 99.9 %")."""
    return fmt_pct(x)


def _hours(x: float) -> str:
    """A duration in hours with its unit: "8 hours", "1 hour", "1.5 hours"."""
    figure = _num(x)
    return f"{figure} {unit_for(figure, 'hours')}"


def _num(x: float) -> str:
    """Three significant figures below 100, whole numbers above, never in exponent notation:
    0.0123, 2.56, 51,426."""
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.3g}"


def _unit(data: dict[str, Any], criterion: str, unit: str) -> str:
    """A criterion's unit with the run's currency for money ("USD (NPV)", not "money (NPV)")."""
    return unit.replace("money", data["currency"]) if criterion == "cost" else unit


def _lower_first(text: str) -> str:
    """A sentence continued inside another: 'Rehearse ...' as 'rehearse ...'."""
    return text[:1].lower() + text[1:]


def _oneline(text: str) -> str:
    return " ".join(str(text).split())


def front_matter(data: dict[str, Any], date: str | None) -> str:
    """MADR's optional metadata: status, date, decision-makers, consulted, informed."""
    meta = {
        "status": "proposed",
        "date": date or "",
        "decision-makers": [],
        "consulted": [],
        "informed": [],
    }
    text = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, default_flow_style=False)
    return "---\n" + text + "---\n"


def _drivers(data: dict[str, Any]) -> list[str]:
    weights: dict[str, float] = data["recommendation"]["weights"]
    labels = {c["criterion"]: c["label"] for c in data["criteria"]}
    units = {c["criterion"]: _unit(data, c["criterion"], c["raw_unit"]) for c in data["criteria"]}
    return [
        f"* {labels.get(k, k)} -- weight {_pct(w)} (measured in {units.get(k, '')})"
        for k, w in sorted(weights.items(), key=lambda kv: -kv[1]) if w > 0
    ]


def _pros_cons(data: dict[str, Any], name: str) -> list[str]:
    """Good where the option scores best of all options on a criterion, bad where worst."""
    out = []
    by_crit: dict[str, list[dict[str, Any]]] = {}
    for row in data["criteria"]:
        by_crit.setdefault(row["criterion"], []).append(row)
    for rows in by_crit.values():
        mine = next(r for r in rows if r["option"] == name)
        scores = [r["score_p50"] for r in rows]
        unit = _unit(data, mine["criterion"], mine["raw_unit"])
        text = (f"{mine['label']}: {_num(mine['raw_p50'])} {unit} "
                f"(score {mine['score_p50']:.1f} of 100)")
        if max(scores) == min(scores):
            out.append(f"* Neutral, because {text}, the same for every option")
        elif mine["score_p50"] == max(scores):
            out.append(f"* Good, because {text}, the best of the options")
        elif mine["score_p50"] == min(scores):
            out.append(f"* Bad, because {text}, the worst of the options")
        else:
            out.append(f"* Neutral, because {text}")
    return out


def _consequences(data: dict[str, Any]) -> list[str]:
    rec = data["recommendation"]["option"]
    opt = data["options"][rec]
    out = []
    if data["recommendation"].get("nothing_to_move"):
        out.append("* Neutral, because every option is today's setup: nothing changes")
    elif opt["status_quo"]:
        out.append("* Good, because no up-front work: the team keeps its time for features")
        for name, other in data["options"].items():
            if name == rec:
                continue
            out.append(
                f"* Good, because it avoids the up-front work of \"{other['label']}\", "
                f"{_trio(other['transition_hours'])} and saves "
                f"{_h(-other['saving_hours']['p50'])} over {data['horizon_months']} months"
                if other["saving_hours"]["p50"] < 0 else
                f"* Bad, because \"{other['label']}\" would save "
                f"{_h(other['saving_hours']['p50'])} over {data['horizon_months']} months"
            )
    else:
        saving = opt["saving_hours"]["p50"]
        out.append(f"* Bad, because the move takes {_trio(opt['transition_hours'])} of work "
                   f"over {opt['migration_months']['p50']:.1f} months")
        word = "Good" if saving >= 0 else "Bad"
        out.append(f"* {word}, because against today it {'saves' if saving >= 0 else 'costs'} "
                   f"{_h(abs(saving))} over {data['horizon_months']} months (median)")
    out.append(f"* Neutral: running cost a month {_trio(opt['recurring_hours_per_month'])}")
    for risk in data.get("risks", []) if not opt["status_quo"] else []:
        out.append(f"* Bad, because {risk['risk'].lower()}: {risk['why']} "
                   f"(mitigation: {_lower_first(_oneline(risk['mitigation']))})")
    return out


def _confirmation(data: dict[str, Any]) -> list[str]:
    rec = data["recommendation"]["option"]
    opt = data["options"][rec]
    out = []
    be = opt["breakeven_month"]["p50"]
    if data["recommendation"].get("nothing_to_move"):
        out.append("* Re-run the assessment if a process moves out of its container (onto a "
                   "machine image or a provider's service): then there is a choice again.")
    elif opt["status_quo"]:
        out.append("* Re-run the assessment when an input crosses a trigger under More Information.")
    elif be is not None:
        out.append(f"* Break-even checkpoint: by month {be:.0f} the move's cumulative "
                   "engineer-hours should be below what the status quo would have cost; check "
                   f"at the pilot's end and at month {be:.0f}.")
    else:
        out.append(f"* The move does not pay back within {data['horizon_months']} months at the "
                   "median: confirm the non-cost reasons are worth it after the pilot.")
    dora = data.get("delivery_profile") or {}
    targets = [
        ("deploys_per_week", "production deploys a week", _num),
        ("change_failure_rate", "change failure rate", _pct),
        ("restore_hours", "time to restore service", _hours),
        ("lead_time_hours", "lead time for changes", _hours),
    ]
    for key, label, fmt in targets:
        value = dora.get(key)
        if value is not None:
            out.append(f"* DORA: {label} is {fmt(value)} today; watch it does not get worse.")
    return out


def render_adr(report: Report) -> bytes:
    """The MADR 4.0 record, as UTF-8 bytes."""
    data = report.data
    rec = data["recommendation"]
    chosen = data["options"][rec["option"]]
    name = data["questionnaire"]["name"]
    lines = [front_matter(data, report.date)]
    lines += [f"# {chosen['label']} for {name}", ""]
    lines += ["## Context and Problem Statement", ""]
    lines += [f"Should {name} move from machine images to Docker containers, stay, or go hybrid?",
              ""]
    lines += [f"* **{k}:** {_oneline(v)}" for k, v in data["situation"]]
    lines += ["", "## Decision Drivers", "", *_drivers(data), ""]
    lines += ["## Considered Options", ""]
    lines += [f"* {o['label']}" for o in data["options"].values()]
    lines += ["", "## Decision Outcome", ""]
    if rec.get("nothing_to_move"):
        because = ("every option compared leads to the state the team runs today: there is "
                   "nothing to move")
    elif rec["too_close_to_call"]:
        because = (f"it leads in only {_pct(rec['confidence'])} of {data['samples']:,} simulated "
                   f"futures, below the {_pct(rec['confidence_threshold'])} needed: too close to "
                   "call, so treat this as the leader, not a recommendation")
    elif rec.get("kept_for_now"):
        because = (f"no change comes out ahead in the {_pct(rec['confidence_threshold'])} of "
                   f"{data['samples']:,} simulated futures a move has to clear (the best change: "
                   f"{_pct(rec['change_share'])}; today's setup: {_pct(rec['confidence'])}), so "
                   "it is kept for now")
    else:
        because = (f"it has the best weighted score in {_pct(rec['confidence'])} of "
                   f"{data['samples']:,} simulated futures (confidence)")
    lines += [f"Chosen option: \"{chosen['label']}\", because {because}.", ""]
    lines += [f"* {_oneline(r)}" for r in rec["reasons"]]
    lines += ["", "| Option | Up-front work (P50) | Running cost a month (P50) | "
              f"Total over {data['horizon_months']} months (P50) | Saving against today (P50) |",
              "| :--- | ---: | ---: | ---: | ---: |"]
    for o in data["options"].values():
        sq = o["status_quo"]  # no move: nothing up front, nothing saved against itself
        lines.append(f"| {o['label']} | {'none' if sq else _h(o['transition_hours']['p50'])} | "
                     f"{_h(o['recurring_hours_per_month']['p50'])} | "
                     f"{_h(o['total_hours']['p50'])} | "
                     f"{'-' if sq else _h(o['saving_hours']['p50'])} |")
    lines += ["", "### Consequences", "", *_consequences(data), ""]
    lines += ["### Confirmation", "", *_confirmation(data), ""]
    lines += ["## Pros and Cons of the Options", ""]
    for key, o in data["options"].items():
        lines += [f"### {o['label']}", "",
                  f"Weighted score {o['score']['total_p50']:.1f} of 100 (median); best in "
                  f"{_pct(o['score']['win_share'])} of the futures.", "",
                  *_pros_cons(data, key), ""]
    lines += ["## More Information", "", "What would change the answer (revisit triggers):", ""]
    triggers = [r for r in data.get("reversals", []) if r.get("threshold") is not None]
    if rec.get("nothing_to_move"):
        lines.append("* Nothing: no option moves a process, so no answer changes the comparison.")
    elif triggers:
        lines += [
            f"* Revisit if {r['label']} goes {r['direction']} {_num(r['threshold'])} {r['unit']} "
            f"(now {_num(r['current'])}): then {data['options'][r['flips_to']]['label']} wins"
            for r in triggers
        ]
    else:
        lines.append("* No single input, moved within its range, changes the answer.")
    lines += [f"* Note: {_oneline(n)}" for n in data.get("notes", [])]
    lines += ["", "Reproduce:", "",
              f"* Questionnaire SHA-256: `{data['questionnaire']['sha256']}`",
              f"* Assumptions SHA-256: `{data['assumptions_sha256']}`",
              f"* Seed `{data['seed']}`, {data['samples']:,} samples, analyzer "
              f"{data['analyzer_version']}",
              f"* Command: `{data['report']['command']}`", ""]
    return "\n".join(lines).encode("utf-8")
