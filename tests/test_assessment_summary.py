"""Assessment.summary is computed once per assessment and handed out as copies."""

from __future__ import annotations

import numpy as np

from analyzer._io.paths import example_questionnaire
from analyzer.model.assess import assess
from analyzer.questionnaire.form import load_questionnaire


def test_summary_is_the_outputs_percentiles_and_each_call_gets_its_own_copy() -> None:
    a = assess(load_questionnaire(example_questionnaire("seed-team")), samples=400, seed=3)
    first = a.summary()
    for i, name in enumerate(a.option_names):
        p10, p50, p90 = np.percentile(a.outputs.money_npv[i], [10, 50, 90])
        row = first.loc[name]
        np.testing.assert_allclose(
            [row.money_npv_p10, row.money_npv_p50, row.money_npv_p90], [p10, p50, p90],
            rtol=1e-12)
    first.loc[a.option_names[0], "money_npv_p50"] = -1.0  # a caller changing its copy
    again = a.summary()
    assert again.loc[a.option_names[0], "money_npv_p50"] != -1.0
    assert again is not a.summary()
