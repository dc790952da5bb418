"""The portfolio's outputs: a JSON document, a CSV row per application, and a content tree the
report renderers (PDF, Markdown) typeset. Every table and sentence reads ``PortfolioResult``."""

from __future__ import annotations

import csv
import io
import math
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from analyzer._version import __version__
from analyzer.decision.fmt import (
    fmt_hours,
    fmt_money,
    fmt_month_of,
    fmt_months,
    fmt_number,
    fmt_pct,
)
from analyzer.model.assess import percentiles
from analyzer.model.core import WORK_ITEM_LABELS
from analyzer.portfolio.economics import BuildDecision
from analyzer.portfolio.evaluate import BAKED, CONTAINERS
from analyzer.portfolio.run import STAY_GROUPS, PortfolioResult
from analyzer.report.content import NOTHING_TO_MOVE_FLIPS, NOTHING_TO_MOVE_UNKNOWN
from analyzer.report.tree import Bullets, Column, Facts, Figure, Paragraph, Report, Section, Table

#: Columns of the per-application CSV, in order (README "Portfolio" lists them).
CSV_COLUMNS = (
    "id", "name", "source", "status", "recommendation", "confidence", "too_close_to_call",
    "with_platform", "moves", "move_kind", "stays_because", "wave", "value_hours_p50",
    "value_money_p50", "currency", "effort_hours_p50",
    "monthly_saving_hours_p50", "stateful_move", "critical", "depends_on", "defaults_used",
    "reason", "error",
)


def _p(x: Any) -> dict[str, float | None]:
    arr = np.asarray(x, dtype=np.float64)
    p10, p50, p90 = (float(v) for v in percentiles(arr))
    return {k: (v if math.isfinite(v) else None) for k, v in (("p10", p10), ("p50", p50), ("p90", p90))}


def _decision_dict(d: BuildDecision) -> dict[str, Any]:
    return {
        "net_saving": _p(d.net_saving),
        "platform": _p(d.platform),
        "gains": _p(d.gains),
        "confidence": round(d.confidence, 4),
        "build_share": round(d.build_share, 4),
        "threshold": d.limit,
        "flip_platform_multiplier": round(d.flip_platform_multiplier(), 3)
        if math.isfinite(d.flip_platform_multiplier()) else None,
    }


def to_dict(r: PortfolioResult) -> dict[str, Any]:
    """The JSON document: the portfolio decision, waves, curve and every application's result."""
    p = r.portfolio
    return {
        "analyzer_version": __version__,
        "portfolio": {"name": p.name, "source": p.source, "applications": len(p.apps) + len(p.failures)},
        "seed": r.seed,
        "samples": r.samples,
        "horizon_months": r.horizon_months,
        "currency": r.currency,
        "currencies_converted": r.converted,
        "decision": {
            "build_platform": r.decision.build,
            "confidence": round(r.decision.confidence, 4),
            "decided_in": "money",
            "money_includes": MONEY_INCLUDES,
            "headline": headline(r),
            "applications_moving": len(r.moving),
            "applications_moving_to": {kind: len(_moving_to(r, kind)) for kind in MOVE_KINDS},
            "applications_staying": len(r.apps) - len(r.moving),
            "applications_staying_because": {k: len(r.staying(k)) for k in STAY_GROUPS},
            "applications_failed": len(r.failures),
            "breakeven_month_p50": r.breakeven_month_p50 if math.isfinite(r.breakeven_month_p50) else None,
            "hours": _decision_dict(r.hours),
            "money": _decision_dict(r.money),
        },
        "plan": {
            "wave_months": p.plan.wave_months,
            "migration_people": p.plan.migration_people,
            "hours_per_wave": p.plan.hours_per_wave,
            "waves": [
                {"wave": w.number, "start_month": w.start_month, "months": w.months,
                 "effort_hours": w.effort, "applications": list(w.apps)}
                for w in r.waves
            ],
            "curve": {
                "months": r.months.tolist(),
                "net_saving_hours": {k: v.tolist() for k, v in r.curve_hours.items()},
                "net_saving_money": {k: v.tolist() for k, v in r.curve_money.items()},
            },
        },
        "platform_items": list(p.platform_items),
        "applications": [dict(a) for a in r.apps],
        "failures": [{"id": f.id, "source": f.source, "error": f.error} for f in r.failures],
        "notes": list(p.notes),
    }


def to_csv(r: PortfolioResult) -> bytes:
    """One row per application (failed ones too, with their error), for a spreadsheet."""
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    rows: list[dict[str, Any]] = []
    for a in r.apps:
        row = {**a, "status": "assessed"}
        for key in ("value_hours_p50", "value_money_p50", "effort_hours_p50", "monthly_saving_hours_p50"):
            row[key] = round(float(row[key]), 1)
        row["depends_on"] = ";".join(a["depends_on"])
        row["defaults_used"] = ";".join(a["defaults_used"])
        rows.append(row)
    rows += [{"id": f.id, "source": f.source, "status": "failed", "error": f.error} for f in r.failures]
    for row in sorted(rows, key=lambda x: x["id"]):
        w.writerow({k: ("" if row.get(k) is None else row.get(k)) for k in CSV_COLUMNS})
    return out.getvalue().encode("utf-8")


#: What the portfolio's money holds (page 1 and the JSON say it).
MONEY_INCLUDES = (
    "engineer-hours at each team's hourly cost plus infrastructure (hosts, cluster fees, "
    "registry, CI minutes: analyzer.model.money), as for one application; the shared platform "
    "is its engineer-hours at the hourly cost"
)
MOVE_KINDS = (CONTAINERS, BAKED)


def _moving_to(r: PortfolioResult, kind: str) -> list[dict[str, Any]]:
    return [a for a in r.moving if a["move_kind"] == kind]


def nothing_to_move(r: PortfolioResult) -> bool:
    """Every application assessed runs today in the state every option leads to."""
    return bool(r.apps) and all(a["nothing_to_move"] for a in r.apps)


def _moves_phrase(r: PortfolioResult) -> str:
    """'move 64 of 82 applications to containers and 18 to baked images'."""
    n = len(r.apps)
    parts = [(len(_moving_to(r, kind)), kind) for kind in MOVE_KINDS]
    parts = [(k, kind) for k, kind in parts if k]
    if not parts:
        return f"move none of {n} applications"
    first, *rest = parts
    return (f"move {first[0]} of {n} applications to {first[1]}"
            + "".join(f" and {k} to {kind}" for k, kind in rest))


def headline(r: PortfolioResult) -> str:
    d = r.decision
    pct = fmt_pct(d.confidence)
    if nothing_to_move(r):
        return ("Keep today's setup across the portfolio: every option compared here leads to "
                "the state each application runs already, so there is nothing to move.")
    if d.build:
        kinds = {a["move_kind"] for a in r.moving}
        what = "container platform" if kinds == {CONTAINERS} else "platform"
        return (
            f"Build one shared {what} and {_moves_phrase(r)} in {_count(len(r.waves), 'wave')}: it comes "
            f"out ahead in {pct} of the simulated futures."
        )
    share = d.build_share
    if share >= 0.5:  # cheaper in most futures, not in the threshold's share of them
        return (
            f"Keep machine images across the portfolio for now: a shared container platform pays "
            f"for itself in only {fmt_pct(share)} of the simulated futures, short of the "
            f"{fmt_pct(d.limit)} a move has to clear before it is worth its cost."
        )
    return (
        f"Keep machine images across the portfolio for now: a shared container platform does not "
        f"pay for itself in {pct} of the simulated futures."
    )


def _money_facts(r: PortfolioResult) -> Facts:
    cur = r.currency
    h, m = r.hours, r.money
    moves = ", ".join(f"{len(_moving_to(r, kind))} to {kind}" for kind in MOVE_KINDS
                      if _moving_to(r, kind))
    stays = "; ".join(f"{len(r.staying(k))} {STAY_LABELS[k]}" for k in STAY_GROUPS if r.staying(k))
    items = [
        ("Net saving over the horizon", f"{fmt_money(np.median(m.net_saving), cur)} "
         f"(in engineer-hours alone {fmt_hours(np.median(h.net_saving))}); P10 to P90 {fmt_money(np.percentile(m.net_saving, 10), cur)} "
         f"to {fmt_money(np.percentile(m.net_saving, 90), cur)}"),
        ("Shared platform, paid once", f"{fmt_money(np.median(m.platform), cur)} ({fmt_hours(np.median(h.platform))})"),
        ("Applications' own moves and savings", f"{fmt_money(np.median(m.gains), cur)} net of their own move "
         f"({fmt_hours(np.median(h.gains))})"),
        ("Break-even of the plan", fmt_month_of(r.breakeven_month_p50, r.horizon_months)),
        ("Horizon", f"{r.horizon_months} months"),
        ("Applications", f"{len(r.apps)} assessed: {len(r.moving)} move"
         + (f" ({moves})" if moves else "") + f", {len(r.apps) - len(r.moving)} stay"
         + (f" ({stays})" if stays else "")
         + (f"; {len(r.failures)} could not be assessed" if r.failures else "")),
    ]
    return Facts(tuple(items))


def _what_would_change(r: PortfolioResult) -> list[str]:
    if nothing_to_move(r):
        return [NOTHING_TO_MOVE_FLIPS]
    d = r.decision
    k = d.flip_platform_multiplier()
    out = []
    if math.isfinite(k):
        need = fmt_pct(d.limit)
        if d.build:
            out.append(f"The platform would have to cost {k:.1f} times the estimate "
                       f"(about {fmt_hours(k * np.median(r.hours.platform))}) for staying to win "
                       f"(building no longer cheaper in {need} of the futures).")
        else:
            out.append(f"The platform would have to cost {k:.2f} times the estimate for it to pay "
                       f"for itself in {need} of the futures with the applications that would "
                       "move.")
    staying = [a for a in r.apps if not a["moves"]]
    if staying and not d.build:
        out.append("No application gains enough on its own: the answer changes when more "
                   "applications with many services, frequent deploys or slow scale-out join.")
    return out


def decision_section(r: PortfolioResult, date: str | None) -> Section:
    blocks: list[Any] = [
        Paragraph(headline(r), "headline"),
        _money_facts(r),
        Paragraph("Why", "lead"),
    ]
    reasons = []
    if nothing_to_move(r):
        blocks.append(Bullets((
            f"Each of the {_count(len(r.apps), 'application')} runs today in the state every "
            "option leads to: no move, no platform to build, nothing to pay back.",)))
        blocks.append(Paragraph("What would change the answer", "lead"))
        blocks.append(Bullets((NOTHING_TO_MOVE_FLIPS,)))
        blocks.append(Paragraph("What to find out next", "lead"))
        blocks.append(Bullets((NOTHING_TO_MOVE_UNKNOWN,)))
        return Section("decision", "The portfolio decision", tuple(blocks))
    if r.moving:
        top = sorted(r.moving, key=lambda a: -a["value_run_money_p50"])[:3]
        reasons.append("The largest gains come from " + ", ".join(
            f"{a['name']} ({fmt_money(a['value_run_money_p50'], r.currency)} over the horizon)"
            for a in top) + ".")
    reasons.append(
        f"A platform built once serves every application: each application pays only its own "
        f"move (median {fmt_hours(np.median([a['effort_hours_p50'] for a in r.moving]) if r.moving else 0)}), "
        f"not the pipeline and registry, orchestrator, observability and learning again."
    )
    alone_stay = [a for a in r.moving if a["recommendation"] == a["status_quo"]]
    if alone_stay and r.decision.build:
        reasons.append(
            f"Assessed alone, {len(alone_stay)} of the {len(r.moving)} applications that move would "
            f"stay with today's setup: alone, the whole platform falls on one application and every "
            f"criterion counts (transition risk, team fit); this plan weighs money with the "
            f"platform paid once.")
    reasons += _stay_reasons(r)
    blocks.append(Bullets(tuple(reasons)))
    blocks.append(Paragraph("What would change the answer", "lead"))
    blocks.append(Bullets(tuple(_what_would_change(r)) or ("Nothing within the ranges given.",)))
    if r.failures:
        blocks.append(Paragraph("Applications that could not be assessed", "lead"))
        blocks.append(Bullets(tuple(f"{f.id} ({f.source}): {f.error.splitlines()[0]}" for f in r.failures[:20])))
    blocks.append(Paragraph(_money_note(r), "note"))
    return Section("decision", "The portfolio decision", tuple(blocks))


#: How page 1 names each group of applications that stay (``PortfolioResult.staying``).
STAY_LABELS = {
    "better_off": "better off staying",
    "capacity": "beyond the plan's capacity in time",
    "no_platform": "held back: no platform is built",
}


def _stay_reasons(r: PortfolioResult) -> list[str]:
    """One sentence per group of applications that stay, each counted apart."""
    out = []
    better, late, held = (len(r.staying(k)) for k in ("better_off", "capacity", "no_platform"))
    if better:
        out.append(f"{_count(better, 'application')} {'is' if better == 1 else 'are'} better off "
                   f"where {'it is' if better == 1 else 'they are'}, even with the platform in "
                   "place (listed with the reasons).")
    if late:
        out.append(f"{_count(late, 'application')} would move given the platform but "
                   f"{'stays' if late == 1 else 'stay'} beyond the plan's capacity: at "
                   f"{_people(r.portfolio.plan.migration_people)} on the move, "
                   f"{'its' if late == 1 else 'their'} wave would end too late to pay back "
                   "within the horizon.")
    if held:
        out.append(f"{_count(held, 'application')} would move given the platform but "
                   f"{'is' if held == 1 else 'are'} held back because no platform is built.")
    return out


def _money_note(r: PortfolioResult) -> str:
    converted = (f" Teams' currencies differ: each application's money is converted into "
                 f"{r.currency} at the sampled exchange rates (data/prices.yaml fx)."
                 if r.converted else "")
    return (f"Every figure is a median over {r.samples:,} simulated futures with the P10 to P90 "
            f"range where shown. Money is {MONEY_INCLUDES}; the decision is made in money.{converted}")


def waves_section(r: PortfolioResult) -> Section:
    p = r.portfolio.plan
    if not r.waves:
        return Section("waves", "Migration waves", (Paragraph(
            "No waves: with the platform not worth building, every application stays where it is."),))
    frame = pd.DataFrame([
        {"wave": w.number, "start": w.start_month, "months": w.months, "n": len(w.apps),
         "effort": w.effort, "apps": ", ".join(w.apps[:6]) + (f" and {len(w.apps) - 6} more" if len(w.apps) > 6 else "")}
        for w in r.waves
    ])
    table = Table(frame, (
        Column("wave", "Wave", lambda x: f"{int(x)}", "right", 0.5),
        Column("start", "Starts (month)", lambda x: f"{x:.0f}", "right", 0.8),
        Column("months", "Months", lambda x: f"{x:.1f}", "right", 0.6),
        Column("n", "Apps", lambda x: f"{x:.0f}", "right", 0.5),
        Column("effort", "Effort", fmt_hours, "right", 0.8),
        Column("apps", "Applications", width=3.6),
    ), caption="Wave 1 also builds the shared platform.", small=True)
    intro = (
        f"Quick wins and high value first, stateful and business-critical applications later, never "
        f"before an application they depend on; each wave holds what {_people(p.migration_people)} "
        f"can move in {fmt_months(p.wave_months)} ({fmt_hours(p.hours_per_wave)})."
    )
    fig = Figure("portfolio-curve", "Cumulative net saving of the plan (P10 to P90 shaded).",
                 partial(_draw_curve, r), (7.0, 3.2))
    return Section("waves", "Migration waves", (Paragraph(intro), table, fig), page_break=True)


def _money_short(x: float, currency: str) -> str:
    """Money without the currency (the caption names it): '12,300', '-4,100'."""
    return fmt_money(x, currency).replace(f"{currency} ", "")


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _count(n: int, noun: str) -> str:
    """'1 application', '3 applications'."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _people(n: float) -> str:
    """'1 person', '2 people', '1.5 people'."""
    return "1 person" if n == 1 else f"{fmt_number(n)} people"


def _draw_curve(r: PortfolioResult, ax: Any) -> Any:
    # imported here: only a PDF draws charts (JSON and CSV need no matplotlib)
    from matplotlib.ticker import FuncFormatter

    b = r.curve_money
    ax.fill_between(r.months, b["p10"], b["p90"], alpha=0.25, color="tab:blue", linewidth=0)
    ax.plot(r.months, b["p50"], color="tab:blue", label="median")
    ax.axhline(0, color="0.3", linewidth=0.8)
    for w in r.waves:
        ax.axvline(w.start_month, color="0.75", linewidth=0.6, linestyle=":")
    ax.set_title("Cumulative net saving of the migration plan")
    ax.set_xlabel("month")
    ax.set_ylabel(f"net saving ({r.currency} thousand)")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v / 1000:,.0f}"))
    ax.legend(loc="upper left", frameon=False)
    return ax


def map_section(r: PortfolioResult) -> Section:
    fig = Figure("portfolio-map", "Each application by the effort of its move and its value over "
                 "the horizon, given the shared platform.", partial(_draw_map, r), (7.0, 3.8))
    return Section("map", "Value and effort", (fig,))


def _draw_map(r: PortfolioResult, ax: Any) -> Any:
    moving = [a for a in r.apps if a["moves"]]
    staying = [a for a in r.apps if not a["moves"]]
    if staying:
        ax.scatter([a["effort_hours_p50"] for a in staying], [a["value_run_money_p50"] for a in staying],
                   s=12, color="0.6", label="stays")
    if moving:
        ax.scatter([a["effort_hours_p50"] for a in moving], [a["value_run_money_p50"] for a in moving],
                   s=14, color="tab:blue", label="moves")
        for k, a in enumerate(sorted(moving, key=lambda x: -x["value_run_money_p50"])[:3]):
            ax.annotate(a["id"], (a["effort_hours_p50"], a["value_run_money_p50"]), fontsize=7,
                        xytext=(4, 4 - 9 * k), textcoords="offset points")
    ax.axhline(0, color="0.3", linewidth=0.8)
    ax.set_title("Applications by effort and value")
    ax.set_xlabel("effort of the move (engineer-hours, median)")
    ax.set_ylabel(f"value over the horizon ({r.currency}, median)")
    ax.legend(loc="best", frameon=False)
    return ax


def _short(text: str, limit: int = 80) -> str:
    """The first clause of a sentence, cut at ``limit`` characters."""
    first = text.split(": ")[0].split("; ")[0].rstrip(".")
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"


def _note(a: dict[str, Any]) -> str:
    if a["moves"]:
        tags = [t for t, on in (("stateful", a["stateful_move"]), ("business-critical", a["critical"])) if on]
        deps = f"depends on {', '.join(a['depends_on'])}" if a["depends_on"] else ""
        return "; ".join([*tags, deps] if deps else tags)
    return _short(a["reason"])


def apps_section(r: PortfolioResult) -> Section:
    ordered = sorted(r.apps, key=lambda a: (not a["moves"], a["wave"] or 0, -a["value_run_money_p50"], a["id"]))
    frame = pd.DataFrame([
        {"id": a["id"], "alone": _cap(a["recommendation_short"]), "conf": a["confidence"],
         "with": _cap(a["with_platform_short"]), "wave": a["wave"], "value": a["value_run_money_p50"],
         "effort": a["effort_hours_p50"], "why": _note(a)}
        for a in ordered
    ])
    if frame.empty:
        return Section("applications", "Applications", (Paragraph("No application was assessed."),))
    table = Table(frame, (
        Column("id", "Application", width=1.6),
        Column("alone", "Alone", width=1.0),
        Column("conf", "Conf.", fmt_pct, "right", 0.5),
        Column("with", "With platform", width=1.0),
        Column("wave", "Wave", lambda x: "" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{int(x)}", "right", 0.45),
        Column("value", "Value", partial(_money_short, currency=r.currency), "right", 0.7),
        Column("effort", "Effort", fmt_hours, "right", 0.7),
        Column("why", "Note", width=2.6),
    ), caption="Applications that move first, by wave, then those that stay. 'Alone': the "
               "application's own recommendation; 'With platform': its best option once a shared "
               "platform exists. Value: median money over the horizon (people and infrastructure, "
               f"{r.currency}); effort: median engineer-hours of the move.",
       small=True)
    defaults = sorted({d for a in r.apps for d in a["defaults_used"]})
    blocks: list[Any] = [table]
    if defaults:
        blocks.append(Paragraph("Defaults used for answers the inventory did not give: "
                                + ", ".join(defaults) + " (per application in the CSV and JSON).", "note"))
    return Section("applications", "Applications", tuple(blocks))


def platform_section(r: PortfolioResult) -> Section:
    items = "; ".join(WORK_ITEM_LABELS.get(i, i).lower() for i in r.portfolio.platform_items)
    text = (
        f"The shared platform is the work the model counts as platform rather than application: "
        f"{items} (data/portfolio.yaml `platform_items`). It is paid once, sized by the largest need of any application that moves "
        f"(median {fmt_hours(np.median(r.hours.platform))}, "
        f"{fmt_money(np.median(r.money.platform), r.currency)}), and then every application's move "
        f"is its marginal cost given the platform."
    )
    return Section("platform", "The shared platform", (Paragraph(text),))


def reproduce_section(r: PortfolioResult, command: str, date: str | None) -> Section:
    items = [("Command", command), ("Seed", str(r.seed)), ("Samples", f"{r.samples:,}"),
             ("Source", r.portfolio.source)]
    if date:
        items.append(("Date", date))
    return Section("reproduce", "Reproduce this report", (Facts(tuple(items), monospace=True),))


def build_portfolio_report(r: PortfolioResult, *, command: str, date: str | None = None) -> Report:
    return Report(
        title="Portfolio: machine images or containers?",
        subtitle=r.portfolio.name,
        date=date,
        sections=(
            decision_section(r, date),
            waves_section(r),
            map_section(r),
            platform_section(r),
            apps_section(r),
            reproduce_section(r, command, date),
        ),
        data=to_dict(r),
    )
