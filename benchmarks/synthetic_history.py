"""Synthetic incident and deploy exports, shaped like generic, PagerDuty and Opsgenie CSVs.

Writes the examples in data/history/ (``python benchmarks/synthetic_history.py``, seed 7) and
generates the 100,000-row export the benchmark imports. Nothing here is real data.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
START = pd.Timestamp("2024-01-01", tz="UTC")
SERVICES = np.array(["web", "celery", "mongodb", "scheduler"])

# (category, share, median restore hours, titles). Titles are what small teams write; some
# deliberately match no keyword, so the unclassified bucket is exercised.
TEMPLATES: list[tuple[str, float, float, list[str]]] = [
    (
        "environment_drift",
        0.08,
        2.0,
        [
            "Works in staging, fails in production: locale settings differ",
            "Version mismatch of libxml2 between web hosts",
            "New instance missing package python3-gdal after scale up",
            "Config drift on web-3 after a hand-edited httpd.conf",
        ],
    ),
    (
        "failed_deploy",
        0.15,
        1.0,
        [
            "Release 4.12 broke the checkout page, rolled back",
            "pip install --upgrade during deploy left half-upgraded virtualenv",
            "Deployment failed midway, two hosts on the old version",
            "Hotfix needed after Thursday release",
        ],
    ),
    (
        "dependency",
        0.10,
        3.0,
        [
            "Celery workers crash after kombu upgrade via pip",
            "libssl security patch broke outgoing HTTPS",
            "Unpinned requirements pulled incompatible Django REST framework",
            "AMI update changed glibc, mod_wsgi segfaults",
        ],
    ),
    (
        "capacity",
        0.17,
        1.5,
        [
            "Latency spike on /api during newsletter traffic",
            "Celery queue backlog, tasks delayed 40 minutes",
            "Autoscaling too slow: new instances took 6 minutes to boot",
            "Out of memory on worker nodes",
        ],
    ),
    (
        "configuration",
        0.12,
        1.0,
        [
            "TLS certificate expired on api.example.com",
            "Wrong SECRET_KEY in production settings",
            "Missing environment variable for S3 bucket name",
            "Crontab entry for nightly report lost",
        ],
    ),
    (
        "data",
        0.08,
        4.0,
        [
            "MongoDB replica set lost primary",
            "Disk full on mongodb-1",
            "Nightly backup job failed silently for a week",
            "SQLite cache file corrupted",
        ],
    ),
    (
        "infrastructure",
        0.10,
        2.5,
        [
            "AWS EC2 instance retired by provider",
            "Network connectivity loss in availability zone eu-west-1b",
            "Degraded hardware on EC2 host web-2",
            "Load balancer health checks failing",
        ],
    ),
    (
        "application",
        0.14,
        1.0,
        [
            "Unhandled exception in invoice export",
            "HTTP 500 on profile page for users without avatar",
            "Regression in search ordering",
            "TypeError in payment webhook handler",
        ],
    ),
    (
        "unclassified",
        0.06,
        1.0,
        [
            "Customer reports odd behaviour on dashboard",
            "Investigate alert from RunScope check",
            "Page for on-call, see notes",
        ],
    ),
]


def synthetic_incidents(
    n: int, months: float, rng: np.random.Generator, *, hosts: int = 0
) -> pd.DataFrame:
    """n incidents over ``months``: created, resolved (UTC), title, description, labels, service.

    With ``hosts`` > 0 half the titles name one of that many hosts ("... on web-17"), as monitoring
    alerts do, so titles vary the way a large export's do.
    """
    shares = np.array([t[1] for t in TEMPLATES])
    which = rng.choice(len(TEMPLATES), size=n, p=shares / shares.sum())
    minutes = np.sort(rng.uniform(0, months * 30.4375 * 24 * 60, size=n))
    created = START + pd.to_timedelta(np.round(minutes), unit="min")
    medians = np.array([t[2] for t in TEMPLATES])[which]
    hours = np.round(rng.lognormal(np.log(medians), 0.8), 2).clip(0.05, 240)
    resolved = created + pd.to_timedelta(np.round(hours * 60), unit="min")
    title_pick = rng.integers(0, 1_000_000, size=n)
    titles = pd.Series(
        [TEMPLATES[w][3][k % len(TEMPLATES[w][3])] for w, k in zip(which, title_pick, strict=True)]
    )
    if hosts > 0:
        named = rng.random(n) < 0.5
        host = pd.Series(rng.integers(1, hosts + 1, size=n)).astype(str)
        titles = titles.where(~named, titles + " on web-" + host)
    return pd.DataFrame(
        {
            "created": created,
            "resolved": resolved,
            "title": titles,
            "description": np.where(
                rng.random(n) < 0.5, "See the incident channel for the timeline.", ""
            ),
            "labels": np.where(rng.random(n) < 0.3, "prod", ""),
            "service": rng.choice(SERVICES, size=n, p=[0.5, 0.25, 0.15, 0.1]),
            "urgency": rng.choice(["high", "low"], size=n, p=[0.6, 0.4]),
        }
    )


def generic_export(df: pd.DataFrame) -> pd.DataFrame:
    """The generic preset's columns, ISO 8601 times in UTC."""
    iso = "%Y-%m-%dT%H:%M:%SZ"
    return pd.DataFrame(
        {
            "id": [f"INC-{i + 1:05d}" for i in range(len(df))],
            "created_at": df["created"].dt.strftime(iso),
            "resolved_at": df["resolved"].dt.strftime(iso),
            "title": df["title"],
            "description": df["description"],
            "labels": df["labels"],
            "service": df["service"],
            "category": "",
            "urgency": df["urgency"],
        }
    )


def pagerduty_export(df: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """PagerDuty incidents CSV columns; times in the account's zone (New York, with DST)."""

    def local(ts: pd.Series) -> pd.Series:
        text = ts.dt.tz_convert("America/New_York").dt.strftime("%Y-%m-%dT%H:%M:%S%z")
        return text.str.replace(r"([+-]\d\d)(\d\d)$", r"\1:\2", regex=True)

    n = len(df)
    ids = [
        "Q" + "".join(rng.choice(list("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"), 13)) for _ in range(n)
    ]
    seconds = ((df["resolved"] - df["created"]) / pd.Timedelta(seconds=1)).astype(int)
    return pd.DataFrame(
        {
            "id": ids,
            "incident_number": np.arange(1001, 1001 + n),
            "title": df["title"],
            "description": df["title"],
            "status": "resolved",
            "urgency": df["urgency"],
            "service_id": "P" + df["service"].str.upper().str.slice(0, 5),
            "service_name": df["service"],
            "escalation_policy_name": "Default",
            "created_on": local(df["created"]),
            "resolved_on": local(df["resolved"]),
            "seconds_to_first_ack": (seconds * 0.1).astype(int),
            "seconds_to_resolve": seconds,
            "auto_resolved": False,
            "assigned_to_user": "on-call",
        }
    )


def opsgenie_export(df: pd.DataFrame) -> pd.DataFrame:
    """Opsgenie alerts CSV columns: epoch-millisecond CreatedAt, close time as a duration in ms."""
    n = len(df)
    created_ms = (df["created"] - pd.Timestamp("1970-01-01", tz="UTC")) // pd.Timedelta(
        milliseconds=1
    )
    close_ms = (df["resolved"] - df["created"]) // pd.Timedelta(milliseconds=1)
    return pd.DataFrame(
        {
            "TinyId": np.arange(1, n + 1),
            "Alias": [f"alert-{i:04d}" for i in range(n)],
            "Message": df["title"],
            "Status": "closed",
            "Acknowledged": True,
            "CreatedAt": created_ms.astype("int64"),
            "UpdatedAt": (created_ms + close_ms).astype("int64"),
            "Report.CloseTime": close_ms.astype("int64"),
            "Tags": df["labels"].where(df["labels"] == "", "env:prod"),
            "Priority": np.where(df["urgency"] == "high", "P2", "P4"),
            "Entity": df["service"],
            "Source": "RunScope",
            "Description": df["description"],
            "Teams": "platform",
        }
    )


def synthetic_deploys(weeks: int, rng: np.random.Generator) -> pd.DataFrame:
    """Weekly releases (Thursday afternoon) plus occasional hotfixes, with commit times."""
    thursdays = (
        START + pd.Timedelta(days=3, hours=15) + pd.to_timedelta(np.arange(weeks) * 7, unit="D")
    )
    hotfix = thursdays[rng.random(weeks) < 0.15] + pd.Timedelta(hours=20)
    times = pd.Series(thursdays.append(hotfix)).sort_values().reset_index(drop=True)
    n = len(times)
    lead_h = rng.lognormal(np.log(60), 0.6, size=n).round(1)
    status = rng.choice(
        ["success", "success", "success", "success", "failed", "cancelled"],
        size=n,
        p=[0.3, 0.3, 0.2, 0.12, 0.05, 0.03],
    )
    iso = "%Y-%m-%dT%H:%M:%SZ"
    return pd.DataFrame(
        {
            "id": [f"D{i + 1:04d}" for i in range(n)],
            "timestamp": times.dt.strftime(iso),
            "status": status,
            "commit_time": (times - pd.to_timedelta(lead_h, unit="h")).dt.strftime(iso),
            "service": "web",
        }
    )


def write_examples(folder: Path, seed: int = 7) -> None:
    """The bundled examples: ~200 incidents over 12 months per format, and a year of deploys."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    base = synthetic_incidents(200, 12, rng)
    generic = generic_export(base)
    generic.loc[[10, 40], "category"] = ["environment_drift", "Capacity and scale-out"]
    still_open = generic.iloc[[150]].assign(id="INC-90001", resolved_at="")
    exported_twice = generic.iloc[[3]]
    backwards = generic.iloc[[70]].assign(id="INC-90002", resolved_at="2024-01-01T00:00:00Z")
    generic = pd.concat([generic, still_open, exported_twice, backwards], ignore_index=True)
    generic = generic.sort_values("created_at", kind="stable")
    generic.to_csv(folder / "generic-incidents.csv", index=False)
    pagerduty_export(synthetic_incidents(200, 12, rng), rng).to_csv(
        folder / "pagerduty-incidents.csv", index=False
    )
    opsgenie_export(synthetic_incidents(200, 12, rng)).to_csv(
        folder / "opsgenie-alerts.csv", index=False
    )
    synthetic_deploys(52, rng).to_csv(folder / "deploys.csv", index=False)


if __name__ == "__main__":
    write_examples(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "data" / "history")
