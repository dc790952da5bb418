"""One questionnaire file in, one Decision out: the pipeline every command shares."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from analyzer.decision.sensitivity import Progress
from analyzer.errors import InputError, Problem
from analyzer.history import IncidentEvidence, incident_evidence
from analyzer.history.evidence import delivery_from_history
from analyzer.model.assess import DEFAULT_SAMPLES, DEFAULT_SEED, Assessment, assess
from analyzer.model.assumptions import load_assumptions
from analyzer.questionnaire.form import Questionnaire, load_questionnaire

if TYPE_CHECKING:
    from analyzer.decision.decide import Decision

MIN_SAMPLES = 100
MAX_SAMPLES = 1_000_000
MAX_SEED = 2**63 - 1


def check_run_options(samples: int, seed: int) -> None:
    """Refuse sample counts and seeds the model cannot use, naming the option."""
    problems = []
    if not MIN_SAMPLES <= samples <= MAX_SAMPLES:
        problems.append(
            Problem(
                "--samples", f"must be between {MIN_SAMPLES:,} and {MAX_SAMPLES:,}, got {samples:,}"
            )
        )
    if not 0 <= seed <= MAX_SEED:
        problems.append(
            Problem("--seed", f"must be a whole number from 0 to {MAX_SEED}, got {seed}")
        )
    if problems:
        raise InputError(problems)


def prepare(
    path: str | Path,
    *,
    samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
    assumptions_path: str | Path | None = None,
) -> Assessment:
    """Load and validate the questionnaire (and any incident history it names) and run the
    model."""
    check_run_options(samples, seed)
    q = load_questionnaire(path)
    from analyzer.questionnaire.template import unreplaced_examples

    examples = unreplaced_examples(path)
    if examples:
        raise InputError(examples)
    assumptions = load_assumptions(assumptions_path)
    q, evidence = delivery_from_history(q, _evidence(q, Path(path)))
    return assess(q, assumptions=assumptions, samples=samples, seed=seed, evidence=evidence)


def analyze(
    path: str | Path,
    *,
    samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
    assumptions_path: str | Path | None = None,
    sensitivity: bool = True,
    progress: Progress | None = None,
) -> Decision:
    """``prepare`` then ``decide``: the questionnaire file to a Decision."""
    # imported here: ``analyzer report`` imports this module before forking its Sobol child,
    # which does not need the decision's own modules (analyzer.app.report)
    from analyzer.decision.decide import decide

    a = prepare(path, samples=samples, seed=seed, assumptions_path=assumptions_path)
    return decide(a, sensitivity=sensitivity, progress=progress)


def _evidence(q: Questionnaire, path: Path) -> IncidentEvidence | None:
    """The incident export the questionnaire names, if any (it replaces typed-in counts)."""
    return incident_evidence(q, path)
