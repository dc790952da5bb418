"""``analyzer report``: compute (assess, decide) -> the content tree -> PDF, Markdown or JSON.

``make_report`` runs the whole chain for one questionnaire and returns the bytes of the chosen
format; ``write_report`` also writes them atomically. Both are what ``analyzer report`` calls.
"""

from __future__ import annotations

import dataclasses
import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from analyzer.app import lightstats
from analyzer.app.background import Background, forked_map
from analyzer.app.pipeline import prepare
from analyzer.decision import sensitivity as sens
from analyzer.decision.sensitivity import Progress, assessment_sobol
from analyzer.model.defaults import DEFAULT_SAMPLES, DEFAULT_SEED

# Only what the Sobol child needs is imported before it is forked: the decision's own modules
# and the renderers are imported where they are used (after the fork: the two processes then
# load their own parts at once; benchmarks/bench_report.py's timeline).
if TYPE_CHECKING:
    from analyzer.decision.decide import Decision
    from analyzer.model.assess import Assessment
    from analyzer.report.formats import Format
    from analyzer.report.tree import Figure, Report


@dataclass(frozen=True)
class ReportRequest:
    """What to report on and how: the questionnaire, the run's settings and the output format."""

    questionnaire: Path
    format: Format = "pdf"
    samples: int = DEFAULT_SAMPLES
    seed: int = DEFAULT_SEED
    assumptions: Path | None = None
    date: str | None = None  # YYYY-MM-DD; `analyzer report` gives today's unless --date
    sensitivity: bool = True
    command: str = "analyzer report"


def build(
    request: ReportRequest, progress: Progress | None = None, *, background: bool = False
) -> Report:
    """Run the pipeline (questionnaire, assessment, decision) and build the content tree.

    With ``background`` the Sobol indices are computed in a forked child where that is safe and
    there is a spare core (``analyzer.app.background``) while this process finishes the decision
    and loads the renderer; the report is the same either way.
    """
    return _build(request, progress, background=background, data=True)[0]


@dataclass
class _Ahead:
    """Rendering work done while the Sobol child runs: figures drawn (SVG by key) and the
    Typst compiler with its fonts loaded."""

    drawn: dict[str, str] = field(default_factory=dict)
    compiler: Any = None


#: The formats that print the report's JSON document (``Report.data``): the others (PDF,
#: Markdown) are made without building it.
DOCUMENT_FORMATS: frozenset[Format] = frozenset({"json", "adr"})

#: mark(stage): called as each stage of a report ends (benchmarks/bench_report.py's timeline).
Mark = Callable[[str], None]


def _unmarked(stage: str) -> None:
    """No timeline."""


def _build(
    request: ReportRequest,
    progress: Progress | None = None,
    *,
    background: bool = False,
    mark: Mark = _unmarked,
    data: bool = True,
) -> tuple[Report, _Ahead]:
    """The content tree and the rendering work done ahead (only for a PDF made with the
    background child: its figures are drawn while the child runs); ``data``: with the JSON
    document (``Report.data``)."""
    a = prepare(
        request.questionnaire,
        samples=request.samples,
        seed=request.seed,
        assumptions_path=request.assumptions,
    )
    mark("assessed")
    job = None
    if request.sensitivity and background:
        # in the child: scipy.stats' stand-in, and the two analyses (one per output) at once
        job = Background(partial(assessment_sobol, a, map_outputs=forked_map),
                         in_child=lightstats.install, fallback=partial(assessment_sobol, a))
    from analyzer.decision.decide import decide  # after the fork: see the imports

    if job is None or not job.forked:  # decide computes the indices itself, with progress
        d = decide(a, sensitivity=request.sensitivity, progress=progress)
        mark("decided")
        from analyzer.report.content import build_report  # after the fork: see preload

        report = build_report(a, d, command=request.command, date=request.date,
                              data=data)
        mark("content built")
        return report, _Ahead()
    mark("Sobol child started")
    # While the child computes the Sobol indices: the rest of the decision (everything but the
    # indices), the renderer's imports, every part of the report that does not depend on the
    # indices, and for a PDF its figures and the Typst compiler.
    preload(request.format)
    mark("renderer loaded")
    pending = decide(a, sensitivity=True, sobol=_no_indices)
    mark("decided, all but the Sobol indices")
    from analyzer.report.content import finish_report, report_parts

    parts = report_parts(a, pending, data=data)
    mark("content built, all but the Sobol indices")
    ahead = _Ahead()
    if request.format == "pdf":
        ahead.drawn = _draw_figures(parts.figures)
        mark("figures drawn")
        from analyzer.report.pdf import pdf_compiler

        ahead.compiler = pdf_compiler()
        mark("Typst compiler and fonts loaded")
    indices = job.result()
    mark("Sobol indices received (idle until then)")
    d = with_sobol(a, pending, indices)
    report = finish_report(parts, d, command=request.command, date=request.date)
    mark("content finished")
    return report, ahead


def _no_indices() -> pd.DataFrame:
    """Stands in for the Sobol indices until the child sends them (``with_sobol``)."""
    return pd.DataFrame()


def with_sobol(a: Assessment, d: Decision, indices: pd.DataFrame) -> Decision:
    """``d`` with the Sobol indices and what ``decide`` derives from them (the unknowns most
    worth settling), as ``decide`` would have made it with those indices;
    tests/test_background.py checks the report is the same either way."""
    return dataclasses.replace(
        d,
        sobol=indices,
        next_unknown=sens.most_valuable_unknown(indices, a.space, output="score_margin"),
        next_unknown_saving=sens.most_valuable_unknown(indices, a.space),
    )


def _draw_figures(figures: Iterable[Figure]) -> dict[str, str]:
    """``figures`` as SVG by key."""
    from analyzer.report.figures import figure_svg

    return {f.key: figure_svg(f) for f in figures}


def preload(fmt: Format) -> None:
    """Import what building and rendering a report in ``fmt`` needs (for a PDF: matplotlib and
    the Typst compiler), to overlap that with work in a background process."""
    import analyzer.report.content

    if fmt == "pdf":
        import matplotlib.backends.backend_svg
        import matplotlib.figure  # noqa: F401
        import typst  # noqa: F401

        import analyzer.report.charts
        import analyzer.report.pdf  # noqa: F401


def make_report(
    request: ReportRequest,
    progress: Progress | None = None,
    *,
    background: bool = False,
    mark: Mark = _unmarked,
) -> bytes:
    """The report's bytes in the requested format; ``mark`` is told as each stage ends.

    Python's cyclic garbage collector is paused while it runs (``collector_paused``)."""
    with collector_paused():
        report, ahead = _build(request, progress, background=background, mark=mark,
                               data=request.format in DOCUMENT_FORMATS)
        if request.format == "pdf":
            from analyzer.report.pdf import render_pdf

            data = render_pdf(report, ahead.drawn, ahead.compiler)
        else:
            from analyzer.report.render import render

            data = render(report, request.format)
    mark("rendered")
    return data


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection inside (reference counting still frees almost everything).

    A report allocates millions of objects (imports, tables, figures), so the collector runs
    hundreds of times, and each full collection walks every object of the process: about 0.2 s
    of CPU a report, split between this process and the Sobol child (benchmarks/bench_report.py),
    where a full collection also copies every page it touches that the two processes still
    share. What only the collector frees (reference cycles: matplotlib's figures, pandas'
    frames) adds a few MB to the peak; it is freed when the collector runs again after. The
    forked child inherits the paused collector. ``analyzer report`` pauses it for the whole
    command, its imports included (analyzer.app.cli)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def write_report(
    request: ReportRequest,
    output: Path,
    progress: Progress | None = None,
    *,
    background: bool = False,
    create_folder: bool = False,
) -> Path:
    """Make the report and write it atomically to ``output``; never over one of its inputs, and
    its folder is created only with ``create_folder`` (the default reports/ folder)."""
    from analyzer._io.atomic import check_folder, check_target, write_bytes_atomic

    inputs = tuple(p for p in (request.questionnaire, request.assumptions) if p is not None)
    check_target(output, inputs)  # before the work, so a wrong path fails fast
    check_folder(output, create=create_folder, now=False)
    data = make_report(request, progress, background=background)
    return write_bytes_atomic(output, data, create_folder=create_folder, inputs=inputs)
