"""Import an incident export (generic CSV, PagerDuty, Opsgenie), check it and classify it.

Fatal (InputError, nothing imported): unreadable file, unknown format or field, a required column
missing, no usable row at all. Row problems are warnings: the row is excluded and listed with its
line number and reason -- empty or unparsable times, resolved before created, a time without a UTC
offset in a file whose other times have one (mixed time zones), a repeated id (or, without ids, a
repeated created time + title + service), a row with more or fewer fields than the header (empty
fields after the last column, a trailing comma, are ignored). Unknown ``category`` values are
listed too, and the row is classified by the keywords instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from analyzer.errors import InputError, Problem, closest
from analyzer.history.classify import (
    UNCLASSIFIED,
    Rules,
    classify_detail,
    default_rules,
    resolve_category_names,
)
from analyzer.history.table import (
    LINE,
    ExportTable,
    Quoted,
    Reasons,
    missing_columns,
    no_usable_rows,
    parse_times,
    quoted,
    read_table,
)
from analyzer.questionnaire.form import incident_categories
from analyzer.questionnaire.history_presets import Preset, incident_preset, with_times

DAYS_PER_MONTH = 365.25 / 12
_DURATION_HOURS = {"ms": 1 / 3_600_000, "s": 1 / 3600, "min": 1 / 60, "h": 1.0}
TEXT_FIELDS = ("title", "description", "labels")


@dataclass(frozen=True)
class IncidentImport:
    """The usable incidents of one export, the rows excluded and why, and notes.

    ``incidents`` columns: line, id, created, resolved (UTC), restore_hours, category,
    classified_by ('keywords', 'column' or 'no match'), matched (the keywords that decided it),
    service, title.
    ``excluded`` and ``notes`` columns: line, reason / line, note.
    """

    source: str
    format: str
    rows_read: int
    incidents: pd.DataFrame
    excluded: pd.DataFrame
    notes: pd.DataFrame

    @property
    def categories(self) -> list[str]:
        return list(incident_categories())

    def counts(self) -> dict[str, int]:
        """Incidents per model category, every category present (0 if none), ``other`` included."""
        found = self.incidents["category"].value_counts()
        return {c: int(found.get(c, 0)) for c in self.categories}

    @property
    def unclassified(self) -> int:
        """Incidents no keyword matched (counted in ``other``, which the model uses)."""
        return int((self.incidents["classified_by"] == "no match").sum())

    def span_months(self) -> float:
        """Months between the first and the last incident opened (0 for a single incident)."""
        created = self.incidents["created"]
        if created.empty:
            return 0.0
        days = (created.max() - created.min()) / pd.Timedelta(days=1)
        return float(days) / DAYS_PER_MONTH

    def summary(self) -> pd.DataFrame:
        """Per category, then unclassified: incidents, share, median and P90 hours to restore."""
        labels = {k: str(v.get("label", k)) for k, v in incident_categories().items()}
        order = list(dict.fromkeys([*self.categories, UNCLASSIFIED]))
        labels.setdefault(UNCLASSIFIED, "Other (no keyword matched)")
        grouped = self.incidents.groupby("category", observed=True)["restore_hours"]
        stats = pd.DataFrame(
            {
                "incidents": grouped.size(),
                "median_restore_hours": grouped.median(),
                "p90_restore_hours": grouped.quantile(0.9),
            }
        ).reindex(order)
        stats["incidents"] = stats["incidents"].fillna(0).astype(int)
        total = max(int(stats["incidents"].sum()), 1)
        out = pd.DataFrame(
            {
                "category": order,
                "label": [labels[c] for c in order],
                "incidents": stats["incidents"].to_numpy(),
                "share": stats["incidents"].to_numpy() / total,
                "median_restore_hours": stats["median_restore_hours"].to_numpy(),
                "p90_restore_hours": stats["p90_restore_hours"].to_numpy(),
            }
        )
        return out


def _texts(frame: pd.DataFrame, mapping: Mapping[str, str], present: list[str]) -> pd.Series:
    parts = [frame[mapping[f]] for f in TEXT_FIELDS if mapping.get(f) in present]
    if not parts:
        return pd.Series("", index=frame.index, dtype=object)
    text = parts[0].astype(str)
    for part in parts[1:]:
        text = text + " | " + part.astype(str)
    return text


#: Incidents opened before this (the Unix epoch) or more than a day after now are placeholders
#: or typos (year 1, 9999), and would stretch the observed window to millennia.
EARLIEST_INCIDENT = pd.Timestamp("1970-01-01", tz="UTC")
FUTURE_TOLERANCE = pd.Timedelta(days=1)


def _implausible(times: pd.Series) -> NDArray[np.bool_]:
    """Which UTC times are before EARLIEST_INCIDENT or beyond now + FUTURE_TOLERANCE."""
    latest = pd.Timestamp.now(tz="UTC") + FUTURE_TOLERANCE
    return ((times < EARLIEST_INCIDENT) | (times > latest)).fillna(False).to_numpy(dtype=bool)


def _check_columns(table: ExportTable, preset: Preset) -> tuple[str, list[Problem]]:
    """Which end-of-incident field to use ('resolved' or 'duration') and the fatal problems."""
    cols = preset.columns
    present = table.columns
    end = "resolved"
    if cols.get("resolved") not in present and cols.get("duration") in present:
        end = "duration"
    hint = "map it with --columns (or incidents.history.columns)"
    problems = missing_columns(table, cols, ("created", end), hint=hint)
    if problems and problems[0].field is None:  # not an export at all: say nothing more
        return end, problems
    if not any(cols.get(f) in present for f in (*TEXT_FIELDS, "category")):
        wanted = ", ".join(f"{f} ('{cols[f]}')" for f in (*TEXT_FIELDS, "category") if f in cols)
        problems.append(
            Problem(
                table.name,
                f"no column to classify incidents on: expected one of {wanted}; "
                f"{hint} title=COLUMN",
                1,
                None,
                "title",
            )
        )
    return end, problems


def import_incidents(
    path: str | Path,
    fmt: str = "generic",
    columns: Mapping[str, str] | None = None,
    *,
    rules: Rules | None = None,
    time_format: str | None = None,
    timezone: str | None = None,
    explain: bool = False,
) -> IncidentImport:
    """Read, check and classify an incident export; see the module docstring for what is fatal.

    ``time_format`` (ISO8601, epoch_s, epoch_ms or a strftime pattern such as
    ``%m/%d/%Y %H:%M`` for a spreadsheet re-save) and ``timezone`` (an IANA name such as
    ``America/New_York``, for times without an offset) override the preset's. ``explain`` fills
    the ``matched`` column with the keywords that decided each row (``history --show-rows``).
    """
    preset = with_times(incident_preset(fmt).with_columns(columns or {}), time_format, timezone)
    table = read_table(Path(path), what="incident export")
    end, problems = _check_columns(table, preset)
    if problems:
        raise InputError(problems)
    cols, present, frame = preset.columns, table.columns, table.frame
    name = f"{fmt} export"

    def col(field: str) -> pd.Series:
        c = cols.get(field)
        return frame[c] if c in present else pd.Series("", index=frame.index, dtype=object)

    reasons = Reasons(table.lines)
    created = parse_times(col("created"), preset.time_format, preset.assume_timezone)
    reasons.add(created.empty, "created time is empty")
    reasons.add(
        created.bad,
        "cannot read created time ",
        Quoted(col("created")),
        f" (expected {preset.time_format} as in the {name}; a spreadsheet re-save needs "
        "e.g. --time-format '%m/%d/%Y %H:%M')",
    )
    implausible = _implausible(created.utc) & ~(created.empty | created.bad)
    reasons.add(
        implausible,
        "created time ",
        Quoted(col("created")),
        f" is before {EARLIEST_INCIDENT.year} or in the future (a placeholder date?)",
    )
    offsets = created.has_offset
    notes: list[pd.DataFrame] = []
    if end == "resolved":
        resolved_t = parse_times(col("resolved"), preset.time_format, preset.assume_timezone)
        reasons.add(resolved_t.empty, "not resolved (resolved time is empty)")
        reasons.add(
            resolved_t.bad,
            "cannot read resolved time ",
            Quoted(col("resolved")),
            f" (expected {preset.time_format})",
        )
        resolved = resolved_t.utc
        dated = ~(created.empty | created.bad | resolved_t.empty | resolved_t.bad)
        aware_any = bool(offsets.any() or resolved_t.has_offset.any())
        naive_row = (~created.has_offset & ~created.empty) | (
            ~resolved_t.has_offset & ~resolved_t.empty
        )
    else:
        raw = col("duration").astype(str).str.strip()
        amount = pd.to_numeric(raw.where(raw != ""), errors="coerce")
        reasons.add((raw == "").to_numpy(), "not resolved (close time is empty)")
        reasons.add((amount.isna() & (raw != "")).to_numpy(), "cannot read duration ", Quoted(raw))
        hours = amount * _DURATION_HOURS.get(preset.duration_unit, 1 / 3600)
        resolved = created.utc + pd.to_timedelta(hours, unit="h")
        dated = ~(created.empty | created.bad) & amount.notna().to_numpy()
        aware_any = bool(offsets.any())
        naive_row = ~created.has_offset & ~created.empty
    if aware_any:
        mixed = naive_row & dated
        reasons.add(
            mixed,
            "time has no UTC offset while other rows have one (mixed time zones); "
            "add the offset or export all times in one zone",
        )
    elif dated.any():
        notes.append(
            pd.DataFrame(
                {
                    LINE: [None],
                    "note": [f"times carry no UTC offset; read as {preset.assume_timezone}"],
                }
            )
        )
    restore = (resolved - created.utc) / pd.Timedelta(hours=1)
    backwards = dated & (restore.to_numpy() < 0)
    reasons.add(
        backwards,
        "resolved before created (",
        col("resolved" if end == "resolved" else "duration").astype(str),
        " < ",
        col("created").astype(str),
        ")",
    )

    if cols.get("id") in present:
        _flag_duplicates(
            table.lines, col("id").astype(str).str.strip(), "same id", reasons, show_key=True
        )
    else:
        key = (
            col("created").astype(str).str.strip()
            + "\x1f"
            + col("title").astype(str).str.strip()
            + "\x1f"
            + col("service").astype(str).str.strip()
        )
        _flag_duplicates(
            table.lines, key, "same created time, title and service", reasons, show_key=False
        )

    usable = ~reasons.bad
    category = pd.Series(UNCLASSIFIED, index=frame.index, dtype=object)
    by = pd.Series("keywords", index=frame.index, dtype=object)
    matched = pd.Series("", index=frame.index, dtype=object)
    rules = rules or default_rules()
    found, why = classify_detail(_texts(frame[usable], cols, present), rules, explain=explain)
    category[usable] = found
    matched[usable] = why
    by[usable & (category == UNCLASSIFIED).to_numpy()] = "no match"
    if cols.get("category") in present:
        keys, unknown = resolve_category_names(col("category"), rules)
        given = (keys != "").to_numpy() & usable
        category[given] = keys[given]
        by[given] = "column"
        matched[given] = ""
        unknown_rows = unknown.to_numpy() & usable
        if unknown_rows.any():
            given_names = col("category")[unknown_rows].astype(str).str.strip()
            known = f" (known: {', '.join([*rules.categories, UNCLASSIFIED])})"
            hints = {
                v: _did_you_mean(v.lower(), rules.names) or known for v in given_names.unique()
            }
            notes.append(
                pd.DataFrame(
                    {
                        LINE: table.lines[unknown_rows].to_numpy(),
                        "note": (
                            "unknown category "
                            + quoted(given_names)
                            + given_names.map(hints)
                            + "; classified by keywords as "
                            + category[unknown_rows].astype(str)
                        ).to_numpy(),
                    }
                )
            )

    incidents = pd.DataFrame(
        {
            LINE: table.lines[usable].to_numpy(dtype=np.int64),
            "id": col("id")[usable].to_numpy(),
            "created": created.utc[usable].reset_index(drop=True),
            "resolved": resolved[usable].reset_index(drop=True),
            "restore_hours": restore[usable].to_numpy(dtype=np.float64),
            "category": category[usable].to_numpy(),
            "classified_by": by[usable].to_numpy(),
            "matched": matched[usable].to_numpy(),
            "service": col("service")[usable].astype(str).str.strip().to_numpy(),
            "title": col("title")[usable].to_numpy(),
        }
    )
    excluded = pd.concat([table.unreadable, reasons.excluded()], ignore_index=True)
    excluded = excluded.sort_values(LINE, kind="stable").reset_index(drop=True)
    note_frame = (
        pd.concat(notes, ignore_index=True) if notes else pd.DataFrame({LINE: [], "note": []})
    )
    result = IncidentImport(
        source=Path(path).name,
        format=fmt,
        rows_read=len(frame) + len(table.unreadable),
        incidents=incidents,
        excluded=excluded,
        notes=note_frame,
    )
    if incidents.empty:
        raise InputError(no_usable_rows(table.name, "incident", excluded))
    return result


def _did_you_mean(word: str, names: Mapping[str, str]) -> str:
    """The suggestion for ``word`` among the keys of ``names``, spelled as ``names`` maps it."""
    match = closest(word, names)
    return f" (did you mean '{names[match]}'?)" if match else ""


def _flag_duplicates(
    lines: pd.Series, key: pd.Series, what: str, reasons: Reasons, *, show_key: bool
) -> None:
    """Exclude later copies of a row among otherwise usable rows, naming the first copy's line.

    ``key`` identifies a row ('' = cannot tell, never a duplicate); ``what`` says what matched;
    ``show_key`` quotes the key (an id) in the message.
    """
    lines = lines.reset_index(drop=True)
    key = key.reset_index(drop=True)
    ok = ~reasons.bad & (key != "").to_numpy()
    candidates = pd.DataFrame({"key": key[ok], LINE: lines[ok]})
    dup = candidates.duplicated("key", keep="first")
    if not dup.any():
        return
    first_line = candidates.groupby("key", sort=False)[LINE].transform("first")
    mask = np.zeros(len(key), dtype=bool)
    mask[np.flatnonzero(ok)[dup.to_numpy()]] = True
    message = pd.Series("", index=key.index, dtype=object)
    detail = what + " " + quoted(key[mask]) if show_key else what
    message[mask] = (
        "duplicate of line " + first_line[dup].astype(str) + " (" + detail + ")"
    ).to_numpy()
    reasons.add(mask, message)
