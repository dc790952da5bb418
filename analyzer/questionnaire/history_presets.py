"""Column presets for incident and deploy exports, read from data/history-presets.yaml.

A preset maps the importer's logical fields (``created``, ``resolved``, ``title``...) to the column
names of one export, with its time format. ``--columns k=v`` (or ``incidents.history.columns``)
overrides single entries; ``parse_column_args`` turns the command-line form into a mapping.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

from analyzer._io.paths import data_dir
from analyzer._io.yamlio import load_yaml
from analyzer.errors import InputError, Problem, did_you_mean

PRESETS_FILE = "history-presets.yaml"


@dataclass(frozen=True)
class Preset:
    """Where each logical field lives in one export, and how its times are written."""

    name: str
    columns: dict[str, str]
    time_format: str = "ISO8601"
    assume_timezone: str = "UTC"
    duration_unit: str = "s"
    description: str = ""
    statuses: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def with_columns(self, overrides: Mapping[str, str], *, source: str = "--columns") -> Preset:
        """A copy with some columns remapped; unknown logical fields are an InputError."""
        known = set(self.columns) | set(_raw()["incident_fields"]) | set(_raw()["deploy_fields"])
        problems = [
            Problem(
                source,
                f"unknown field '{key}'{did_you_mean(key, known)}; "
                f"known: {', '.join(sorted(known))}",
                field=key,
            )
            for key in overrides
            if key not in known
        ]
        if problems:
            raise InputError(problems)
        return replace(self, columns={**self.columns, **dict(overrides)})


@cache
def _raw() -> dict[str, Any]:
    data = load_yaml(data_dir() / PRESETS_FILE).data
    return dict(data)


def incident_fields() -> dict[str, str]:
    """Logical incident fields and what each means."""
    return dict(_raw()["incident_fields"])


def window_mismatch_ratio() -> float:
    """Below this shorter/longer ratio of the deploy and incident windows, warn (judgement)."""
    return float(_raw()["window_mismatch_ratio"])


def incident_formats() -> tuple[str, ...]:
    """Names of the incident presets (generic, pagerduty, opsgenie...)."""
    return tuple(_raw()["incident_presets"])


def incident_preset(name: str) -> Preset:
    """The named incident preset; an unknown name is an InputError."""
    presets = _raw()["incident_presets"]
    if name not in presets:
        raise InputError(
            [
                Problem(
                    "--format",
                    f"unknown format '{name}'{did_you_mean(name, presets)}; "
                    f"known: {', '.join(presets)}",
                )
            ]
        )
    entry = presets[name]
    return Preset(
        name=name,
        columns=dict(entry["columns"]),
        time_format=str(entry.get("time_format", "ISO8601")),
        assume_timezone=str(entry.get("assume_timezone", "UTC")),
        duration_unit=str(entry.get("duration_unit", "s")),
        description=str(entry.get("description", "")),
    )


def deploy_preset() -> Preset:
    """The deploy CSV preset, with the status words of each deploy kind."""
    entry = _raw()["deploys"]
    statuses = {
        kind: tuple(str(s).lower() for s in words) for kind, words in entry["statuses"].items()
    }
    return Preset(
        name="deploys",
        columns=dict(entry["columns"]),
        time_format=str(entry.get("time_format", "ISO8601")),
        assume_timezone=str(entry.get("assume_timezone", "UTC")),
        statuses=statuses,
    )


def with_times(preset: Preset, time_format: str | None, timezone: str | None) -> Preset:
    """A copy with the time format and the zone for offset-less times overridden (None: keep).

    An unknown zone name is an InputError (zones are IANA names, e.g. Europe/Berlin, UTC).
    """
    if timezone is not None:
        import zoneinfo

        try:
            zoneinfo.ZoneInfo(timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise InputError(
                [Problem("--tz", f"unknown time zone '{timezone}' (an IANA name, e.g. "
                         "Europe/Berlin, America/New_York or UTC)")]
            ) from None
    return replace(
        preset,
        time_format=time_format or preset.time_format,
        assume_timezone=timezone or preset.assume_timezone,
    )


def parse_column_args(pairs: Iterable[str]) -> dict[str, str]:
    """``["created=opened_at", "title=Summary"]`` -> ``{"created": "opened_at", ...}``."""
    mapping: dict[str, str] = {}
    problems: list[Problem] = []
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip() or not value.strip():
            problems.append(
                Problem("--columns", f"'{pair}' is not FIELD=COLUMN (e.g. created=opened_at)")
            )
            continue
        mapping[key.strip()] = value.strip()
    if problems:
        raise InputError(problems)
    return mapping
