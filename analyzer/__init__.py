"""analyzer: should this team move from machine images to Docker containers, stay, or go hybrid?

The public API, for notebooks and scripts::

    import analyzer
    q = analyzer.load_questionnaire(analyzer.example_questionnaire("seed-team"))
    a = analyzer.assess(q, samples=10_000, seed=1)      # the cost model, with uncertainty
    d = analyzer.decide(a)                              # scores, recommendation, sensitivity
    analyzer.charts.cost_over_time(a)                   # every chart takes ax=None, returns it
    q2 = analyzer.what_if(q, **{"delivery.prod_deploys_per_week": 10})
    analyzer.reassess(a, q2)                            # re-run, keeping unchanged draws

Heavy parts (numpy, pandas, matplotlib, SALib) load on first use, so the command line's quick
commands stay quick.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from analyzer._io.paths import example_questionnaire
from analyzer._version import __version__
from analyzer.errors import AnalyzerError, InputError, OutputError, Problem
from analyzer.questionnaire.estimate import Estimate
from analyzer.questionnaire.form import Questionnaire, load_questionnaire, parse_questionnaire

#: Public names loaded on first use: name -> module that defines it.
_LAZY: dict[str, str] = {
    "assess": "analyzer.model.assess",
    "Assessment": "analyzer.model.assess",
    "load_assumptions": "analyzer.model.assumptions",
    "Assumptions": "analyzer.model.assumptions",
    "load_options": "analyzer.model.options",
    "decide": "analyzer.decision.decide",
    "Decision": "analyzer.decision.decide",
    "recommend": "analyzer.decision.decide",
    "Verdict": "analyzer.decision.decide",
    "analyze": "analyzer.app.pipeline",
    "dora_profile": "analyzer.history.dora",
    "import_incidents": "analyzer.history",
    "history_profile": "analyzer.history",
    "what_if": "analyzer.decision.explore",
    "reassess": "analyzer.decision.explore",
    "recommendation_map": "analyzer.decision.explore",
    "RecommendationMap": "analyzer.decision.explore",
    "breakeven_frontier": "analyzer.decision.explore",
    "Frontier": "analyzer.decision.explore",
    "sweep": "analyzer.decision.explore",
    "Sweep": "analyzer.decision.explore",
}
_LAZY_MODULES: dict[str, str] = {"charts": "analyzer.report.charts"}

if TYPE_CHECKING:
    from analyzer.app.pipeline import analyze
    from analyzer.decision.decide import Decision, Verdict, decide, recommend
    from analyzer.decision.explore import (
        Frontier,
        RecommendationMap,
        Sweep,
        breakeven_frontier,
        reassess,
        recommendation_map,
        sweep,
        what_if,
    )
    from analyzer.history import history_profile, import_incidents
    from analyzer.history.dora import dora_profile
    from analyzer.model.assess import Assessment, assess
    from analyzer.model.assumptions import Assumptions, load_assumptions
    from analyzer.model.options import load_options
    from analyzer.report import charts


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    if name in _LAZY_MODULES:
        module = importlib.import_module(_LAZY_MODULES[name])
        globals()[name] = module
        return module
    raise AttributeError(f"module 'analyzer' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY) | set(_LAZY_MODULES))


__all__ = [
    "AnalyzerError",
    "Assessment",
    "Assumptions",
    "Decision",
    "Estimate",
    "Frontier",
    "InputError",
    "OutputError",
    "Problem",
    "Questionnaire",
    "RecommendationMap",
    "Sweep",
    "Verdict",
    "__version__",
    "analyze",
    "assess",
    "breakeven_frontier",
    "charts",
    "decide",
    "dora_profile",
    "example_questionnaire",
    "history_profile",
    "import_incidents",
    "load_assumptions",
    "load_options",
    "load_questionnaire",
    "parse_questionnaire",
    "reassess",
    "recommend",
    "recommendation_map",
    "sweep",
    "what_if",
]
