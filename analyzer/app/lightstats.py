"""The part of ``scipy.stats`` the Sobol child uses, without importing the rest of it.

The background child of ``analyzer report`` (analyzer.app.background) computes the Sobol
indices: the design comes from ``scipy.stats.qmc.Sobol`` and SALib's ``analyze.sobol`` imports
``scipy.stats.norm`` for one number, the quantile ``norm.ppf(0.5 + conf_level / 2)`` of its
confidence intervals. Importing ``scipy.stats`` loads every distribution and test in it, about
0.45 s of the child's 1.6 s on the 2-core reference machine (benchmarks/bench_report.py), while
the report waits for the child.

``install`` puts a stand-in for ``scipy.stats`` in ``sys.modules`` whose submodules (``qmc`` and
what it imports) load from scipy's own files as usual, and whose ``norm.ppf`` is
``scipy.special.ndtri``: the function scipy.stats.norm.ppf evaluates (``_norm_ppf``) at loc 0 and
scale 1, so the same numbers. Anything else of ``scipy.stats`` raises AttributeError; in the
child that fails the job and the parent computes the indices itself, never a different answer.
Only for a forked child that does nothing else: the parent never installs it.

``scipy.stats.qmc`` also imports ``scipy.sparse.csgraph`` and ``scipy.spatial`` (with scipy.linalg
and scipy.sparse behind them, about 60 ms of the child's critical path) for its discrepancy and
design-optimisation functions, which a Sobol design never calls: ``install`` puts empty
stand-ins for those two in ``sys.modules`` too, whose names raise when used (``_Missing``).
"""

from __future__ import annotations

import importlib.util
import sys
import types
from typing import Any

NAME = "scipy.stats"
#: What scipy.stats.qmc imports and the Sobol design never uses: module -> the names it takes.
UNUSED = {
    "scipy.sparse.csgraph": ("minimum_spanning_tree",),
    "scipy.spatial": ("distance", "Voronoi"),
}


class _StandardNormal:
    """``scipy.stats.norm`` as SALib uses it: the quantile function of N(0, 1)."""

    @staticmethod
    def ppf(q: Any) -> Any:
        """Phi^-1(q), by ``scipy.special.ndtri`` (what ``scipy.stats.norm.ppf`` calls)."""
        from scipy.special import ndtri

        return ndtri(q)


class _LightStats(types.ModuleType):
    """A stand-in module for ``scipy.stats``: ``norm`` and the real submodules."""

    norm = _StandardNormal()

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(
            f"{NAME}.{name} is not available in the light stand-in (analyzer.app.lightstats)"
        )


class _Missing:
    """A name of an UNUSED module: importing it works, using it raises."""

    def __init__(self, name: str) -> None:
        self._name = name

    def _fail(self) -> AttributeError:
        return AttributeError(
            f"{self._name} is not available in the light stand-in (analyzer.app.lightstats)"
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise self._fail()

    def __getattr__(self, attribute: str) -> Any:
        raise self._fail()


def _unused_module(name: str, names: tuple[str, ...]) -> types.ModuleType:
    module = types.ModuleType(name, f"{name}, unused by the Sobol design (analyzer.app.lightstats)")
    for attribute in names:
        setattr(module, attribute, _Missing(f"{name}.{attribute}"))
    return module


def install() -> bool:
    """Make ``import scipy.stats`` give the stand-in (and the modules in UNUSED theirs, where
    not loaded already), unless scipy.stats is loaded already or cannot be found; whether it was
    installed."""
    if NAME in sys.modules:
        return False
    import scipy

    spec = importlib.util.find_spec(NAME)
    if spec is None or spec.submodule_search_locations is None:  # pragma: no cover
        return False
    module = _LightStats(NAME, "scipy.stats without its distributions and tests")
    module.__path__ = list(spec.submodule_search_locations)
    module.__spec__ = spec
    module.__package__ = NAME
    sys.modules[NAME] = module
    scipy.stats = module  # type: ignore[attr-defined]
    for name, names in UNUSED.items():
        if name not in sys.modules:
            sys.modules[name] = _unused_module(name, names)
    return True
