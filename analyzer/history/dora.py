"""The DORA four keys, bucketed as Google's Four Keys dashboard does, placed in the 2024 clusters.

``dora_profile`` works from four numbers (the decision layer calls it with questionnaire answers);
the event functions below compute those numbers from deploy and incident tables:

- deployment frequency: deploys per week = (n - 1) / weeks between the first and last deploy (the
  rate of a Poisson process observed from its first to its last event); the Four Keys bucket comes
  from the pattern of deploy days over the last 91 days (``fourkeys_frequency_bucket``);
- lead time: median of deploy time - commit time over positive differences (Four Keys ignores
  the rest as automated pushes);
- change failure rate: share of deploys that failed by their own status, or that are the latest
  deploy on the incident's service at most N hours before the incident was opened;
- time to restore: median hours from incident opened to restored.

Bucket and cluster bounds live in data/dora.yaml with their sources.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from analyzer._io.paths import data_dir
from analyzer._io.yamlio import load_yaml

KEYS: tuple[str, ...] = (
    "deployment_frequency",
    "lead_time_hours",
    "change_failure_rate",
    "restore_hours",
)
LABELS = {
    "deployment_frequency": "Deployment frequency",
    "lead_time_hours": "Lead time for changes",
    "change_failure_rate": "Change failure rate",
    "restore_hours": "Time to restore service",
}
UNITS = {
    "deployment_frequency": "deploys per week",
    "lead_time_hours": "hours",
    "change_failure_rate": "fraction",
    "restore_hours": "hours",
}
_EPOCH = pd.Timestamp("1970-01-01", tz="UTC")


@cache
def _rules() -> dict[str, Any]:
    return dict(load_yaml(data_dir() / "dora.yaml").data)


def clusters() -> tuple[str, ...]:
    """The 2024 clusters, best first."""
    return tuple(_rules()["clusters"]["order"])


def _first_match(rules: list[dict[str, Any]], value: float, name_key: str) -> str:
    for rule in rules:
        if "below" in rule and not value < rule["below"]:
            continue
        if "at_most" in rule and not value <= rule["at_most"]:
            continue
        if "above" in rule and not value > rule["above"]:
            continue
        if "at_least" in rule and not value >= rule["at_least"]:
            continue
        if "min_deploys_per_week" in rule and not value >= rule["min_deploys_per_week"]:
            continue
        return str(rule[name_key])
    raise ValueError(
        f"no rule matches {value}; the last rule must have no bound"
    )  # pragma: no cover


def fourkeys_bucket(key: str, value: float | None) -> str | None:
    """The Four Keys dashboard bucket of one key's value (None stays None)."""
    if value is None:
        return None
    return _first_match(_rules()["fourkeys"][key]["buckets"], value, "name")


def cluster_of(key: str, value: float | None) -> str | None:
    """The DORA 2024 cluster a single key's value falls in (None stays None)."""
    if value is None:
        return None
    return _first_match(_rules()["clusters"][key], value, "cluster")


def overall_cluster(per_key: Iterable[str | None]) -> str | None:
    """Median of the per-key cluster ranks, rounded towards the lower cluster (a judgement)."""
    order = clusters()
    ranks = sorted(order.index(c) for c in per_key if c is not None)
    if not ranks:
        return None
    return order[math.ceil(float(np.median(ranks)))]


def _clean(value: float | None, name: str, upper: float | None = None) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    v = float(value)
    if v < 0 or math.isinf(v) or (upper is not None and v > upper):
        bound = f" and at most {upper:g}" if upper is not None else ""
        raise ValueError(f"{name} must be finite, at least 0{bound}; got {value}")
    return v


@dataclass(frozen=True)
class DoraProfile:
    """Each key's value, Four Keys bucket and 2024 cluster, and an overall cluster."""

    deploys_per_week: float | None
    lead_time_hours: float | None
    change_failure_rate: float | None
    restore_hours: float | None
    buckets: dict[str, str | None]
    clusters: dict[str, str | None]
    overall: str | None
    based_on: dict[str, int] = field(default_factory=dict)  # e.g. {"deploys": 52}

    def values(self) -> dict[str, float | None]:
        return {
            "deployment_frequency": self.deploys_per_week,
            "lead_time_hours": self.lead_time_hours,
            "change_failure_rate": self.change_failure_rate,
            "restore_hours": self.restore_hours,
        }

    def summary(self) -> pd.DataFrame:
        """One row per key: label, value, unit, Four Keys bucket, 2024 cluster, evidence count."""
        values = self.values()
        return pd.DataFrame(
            {
                "key": list(KEYS),
                "label": [LABELS[k] for k in KEYS],
                "value": [values[k] for k in KEYS],
                "unit": [UNITS[k] for k in KEYS],
                "fourkeys_bucket": [self.buckets[k] for k in KEYS],
                "cluster_2024": [self.clusters[k] for k in KEYS],
                "based_on": [self.based_on.get(k) for k in KEYS],
            }
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "values": self.values(),
            "buckets": dict(self.buckets),
            "clusters": dict(self.clusters),
            "overall": self.overall,
            "based_on": dict(self.based_on),
        }


def dora_profile(
    deploys_per_week: float | None,
    lead_time_hours: float | None,
    change_failure_rate: float | None,
    restore_hours: float | None,
    *,
    frequency_bucket: str | None = None,
    based_on: Mapping[str, int] | None = None,
) -> DoraProfile:
    """Bucket and place the four keys; any key may be None (unknown). No files are read but data/.

    ``frequency_bucket`` replaces the rate-based Four Keys frequency bucket when the deploy days are
    known (``fourkeys_frequency_bucket``).
    """
    values = {
        "deployment_frequency": _clean(deploys_per_week, "deploys_per_week"),
        "lead_time_hours": _clean(lead_time_hours, "lead_time_hours"),
        "change_failure_rate": _clean(change_failure_rate, "change_failure_rate", 1.0),
        "restore_hours": _clean(restore_hours, "restore_hours"),
    }
    buckets = {k: fourkeys_bucket(k, v) for k, v in values.items()}
    if frequency_bucket is not None and values["deployment_frequency"] is not None:
        buckets["deployment_frequency"] = frequency_bucket
    placed = {k: cluster_of(k, v) for k, v in values.items()}
    return DoraProfile(
        deploys_per_week=values["deployment_frequency"],
        lead_time_hours=values["lead_time_hours"],
        change_failure_rate=values["change_failure_rate"],
        restore_hours=values["restore_hours"],
        buckets=buckets,
        clusters=placed,
        overall=overall_cluster(placed.values()),
        based_on=dict(based_on or {}),
    )


# --------------------------------------------------------------------------------------------
# From events: pure functions on tables of UTC timestamps.


def hours_since_epoch(times: pd.Series) -> NDArray[np.float64]:
    """UTC timestamps as float hours since 1970 (NaT -> nan), whatever the time unit."""
    utc = pd.to_datetime(times, utc=True)
    return ((utc - _EPOCH) / pd.Timedelta(hours=1)).to_numpy(dtype=np.float64, na_value=np.nan)


def deploys_per_week(times: pd.Series) -> float | None:
    """(n - 1) / weeks between first and last deploy; None with fewer than two distinct times."""
    hours = np.sort(hours_since_epoch(times))
    if hours.size < 2 or hours[-1] <= hours[0]:
        return None
    return float((hours.size - 1) / ((hours[-1] - hours[0]) / (24 * 7)))


def fourkeys_frequency_bucket(times: pd.Series) -> str | None:
    """Four Keys' deployment frequency bucket from deploy days over the last ``window_days``.

    Weeks start on Sunday; Daily if the median week has deploys on >= 3 days, Weekly if most weeks
    have a deploy, Monthly if the median week's month has >= 1 week with a deploy, else Yearly.
    The window ends on the last deploy (Four Keys ends it today: this keeps results repeatable).
    """
    if len(times) == 0:
        return None
    spec = _rules()["fourkeys"]["deployment_frequency"]
    days = pd.to_datetime(times, utc=True).dt.tz_localize(None).dt.normalize()
    end = days.max()
    start = max(days.min(), end - pd.Timedelta(days=int(spec["window_days"]) - 1))
    calendar = pd.DataFrame({"day": pd.date_range(start, end, freq="D")})
    calendar["deployed"] = calendar["day"].isin(set(days))
    calendar["week"] = calendar["day"] - pd.to_timedelta(
        (calendar["day"].dt.day_of_week + 1) % 7, unit="D"
    )
    weeks = calendar.groupby("week").agg(
        days_deployed=("deployed", "sum"), week_deployed=("deployed", "any")
    )
    weeks["week_deployed"] = weeks["week_deployed"].astype(int)
    month = weeks.index.to_period("M")
    monthly = weeks.groupby(month)["week_deployed"].transform("sum")
    names = [b["name"] for b in spec["buckets"]]
    rule = spec["event_rule"]
    if weeks["days_deployed"].median() >= rule["daily_min_days_per_week"]:
        return str(names[0])
    if weeks["week_deployed"].median() >= rule["weekly_min_share_of_weeks"]:
        return str(names[1])
    if monthly.median() >= rule["monthly_min_weeks_per_month"]:
        return str(names[2])
    return str(names[3])


def lead_times_hours(deploy_times: pd.Series, commit_times: pd.Series) -> NDArray[np.float64]:
    """Positive deploy - commit differences in hours (missing commit times and <= 0 dropped)."""
    diff = hours_since_epoch(deploy_times) - hours_since_epoch(commit_times)
    return diff[np.isfinite(diff) & (diff > 0)]


def _norm_service(services: pd.Series) -> NDArray[np.object_]:
    return services.fillna("").astype(str).str.strip().str.lower().to_numpy(dtype=object)


def change_failures(
    deploy_times: pd.Series,
    deploy_services: pd.Series,
    incident_times: pd.Series,
    incident_services: pd.Series,
    window_hours: float,
) -> NDArray[np.bool_]:
    """Per deploy: is it the latest deploy at most ``window_hours`` before some incident?

    A deploy and an incident match when their services are equal (case-insensitive) or either has
    no service. Attributing an incident to the latest matching deploy only keeps teams that deploy
    several times a day from having one incident counted against each of those deploys.
    """
    d_hours = hours_since_epoch(deploy_times)
    d_service = _norm_service(deploy_services)
    i_hours = hours_since_epoch(incident_times)
    i_service = _norm_service(incident_services)
    failed = np.zeros(d_hours.size, dtype=bool)
    if d_hours.size == 0 or i_hours.size == 0:
        return failed
    for service in np.unique(i_service):
        incidents = i_hours[i_service == service]
        candidates = np.flatnonzero((d_service == service) | (d_service == "") | (service == ""))
        if candidates.size == 0:
            continue
        order = candidates[np.argsort(d_hours[candidates], kind="stable")]
        times = d_hours[order]
        latest = np.searchsorted(times, incidents, side="right") - 1  # last deploy at or before
        ok = latest >= 0
        ok[ok] = incidents[ok] - times[latest[ok]] <= window_hours
        failed[order[latest[ok]]] = True
    return failed
