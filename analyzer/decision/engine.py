"""The decision as pure functions of parameter values, for sensitivity analysis and reversals.

Everything here takes ``values`` (name -> array, as a ParamSpace makes) and the run's fixed
``Structure``, weights and scoring constants (at their likely values: the median model), and
returns one number per sample, so the tornado, Sobol indices and bisection searches all reuse the
same vectorised model.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from analyzer.decision.criteria import Constants, likely_constants
from analyzer.decision.quantities import option_groups
from analyzer.decision.scoring import Weights, criterion_scores, weighted_total
from analyzer.model.core import Outputs, Structure, evaluate

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class DecisionFunction:
    """The decision as a function of parameter values: the run's fixed structure and weights;
    its methods map sampled values to net savings, scores and winners, one per sample."""

    structure: Structure
    weights: Weights  # criterion -> weight, or weight per sample
    constants: Constants = field(default_factory=likely_constants)

    @property
    def groups(self) -> tuple[int, ...]:
        return option_groups(self.structure)

    def net_saving(self, values: Mapping[str, FloatArray]) -> FloatArray:
        """Money NPV of the status quo minus that of the cheapest alternative (S,): engineer
        time x hourly cost + infrastructure, the cost criterion's measure.

        Positive: moving to the best alternative saves money over the horizon.
        """
        return self._net_saving(evaluate(values, self.structure))

    def totals(self, values: Mapping[str, FloatArray]) -> FloatArray:
        """Weighted score of every option, (O, S)."""
        return self._totals(evaluate(values, self.structure), values)

    def winner(self, values: Mapping[str, FloatArray]) -> NDArray[np.intp]:
        """Index of the option with the top weighted score, per sample."""
        return np.asarray(np.argmax(self.totals(values), axis=0))

    def winner_group(self, values: Mapping[str, FloatArray]) -> NDArray[np.intp]:
        """The group (first option containerising the same processes) of the winner, per sample."""
        return np.asarray(self.groups, dtype=np.intp)[self.winner(values)]

    def net_saving_and_winner(
        self, values: Mapping[str, FloatArray]
    ) -> tuple[FloatArray, NDArray[np.intp]]:
        """``net_saving`` and ``winner`` from one model evaluation: (S,), (S,)."""
        out = evaluate(values, self.structure)
        return self._net_saving(out), np.asarray(np.argmax(self._totals(out, values), axis=0))

    def margin(self, values: Mapping[str, FloatArray], option: int) -> FloatArray:
        """Score of ``option`` minus the best option outside its group, per sample (>0: it wins)."""
        return self._margin(self.totals(values), option)

    def margin_and_saving(
        self, values: Mapping[str, FloatArray], option: int
    ) -> tuple[FloatArray, FloatArray]:
        """``margin`` and ``net_saving`` from one model evaluation: (S,), (S,)."""
        out = evaluate(values, self.structure)
        return self._margin(self._totals(out, values), option), self._net_saving(out)

    def _margin(self, totals: FloatArray, option: int) -> FloatArray:
        g = np.asarray(self.groups)
        others = totals[g != g[option]]
        if others.shape[0] == 0:
            return np.zeros(totals.shape[1])
        return np.asarray(totals[option] - others.max(axis=0))

    def _net_saving(self, out: Outputs) -> FloatArray:
        sq = self.structure.status_quo
        others = np.delete(out.money_npv, sq, axis=0)
        return np.asarray(out.money_npv[sq] - others.min(axis=0))

    def _totals(self, out: Outputs, values: Mapping[str, FloatArray]) -> FloatArray:
        return weighted_total(
            criterion_scores(out, values, self.structure, self.constants), self.weights
        )
