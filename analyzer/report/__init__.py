"""The report: compute (assess, decide) -> a format-neutral content tree -> PDF, Markdown or JSON.

``make_report`` runs the whole chain for one questionnaire and returns the bytes of the chosen
format; ``write_report`` also writes them atomically. Both are what ``analyzer report`` calls.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from analyzer.defaults import DEFAULT_SAMPLES, DEFAULT_SEED

if TYPE_CHECKING:
    from analyzer.decision.decide import ProgressHook
    from analyzer.report.tree import Report

Format = Literal["pdf", "md", "json"]
FORMATS: tuple[Format, ...] = ("pdf", "md", "json")


@dataclass(frozen=True)
class ReportRequest:
    """What to report on and how: the questionnaire, the run's settings and the output format."""

    questionnaire: Path
    format: Format = "pdf"
    samples: int = DEFAULT_SAMPLES
    seed: int = DEFAULT_SEED
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


def build(
    request: ReportRequest, progress: ProgressHook | None = None, *, background: bool = False
) -> Report:
    """Run the pipeline (questionnaire, assessment, decision) and build the content tree.

    With ``background`` the Sobol indices are computed in a forked child where that is safe and
    there is a spare core (``analyzer.background``) while this process finishes the decision
    and loads the renderer; the report is the same either way.
    """
    from analyzer.decision.decide import decide
    from analyzer.pipeline import prepare

    a = prepare(
        request.questionnaire,
        samples=request.samples,
        seed=request.seed,
        assumptions_path=request.assumptions,
    )
    sobol = None
    if request.sensitivity and background:
        from analyzer.background import Background
        from analyzer.decision.sensitivity import assessment_sobol

        job = Background(partial(assessment_sobol, a))
        if job.forked:  # else decide computes the indices itself, with progress
            preload(request.format)
            sobol = job.result
    d = decide(a, sensitivity=request.sensitivity, progress=progress, sobol=sobol)
    from analyzer.report.content import build_report

    return build_report(a, d, command=request.command, date=request.date)


def preload(fmt: Format) -> None:
    """Import what building and rendering a report in ``fmt`` needs (about 0.4 s for a PDF:
    matplotlib and the Typst compiler), to overlap that with work in a background process."""
    import analyzer.report.content

    if fmt == "pdf":
        import matplotlib.backends.backend_svg
        import matplotlib.figure  # noqa: F401
        import typst  # noqa: F401

        import analyzer.charts
        import analyzer.report.pdf  # noqa: F401


def render(report: Report, fmt: Format) -> bytes:
    """The report's bytes in one format."""
    if fmt == "json":
        return render_json(report.data)
    if fmt == "md":
        from analyzer.report.markdown import render_markdown

        return render_markdown(report)
    from analyzer.report.pdf import render_pdf

    return render_pdf(report)


def make_report(
    request: ReportRequest, progress: ProgressHook | None = None, *, background: bool = False
) -> bytes:
    """The report's bytes in the requested format."""
    return render(build(request, progress, background=background), request.format)


def write_report(
    request: ReportRequest,
    output: Path,
    progress: ProgressHook | None = None,
    *,
    background: bool = False,
    create_folder: bool = False,
) -> Path:
    """Make the report and write it atomically to ``output``; never over one of its inputs, and
    its folder is created only with ``create_folder`` (the default reports/ folder)."""
    from analyzer.atomic import check_target, write_bytes_atomic

    inputs = tuple(p for p in (request.questionnaire, request.assumptions) if p is not None)
    check_target(output, inputs)  # before the work, so a wrong path fails fast
    data = make_report(request, progress, background=background)
    return write_bytes_atomic(output, data, create_folder=create_folder, inputs=inputs)
