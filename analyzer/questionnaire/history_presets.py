"""Column presets for incident and deploy exports, read from data/history-presets.yaml.

A preset maps the importer's logical fields (``created``, ``resolved``, ``title``...) to the column
names of one export, with its time format. ``--columns k=v`` (or ``incidents.history.columns``)
overrides single entries; ``parse_column_args`` turns the command-line form into a mapping.
"""

from __future__ import annotations

import re
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


def incident_preset(name: str, *, option: str = "format") -> Preset:
    """The named incident preset; an unknown name is an InputError naming ``option`` (the
    ``format`` of import_incidents and the questionnaire, ``--preset`` on the command line)."""
    presets = _raw()["incident_presets"]
    if name not in presets:
        raise InputError(
            [
                Problem(
                    option,
                    f"unknown export preset '{name}'{did_you_mean(name, presets)}; "
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


#: Time formats named by a word rather than a strftime pattern (ISO8601 in any case).
ISO8601 = "ISO8601"
EPOCH_UNITS = ("epoch_s", "epoch_ms")
#: Directives that stand for several others (a pattern repeating one of theirs is refused).
_COMPOSITE_DIRECTIVES = ("%c", "%x", "%X")
_REPEATED_GROUP = re.compile(r"redefinition of group name '(\w+)'")


def time_format_problem(time_format: str) -> str | None:
    """Why ``time_format`` cannot read times (None when it can): ISO8601, epoch_s, epoch_ms or a
    strftime pattern that pandas compiles -- no unknown directive (``%Q``), stray ``%``, repeated
    directive (``%z%z``) or ISO year without its week and weekday -- and that has a directive.

    pandas is imported only for a pattern (a questionnaire naming one reads an export anyway).
    """
    if time_format.upper() == ISO8601 or time_format in EPOCH_UNITS:
        return None
    example = "e.g. '%m/%d/%Y %H:%M', or ISO8601, epoch_s or epoch_ms"
    if "%" not in time_format.replace("%%", ""):
        return f"not a valid strftime pattern (no %-directive in '{time_format}'; {example})"
    import pandas as pd

    try:  # pandas compiles the pattern before it matches any text, even when coercing errors
        pd.to_datetime(pd.Series(["0"]), format=time_format, errors="coerce")
    except re.error as exc:
        repeated = _REPEATED_GROUP.search(str(exc))
        why = f"%{repeated.group(1)} is given twice" if repeated else str(exc)
        if repeated and any(d in time_format for d in _COMPOSITE_DIRECTIVES):
            why += "; %c, %x and %X stand for several directives"
        return f"not a valid strftime pattern ({why}; {example})"
    except ValueError as exc:
        return f"not a valid strftime pattern ({str(exc).rstrip('.')}; {example})"
    return None


def timezone_problem(timezone: str) -> str | None:
    """Why ``timezone`` is not a time zone (None when it is one): an IANA name zoneinfo knows."""
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder (Europe)
        return (
            f"unknown time zone '{timezone}' (an IANA name, e.g. Europe/Berlin, "
            "America/New_York or UTC)"
        )
    return None


def check_times(
    time_format: str | None,
    timezone: str | None,
    *,
    names: tuple[str, str] = ("time_format", "timezone"),
) -> None:
    """Raise one InputError for a time format or a zone that cannot be used (None: not given);
    ``names`` are how the caller calls the two (``--time-format``, ``--tz`` on the command line).
    """
    problems = [
        Problem(name, why)
        for name, value, check in zip(
            names, (time_format, timezone), (time_format_problem, timezone_problem), strict=True
        )
        if value is not None and (why := check(value)) is not None
    ]
    if problems:
        raise InputError(problems)


def with_times(preset: Preset, time_format: str | None, timezone: str | None) -> Preset:
    """A copy with the time format and the zone for offset-less times overridden (None: keep).

    A pattern that cannot read times or an unknown zone name is an InputError (``check_times``;
    the command line and the questionnaire check them first, naming the option or the field).
    """
    check_times(time_format, timezone)
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
