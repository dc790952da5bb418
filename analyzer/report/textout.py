"""The ``analyzer assess`` text output: the decision on one screen, figures with units."""

from __future__ import annotations

import textwrap

import numpy as np

from analyzer.decision.decide import Decision
from analyzer.decision.fmt import fmt_spread

WIDTH = 100


def _trio(p10: float, p50: float, p90: float) -> str:
    """'320 h (280 to 380)', rounded exactly as in the report; 'none' for nothing at all."""
    if p10 == p50 == p90 == 0:
        return "none"
    return fmt_spread(p10, p50, p90)


def _bullet(text: str) -> str:
    return textwrap.fill(text, WIDTH, initial_indent="  - ", subsequent_indent="    ")


def render_decision_text(d: Decision) -> str:
    a = d.assessment
    lines = [
        a.questionnaire.name,
        f"{a.samples:,} simulated futures, seed {a.seed}, horizon {a.horizon_months} months",
        "",
        textwrap.fill(d.headline(), WIDTH),
        "",
        "Why",
        *(_bullet(r) for r in d.reasons),
    ]
    answers = [r for r in d.reversals if r.kind == "answer"]
    assumed = [r for r in d.reversals if r.kind == "assumption"]
    if answers:
        lines += ["", "What would change the answer", *(_bullet(r.text) for r in answers)]
    if assumed:
        lines += ["", "On the model's assumptions (not something you can find out)",
                  *(_bullet(r.text) for r in assumed)]
    if d.next_unknown is not None:
        lines += [
            "",
            "Most valuable unknown",
            _bullet(d.next_unknown.text),
        ]
    if d.notes:
        lines += ["", "Notes", *(_bullet(n) for n in d.notes)]
    if not d.methods_agree:
        lines += [
            "",
            _bullet(
                f"Cross-check: TOPSIS ranks {d.topsis_winner} first, the weighted sum "
                f"{d.recommendation}; treat the answer as less certain."
            ),
        ]
    s = a.summary()
    lines += [
        "",
        "Options: engineer-hours, median (P10-P90 range: 8 in 10 futures fall inside)",
        f"  {'option':<15}{'up front':>20}{'per month':>22}{f'total, {a.horizon_months} months':>24}"
        f"{'break-even':>13}{'cheapest':>10}",
    ]
    for name, row in s.iterrows():
        be = row["breakeven_month_p50"]
        be_text = (
            "-"
            if name == a.status_quo
            else ("never" if be is None or np.isnan(be) else f"month {be:.0f}")
        )
        lines.append(
            f"  {name:<15}"
            f"{_trio(row.transition_hours_p10, row.transition_hours_p50, row.transition_hours_p90):>20}"
            f"{_trio(row.recurring_hours_per_month_p10, row.recurring_hours_per_month_p50, row.recurring_hours_per_month_p90):>22}"
            f"{_trio(row.total_hours_p10, row.total_hours_p50, row.total_hours_p90):>24}"
            f"{be_text:>13}{100 * row.cheapest_share:>9.0f}%"
        )
    scores = d.scores_table()
    lines += ["", "Weighted score out of 100 (median) and share of futures each option wins"]
    for name, row in scores.iterrows():
        lines.append(f"  {name:<15}{row.total_p50:>6.1f}{100 * row.win_share:>8.0f}%")
    if d.dora is not None:
        lines += ["", f"Delivery profile (DORA 2024 clusters): {d.dora.overall}"]
    return "\n".join(lines)
