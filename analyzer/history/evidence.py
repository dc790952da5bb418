"""What the model takes from an incident history: counts over the observed window, restore hours.

With n incidents of a category over T months the model's monthly rate is
Gamma(alpha0 + n, beta0 + T) (MODEL.md, "Uncertainty"); restore hours are resampled from the
history (``bootstrap_restore_hours``).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from statistics import NormalDist
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from analyzer._io.confine import locate_field, referenced_path
from analyzer.errors import InputError, Problem
from analyzer.history.classify import load_rules
from analyzer.history.deploys import deploys_from_git, import_deploys
from analyzer.history.incidents import IncidentImport, import_incidents
from analyzer.history.profile import history_profile
from analyzer.questionnaire.estimate import Estimate
from analyzer.questionnaire.form import Questionnaire

if TYPE_CHECKING:
    from analyzer.history.dora import DoraProfile

#: Width of the intervals put around observed delivery figures (judgement: a 90 % interval).
INTERVAL = 0.90

#: Below this span a window cannot be read from the incidents themselves.
MIN_SPAN_MONTHS = 1.0 / 30.0


@dataclass(frozen=True)
class IncidentEvidence:
    window_months: float  # observed window
    counts: dict[str, int]  # per category, all categories present (0 if none)
    restore_hours: NDArray[
        np.float64
    ]  # one entry per usable incident (for bootstrap); may be empty
    unclassified: int
    source: str  # file name, for the report
    deploys: DeployEvidence | None = None  # from incidents.history.deploys or .git
    notes: tuple[str, ...] = ()  # warnings for the report (e.g. mismatched windows)


@dataclass(frozen=True)
class DeployEvidence:
    """What a deploy history says about delivery: the rate a week and the change failure share.

    Each is (low, likely, high): likely is the observed value; low and high a 90 % interval --
    rate: Poisson normal approximation n/W +- z sqrt(n)/W; failure share: Wilson score interval
    (Wilson 1927) -- so the model keeps the uncertainty of a short history.
    """

    source: str
    deploys: int
    weeks: float
    per_week: tuple[float, float, float] | None
    change_failure_rate: tuple[float, float, float] | None


def evidence_from_import(
    imported: IncidentImport, window_months: float | None = None
) -> IncidentEvidence:
    """Evidence from an import; the window is explicit or the span from first to last incident.

    The span slightly understates the window an export covers (n events from a Poisson process
    span about (n - 1)/(n + 1) of it); give ``window_months`` when the export's period is known.
    """
    window = window_months if window_months is not None else imported.span_months()
    if window < MIN_SPAN_MONTHS:
        raise InputError(
            [
                Problem(
                    imported.source,
                    f"the incidents span {window * 30:.1f} day(s), too short to read a rate from; "
                    "give the period the export covers "
                    "(incidents.history.window_months or --window-months)",
                )
            ]
        )
    return IncidentEvidence(
        window_months=float(window),
        counts=imported.counts(),
        restore_hours=imported.incidents["restore_hours"].to_numpy(dtype=np.float64, copy=True),
        unclassified=imported.unclassified,
        source=imported.source,
    )


def history_path(
    questionnaire_path: Path, file: str, field: str = "incidents.history.file"
) -> Path:
    """A history file named in a questionnaire, relative to the questionnaire's folder, which it
    must not leave (``analyzer._io.confine.referenced_path``: ``--allow-path`` widens it)."""

    return referenced_path(questionnaire_path, file, field=field)


@contextmanager
def named_by(questionnaire_path: Path, field: str) -> Iterator[None]:
    """Within the block, an InputError about a file the questionnaire names at ``field`` points
    back to the questionnaire: each problem with the file as a whole (missing, unreadable, no
    usable row) is said at the questionnaire's FILE:LINE:COL and ``field``, naming the file; a
    problem at a line of the file stays there, after one such line saying which field named it.
    """
    try:
        yield
    except InputError as exc:
        raise InputError(_pointed_back(exc.problems, questionnaire_path, field)) from None


def _pointed_back(
    problems: Sequence[Problem], questionnaire_path: Path, field: str
) -> list[Problem]:
    name = str(questionnaire_path)
    if any(p.file == name for p in problems):  # already said in the questionnaire
        return list(problems)
    line, column = locate_field(questionnaire_path, field)
    out = [
        Problem(name, f"{p.file}: {p.message}", line, column, field) if p.line is None else p
        for p in problems
    ]
    if all(p.line is not None for p in problems):
        files = ", ".join(dict.fromkeys(p.file for p in problems))
        out.insert(0, Problem(name, f"{files}: cannot be used; its problems follow", line, column,
                              field))
    return out


def incident_evidence(q: Questionnaire, questionnaire_path: Path) -> IncidentEvidence | None:
    """None when the questionnaire names no history file; else the evidence read from it,
    with the deploy history (``deploys`` or ``git``) when the questionnaire names one.

    Every problem with a file it names points back to the questionnaire's field (``named_by``).
    """

    history = q.incidents.history
    if history is None:
        return None
    base = Path(questionnaire_path)
    rules = None
    if history.categories:
        field = "incidents.history.categories"
        with named_by(base, field):
            rules = load_rules(history_path(base, history.categories, field))
    with named_by(base, "incidents.history.file"):
        imported = import_incidents(
            history_path(base, history.file),
            history.format,
            history.columns,
            rules=rules,
            time_format=history.time_format,
            timezone=history.timezone,
        )
        evidence = evidence_from_import(imported, history.window_months)
    if history.deploys is not None:
        with named_by(base, "incidents.history.deploys"):
            dep = import_deploys(
                history_path(base, history.deploys, "incidents.history.deploys"),
                time_format=history.time_format,
                timezone=history.timezone,
            )
    elif history.git is not None:
        with named_by(base, "incidents.history.git"):
            dep = deploys_from_git(
                history_path(base, history.git, "incidents.history.git"), history.tag_pattern
            )
    else:
        return evidence
    profile = history_profile(imported, dep, history.change_failure_window_hours)
    return replace(
        evidence,
        deploys=deploy_evidence(dep.source, dep.deploys["time"], profile.profile),
        notes=(f"History: {profile.warning}.",) if profile.warning else (),
    )


def deploy_evidence(source: str, times: pd.Series, profile: DoraProfile) -> DeployEvidence:
    """Rate and failure share with 90 % intervals (see DeployEvidence) from a deploy history."""
    z = NormalDist().inv_cdf(1 - (1 - INTERVAL) / 2)
    n = len(times)
    weeks = float((times.max() - times.min()) / pd.Timedelta(weeks=1)) if n else 0.0
    rate = None
    if profile.deploys_per_week is not None and weeks > 0:
        r = profile.deploys_per_week
        half = z * math.sqrt(n) / weeks
        rate = (max(r - half, 0.0), r, r + half)
    cfr = None
    if profile.change_failure_rate is not None and n:
        p = profile.change_failure_rate
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        cfr = (max(min(centre - half, p), 0.0), p, min(max(centre + half, p), 1.0))
    return DeployEvidence(source, n, weeks, rate, cfr)


def delivery_from_history(
    q: Questionnaire, evidence: IncidentEvidence | None
) -> tuple[Questionnaire, IncidentEvidence | None]:
    """The questionnaire with delivery.prod_deploys_per_week and delivery.failed_deploy_rate taken
    from the deploy history when there is one, and the evidence with a note for each typed value
    the history contradicts (their ranges do not overlap) -- the history wins, as for incidents.
    """
    if evidence is None or evidence.deploys is None:
        return q, evidence

    dep = evidence.deploys
    d = q.delivery
    update: dict[str, Estimate] = {}
    notes = list(evidence.notes)
    pairs = (
        ("prod_deploys_per_week", dep.per_week, "production deploys a week", "{:.3g}"),
        ("failed_deploy_rate", dep.change_failure_rate, "change failure rate", "{:.0%}"),
    )
    for name, observed, label, fmt in pairs:
        if observed is None:
            continue
        new = Estimate(*observed)
        typed: Estimate = getattr(d, name)
        update[name] = new
        if name in d.model_fields_set and (typed.high < new.low or typed.low > new.high):
            shown = fmt.format(typed.likely) if typed.is_point else (
                f"{fmt.format(typed.likely)} ({fmt.format(typed.low)}-{fmt.format(typed.high)})"
            )
            notes.append(
                f"Conflict: {dep.source} gives {fmt.format(new.likely)} {label} "
                f"({dep.deploys} deploys over {dep.weeks:.1f} weeks; 90% interval "
                f"{fmt.format(new.low)}-{fmt.format(new.high)}) while delivery.{name} says "
                f"{shown}; the model uses the history. If the history is wrong, filter the tags "
                "(incidents.history.tag_pattern) or remove the deploy source."
            )
    if not update:
        return q, evidence
    delivery = d.model_copy(update=update)
    return q.model_copy(update={"delivery": delivery}), replace(evidence, notes=tuple(notes))


def bootstrap_restore_hours(
    hours: NDArray[np.float64], n: int, rng: np.random.Generator
) -> NDArray[np.float64]:
    """``n`` restore times resampled with replacement from ``hours`` (Efron's bootstrap).

    Raises ValueError on an empty history: the caller falls back to hours_to_restore.
    """
    values = np.asarray(hours, dtype=np.float64)
    if values.size == 0:
        raise ValueError("no restore hours to resample; use the questionnaire's hours_to_restore")
    return rng.choice(values, size=n, replace=True)
