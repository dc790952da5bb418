"""The sentences of a decision: headline, reasons, the team's own pain, knife edges and horizon.

Prose only: every figure comes from the Assessment, the Scoring or data/decision.yaml
thresholds; nothing here computes a score. Pain is named in the team's words and units (drift
incidents a year, minutes a bake, scale-outs a month, dependency conflicts a year) when it gives
at least ``pain_min_share`` of the recommendation's lead over the status quo.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from analyzer.decision import quantities as qty
from analyzer.decision.criteria import likely_constants, threshold
from analyzer.decision.fmt import (
    fmt_count,
    fmt_money,
    fmt_money_change,
    fmt_number,
    fmt_short,
    verb_for,
)
from analyzer.decision.fmt import fmt_hours as _h
from analyzer.decision.inputs import given_fields, is_default, user_value
from analyzer.decision.scoring import CRITERION_LABELS, Scoring, raw_criteria
from analyzer.model.assess import Assessment, percentiles, row_medians
from analyzer.model.core import RECURRING_LABELS
from analyzer.model.structure import (
    CONTAINER_METHOD,
    MACHINE_IMAGE,
    PLACEMENT_DOCKER,
    PLACEMENT_HYBRID,
    PLACEMENT_MACHINE_IMAGE,
    PLACEMENT_PARTIAL,
    placement_class,
)
from analyzer.questionnaire.form import CRITERIA

MONTHS_PER_YEAR = 12.0
WEEKS_PER_MONTH = 52.0 / 12.0
MINUTES_PER_HOUR = 60.0
YEARS_NOT_MONTHS = 4  # say "about 7 years" from here on, "about 28 months" below


#: A horizon check's answer: a clear recommendation, too close to call (a change is clearly
#: better than today, no one option clearly best), or today's setup kept for now (no change
#: clears the bar) -- ``Scoring.too_close`` and ``Scoring.kept_for_now``.
CLEAR, TOO_CLOSE, KEPT_FOR_NOW = "clear", "too close", "kept for now"


@dataclass(frozen=True)
class HorizonCheck:
    """The recommendation and its confidence when the options are compared over ``months``."""

    months: int
    recommendation: str
    confidence: float  # share of futures the recommendation's group wins
    current: bool  # the horizon the user chose
    #: share of futures in which the best change beats today's setup (``Scoring.change_share``)
    change_share: float = 0.0
    verdict: str = CLEAR  # CLEAR, TOO_CLOSE or KEPT_FOR_NOW


def horizon_answer(a: Assessment, c: HorizonCheck) -> str:
    """The answer over one horizon in a few words: "the hybrid", "today's setup, kept for now",
    "too close to call, the hybrid leads"."""
    short = a.options[c.recommendation].short_label
    if c.verdict == TOO_CLOSE:
        return f"too close to call, {short} {verb_for(short, 'leads')}"
    if c.verdict == KEPT_FOR_NOW:
        return f"{short}, kept for now"
    return short


def horizon_shares(c: HorizonCheck) -> str:
    """The shares behind a horizon's answer: the leader's, and when the answer is not a clear
    one the best change's against today's setup ("31 %; ahead of today's setup in 64 %", "55 %;
    the best change 45 %")."""
    share = share_phrase(c.confidence)
    change = share_phrase(c.change_share)
    if c.verdict == TOO_CLOSE:
        return f"{share}; ahead of today's setup in {change}"
    return share if c.verdict == CLEAR else f"{share}; the best change {change}"


def _span(arr: np.ndarray, also: str = "") -> str:
    """'about 320 h (P10-P90: 210-450 h)', with ``also`` inside the same brackets
    ('...; 4.5 months'), never two brackets in a row."""
    p10, p50, p90 = percentiles(arr)
    extra = f"; {also}" if also else ""
    return f"about {_h(p50)} (P10-P90: {fmt_number(p10)}-{_h(p90)}{extra})"


def _name(a: Assessment, i: int) -> str:
    return a.options[a.option_names[i]].short_label


def _v(a: Assessment, i: int, verb: str) -> str:
    """``verb`` agreeing with option i's short label ("containers save", "the hybrid saves")."""
    return verb_for(_name(a, i), verb)


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _med(x: np.ndarray) -> float:
    return float(np.median(x))


def runner_up(a: Assessment, s: Scoring, changes_only: bool = False) -> int:
    """The best median score outside the recommendation's group (the recommendation's own
    group when every option is in it). ``changes_only``: the change outside it that wins most
    futures, where there is one -- when the answer is too close to call a change has cleared
    the bar against today's setup (``Scoring.too_close``), so what is left to call is how the
    futures split between changes."""
    med = s.median_total().copy()
    rec = s.recommended
    outside = [i for i in range(len(med)) if i != rec and not s.same_group(i, rec)]
    if changes_only:
        changes = [i for i in outside if s.is_change(i)]
        if changes:  # the change that wins most of the futures after the leader's group
            share = s.group_share if s.group_share is not None else s.winner_share
            return max(changes, key=lambda i: (float(share[i]), float(med[i])))
    pool = outside or [i for i in range(len(med)) if i != rec] or [rec]
    return max(pool, key=lambda i: float(med[i]))


def best_change(s: Scoring) -> int | None:
    """The change with the best median score (the one ``Scoring.change_share`` is about), or
    None when every option leads to today's state."""
    med = s.median_total()
    changes = [i for i in range(len(med)) if s.is_change(i)]
    return max(changes, key=lambda i: float(med[i])) if changes else None


def twin_note(a: Assessment, s: Scoring, i: int) -> str | None:
    """'the hybrid puts the same processes in containers' (or 'baked images leads to the same
    state') for the options in option i's group (``option_groups``); None when it has none."""
    twins = [j for j in range(len(a.option_names)) if j != i and s.same_group(i, j)]
    if not twins:
        return None
    others = " and ".join(_name(a, j) for j in twins)
    one = len(twins) == 1
    # staying, for a team that bakes already or runs its containers one per host already
    if not any(a.structure.contained[i]) or s.same_group(i, a.structure.status_quo):
        return f"{others} {'leads' if one else 'lead'} to the same state"
    return f"{others} {'puts' if one else 'put'} the same processes in containers"


def group_phrase(a: Assessment, s: Scoring, i: int) -> str:
    """'Docker' or 'Docker (the hybrid puts the same processes in containers)'; options in one
    group lead to the same state (``option_groups``)."""
    note = twin_note(a, s, i)
    return _name(a, i) if note is None else f"{_name(a, i)} ({note})"


def share_phrase(share: float) -> str:
    """'87 %'; above 99.5 % one decimal ('99.9 %'), and a share that rounds to 100 % reads
    'more than 99.9 %': a finite set of simulated futures never shows that an option wins every
    possible one."""
    if share >= 0.9995:
        return "more than 99.9 %"
    return f"{100 * share:.1f} %" if share >= 0.995 else f"{100 * share:.0f} %"


def headline(a: Assessment, s: Scoring, limit: float) -> str:
    """The recommendation in one sentence; ``limit``: the confidence threshold."""
    rec = s.recommended
    label = group_phrase(a, s, rec)
    pct = share_phrase(s.confidence)
    if s.too_close(limit):
        runner = runner_up(a, s, changes_only=True)
        share = s.group_share if s.group_share is not None else s.winner_share
        best = best_change(s)
        ahead = (f"{_name(a, best)} {_v(a, best, 'beats')} today's setup in {share_phrase(s.change_share)} of "
                 "the simulated futures" if best is not None else "")
        return (
            f"Too close to call between {label} and {_name(a, runner)}: {ahead}, but the leader "
            f"comes out best in only {pct} of them ({_name(a, runner)}: "
            f"{share_phrase(float(share[runner]))})."
        )
    state = PLACEMENT_PHRASES[placement_class(a.structure, rec)]
    note = twin_note(a, s, rec)
    # the option, then in one parenthesis the state it leads to and its twins
    named = _name(a, rec)
    if a.structure.nothing_to_move:
        return (f"Keep today's setup ({state}): every option compared here leads to the state "
                "you run already, so there is nothing to move.")
    if s.kept_for_now(limit):
        held = f"{state}; {note}" if note else state
        return (f"Stay with {named} ({held}) for now: no change is clearly better. "
                f"{kept_sentence(a, s, limit)}")
    if rec == a.structure.status_quo:
        held = f"{state}; {note}" if note else state
        return (f"Stay with {named} ({held}) for now: it comes out ahead in {pct} of the "
                "simulated futures.")
    st = a.structure
    inside = qty.containerised(st)
    scheduled = all(
        m == CONTAINER_METHOD for m, c in zip(st.method[rec], st.contained[rec], strict=True) if c
    )
    if inside[rec] and inside[rec] == inside[st.status_quo] and scheduled:
        # the same processes in containers as today (one per host, a new host per release):
        # what changes is how they are deployed, not where they run
        state += " as today, deployed onto an orchestrator"
    held = f"{state}; {note}" if note else state
    return f"Move to {named} ({held}): it comes out ahead in {pct} of the simulated futures."


def kept_sentence(a: Assessment, s: Scoring, limit: float) -> str:
    """Why today's setup is kept although it does not win ``limit`` of the futures: a change
    has to beat it that often (``scoring.choose``)."""
    change = share_phrase(s.change_share)
    bar = f"{100 * limit:.0f} %"
    if change == bar:  # 59.96 % is short of 60 %: never "60 %, short of the 60 %"
        change = f"{100 * s.change_share:.1f} %"
        if change == f"{100 * limit:.1f} %":
            change = f"just under {bar}"
    if s.held_back is not None:
        return (f"{cap(_name(a, s.held_back))} {_v(a, s.held_back, 'has')} the better median score, but it comes out "
                f"ahead of today's setup in only {change} of the simulated futures, short of the "
                f"{bar} a move has to clear before it is worth its cost.")
    best = best_change(s)
    which = f"The best change, {_name(a, best)}," if best is not None else "A change"
    return (f"{which} comes out ahead of today's setup in {change} of the simulated futures, "
            f"short of the {bar} a move has to clear before it is worth its cost.")


#: The state an option leads to, in words (``placement_class``): "stay as today" is not
#: "machine images" for a team that runs its code in containers already.
PLACEMENT_PHRASES = {
    PLACEMENT_MACHINE_IMAGE: "none of your own code in containers",
    PLACEMENT_HYBRID: "your own code in containers, data stores and other services outside",
    PLACEMENT_DOCKER: "every process in a container",
    PLACEMENT_PARTIAL: "some of your own code in containers, the rest outside",
}


def most_often_sentence(a: Assessment, s: Scoring) -> str | None:
    """Why the best median is not the option that wins most futures, when they differ."""
    best, often = s.recommended, s.most_often_best
    if s.same_group(best, often) or best == often or s.held_back is not None:
        return None  # a change held back: the headline says why (``kept_sentence``)
    share = s.group_share if s.group_share is not None else s.winner_share
    return (
        f"{cap(_name(a, best))} {_v(a, best, 'has')} the best median score, but {_name(a, often)} "
        f"{_v(a, often, 'wins')} more of the "
        f"simulated futures ({100 * share[often]:.0f} % against {100 * share[best]:.0f} %): "
        f"{_name(a, best)} {_v(a, best, 'wins')} by more when it wins, {_name(a, often)} more "
        "often by less."
    )


def knife_edge_sentence(a: Assessment, labels: Sequence[str], flips_to: str) -> str:
    """One sentence for every flip that sits at today's value."""
    listed = ", ".join(labels[:-1]) + f" or {labels[-1]}" if len(labels) > 1 else labels[0]
    short = a.options[flips_to].short_label if flips_to in a.options else flips_to
    return (
        f"The answer sits on a knife edge: at today's values a small change in {listed} "
        f"hands it to {short}."
    )


def horizon_sentence(a: Assessment, checks: Sequence[HorizonCheck]) -> str:
    """'Compared over other horizons -- 12 months: today's setup (95 %); ...; 60 months: too
    close to call, the hybrid leads (31 %; ahead of today's setup in 64 %)'."""
    parts = []
    for c in checks:
        mark = " (your horizon)" if c.current else ""
        parts.append(f"{c.months} months{mark}: {horizon_answer(a, c)} ({horizon_shares(c)})")
    return "Compared over other horizons -- " + "; ".join(parts) + "."


# ---- reasons ---------------------------------------------------------------------------------


def _monthly_saving(a: Assessment, i: int) -> float:
    o = a.outputs
    return _med(o.recurring_hours[a.structure.status_quo] - o.recurring_hours[i])


def _running_change(a: Assessment, i: int) -> str:
    """What option ``i`` changes in the running cost a month, engineering and infrastructure
    apart (medians): 'saves about 9.6 h of engineering and USD 300 of infrastructure a month'."""
    o = a.outputs
    sq = a.structure.status_quo
    hours = _monthly_saving(a, i)
    infra = _med(o.infrastructure_monthly[sq] - o.infrastructure_monthly[i])
    cur = o.currency
    people = (f"{_v(a, i, 'saves')} about {_h(hours)} of engineering" if hours >= 0
              else f"{_v(a, i, 'costs')} about {_h(-hours)} more engineering")
    if round(abs(infra)) < 1:
        return f"{people} a month"
    if hours >= 0 and infra >= 0:
        return f"{people} and {fmt_money(infra, cur)} of infrastructure a month"
    if hours < 0 and infra < 0:
        return f"{people} and {fmt_money(-infra, cur)} more infrastructure a month"
    machines = (f"{_v(a, i, 'saves')} {fmt_money(infra, cur)} of infrastructure" if infra > 0
                else f"{_v(a, i, 'adds')} {fmt_money(-infra, cur)} of infrastructure")
    return f"{people} a month but {machines}"


def _payback_phrase(a: Assessment, i: int) -> str:
    """The running-cost change and when the move pays back, in money (engineer-hours at the
    hourly cost plus infrastructure), as the decision's cost criterion counts it."""
    o = a.outputs
    sq = a.structure.status_quo
    change = _running_change(a, i)
    money = _med(o.money_monthly[sq] - o.money_monthly[i])
    if money <= 0:
        return (f"{change}: about {fmt_money(-money, o.currency)} a month more to run in all, "
                "so it never pays back")
    be = _med(o.money_breakeven_month[i])
    if np.isfinite(be):
        share = float(np.mean(np.isfinite(o.money_breakeven_month[i])))
        return (
            f"{change}: it pays back in about month {be:.0f} "
            f"({100 * share:.0f} % of simulated futures pay back within {a.horizon_months} months)"
        )
    months = _med(o.migration_months[i]) + _med(o.money_transition[i]) / money
    years = months / MONTHS_PER_YEAR
    when = f"about {years:.0f} years" if years >= YEARS_NOT_MONTHS else f"about {months:.0f} months"
    return f"{change}: it would take {when} to pay back, beyond the {a.horizon_months}-month horizon"


def problems_sentence(a: Assessment, alternatives: list[int], verdict: bool = True) -> str:
    """How much of today's recurring pain the best alternative removes: drift, incidents.

    With ``verdict`` (the reasons to stay) it says whether the problems are felt, on the
    absolute thresholds ``felt_capacity_share`` and ``felt_drift_per_year``; without (the
    reasons to move) only the figures: a pain that drives a move by its share of the lead
    (``pain_reasons``) must not be called "not felt much" two sentences later."""
    o = a.outputs
    sq = a.structure.status_quo
    # every median read, once, from one block of the rows it reads (row_medians): today's
    # incidents and drift, capacity, then each alternative's incidents and drift removed
    k = len(alternatives)
    rows = np.empty((3 + 2 * k, o.capacity_hours.shape[0]))
    rows[0] = o.incident_hours[sq]
    rows[1] = o.drift_hours[sq]
    rows[2] = o.capacity_hours
    np.subtract(o.incident_hours[sq], o.incident_hours[alternatives], out=rows[3 : 3 + k])
    np.subtract(o.drift_hours[sq], o.drift_hours[alternatives], out=rows[3 + k :])
    med = row_medians(rows)
    # the team's own count, as the pain reasons and the reversals' "now" give it (not the
    # median of the drawn rate, which a right-skewed range puts well above the likely count)
    drift_year = _said(a, "incidents.rate.environment_drift") * MONTHS_PER_YEAR
    gone = {
        i: med[3 + j] + med[3 + k + j] for j, i in enumerate(alternatives)
    }  # each alternative's medians once: the choice and the sentence read the same figure

    def removed(i: int) -> float:
        return gone[i]

    best = max(alternatives, key=removed)
    today = med[0] + med[1]
    capacity = med[2]
    felt = (
        removed(best) >= threshold("felt_capacity_share") * capacity
        or drift_year >= threshold("felt_drift_per_year")
    )
    felt_words = "are felt here" if felt else "are not being felt much"
    # the problems are the ones a move solves (drift, incidents): containers' for a move into
    # containers, the same ones for images baked per release
    solver = "containers solve" if a.structure.options[best].uses_containers else "a move solves"
    gone_best = removed(best)
    # a move can add incidents and drift (a team already in containers): say so, not "remove -x"
    effect = (
        f"would remove about {_h(gone_best)} of that a month"
        if gone_best >= 0
        else f"would add about {_h(-gone_best)} a month to it"
    )
    mark = _default_mark(a, "incidents.rate.environment_drift")
    drift = (f"about {fmt_count(drift_year, 'environment-drift incident')}" if drift_year > 0
             else "no environment-drift incidents") + f" a year{mark}"
    if not verdict:
        return (
            f"Incidents and environment drift cost about {_h(today)} a month today ({drift}); "
            f"{_name(a, best)} {effect}."
        )
    return (
        f"The problems {solver} {felt_words}: {drift}, and incidents plus drift cost about "
        f"{_h(today)} a month today; {_name(a, best)} {effect}."
    )


def people_phrase(people: float) -> str:
    """'1 person', '0.5 people', '2.5 people', '12 people': the people on the move, as the model
    sizes them (model.transition.people_on_move), as the plan's table gives them."""
    return fmt_count(people, "person", "people")


def effort_sentence(a: Assessment, alternatives: list[int]) -> str:
    """The work of the move: "significant" when an alternative takes at least
    ``significant_move_share`` of the team's hours over the horizon, else "modest"."""
    o = a.outputs
    people = _med(o.migration_people[alternatives[0]]) if alternatives else 0.0
    parts = [
        f"{_name(a, i)} "
        f"{_span(o.transition_hours[i], f'{_med(o.migration_months[i]):.1f} months')}"
        for i in alternatives
    ]
    most = max((_med(o.transition_hours[i]) for i in alternatives), default=0.0)
    team_hours = _med(o.capacity_hours) * a.horizon_months
    significant = most >= threshold("significant_move_share") * team_hours
    # a reason to stay: a modest move is still paid for before it saves anything (said as
    # "the move is modest work" alone, it read as a reason to move)
    size = "significant work" if significant else "modest work, paid before it saves anything"
    return (
        f"The move is {size}: {'; '.join(parts)} up front, with about "
        f"{people_phrase(people)} on it."
    )


def team_fit_sentence(a: Assessment, s: Scoring, i: int) -> str | None:
    """What option i asks of the team that today's setup does not: the skills gap of the
    team-fit criterion (share of the team on tools new to it, hires included)."""
    raw = raw_criteria(a.outputs, a.values, a.structure, likely_constants())["team_fit"]
    sq = a.structure.status_quo
    gap = _med(raw[i]) - _med(raw[sq])
    if gap <= 0:
        return None
    st = a.structure
    # the familiarity the gap comes from: containers where the option puts more processes in
    # them, the bake where it bakes images per release for the first time (baked images for a
    # team that upgrades packages: its container familiarity is beside the point)
    parts = []
    if qty.container_share(st)[i] > qty.container_share(st)[sq]:
        familiarity = _said(a, "team.docker_familiarity")
        given = "team.docker_familiarity" in given_fields(a.questionnaire)
        parts.append(f"container familiarity {familiarity:.2f} of 1{'' if given else ', a default'}")
    if qty.rebake_new_share(st)[i] > 0:
        bake = float(likely_constants()["team_bake_familiarity"][0])
        parts.append(f"familiarity with baking an image per release {bake:.2f} of 1, an assumption")
    known = f" ({'; '.join(parts)})" if parts else ""
    return (
        f"The team knows how it runs today: with {_name(a, i)} about {100 * gap:.0f} % more of "
        f"the team would work on tools it does not know yet{known}."
    )


def _cost_points(s: Scoring, share_saved: float) -> float:
    """Points of the weighted score a saving of ``share_saved`` (of the cost scale) is worth,
    through the cost criterion's value function at its likely constant."""
    half = float(likely_constants()["cost_share_half"][0])
    share_saved = max(share_saved, 0.0)
    return s.weights["cost"] * 100.0 * share_saved / (half + share_saved)


def component_reasons(a: Assessment, i: int, limit: int = 2) -> list[str]:
    """The recurring components that differ most between the status quo and option i."""
    o = a.outputs
    sq = a.structure.status_quo
    diffs = {comp: _med(o.recurring[comp][sq] - o.recurring[comp][i]) for comp in o.recurring}
    ranked = sorted(diffs.items(), key=lambda kv: -abs(kv[1]))
    floor = threshold("component_min_hours")
    out = []
    for comp, diff in ranked[:limit]:
        if abs(diff) < floor:
            continue
        verb = "saves" if diff > 0 else "adds"
        today = _med(o.recurring[comp][sq])
        now = f"today {_h(today)} a month" if _h(today) != _h(0.0) else "none today"
        # "Container platform: base images, ..." as "Container platform (base images, ...)",
        # so the sentence has one colon
        head, _, detail = RECURRING_LABELS[comp].partition(": ")
        label = f"{head} ({detail})" if detail else head
        out.append(
            f"{label}: {_name(a, i)} {_v(a, i, verb)} about {_h(abs(diff))} a month ({now})."
        )
    return out


def _said(a: Assessment, name: str) -> float:
    """The value the team gave for an input (its likely value), in the model's unit."""
    return user_value(a.space[name], a.questionnaire)


def _default_mark(a: Assessment, *names: str) -> str:
    """" (a default)" when ``names`` are answers the team left to their defaults, " (partly
    defaults)" when some are: a reason that names the team's own pain must not present a
    default as its answer."""
    given = given_fields(a.questionnaire)
    defaults = sum(is_default(a.space[n], given) for n in names)
    if defaults == 0:
        return ""
    return " (a default)" if defaults == len(names) else " (partly defaults)"


def pain_reasons(a: Assessment, s: Scoring, i: int) -> list[str]:
    """The team's own pains that drive option i's lead over the status quo, in their units.

    A pain is named when its criterion (parity for drift, operational risk for dependency
    conflicts, scale-out for lag) or its cost component (delivery for slow bakes) gives at least
    ``pain_min_share`` of option i's lead on the weighted criteria.
    """
    o = a.outputs
    sq = a.structure.status_quo
    if i == sq:
        return []
    contrib = s.contributions()
    gaps = {c: float(contrib[c][i] - contrib[c][sq]) for c in CRITERIA}
    lead = max(sum(g for g in gaps.values() if g > 0), 1e-9)
    share = threshold("pain_min_share")
    name = _name(a, i)
    out: list[tuple[float, str]] = []
    if gaps["parity"] >= share * lead:
        drift = _said(a, "incidents.rate.environment_drift") * MONTHS_PER_YEAR
        mark = _default_mark(a, "incidents.rate.environment_drift")
        out.append((gaps["parity"], (
            f"Environment drift is a pain here: about {fmt_count(drift, 'drift incident')} a "
            f"year{mark} and "
            f"works-on-my-machine time cost {_h(_med(o.drift_hours[sq]))} a month; {name} "
            f"{_v(a, i, 'cuts')} that to {_h(_med(o.drift_hours[i]))}."
        )))
    if gaps["operational_risk"] >= share * lead:
        dep = _said(a, "incidents.rate.dependency") * MONTHS_PER_YEAR
        mark = _default_mark(a, "incidents.rate.dependency")
        out.append((gaps["operational_risk"], (
            f"Isolation: about {fmt_count(dep, 'dependency-conflict incident')} a year{mark}; "
            f"incidents cost "
            f"{_h(_med(o.incident_hours[sq]))} a month today and {_h(_med(o.incident_hours[i]))} "
            f"with {name}."
        )))
    if gaps["scale_out"] >= share * lead:
        events, phrase = _scale_outs(a)
        wait = _med(o.start_seconds[sq])
        # the minutes the sentence's own figures make (events x seconds), not the median of the
        # drawn product, which a right-skewed count range lifts above them
        out.append((gaps["scale_out"], (
            f"Scale-out lag: {phrase} wait about {wait:.0f} s each for capacity today "
            f"({events * wait / qty.SECONDS_PER_MINUTE:.0f} minutes a month) against "
            f"{_med(o.start_seconds[i]):.0f} s with {name}."
        )))
    delivery_saving = _med(o.recurring["delivery"][sq] - o.recurring["delivery"][i])
    if a.structure.rebakes_today and delivery_saving > 0:
        bake = _said(a, "delivery.image_bake_minutes")
        deploys = _said(a, "delivery.prod_deploys_per_week")
        # its part of the cost score: the saving over the horizon as a share of team time,
        # through the cost criterion's value function at its likely constant
        share_saved = delivery_saving * a.horizon_months / max(_med(o.capacity_npv_hours), 1e-9)
        weight = _cost_points(s, share_saved)
        if weight >= share * lead:
            out.append((weight, (
                f"Slow bakes: {deploys:.0f} production deploys a week each wait about {bake:.0f} "
                f"minutes for an image bake{_default_mark(a, 'delivery.image_bake_minutes')}; "
                f"{name} {_v(a, i, 'saves')} about {_h(delivery_saving)} a month "
                f"of deploy time."
            )))
    for found in (_new_service_wait(a, s, i, share * lead), _idle_hosts(a, s, i, share * lead)):
        if found is not None:
            out.append(found)
    return [text for _, text in sorted(out, key=lambda t: -t[0])]


def _scale_outs(a: Assessment) -> tuple[float, str]:
    """The scale-outs a month and how the team would say them: the figures it gave, as it gave
    them; the processes it left to the default as the model drew them (the median: a default's
    likely 0 must not read "0 scale-outs ... 13 minutes a month"), said to be defaults: "8
    scale-outs a month (and about 0.6 more by default)"."""
    given = given_fields(a.questionnaire)
    names = [f"processes.{p.name}.scale_out_events_per_month" for p in a.structure.processes
             if not p.embedded]  # an embedded file never scales out on its own
    defaults = [n for n in names if is_default(a.space[n], given)]
    said = sum(_said(a, n) for n in names if n not in defaults)
    drawn = _med(sum((np.asarray(a.values[n]) for n in defaults), np.zeros(1))) if defaults else 0.0
    if not defaults:
        return said, f"{fmt_count(said, 'scale-out')} a month"
    if len(defaults) == len(names):
        return drawn, f"{fmt_count(drawn, 'scale-out')} a month (a default)"
    return said + drawn, (f"{fmt_count(said, 'scale-out')} a month (and about "
                          f"{fmt_short(drawn)} more by default)")


def _idle_hosts(a: Assessment, s: Scoring, i: int, floor: float) -> tuple[float, str] | None:
    """Idle capacity as a pain: named when option i's infrastructure saving, through the cost
    criterion's value function, gives at least ``floor`` points of the lead. In the team's
    units: its instances on machine images and their average CPU use (labelled a default
    where the team did not give it)."""
    o = a.outputs
    sq = a.structure.status_quo
    today = _med(o.infrastructure_monthly[sq])
    target = _med(o.infrastructure_monthly[i])
    saving = today - target
    if saving <= 0:
        return None
    points = _cost_points(s, saving * a.horizon_months / max(_med(o.capacity_npv_money), 1e-9))
    if points < floor:
        return None
    given = given_fields(a.questionnaire)
    hosts = 0.0
    used = 0.0
    defaults = False
    for p in a.structure.processes:
        if p.runs_on != MACHINE_IMAGE or p.embedded:
            continue
        n = _said(a, f"processes.{p.name}.count") * _said(a, f"processes.{p.name}.instances")
        hosts += n
        used += n * _said(a, f"processes.{p.name}.utilisation")
        defaults = defaults or f"processes.{p.name}.utilisation" not in given
    if hosts <= 0:
        return None
    cpu = f"{100 * used / hosts:.0f} % CPU" + (" (a default)" if defaults else "")
    was, now = fmt_money_change(today, target, o.currency)
    return points, (
        f"Idle hosts: today's {hosts:,.0f} instances run at about {cpu}; {_name(a, i)} "
        f"{_v(a, i, 'packs')} the work onto shared nodes, and infrastructure falls from {was} to {now} a month."
    )


def _new_service_wait(a: Assessment, s: Scoring, i: int, floor: float) -> tuple[float, str] | None:
    """The wait for new services as a pain (issue 15, "reasons name the team's own pain"): named
    when the new-services component's saving, through the cost criterion's value function at
    its likely constant (as for slow bakes), gives at least ``floor`` points of the lead, and
    only when the team gave the wait (a default is not its pain)."""
    if "team.new_service_wait_days" not in given_fields(a.questionnaire):
        return None  # a default wait is not the team's own pain
    o = a.outputs
    sq = a.structure.status_quo
    saving = _med(o.recurring["new_services"][sq] - o.recurring["new_services"][i])
    if saving <= 0:
        return None
    points = _cost_points(s, saving * a.horizon_months / max(_med(o.capacity_npv_hours), 1e-9))
    if points < floor:
        return None
    if "team.new_services_per_year" in given_fields(a.questionnaire):
        services, mark = _said(a, "team.new_services_per_year"), ""
    else:  # the model's default, a share of the team's services: said to be one
        services = _med(qty.new_services_per_year(a.values, a.structure))
        mark = " (a default)"
    days = _said(a, "team.new_service_wait_days")
    return points, (
        f"The wait for new services: about {fmt_short(services)} new services a year{mark} each "
        f"wait about "
        f"{days:.0f} days for a place to run today; with {_name(a, i)} the team sets them up "
        f"itself, which saves about {_h(saving)} a month."
    )


def stay_reasons(a: Assessment, s: Scoring, alternatives: list[int]) -> list[str]:
    """Why today's setup wins, most decisive first: problems that are not felt lead (the seed
    post's "we're not really experiencing the problems"); then the move's work, its payback
    and what it asks of the team, in the order of the criterion each one explains (transition
    risk, cost, team fit: the status quo's lead over the best alternative on it); problems that
    are felt come last, as what the move would have bought."""
    sq = a.structure.status_quo
    best = max(alternatives, key=lambda i: float(np.median(s.total[i])))
    contrib = s.contributions()

    def lead(c: str) -> float:
        return float(contrib[c][sq] - contrib[c][best])

    problems = problems_sentence(a, alternatives)
    paybacks = [f"{_name(a, i)} {_payback_phrase(a, i)}" for i in alternatives]
    ranked: list[tuple[float, str]] = [
        (lead("transition_risk"), effort_sentence(a, alternatives)),
        (lead("cost"), cap("; ".join(paybacks)) + "."),
    ]
    total = sum(max(lead(c), 0.0) for c in CRITERIA)
    fit = team_fit_sentence(a, s, best)
    if fit is not None and lead("team_fit") >= threshold("pain_min_share") * total:
        ranked.append((lead("team_fit"), fit))
    ordered = [text for _, text in sorted(ranked, key=lambda t: -t[0])]
    if "not being felt" in problems:
        return [problems, *ordered]
    return [*ordered, problems]


def nothing_to_move_reasons(a: Assessment) -> tuple[str, ...]:
    """Why there is no decision to make when every option is today's state
    (``Structure.nothing_to_move``): what was compared, and what today's setup costs to run."""
    o = a.outputs
    sq = a.structure.status_quo
    others = [_name(a, i) for i in range(len(a.option_names)) if i != sq]
    listed = ", ".join(others[:-1]) + f" and {others[-1]}" if len(others) > 1 else others[0]
    where = PLACEMENT_PHRASES[placement_class(a.structure, sq)]
    cur = o.currency
    return (
        f"Today's setup already has {where}: {listed} would leave every process where and how "
        f"it runs today, so none of them is a move -- no migration work, and the same running "
        f"cost as today (about {_h(_med(o.recurring_hours[sq]))} of engineering and "
        f"{fmt_money(_med(o.infrastructure_monthly[sq]), cur)} of infrastructure a month).",
        "This tool weighs machine images against containers, and none of its options changes "
        "where your processes run. What it does not model -- which orchestrator, managed or "
        "self-run hosts -- is left to you.",
    )


def lead_sentence(a: Assessment, rec: int, runner: int, lead: float, top: str, gap: float) -> str:
    """The weighted criteria in one sentence: the recommendation's median lead over the
    runner-up and the criterion that gives it most (``gap`` > 0 points). A criterion can give
    more than the whole lead when others take some back, and a recommendation held back by the
    change rule (``scoring.choose``) can trail at the median: both are said as they are, never
    "leads by -0.2 points; transition risk contributes 7.4 of them"."""
    name, other = _name(a, rec), _name(a, runner)
    criterion = lower_first(CRITERION_LABELS[top])
    lead, gap = round(lead, 1), round(gap, 1)  # the figures said, so that they add up
    if lead <= 0:
        return (f"On the weighted criteria the median scores are close: {other} "
                f"{_v(a, runner, 'is')} "
                f"{abs(lead):.1f} points of 100 ahead of {name}, but {criterion} gives "
                f"{name} {gap:.1f} points.")
    if gap <= lead:
        return (f"On the weighted criteria {name} {_v(a, rec, 'leads')} {other} by {lead:.1f} "
                "points of 100; "
                f"{criterion} contributes {gap:.1f} of them.")
    return (f"On the weighted criteria {name} {_v(a, rec, 'leads')} {other} by {lead:.1f} "
            "points of 100: "
            f"{criterion} gives it {gap:.1f}, and the other criteria take back "
            f"{gap - lead:.1f}.")


def _one_per_state(s: Scoring, options: list[int]) -> list[int]:
    """``options`` with one per state (``Scoring.groups``): the first of each group, as the
    headline names it. Two options that lead to the same state (containers and the hybrid
    when every data store is managed) have the same figures, which the reasons repeated word
    for word; the headline already says they are one choice."""
    seen: set[int] = set()
    kept = []
    for i in options:
        g = s.groups[i] if s.groups else i
        if g not in seen:
            seen.add(g)
            kept.append(i)
    return kept


def build_reasons(a: Assessment, s: Scoring) -> tuple[str, ...]:
    """Three to six sentences with figures: what moving costs, what it saves, what decides."""
    o = a.outputs
    sq = a.structure.status_quo
    if a.structure.nothing_to_move:
        return nothing_to_move_reasons(a)
    rec = s.recommended
    # an option that puts the same processes in containers as today is today's state (a team
    # already running its own code in containers, data stores outside: the hybrid): no move
    moves = [i for i in range(len(a.option_names)) if i != sq and not s.same_group(i, sq)]
    alternatives = _one_per_state(s, moves) or [i for i in range(len(a.option_names)) if i != sq]
    reasons: list[str] = []
    if rec == sq:
        reasons.extend(stay_reasons(a, s, alternatives))
    else:
        reasons.extend(pain_reasons(a, s, rec))
        reasons.append(
            f"{cap(_name(a, rec))} {_v(a, rec, 'costs')} {_span(o.transition_hours[rec])} up "
            "front and "
            f"{_payback_phrase(a, rec)}."
        )
        reasons.extend(component_reasons(a, rec, limit=2))
        reasons.append(problems_sentence(a, [rec], verdict=False))
        reasons.append(
            f"The move takes about {_med(o.migration_months[rec]):.1f} months with about "
            f"{people_phrase(_med(o.migration_people[rec]))} on it."
        )
    contrib = s.contributions()
    runner = runner_up(a, s)
    if runner != rec:
        gaps = {c: float(contrib[c][rec] - contrib[c][runner]) for c in CRITERIA}
        top = max(gaps, key=lambda c: gaps[c])
        lead = _med(s.total[rec]) - _med(s.total[runner])
        if gaps[top] > 0:
            reasons.append(lead_sentence(a, rec, runner, lead, top, gaps[top]))
    return tuple(reasons)
