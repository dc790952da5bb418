"""Keyword classification: whole words, case-insensitive, first listed category wins, overrides."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analyzer.history import import_incidents
from analyzer.history.classify import UNCLASSIFIED, classify_text, keyword_pattern

# Titles of the kind small teams write, with the category a person would give them.
TITLES = [
    ("Works in staging, fails in production: locale settings differ", "environment_drift"),
    ("Config drift on web-3 after a hand-edited httpd.conf", "environment_drift"),
    ("New instance missing package python3-gdal after scale up", "environment_drift"),
    ("Release 4.12 broke the checkout page, rolled back", "failed_deploy"),
    ("pip install --upgrade during deploy left half-upgraded virtualenv", "failed_deploy"),
    ("Celery workers crash after kombu upgrade via pip", "dependency"),
    ("AMI update changed glibc, mod_wsgi segfaults", "dependency"),
    ("Autoscaling too slow: new instances took 6 minutes to boot", "capacity"),
    ("Celery queue backlog, tasks delayed 40 minutes", "capacity"),
    ("OOM on worker nodes", "capacity"),
    ("TLS certificate expired on api.example.com", "configuration"),
    ("Missing environment variable for S3 bucket name", "configuration"),
    ("MongoDB replica set lost primary", "data"),
    ("Disk full on mongodb-1", "data"),
    ("AWS EC2 instance retired by provider", "infrastructure"),
    ("Load balancer health checks failing", "infrastructure"),
    ("HTTP 500 on profile page", "application"),
    ("TypeError in payment webhook handler", "application"),
    ("Customer reports odd behaviour on dashboard", UNCLASSIFIED),
]


@pytest.mark.parametrize(("title", "expected"), TITLES)
def test_realistic_titles(title: str, expected: str) -> None:
    assert classify_text(pd.Series([title])).iloc[0] == expected


def test_whole_words_only() -> None:
    got = classify_text(pd.Series(["lazy concert", "az outage", "certificate", "deployments"]))
    assert got.iloc[0] == UNCLASSIFIED  # neither 'az' nor 'cert' inside longer words
    assert got.iloc[1] == "infrastructure"
    assert got.iloc[2] == "configuration"
    assert got.iloc[3] == UNCLASSIFIED  # 'deployments' is not 'deploy'/'deployment'


def test_case_insensitive_and_separator_tolerant() -> None:
    got = classify_text(pd.Series(["SCALE_OUT too slow", "Scale-Out too slow", "Rolled   Back"]))
    assert got.tolist() == ["capacity", "capacity", "failed_deploy"]


def test_first_listed_category_wins() -> None:
    # 'deploy' (failed_deploy) and 'dependency' both match; failed_deploy is listed first.
    assert classify_text(pd.Series(["deploy pulled a new dependency"])).iloc[0] == "failed_deploy"
    # 'drift' (environment_drift, listed first) beats 'config' (configuration).
    assert classify_text(pd.Series(["config drift"])).iloc[0] == "environment_drift"


def test_keyword_pattern_handles_non_word_ends() -> None:
    import re

    pattern = re.compile(keyword_pattern(["c++", "scale out"]))
    assert pattern.search("c++ build broke")
    assert not pattern.search("xc++y")
    assert pattern.search("scale_out")


def test_labels_and_description_are_searched(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text(
        "created_at,resolved_at,title,description,labels\n"
        "2024-01-01T00:00:00Z,2024-01-01T01:00:00Z,Page,nothing here,dns\n"
        "2024-01-02T00:00:00Z,2024-01-02T01:00:00Z,Page,the backup failed,\n"
    )
    assert import_incidents(path).incidents["category"].tolist() == ["configuration", "data"]


def test_category_column_overrides_rules_and_unknown_values_are_listed(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text(
        "created_at,resolved_at,title,category\n"
        "2024-01-01T00:00:00Z,2024-01-01T01:00:00Z,Deploy broke it,Application bug\n"
        "2024-01-02T00:00:00Z,2024-01-02T01:00:00Z,Deploy broke it,DATA\n"
        "2024-01-03T00:00:00Z,2024-01-03T01:00:00Z,Deploy broke it,aplication\n"
        "2024-01-04T00:00:00Z,2024-01-04T01:00:00Z,Deploy broke it,\n"
    )
    result = import_incidents(path)
    assert result.incidents["category"].tolist() == [
        "application",
        "data",
        "failed_deploy",
        "failed_deploy",
    ]
    assert result.incidents["classified_by"].tolist() == [
        "column",
        "column",
        "keywords",
        "keywords",
    ]
    notes = result.notes
    assert notes["line"].tolist() == [4]
    assert "did you mean 'application'" in notes["note"].iloc[0]


def test_unclassified_is_counted_apart(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text(
        "created_at,resolved_at,title\n"
        "2024-01-01T00:00:00Z,2024-01-01T01:00:00Z,Something odd\n"
        "2024-01-02T00:00:00Z,2024-01-02T01:00:00Z,Disk full\n"
    )
    result = import_incidents(path)
    assert result.unclassified == 1
    assert sum(result.counts().values()) == 1
    summary = result.summary()
    assert summary["category"].iloc[-1] == UNCLASSIFIED
    assert summary["incidents"].sum() == 2
