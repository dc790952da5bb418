"""The ``analyzer assess`` text output: the decision on one screen, figures with units."""

from __future__ import annotations

import re
import textwrap
from typing import Any

import numpy as np

from analyzer.decision.decide import Decision
from analyzer.decision.fmt import fmt_month_of, fmt_pct, fmt_spread, verb_for
from analyzer.decision.sensitivity import Unknown

WIDTH = 100
COLUMN_GAP = 3  # spaces between table columns


def _trio(p10: float, p50: float, p90: float) -> str:
    """'320 h (280 to 380)', rounded exactly as in the report; 'none' for nothing at all."""
    if p10 == p50 == p90 == 0:
        return "none"
    return fmt_spread(p10, p50, p90)


#: a figure and the unit after it ("80 %", "270 h"): never split over two lines
_FIGURE_UNIT = re.compile(r"(\d) (%|h\b|s\b)")
NO_BREAK = "\u00a0"  # textwrap breaks at ASCII whitespace only


def _fill(text: str, **kwargs: Any) -> str:
    """textwrap.fill at WIDTH, keeping each figure on the line of its unit."""
    joined = _FIGURE_UNIT.sub(rf"\1{NO_BREAK}\2", text)
    return textwrap.fill(joined, WIDTH, **kwargs).replace(NO_BREAK, " ")


def _bullet(text: str) -> str:
    return _fill(text, initial_indent="  - ", subsequent_indent="    ")


def option_name(a: Any, key: str) -> str:
    """An option as every output names it: its short label (e.g. 'machine images', 'Docker')."""
    return str(a.options[key].short_label)


def reversal_text(a: Any, r: Any) -> str:
    """A reversal sentence with the options named by their short labels, not their keys: the
    one it flips to, and the one that already holds there ('the hybrid already scores best')."""
    text = str(getattr(r, "text", r))
    key = str(getattr(r, "flips_to", "") or "")
    if key and text.startswith(f"{key} wins") and key in a.options:
        name = option_name(a, key)
        text = (name[:1].upper() + name[1:] + " " + verb_for(name, "wins")
                + text[len(f"{key} wins"):])
    holds = str(getattr(r, "holds", "") or "")
    if holds and holds in a.options:
        name = option_name(a, holds)
        text = (text.replace(f"median, {holds} already scores best)", f"median, {name} already "
                             "scores best)")
                .replace(f"({holds} already chosen at", f"({name} already chosen at"))
    return text


def relabel_reversals(a: Any, doc: dict[str, Any]) -> dict[str, Any]:
    """The JSON document with each reversal's sentence naming options by label, as the terminal
    and the report do (the option keys stay in ``holds`` and ``flips_to``)."""
    for r in doc.get("reversals", []):
        if isinstance(r, dict) and r.get("text"):
            r["text"] = reversal_text(a, _Reversal(str(r["text"]), str(r.get("flips_to") or ""),
                                                   str(r.get("holds") or "")))
    return doc


class _Reversal:
    def __init__(self, text: str, flips_to: str, holds: str = "") -> None:
        self.text, self.flips_to, self.holds = text, flips_to, holds


def table_lines(rows: list[list[str]], gap: int = COLUMN_GAP) -> list[str]:
    """Rows as aligned columns: each column as wide as its widest cell, ``gap`` spaces apart,
    the first left-aligned and the rest right-aligned, so wide values never run together."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    sep = " " * gap
    return [
        "  " + sep.join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]


def render_decision_text(d: Decision) -> str:
    a = d.assessment
    lines = [
        a.questionnaire.name,
        f"{a.samples:,} simulated futures, seed {a.seed}, horizon {a.horizon_months} months",
        "",
        _fill(d.headline()),
        "",
        "Why",
        *(_bullet(r) for r in d.reasons),
    ]
    answers = [r for r in d.reversals if r.kind == "answer"]
    assumed = [r for r in d.reversals if r.kind == "assumption"]
    if answers:
        lines += ["", "What would change the answer",
                  *(_bullet(reversal_text(a, r)) for r in answers)]
    if assumed:
        lines += ["", "On the model's assumptions (not something you can find out)",
                  *(_bullet(reversal_text(a, r)) for r in assumed)]
    if d.next_unknown is not None:
        lines += [
            "",
            "Most valuable unknown",
            _bullet(unknown_for_the_choice(d, d.next_unknown)),
        ]
    notes = [*d.notes]
    weights = a.questionnaire.priorities.weights.notice()
    if weights:
        notes.append(weights)
    if not d.methods_agree:  # one more note, not a list of its own after a blank line
        notes.append(
            f"Cross-check: TOPSIS ranks {option_name(a, d.topsis_winner)} first, the weighted "
            f"sum {option_name(a, d.recommendation)}; treat the answer as less certain."
        )
    if notes:
        lines += ["", "Notes", *(_bullet(n) for n in notes)]
    s = a.summary()
    lines += [
        "",
        "Options: engineer-hours, median (P10-P90 range: 8 in 10 futures fall inside)",
    ]
    rows = [["option", "up front", "per month", f"total, {a.horizon_months} months",
             "pays back in hours", "cheapest"]]
    for name, row in s.iterrows():
        be = row["breakeven_month_p50"]
        be_text = "-" if name == a.status_quo else fmt_month_of(be, a.horizon_months)
        rows.append([
            option_name(a, str(name)),
            _trio(row.transition_hours_p10, row.transition_hours_p50, row.transition_hours_p90),
            _trio(row.recurring_hours_per_month_p10, row.recurring_hours_per_month_p50,
                  row.recurring_hours_per_month_p90),
            _trio(row.total_hours_p10, row.total_hours_p50, row.total_hours_p90),
            be_text,
            fmt_pct(row.cheapest_share),
        ])
    lines += table_lines(rows)
    lines += ["", *money_lines(a)]
    scores = d.scores_table()
    lines += ["", "Weighted score out of 100 (median) and share of futures each option wins"]
    score_rows = [["option", "score", "wins"]]
    sc = d.scoring
    for i, (name, row) in enumerate(scores.iterrows()):
        wins = fmt_pct(row.win_share)
        if sc.group_share is not None and any(
                sc.same_group(i, j) for j in range(len(scores)) if j != i):
            # the headline's confidence counts options leading to the same state as one
            wins += f" ({fmt_pct(float(sc.group_share[i]))} as one state)"
        score_rows.append([option_name(a, str(name)), f"{row.total_p50:.1f}", wins])
    lines += table_lines(score_rows)
    if d.dora is not None:
        lines += ["", f"Delivery profile (DORA 2024 clusters): {d.dora.overall}"]
    return "\n".join(lines)


def unknown_for_the_choice(d: Decision, unknown: Unknown) -> str:
    """The most valuable unknown for the choice; when no answer among those that move the
    result most changes the recommendation within its range, it says so rather than "find out
    X first" (there is nothing the choice waits on)."""
    flips = [r for r in d.reversals if r.threshold is not None and r.kind == "answer"]
    if d.tornado is None or flips or d.knife_edge or not (unknown.subject and unknown.detail):
        return unknown.text
    return ("None of the answers that move the result most changes the recommendation within "
            "its plausible range, so nothing has to be found out first. Of your answers, "
            f"{unknown.subject} moves it most: {unknown.detail}")


def money_short(x: float) -> str:
    """Money in three significant figures with k and M: 22,940 -> '22.9k', 2,200 -> '2.20k',
    212 -> '212'."""
    v = float(x)
    if not np.isfinite(v):
        return "-"
    for div, suffix in ((1e6, "M"), (1e3, "k")):
        if abs(v) >= div:
            return f"{_three(v / div)}{suffix}"
    return f"{v:,.0f}"  # below a thousand: whole units (212, 5), not 5.00


def _three(x: float) -> str:
    """Three significant figures, trailing zeros kept so a column reads alike: 2.20, 2.17,
    992 (not 2.2 beside 2.17)."""
    return f"{x:#.3g}".rstrip(".")


def money_lines(a: Any) -> list[str]:
    """The money table: engineer time x hourly cost + infrastructure, per option (medians, and
    P10-P90 for the saving), and a note when the hourly cost is stated in another
    currency than the prices."""
    cur = a.currency
    out = [f"Money ({cur}): engineer time x hourly cost + infrastructure, median (P10-P90 saving)"]
    rows = [["option", "up front", "a month", "of which infra.",
             f"{a.horizon_months} months", "saving", "pays back"]]
    for name in a.option_names:
        m = a.money(name)

        def med(key: str, m: dict[str, Any] = m) -> str:
            return "none" if not any(m[key].values()) else money_short(m[key]["p50"])

        def rng(key: str, m: dict[str, Any] = m) -> str:
            v = m[key]
            return f"{money_short(v['p50'])} ({money_short(v['p10'])} to {money_short(v['p90'])})"

        sq = name == a.status_quo
        rows.append([option_name(a, name), med("transition"), med("monthly"),
                     med("infrastructure_monthly"), med("total"),
                     "-" if sq else rng("saving"),
                     "-" if sq else fmt_month_of(m["breakeven_month"], a.horizon_months)])
    out += table_lines(rows)
    plan = a.structure.money
    if plan is not None and plan.currency_mismatch:
        out.append(_bullet(
            f"Your hourly cost is in {plan.team_currency}, the prices in {plan.currency}, and "
            f"data/prices.yaml has no exchange rate for {plan.team_currency}: these sums mix two "
            f"currencies; give team.hourly_cost in {plan.currency} or in a listed currency "
            "(README, 'Infrastructure money')."
        ))
    return out
