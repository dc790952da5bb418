"""COCOMO II against the published constants (MODEL.md 'Checks with known answers')."""

from __future__ import annotations

import pytest

from analyzer.model import cocomo


def test_nominal_exponent() -> None:
    assert cocomo.exponent() == pytest.approx(1.0997)


def test_effort_100_ksloc_nominal() -> None:
    pm = float(cocomo.effort_pm(100.0))
    assert pm == pytest.approx(465.32, abs=0.01)
    assert float(cocomo.schedule_months(pm)) == pytest.approx(25.87, abs=0.01)


def test_effort_10_ksloc_nominal() -> None:
    assert float(cocomo.effort_pm(10.0)) == pytest.approx(36.99, abs=0.01)


def test_reuse_vector() -> None:
    # DM 10, CM 20, IM 30, AA 4, SU 30, UNFM 0.4 -> AAF 19, AAM 0.2756
    aam = float(cocomo.adaptation_adjustment(10, 20, 30, 4, 30, 0.4))
    assert aam == pytest.approx(0.2756, abs=1e-4)
    assert 10_000 * aam == pytest.approx(2756, abs=0.5)


def test_reuse_large_modification_branch() -> None:
    # AAF > 50: AAM = (AA + AAF + SU UNFM)/100
    aam = float(cocomo.adaptation_adjustment(60, 60, 60, 4, 30, 0.4))
    assert aam == pytest.approx((4 + 60 + 12) / 100)


def test_adaptation_hours_is_pm_times_152() -> None:
    hours = float(cocomo.adaptation_hours(10, 10, 20, 30, 4, 30, 0.4))
    assert hours == pytest.approx(float(cocomo.effort_pm(2.756)) * 152, rel=1e-6)
