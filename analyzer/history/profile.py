"""Incidents and deploys together: the DORA four keys of a history, and its text report."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analyzer.history.deploys import DeployHistory
from analyzer.history.dora import (
    DoraProfile,
    change_failures,
    deploys_per_week,
    dora_profile,
    fourkeys_frequency_bucket,
    lead_times_hours,
)
from analyzer.history.incidents import IncidentImport

DEFAULT_WINDOW_HOURS = 24.0
MAX_LISTED_ROWS = 50


@dataclass(frozen=True)
class History:
    """An imported incident history, optional deploys, and the four keys computed from them."""

    incidents: IncidentImport
    deploys: DeployHistory | None
    profile: DoraProfile
    window_hours: float


def history_profile(
    incidents: IncidentImport,
    deploys: DeployHistory | None,
    window_hours: float = DEFAULT_WINDOW_HOURS,
) -> History:
    """The four keys: time to restore from incidents, the rest from deploys when given."""
    restore = incidents.incidents["restore_hours"].to_numpy(dtype=np.float64)
    based_on = {"restore_hours": int(restore.size)}
    per_week = lead = cfr = None
    bucket = None
    if deploys is not None and not deploys.deploys.empty:
        d = deploys.deploys
        per_week = deploys_per_week(d["time"])
        bucket = fourkeys_frequency_bucket(d["time"])
        leads = lead_times_hours(d["time"], d["commit_time"])
        lead = float(np.median(leads)) if leads.size else None
        linked = change_failures(
            d["time"],
            d["service"],
            incidents.incidents["created"],
            incidents.incidents["service"],
            window_hours,
        )
        failed = d["failed"].to_numpy(dtype=bool) | linked
        cfr = float(failed.mean())
        based_on |= {
            "deployment_frequency": len(d),
            "lead_time_hours": int(leads.size),
            "change_failure_rate": len(d),
        }
    profile = dora_profile(
        per_week,
        lead,
        cfr,
        float(np.median(restore)) if restore.size else None,
        frequency_bucket=bucket,
        based_on=based_on,
    )
    return History(incidents, deploys, profile, window_hours)


def _fmt_value(key: str, value: float | None) -> str:
    if value is None or pd.isna(value):
        return "-"
    if key == "change_failure_rate":
        return f"{value:.0%}"
    return f"{value:.3g}" if value < 100 else f"{value:,.0f}"


def _listing(frame: pd.DataFrame, column: str, limit: int = MAX_LISTED_ROWS) -> list[str]:
    lines = []
    for row in frame.head(limit).itertuples(index=False):  # at most `limit` rows: for display
        where = "-" if pd.isna(row[0]) else f"{int(row[0])}"
        lines.append(f"  line {where:>6}  {getattr(row, column)}")
    if len(frame) > limit:
        lines.append(f"  ... and {len(frame) - limit} more")
    return lines


def render_history_text(history: History) -> str:
    """The `analyzer history` report: profile, counts per category, exclusions and notes."""
    imp = history.incidents
    inc = imp.incidents
    first, last = inc["created"].min(), inc["created"].max()
    out = [
        f"Incident history: {imp.source} ({imp.format})",
        f"  {imp.rows_read} rows read, {len(inc)} usable, {len(imp.excluded)} excluded; "
        f"{first:%Y-%m-%d} to {last:%Y-%m-%d} ({imp.span_months():.1f} months)",
    ]
    if history.deploys is not None:
        dep = history.deploys
        extra = f", {dep.not_deploys} cancelled/skipped runs left out" if dep.not_deploys else ""
        out.append(
            f"Deploys: {dep.source}: {len(dep.deploys)} deploys, {len(dep.excluded)} "
            f"excluded{extra}"
        )
    out += ["", "Incidents by category"]
    table = imp.summary()
    shown = pd.DataFrame(
        {
            "category": table["category"],
            "incidents": table["incidents"],
            "share": [f"{s:.0%}" for s in table["share"]],
            "median h": [_fmt_value("h", v) for v in table["median_restore_hours"]],
            "p90 h": [_fmt_value("h", v) for v in table["p90_restore_hours"]],
        }
    )
    total = pd.DataFrame(
        {
            "category": ["total"],
            "incidents": [int(table["incidents"].sum())],
            "share": ["100%"],
            "median h": [""],
            "p90 h": [""],
        }
    )
    out += ["  " + s for s in pd.concat([shown, total]).to_string(index=False).splitlines()]
    if imp.unclassified:
        out.append(
            f"  {imp.unclassified} incident(s) matched no keyword: add a category column or "
            "keywords in data/incident-categories.yaml"
        )
    prof = history.profile
    summary = prof.summary()
    out += ["", "Delivery profile (DORA four keys)"]
    rows = pd.DataFrame(
        {
            "key": summary["label"],
            "value": [
                _fmt_value(k, v) for k, v in zip(summary["key"], summary["value"], strict=True)
            ],
            "unit": summary["unit"],
            "Four Keys bucket": summary["fourkeys_bucket"].fillna("-"),
            "2024 cluster": summary["cluster_2024"].fillna("-"),
        }
    )
    out += ["  " + s for s in rows.to_string(index=False).splitlines()]
    known = int(summary["cluster_2024"].notna().sum())
    out.append(
        f"  overall: {prof.overall or '-'} (median of the clusters of the {known} key(s) "
        "known; DORA 2024 clusters)"
    )
    if history.deploys is None:
        out.append(
            "  frequency, lead time and change failure rate need --deploys FILE or --git PATH"
        )
    else:
        out.append(
            f"  change failure: a failed deploy, or the latest deploy on the service at most "
            f"{history.window_hours:g} h before an incident"
        )
    sections = [("Excluded incident rows", imp.excluded, "reason"), ("Notes", imp.notes, "note")]
    if history.deploys is not None:
        sections.insert(1, ("Excluded deploy rows", history.deploys.excluded, "reason"))
    for title, frame, column in sections:
        if len(frame):
            out += ["", f"{title} ({len(frame)})", *_listing(frame, column)]
    return "\n".join(out) + "\n"
