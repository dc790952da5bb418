"""Reading export CSVs as text tables that remember each row's line number, and parsing their times.

Line numbers are those an editor shows: a quoted field that spans lines moves every later row down,
so they are computed from the file's bytes (a newline ends a record only outside quotes), not from
the row index. Rows with too many fields are excluded and listed, never dropped silently.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from analyzer._io.safeio import describe_encoding, read_bytes_limited
from analyzer.errors import InputError, Problem, closest
from analyzer.questionnaire.history_presets import EPOCH_UNITS, ISO8601

MAX_CSV_BYTES = 200_000_000
LINE = "line"  # column holding each row's line number in the file
_SKIPPED = re.compile(r"Skipping line (\d+): (.*)")
_SAW = re.compile(r"saw (\d+)")
MAX_LISTED = 20  # excluded rows listed in a fatal error before "... and N more"
_OFFSET = re.compile(r"(?:[zZ]|[+-]\d\d:?\d\d)\s*$")


@dataclass(frozen=True)
class ExportTable:
    """A CSV's rows as strings ('' when empty), the line each starts on, and unreadable rows.

    The lines are kept beside the rows, not in a column of theirs: an export may have a column
    of any name, ``line`` included.
    """

    name: str
    frame: pd.DataFrame
    lines: pd.Series  # the line of each row of ``frame`` (same index)
    unreadable: pd.DataFrame  # columns: line, reason

    @property
    def columns(self) -> list[str]:
        return list(self.frame.columns)


def _decode(path: Path, what: str) -> str:
    name = str(path)
    raw = read_bytes_limited(path, max_bytes=MAX_CSV_BYTES, what=what)
    encoding = describe_encoding(raw)
    if encoding is not None:
        raise InputError([Problem(name, f"the {what} is {encoding} text; save it as UTF-8")])
    if b"\x00" in raw[:65536]:
        raise InputError([Problem(name, f"the {what} is binary, not CSV text")])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            [Problem(name, f"not valid UTF-8 text (byte {exc.start:,})", line)]
        ) from None


def record_layout(text: str | bytes) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The 1-based line on which each CSV record starts (header first) and its number of fields,
    quote-aware, vectorised over the file's newlines, quotes and commas only.

    A newline ends a record, and a comma separates fields, when an even number of '"' precede
    it (RFC 4180: "" escapes a quote); a record has one field more than such commas.
    """
    data = text.encode("utf-8") if isinstance(text, str) else text
    raw = np.frombuffer(data, dtype=np.uint8)
    special = np.flatnonzero((raw == ord("\n")) | (raw == ord('"')) | (raw == ord(",")))
    kind = raw[special]
    quote = kind == ord('"')
    newline = kind == ord("\n")
    outside = (np.cumsum(quote) - quote) % 2 == 0
    ends = outside & newline
    newlines_so_far = np.cumsum(newline)
    # A record starts after each record-ending newline, except one at the very end of the file.
    starts_a_record = ends.copy()
    starts_a_record[ends] = special[ends] + 1 < raw.size
    lines = np.concatenate([np.ones(1, dtype=np.int64), newlines_so_far[starts_a_record] + 1])
    separators = outside & (kind == ord(","))
    record = np.cumsum(ends)[separators]
    fields = np.bincount(record, minlength=lines.size) + 1
    return lines.astype(np.int64), fields.astype(np.int64)


def record_lines(text: str) -> NDArray[np.int64]:
    """1-based line on which each CSV record starts (header first); see ``record_layout``."""
    return record_layout(text)[0]


def record_fields(text: str) -> NDArray[np.int64]:
    """Number of fields of each CSV record (header first); see ``record_layout``."""
    return record_layout(text)[1]


#: Name of the column that catches a field beyond the header's (a trailing comma leaves it empty).
_EXTRA = "\x00beyond the header"


def _ragged(fields: int, header: int) -> str:
    return f"the row has {fields} fields, the header has {header}"


def _ragged_unknown(header: int) -> str:
    return f"the row has more fields than the header's {header}"


def _read_csv(
    data: bytes, name: str, what: str
) -> tuple[pd.DataFrame, list[warnings.WarningMessage]]:
    """Every record as strings, the header row first, in the header's columns plus ``_EXTRA``
    (read with index_col=False: pandas would otherwise take the first column as an index when
    rows end in a comma, shifting every value one column left), and pandas' warnings (a row
    with more fields than that is skipped and said in one)."""
    options: dict[str, Any] = {
        "dtype": str, "keep_default_na": False, "skip_blank_lines": False, "engine": "c",
        "index_col": False,
    }
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            header = pd.read_csv(io.BytesIO(data), nrows=0, **options).columns
            frame = pd.read_csv(
                io.BytesIO(data),
                header=None,
                names=[*header, _EXTRA],
                on_bad_lines="warn",
                **options,
            )
        except pd.errors.EmptyDataError:
            raise InputError([Problem(name, f"the {what} has no header row", 1)]) from None
        except (pd.errors.ParserError, csv.Error, ValueError) as exc:
            raise InputError([Problem(name, f"not a readable CSV: {exc}")]) from None
    return frame.fillna(""), list(caught)


def read_table(path: Path, *, what: str = "CSV file") -> ExportTable:
    """Read a CSV as strings; every row gets its line number; malformed rows are listed.

    A row with more or fewer fields than the header is excluded (its values cannot be told
    apart); empty fields after the header's last column (a trailing comma) are ignored.
    """
    name = str(path)
    text = _decode(path, what)
    if not text.strip():
        raise InputError([Problem(name, f"the {what} is empty; expected a header row and data", 1)])
    data = text.encode("utf-8")  # pandas reads UTF-8 bytes faster than text
    frame, caught = _read_csv(data, name, what)
    width = frame.shape[1] - 1  # the header's fields; the last column is _EXTRA
    frame.columns = [*(str(c).strip() for c in frame.columns[:-1]), _EXTRA]
    records, fields = record_layout(data)
    skipped: dict[int, str] = {}
    for warning in caught:
        for m in _SKIPPED.finditer(str(warning.message)):
            seen = _SAW.search(m.group(2))
            skipped[int(m.group(1))] = (
                _ragged(int(seen.group(1)), width) if seen else f"malformed row: {m.group(2).strip()}"
            )
    # pandas numbers records from 1 (the header, row 0 here); map them to physical lines.
    record_no = np.arange(1, records.size + 1)
    kept = ~np.isin(record_no, list(skipped))
    rows = len(frame)
    count = np.full(rows, width, dtype=np.int64)  # unknown when the layout is unexpected
    if int(kept.sum()) == rows:
        lines = records[kept]
        count = fields[kept]
    elif int(kept.sum()) > rows:
        lines = records[kept][:rows]
    else:  # unexpected layout (e.g. a lone '\r' line ending): fall back to row order
        lines = np.arange(1, rows + 1)
    below_header = np.arange(rows) > 0
    blank = (frame == "").all(axis=1).to_numpy()
    ragged = below_header & ((frame[_EXTRA] != "").to_numpy() | ((count < width) & ~blank))
    unreadable = pd.DataFrame(
        {
            LINE: np.array(
                [
                    *(int(records[r - 1]) if r - 1 < records.size else r for r in sorted(skipped)),
                    *lines[ragged],
                ],
                dtype=np.int64,
            ),
            "reason": pd.Series(
                [
                    *(skipped[r] for r in sorted(skipped)),
                    *(
                        _ragged(int(n), width) if n != width else _ragged_unknown(width)
                        for n in count[ragged]
                    ),
                ],
                dtype=object,
            ),
        }
    )
    unreadable = unreadable.sort_values(LINE, kind="stable").reset_index(drop=True)
    usable = below_header & ~blank & ~ragged
    frame = frame.loc[usable, frame.columns[:-1]].reset_index(drop=True)
    return ExportTable(name, frame, pd.Series(lines[usable], name=LINE), unreadable)


def no_usable_rows(name: str, what: str, excluded: pd.DataFrame, left_out: str = "") -> list[Problem]:
    """The fatal problems of an export without one usable row: a headline, then each excluded
    row's line and reason (the first MAX_LISTED). ``left_out`` says why other rows were not
    used though not excluded (e.g. "2 cancelled or skipped runs, not deploys")."""
    if excluded.empty:
        why = f"its rows are {left_out}" if left_out else "no data rows below the header"
        return [Problem(name, f"no usable {what}: {why}")]
    besides = f" ({left_out} besides)" if left_out else ""
    rows = excluded.head(MAX_LISTED)
    problems = [
        Problem(name, f"no usable {what}: every row was excluded{besides}; the reasons follow")
    ]
    problems += [Problem(name, str(r.reason), int(r.line)) for r in rows.itertuples()]
    more = len(excluded) - len(rows)
    if more > 0:
        problems.append(Problem(name, f"... and {more} more excluded row(s)"))
    return problems


_COLUMN_NAME = re.compile(r"[\w .()#%/-]{1,60}")


def _looks_like_a_header(present: list[str], mapping: dict[str, str]) -> bool:
    """Whether a first line may be shown back: it names a column we know, or it is at least two
    short names of the kind spreadsheets and exports use (not ``root:x:0:0:...``, a key, or
    ``SECRET=...``)."""
    known = {c.lower() for c in mapping.values() if c}
    if any(c.lower() in known for c in present):
        return True
    return len(present) >= 2 and all(_COLUMN_NAME.fullmatch(c) for c in present)


def missing_columns(
    table: ExportTable, mapping: dict[str, str], required: tuple[str, ...], *, hint: str
) -> list[Problem]:
    """A located problem per required field whose column is not in the header."""
    problems = []
    present = table.columns
    if not _looks_like_a_header(present, mapping):
        # Not an export's header (a questionnaire may name any file: /etc/passwd, a key, a
        # .env): none of its text is repeated back.
        expected = ", ".join(f"'{mapping[f]}'" for f in required if f in mapping)
        return [
            Problem(
                table.name,
                "not a recognised CSV export: its first line is not a row of column names "
                f"(expected columns such as {expected}); {hint} FIELD=COLUMN",
                1,
            )
        ]
    for fld in required:
        column = mapping.get(fld)
        if column is None or column in present:
            continue
        match = next((c for c in present if c.lower() == column.lower()), None)
        match = match or closest(column, present)
        suggestion = f" (found '{match}')" if match else ""
        problems.append(
            Problem(
                table.name,
                f"missing column '{column}' for {fld}{suggestion}; columns are: "
                f"{', '.join(present)}; {hint} {fld}=COLUMN",
                1,
                None,
                fld,
            )
        )
    return problems


@dataclass(frozen=True)
class ParsedTimes:
    """UTC times (NaT where empty or unparsable) and whether each cell carried a UTC offset."""

    utc: pd.Series
    empty: NDArray[np.bool_]
    bad: NDArray[np.bool_]
    has_offset: NDArray[np.bool_]


def parse_times(raw: pd.Series, time_format: str, assume_timezone: str) -> ParsedTimes:
    """Parse a text column of timestamps to UTC, vectorised.

    ``time_format`` is ``ISO8601``, ``epoch_s``, ``epoch_ms`` or a strftime pattern. Cells without a
    UTC offset are read in ``assume_timezone``; ``has_offset`` says which cells had one, so callers
    can refuse files that mix the two.
    """
    text = raw.astype(str).str.strip()
    empty = (text == "").to_numpy()
    index = text.index
    if time_format in EPOCH_UNITS:
        numbers = pd.Series(pd.to_numeric(text.where(~empty), errors="coerce"), index=index)
        unit: Literal["s", "ms"] = "s" if time_format == "epoch_s" else "ms"
        utc = pd.to_datetime(numbers, unit=unit, utc=True, errors="coerce")
        has_offset = np.ones(len(text), dtype=bool)
    else:
        iso = time_format.upper() == ISO8601
        fmt = ISO8601 if iso else time_format
        if iso:
            has_offset = text.str.contains(_OFFSET, regex=True).to_numpy(dtype=bool)
        else:
            has_offset = np.full(len(text), "%z" in time_format or "%Z" in time_format)
        utc = pd.Series(pd.NaT, index=index, dtype="datetime64[us, UTC]")
        aware = has_offset & ~empty
        naive = ~has_offset & ~empty
        if aware.any():
            parsed = pd.to_datetime(text[aware], format=fmt, utc=True, errors="coerce")
            utc.loc[aware] = parsed.astype("datetime64[us, UTC]")
        if naive.any():
            local = pd.to_datetime(text[naive], format=fmt, errors="coerce")
            if isinstance(local.dtype, pd.DatetimeTZDtype):  # pragma: no cover - defensive
                local = local.dt.tz_convert("UTC")
            else:
                local = local.dt.tz_localize(assume_timezone, ambiguous="NaT", nonexistent="NaT")
            utc.loc[naive] = local.dt.tz_convert("UTC").astype("datetime64[us, UTC]")
    utc = utc.astype("datetime64[us, UTC]")
    bad = utc.isna().to_numpy() & ~empty
    return ParsedTimes(utc, empty, bad, has_offset & ~empty)


@dataclass(frozen=True)
class Quoted:
    """A column whose values go into a reason shortened and in quotes: 'value'."""

    values: pd.Series


class Reasons:
    """Collects why rows cannot be used, vectorised: ``add(mask, message)`` per check.

    A row may have several reasons; they are joined with '; ' in the order the checks ran.
    """

    def __init__(self, lines: pd.Series) -> None:
        self._lines = lines.reset_index(drop=True)
        self._text = pd.Series("", index=self._lines.index, dtype=object)

    def add(self, mask: NDArray[np.bool_] | pd.Series, *parts: str | pd.Series | Quoted) -> None:
        """Give the rows in ``mask`` the reason ``parts`` joined; Series parts are per-row values,
        used only for the rows in the mask (messages cost nothing for good rows)."""
        hit = np.asarray(mask, dtype=bool)
        if not hit.any():
            return
        msg: str | pd.Series = ""
        for part in parts:
            if isinstance(part, str):
                piece: str | pd.Series = part
            elif isinstance(part, Quoted):
                piece = quoted(part.values.reset_index(drop=True)[hit])
            else:
                piece = part.reset_index(drop=True)[hit]
            msg = msg + piece  # type: ignore[operator]
        current = self._text[hit]
        self._text.loc[hit] = current.where(current == "", current + "; ") + msg

    @property
    def bad(self) -> NDArray[np.bool_]:
        return (self._text != "").to_numpy()

    def excluded(self) -> pd.DataFrame:
        """Excluded rows: line and reason, in file order."""
        bad = self.bad
        return pd.DataFrame(
            {LINE: self._lines[bad].to_numpy(dtype=np.int64), "reason": self._text[bad].to_numpy()}
        )


def quoted(values: pd.Series, limit: int = 40) -> pd.Series:
    """Cell values shortened and quoted for messages: 'value'."""
    text = values.astype(str)
    short = text.str.slice(0, limit).where(
        text.str.len() <= limit, text.str.slice(0, limit - 3) + "..."
    )
    return "'" + short + "'"
