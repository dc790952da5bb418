"""Keyword classification: whole words, case-insensitive, first listed category wins, overrides."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analyzer.errors import InputError
from analyzer.history import import_incidents
from analyzer.history.classify import (
    UNCLASSIFIED,
    classify_detail,
    classify_text,
    keyword_pattern,
    load_rules,
)

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


def test_first_listed_category_wins_a_tie() -> None:
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


def test_unmatched_incidents_are_kept_as_other(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text(
        "created_at,resolved_at,title\n"
        "2024-01-01T00:00:00Z,2024-01-01T01:00:00Z,Something odd\n"
        "2024-01-02T00:00:00Z,2024-01-02T01:00:00Z,Disk full\n"
    )
    result = import_incidents(path)
    assert result.unclassified == 1
    assert sum(result.counts().values()) == 2  # the unmatched one counts, as 'other'
    assert result.counts()[UNCLASSIFIED] == 1
    summary = result.summary()
    assert summary["category"].iloc[-1] == UNCLASSIFIED
    assert summary["incidents"].sum() == 2


# Issue 18 item 4: titles of a Rails team's PagerDuty export that matched nothing, and a
# multi-keyword title the first listed category used to take.
RAILS_TITLES = [
    ("NoMethodError in OrdersController#show", "application"),
    ("ActiveRecord::RecordNotFound on /invoices", "application"),
    ("Bundler resolved new version of pg gem", "dependency"),
    ("apt security update bumped libpq", "dependency"),
    ("AWS us-east-1 EBS degraded, db latency", "infrastructure"),
]


@pytest.mark.parametrize(("title", "expected"), RAILS_TITLES)
def test_rails_stack_titles(title: str, expected: str) -> None:
    assert classify_text(pd.Series([title])).iloc[0] == expected


def test_most_distinct_keywords_win() -> None:
    # capacity has one keyword (latency), infrastructure two (aws, ebs): infrastructure wins
    # although capacity is listed first.
    got, why = classify_detail(pd.Series(["aws ebs latency", "latency spike on ebs"]))
    assert got.tolist() == ["infrastructure", "capacity"]
    assert why.iloc[0] == "aws, ebs"


def test_own_categories_file_replaces_or_extends_keywords(tmp_path: Path) -> None:
    rules_file = tmp_path / "cats.yaml"
    rules_file.write_text(
        "categories:\n"
        "  application: {keywords: [weirdness]}\n"
        "  data: {keywords: [ledger], extend: true}\n"
    )
    rules = load_rules(rules_file)
    got = classify_text(pd.Series(["odd weirdness", "ledger broke", "disk full", "bug"]), rules)
    assert got.tolist() == ["application", "data", "data", UNCLASSIFIED]


def test_own_categories_file_with_unknown_category_is_refused(tmp_path: Path) -> None:
    rules_file = tmp_path / "cats.yaml"
    rules_file.write_text("categories:\n  nonsense: {keywords: [x]}\n")
    with pytest.raises(InputError, match="unknown category 'nonsense'"):
        load_rules(rules_file)


def test_cli_show_rows_and_json(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import json

    path = tmp_path / "x.csv"
    path.write_text(
        "created_at,resolved_at,title\n"
        "2024-01-01T00:00:00Z,2024-01-01T01:00:00Z,Something odd\n"
        "2024-03-02T00:00:00Z,2024-03-02T01:00:00Z,Disk full\n"
    )
    text = cli("history", str(path), "--show-rows")
    assert text.code == 0, text.err
    assert "Incidents as classified (2)" in text.out and "disk full" in text.out
    out = cli("history", str(path), "--format", "json", "--show-rows")
    assert out.code == 0, out.err
    doc = json.loads(out.out)
    assert [r["category"] for r in doc["rows"]] == [UNCLASSIFIED, "data"]
    assert doc["incidents"]["usable"] == 2
    assert sum(c["incidents"] for c in doc["incidents"]["by_category"]) == 2


def test_cli_spreadsheet_times_with_time_format_and_tz(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "x.csv"
    path.write_text(
        "created_at,resolved_at,title\n"
        "6/11/2024 20:22,6/11/2024 21:22,Disk full\n"
        "7/11/2024 08:00,7/11/2024 10:00,Disk full again\n"
    )
    plain = cli("history", str(path))
    assert plain.code != 0 and "--time-format" in plain.err
    ok = cli("history", str(path), "--time-format", "%m/%d/%Y %H:%M", "--tz", "Europe/Berlin",
             "--format", "json", "--show-rows")
    assert ok.code == 0, ok.err
    import json

    rows = json.loads(ok.out)["rows"]
    assert rows[0]["created"] == "2024-06-11T18:22:00Z"  # 20:22 CEST is 18:22 UTC
    bad = cli("history", str(path), "--tz", "Mars/Olympus")
    assert bad.code != 0 and "unknown time zone" in bad.err
