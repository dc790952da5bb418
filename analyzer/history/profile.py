"""Incidents and deploys together: the DORA four keys of a history, and its text report."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analyzer.history.classify import UNCLASSIFIED
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
from analyzer.questionnaire.history_presets import window_mismatch_ratio

DEFAULT_WINDOW_HOURS = 24.0
MAX_LISTED_ROWS = 50


def window_warning(incidents: IncidentImport, deploys: DeployHistory | None) -> str | None:
    """A warning when the deploys and the incidents cover very different periods, else None.

    Both windows run from the first to the last event; the warning fires when the shorter is
    below ``window_mismatch_ratio`` (data/history-presets.yaml) of the longer, or they do not
    overlap: the change failure rate then links few deploys to a year of incidents (or the reverse).
    """
    if deploys is None or deploys.deploys.empty:
        return None
    inc, dep = incidents.incidents["created"], deploys.deploys["time"]
    inc_days = (inc.max() - inc.min()) / pd.Timedelta(days=1)
    dep_days = (dep.max() - dep.min()) / pd.Timedelta(days=1)
    overlap = (min(inc.max(), dep.max()) - max(inc.min(), dep.min())) / pd.Timedelta(days=1)
    longer = max(inc_days, dep_days)
    if longer <= 0:
        return None
    ratio = window_mismatch_ratio()
    if overlap < 0 or min(inc_days, dep_days) < ratio * longer:
        return (
            f"the deploys cover {dep_days:.0f} day(s) ({dep.min():%Y-%m-%d} to {dep.max():%Y-%m-%d}) "
            f"and the incidents {inc_days:.0f} day(s) ({inc.min():%Y-%m-%d} to "
            f"{inc.max():%Y-%m-%d}): the change failure rate and deploy rate rest on "
            "mismatched periods; export both for the same months"
        )
    return None


@dataclass(frozen=True)
class History:
    """An imported incident history, optional deploys, and the four keys computed from them."""

    incidents: IncidentImport
    deploys: DeployHistory | None
    profile: DoraProfile
    window_hours: float
    warning: str | None = None


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
    return History(incidents, deploys, profile, window_hours, window_warning(incidents, deploys))


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


def classified_rows(history: History) -> pd.DataFrame:
    """One row per usable incident: line, created (UTC), category, how, keywords, title."""
    inc = history.incidents.incidents
    return pd.DataFrame(
        {
            "line": inc["line"].astype(int),
            "created": inc["created"].dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "category": inc["category"],
            "classified_by": inc["classified_by"],
            "matched": inc["matched"],
            "title": inc["title"].astype(str),
        }
    )


def render_rows(history: History) -> str:
    """The per-incident classification, as a text table (``analyzer history --show-rows``)."""
    rows = classified_rows(history)
    rows["title"] = rows["title"].str.slice(0, 60)
    text = rows.to_string(index=False, justify="left")
    return f"Incidents as classified ({len(rows)})\n" + "\n".join(
        "  " + line.rstrip() for line in text.splitlines()
    ) + "\n"


def to_dict(history: History, *, rows: bool = False) -> dict[str, object]:
    """The `analyzer history --output-format json` document: counts, profile, exclusions, rows."""
    imp = history.incidents
    table = imp.summary()
    summary = history.profile.summary()
    out: dict[str, object] = {
        "incidents": {
            "source": imp.source,
            "format": imp.format,
            "rows_read": imp.rows_read,
            "usable": len(imp.incidents),
            "excluded": len(imp.excluded),
            "span_months": imp.span_months(),
            "unclassified": imp.unclassified,
            "by_category": [
                {
                    "category": r.category,
                    "label": r.label,
                    "incidents": int(r.incidents),  # type: ignore[arg-type]
                    "share": float(r.share),  # type: ignore[arg-type]
                    "median_restore_hours": _num(r.median_restore_hours),
                    "p90_restore_hours": _num(r.p90_restore_hours),
                }
                for r in table.itertuples()
            ],
        },
        "deploys": None
        if history.deploys is None
        else {
            "source": history.deploys.source,
            "deploys": len(history.deploys.deploys),
            "excluded": len(history.deploys.excluded),
            "not_deploys": history.deploys.not_deploys,
        },
        "dora": [
            {"key": str(k), "value": _num(v), "unit": str(u)}
            for k, v, u in zip(summary["key"], summary["value"], summary["unit"], strict=True)
        ],
        "overall": history.profile.overall,
        "change_failure_window_hours": history.window_hours,
        "warnings": [history.warning] if history.warning else [],
        "excluded_rows": [
            {"line": _num(r.line), "reason": str(r.reason)} for r in imp.excluded.itertuples()
        ],
    }
    if rows:
        out["rows"] = classified_rows(history).to_dict(orient="records")
    return out


def _num(value: object) -> float | None:
    if value is None or pd.isna(value):  # type: ignore[call-overload]
        return None
    return float(value)  # type: ignore[arg-type]


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
            f"  {imp.unclassified} incident(s) matched no keyword: counted as '{UNCLASSIFIED}', "
            "which the model uses (no option prevents them); see them with --show-rows, "
            "reclassify with a category column or your own keywords (--categories FILE)"
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
    if history.warning:
        out.append(f"  warning: {history.warning}")
    sections = [("Excluded incident rows", imp.excluded, "reason"), ("Notes", imp.notes, "note")]
    if history.deploys is not None:
        sections.insert(1, ("Excluded deploy rows", history.deploys.excluded, "reason"))
    for title, frame, column in sections:
        if len(frame):
            out += ["", f"{title} ({len(frame)})", *_listing(frame, column)]
    return "\n".join(out) + "\n"
