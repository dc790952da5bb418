"""What the model takes from an incident history: counts over the observed window, restore hours.

With n incidents of a category over T months the model's monthly rate is
Gamma(alpha0 + n, beta0 + T) (MODEL.md, "Uncertainty"); restore hours are resampled from the
history (``bootstrap_restore_hours``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from analyzer.errors import InputError, Problem
from analyzer.history.incidents import IncidentImport, import_incidents
from analyzer.questionnaire import Questionnaire

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
    must not leave (``analyzer.safeio.referenced_path``: ``--allow-path`` widens it)."""
    from analyzer.safeio import referenced_path

    return referenced_path(questionnaire_path, file, field=field)


def incident_evidence(q: Questionnaire, questionnaire_path: Path) -> IncidentEvidence | None:
    """None when the questionnaire names no history file; else the evidence read from it."""
    history = q.incidents.history
    if history is None:
        return None
    imported = import_incidents(
        history_path(questionnaire_path, history.file), history.format, history.columns
    )
    return evidence_from_import(imported, history.window_months)


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
