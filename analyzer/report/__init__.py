"""The report: compute (assess, decide) -> a format-neutral content tree -> PDF, Markdown or JSON.

``make_report`` runs the whole chain for one questionnaire and returns the bytes of the chosen
format; ``write_report`` also writes them atomically. Both are what ``analyzer report`` calls.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

Format = Literal["pdf", "md", "json"]
FORMATS: tuple[Format, ...] = ("pdf", "md", "json")


@dataclass(frozen=True)
class ReportRequest:
    """What to report on and how: the questionnaire, the run's settings and the output format."""

    questionnaire: Path
    format: Format = "pdf"
    samples: int | None = None
    seed: int | None = None
    assumptions: Path | None = None
    date: str | None = None  # YYYY-MM-DD, printed only when given
    sensitivity: bool = True
    command: str = "analyzer report"


def _finite(obj: Any) -> Any:
    """A JSON-safe copy: NaN and infinities become null (JSON has neither)."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {str(k): _finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite(v) for v in obj]
    if hasattr(obj, "item") and callable(obj.item):  # numpy scalars
        return _finite(obj.item())
    return obj


def render_json(data: dict[str, Any]) -> bytes:
    text = json.dumps(_finite(data), indent=2, ensure_ascii=False, allow_nan=False)
    return (text + "\n").encode("utf-8")


def build(request: ReportRequest):  # type: ignore[no-untyped-def]
    """(Assessment, Decision, Report) for a request."""
    from analyzer.decision.decide import decide
    from analyzer.model.assess import DEFAULT_SAMPLES, DEFAULT_SEED, assess
    from analyzer.model.assumptions import load_assumptions
    from analyzer.questionnaire import load_questionnaire
    from analyzer.report.content import build_report

    q = load_questionnaire(request.questionnaire)
    assumptions = load_assumptions(request.assumptions)
    a = assess(
        q,
        assumptions=assumptions,
        samples=request.samples if request.samples is not None else DEFAULT_SAMPLES,
        seed=request.seed if request.seed is not None else DEFAULT_SEED,
    )
    d = _decide(a, request.sensitivity, decide)
    return a, d, build_report(a, d, command=request.command, date=request.date)


def _decide(a: Any, sensitivity: bool, decide: Any) -> Any:
    """decide() with the sensitivity analysis when this build has it (it lands separately)."""
    if not sensitivity:
        return decide(a, sensitivity=False)
    try:
        return decide(a, sensitivity=True)
    except ImportError:
        return decide(a, sensitivity=False)


def make_report(request: ReportRequest) -> bytes:
    """The report's bytes in the requested format."""
    _a, _d, report = build(request)
    if request.format == "json":
        return render_json(report.data)
    if request.format == "md":
        from analyzer.report.markdown import render_markdown

        return render_markdown(report)
    from analyzer.report.pdf import render_pdf

    return render_pdf(report)


def write_report(request: ReportRequest, output: Path) -> Path:
    """Make the report and write it atomically to ``output`` (its folder is created)."""
    from analyzer.report.atomic import atomic_write_bytes

    return atomic_write_bytes(output, make_report(request))
