"""DORA four keys: Four Keys buckets, 2024 cluster boundaries, and a hand-computed history."""

from __future__ import annotations

import pandas as pd
import pytest

from analyzer.history.dora import (
    change_failures,
    cluster_of,
    deploys_per_week,
    dora_profile,
    fourkeys_bucket,
    fourkeys_frequency_bucket,
    lead_times_hours,
    overall_cluster,
)


@pytest.mark.parametrize(
    ("key", "value", "cluster"),
    [
        ("deployment_frequency", 7.01, "elite"),
        ("deployment_frequency", 7.0, "high"),  # once a day: high's upper end
        ("deployment_frequency", 1.0, "high"),
        ("deployment_frequency", 0.99, "medium"),
        ("deployment_frequency", 12 / 52, "medium"),  # once a month
        ("deployment_frequency", 0.2, "low"),
        ("lead_time_hours", 23.99, "elite"),
        ("lead_time_hours", 24.0, "high"),
        ("lead_time_hours", 167.9, "high"),
        ("lead_time_hours", 168.0, "medium"),
        ("lead_time_hours", 730.0, "low"),
        ("change_failure_rate", 0.075, "elite"),
        ("change_failure_rate", 0.076, "medium"),  # nearest typical rate: medium's 10 %
        ("change_failure_rate", 0.15, "medium"),
        ("change_failure_rate", 0.16, "high"),  # nearest: high's 20 %
        ("change_failure_rate", 0.30, "high"),
        ("change_failure_rate", 0.31, "low"),
        ("restore_hours", 0.99, "elite"),
        ("restore_hours", 1.0, "high"),
        ("restore_hours", 23.9, "high"),
        ("restore_hours", 24.0, "medium"),
        ("restore_hours", 168.0, "low"),
    ],
)
def test_cluster_boundaries(key: str, value: float, cluster: str) -> None:
    assert cluster_of(key, value) == cluster


@pytest.mark.parametrize(
    ("key", "value", "bucket"),
    [
        ("deployment_frequency", 3.0, "Daily"),
        ("deployment_frequency", 2.99, "Weekly"),
        ("deployment_frequency", 0.5, "Monthly"),
        ("deployment_frequency", 0.1, "Yearly"),
        ("lead_time_hours", 23.9, "One day"),
        ("lead_time_hours", 24.0, "One week"),
        ("lead_time_hours", 729.0, "One month"),
        ("lead_time_hours", 4380.0, "One year"),
        ("restore_hours", 167.0, "One week"),
        ("change_failure_rate", 0.15, "0-15%"),
        ("change_failure_rate", 0.151, "16-45%"),
        ("change_failure_rate", 0.46, "46-100%"),
    ],
)
def test_fourkeys_buckets(key: str, value: float, bucket: str) -> None:
    assert fourkeys_bucket(key, value) == bucket


def test_overall_is_the_median_rank_rounded_down_a_cluster() -> None:
    assert overall_cluster(["elite", "elite", "low", "low"]) == "medium"
    assert overall_cluster(["elite", "high", "high", "low"]) == "high"
    assert overall_cluster([None, "low"]) == "low"
    assert overall_cluster([None, None]) is None


def test_profile_from_questionnaire_answers_needs_no_files() -> None:
    profile = dora_profile(1.0, 84.0, 0.08, 2.0)
    assert profile.clusters == {
        "deployment_frequency": "high",
        "lead_time_hours": "high",
        "change_failure_rate": "medium",
        "restore_hours": "high",
    }
    assert profile.overall == "high"
    summary = profile.summary()
    assert list(summary.columns) == [
        "key",
        "label",
        "value",
        "unit",
        "fourkeys_bucket",
        "cluster_2024",
        "based_on",
    ]
    assert summary["value"].tolist() == [1.0, 84.0, 0.08, 2.0]
    assert profile.to_dict()["overall"] == "high"


def test_profile_with_unknown_keys() -> None:
    profile = dora_profile(None, None, None, 0.5)
    assert profile.overall == "elite"
    assert profile.buckets["deployment_frequency"] is None


def test_profile_refuses_impossible_values() -> None:
    with pytest.raises(ValueError, match="change_failure_rate"):
        dora_profile(1.0, None, 1.5, None)
    with pytest.raises(ValueError, match="deploys_per_week"):
        dora_profile(-1.0, None, None, None)


def utc(*stamps: str) -> pd.Series:
    return pd.Series(pd.to_datetime(list(stamps), utc=True))


# A hand-computed history. Deploys (web unless said): D1 Jan 1 12:00 (commit 00:00, lead 12 h);
# D2 Jan 8 12:00 (commit Jan 6 12:00, 48 h); D3 Jan 15 12:00 failed by status (commit 10:00, 2 h);
# D4 Jan 22 12:00 on api (no commit time); D5 Jan 29 12:00 (commit at the deploy: 0 h, ignored).
# Incidents: I1 Jan 1 20:00 web (8 h after D1); I2 Jan 9 18:00 web (30 h after D2: too late);
# I3 Jan 22 13:00 web (latest web deploy is D3, a week earlier); I4 Jan 22 14:00 no service
# (2 h after D4). Restore hours 1, 3, 0.5, 2.
DEPLOY_TIMES = utc(
    "2024-01-01T12:00Z",
    "2024-01-08T12:00Z",
    "2024-01-15T12:00Z",
    "2024-01-22T12:00Z",
    "2024-01-29T12:00Z",
)
COMMIT_TIMES = utc(
    "2024-01-01T00:00Z", "2024-01-06T12:00Z", "2024-01-15T10:00Z", None, "2024-01-29T12:00Z"
)
DEPLOY_SERVICES = pd.Series(["web", "web", "web", "api", "web"])
FAILED_STATUS = [False, False, True, False, False]
INCIDENT_TIMES = utc(
    "2024-01-01T20:00Z", "2024-01-09T18:00Z", "2024-01-22T13:00Z", "2024-01-22T14:00Z"
)
INCIDENT_SERVICES = pd.Series(["web", "web", "web", ""])


def test_four_keys_on_a_hand_computed_history() -> None:
    assert deploys_per_week(DEPLOY_TIMES) == pytest.approx(1.0)  # (5 - 1) / 4 weeks
    assert sorted(lead_times_hours(DEPLOY_TIMES, COMMIT_TIMES)) == [2.0, 12.0, 48.0]
    linked = change_failures(DEPLOY_TIMES, DEPLOY_SERVICES, INCIDENT_TIMES, INCIDENT_SERVICES, 24)
    assert linked.tolist() == [True, False, False, True, False]
    failed = linked | FAILED_STATUS
    assert failed.mean() == pytest.approx(0.6)
    assert fourkeys_frequency_bucket(DEPLOY_TIMES) == "Weekly"
    profile = dora_profile(1.0, 12.0, 0.6, 1.5, frequency_bucket="Weekly")
    assert [profile.clusters[k] for k in profile.clusters] == ["high", "elite", "low", "high"]
    assert profile.overall == "high"  # ranks 0, 1, 1, 3: median 1


def test_change_failure_window_is_configurable() -> None:
    linked = change_failures(DEPLOY_TIMES, DEPLOY_SERVICES, INCIDENT_TIMES, INCIDENT_SERVICES, 4)
    assert linked.tolist() == [False, False, False, True, False]  # I1 came 8 h after D1
    linked = change_failures(DEPLOY_TIMES, DEPLOY_SERVICES, INCIDENT_TIMES, INCIDENT_SERVICES, 31)
    assert linked.tolist() == [True, True, False, True, False]  # now I2 counts against D2


def test_an_incident_counts_against_the_latest_deploy_only() -> None:
    deploys = utc("2024-01-01T08:00Z", "2024-01-01T09:00Z")
    linked = change_failures(
        deploys, pd.Series(["", ""]), utc("2024-01-01T10:00Z"), pd.Series(["web"]), 24
    )
    assert linked.tolist() == [False, True]


def test_fourkeys_frequency_from_deploy_days() -> None:
    daily = pd.Series(pd.date_range("2024-01-01", periods=120, freq="D", tz="UTC"))
    assert fourkeys_frequency_bucket(daily) == "Daily"
    monthly = pd.Series(pd.date_range("2024-01-01", periods=10, freq="30D", tz="UTC"))
    assert fourkeys_frequency_bucket(monthly) == "Monthly"
    quarterly = pd.Series(pd.date_range("2024-01-01", periods=4, freq="90D", tz="UTC"))
    assert fourkeys_frequency_bucket(quarterly) == "Yearly"
