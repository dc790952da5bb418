"""A one-screen text summary of a questionnaire's answers, with defaults marked.

Layout: the section name in the left column of its first row, one answer per row, the processes
as a table; long values wrap under their own column. ``*`` marks an answer left to its default.
"""

from __future__ import annotations

import textwrap

from analyzer.questionnaire.estimate import Estimate
from analyzer.questionnaire.form import Process, Questionnaire, answered

DEFAULT_MARK = "*"
WIDTH = 100
SECTION_WIDTH = 11
LABEL_WIDTH = 28
COLUMN_GAP = "  "
TABLE_INDENT = "  "
MIN_VALUE_WIDTH = 20
NONE_CELL = "-"
_NO_BREAK = "\u00a0"  # joins the words of one item so wrapping never splits "name 5 (3-8)"
SECTIONS_BEFORE_PROCESSES = ("team", "codebase")
#: Short sections shown on one row each, after the codebase.
ONE_ROW_SECTIONS = ("hosting", "platform")
#: Process columns shown only when some process gives the field (they are usually defaults).
OPTIONAL_PROCESS_COLUMNS = frozenset({"count", "runs_on", "deploy_method"})
SECTIONS_AFTER_PROCESSES = ("delivery", "incidents", "priorities")
#: The process table's fields that nothing reads for an embedded file (it has no instance,
#: scale-out or package of its own; Assessment.inputs_used leaves them out too).
EMBEDDED_UNREAD = frozenset({"count", "instances", "peak_instances", "scale_out_events_per_month",
                             "native_dependencies"})
#: Process table: (column title, Process field) in display order.
PROCESS_COLUMNS: tuple[tuple[str, str], ...] = (
    ("count", "count"),
    ("runs on", "runs_on"),
    ("deploy", "deploy_method"),
    ("instances", "instances"),
    ("peak", "peak_instances"),
    ("scale/mo", "scale_out_events_per_month"),
    ("data GB", "data_gb"),
    ("native", "native_dependencies"),
)


def format_answer(value: object, *, separator: str = ", ", keep_items_whole: bool = False) -> str:
    """An answer as text: an Estimate as 'likely (low-high)', a mapping as 'key value' items.

    ``keep_items_whole`` joins each item's words with no-break spaces so wrapping never splits one.
    """
    if isinstance(value, Estimate):
        return str(value)
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if hasattr(value, "model_dump"):  # a nested section, e.g. priorities.weights
        value = value.model_dump(exclude_none=True)
    if isinstance(value, dict):
        items = (f"{k} {format_answer(v, separator=separator)}" for k, v in value.items())
        if keep_items_whole:
            items = (item.replace(" ", _NO_BREAK) for item in items)
        return separator.join(items) or "none"
    return str(value)


def _fmt(value: object) -> str:
    return format_answer(value, keep_items_whole=True)


def _is_nothing(value: object) -> bool:
    return value is None or (isinstance(value, Estimate) and value.is_point and value.high == 0)


def _row(section: str, mark: str, label: str, value: str) -> list[str]:
    """One answer, its value wrapped under the value column."""
    head = f"{section:<{SECTION_WIDTH}}{mark} {label:<{LABEL_WIDTH}} "
    wrapped = textwrap.wrap(value, width=max(WIDTH - len(head), MIN_VALUE_WIDTH)) or [""]
    pad = " " * len(head)
    lines = [head + wrapped[0]] + [pad + chunk for chunk in wrapped[1:]]
    return [line.replace(_NO_BREAK, " ") for line in lines]


def derived_default(description: str | None) -> str | None:
    """What an optional answer defaults to when it is derived from others, from its field
    description ("...; default: docker_familiarity."), or None when it has no such default."""
    if not description or DERIVED not in description:
        return None
    return description.split(DERIVED, 1)[1].strip().rstrip(".")


DERIVED = "default: "


def _section_rows(q: Questionnaire, section: str, defaults: list[str]) -> list[str]:
    rows: list[str] = []
    model = getattr(q, section)
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        given = answered(model, name)
        text = _fmt(value)
        if value is None and not given:
            derived = derived_default(info.description)
            if derived is None:
                continue  # an optional part left out (e.g. incidents.history): nothing to show
            text = derived  # worked out from other answers (e.g. hires from the engineers)
        if not given:
            defaults.append(f"{section}.{name}")
        label = section if not rows else ""
        rows += _row(label, " " if given else DEFAULT_MARK, name, text)
    return rows


def _one_row(q: Questionnaire, section: str, defaults: list[str]) -> list[str]:
    """A short section on one row: 'key value' items; '*' when none of them was given."""
    model = getattr(q, section)
    items = []
    for name in type(model).model_fields:
        value = getattr(model, name)
        if value is None and not answered(model, name):
            continue
        mark = ""
        if not answered(model, name):
            defaults.append(f"{section}.{name}")
            mark = DEFAULT_MARK
        items.append(f"{name} {_fmt(value)}{mark}".replace(" ", _NO_BREAK))
    return _row("", " ", section, ", ".join(items))


def _process_cell(
    process: Process, field: str, defaults: list[str], q: Questionnaire | None = None
) -> str:
    value = getattr(process, field)
    if process.embedded and field in EMBEDDED_UNREAD:
        return NONE_CELL  # a file inside another process: nothing reads these (no default used)
    if field == "deploy_method" and process.managed:
        return NONE_CELL  # the provider runs it: no deploy method of the team's
    if field == "deploy_method" and value is None and q is not None:
        value = q.delivery.deploy_method  # the team's default method
    if _is_nothing(value):
        return NONE_CELL
    if not answered(process, field):
        defaults.append(f"processes.{process.name}.{field}")
        return f"{_fmt(value)}{DEFAULT_MARK}"
    return _fmt(value)


def _process_rows(q: Questionnaire, defaults: list[str]) -> list[str]:
    columns = [
        (title, field)
        for title, field in PROCESS_COLUMNS
        if field not in OPTIONAL_PROCESS_COLUMNS
        or any(answered(p, field) for p in q.processes)
    ]
    header = ["name", "kind", *(title for title, _ in columns), "notes"]
    table = [header]
    for p in q.processes:
        notes = [
            w
            for w, on in (
                ("stateful", p.is_stateful and not p.embedded),
                ("embedded", p.embedded),
                ("autoscaling", p.autoscaling),
            )
            if on
        ]
        cells = [_process_cell(p, field, defaults, q) for _, field in columns]
        table.append([p.name, p.kind, *cells, ", ".join(notes)])
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    lines = [f"processes ({len(q.processes)})"]
    for row in table:
        text = COLUMN_GAP.join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
        lines.append(f"{TABLE_INDENT}{text}".rstrip())
    # under the table, not in it: a long name and its hosts' names would push the table
    # past a screen's width
    lines += [f"{TABLE_INDENT}{p.name} shares its hosts with {', '.join(p.shares_host_with)}"
              for p in q.processes if p.shares_host_with]
    return lines


def questionnaire_summary(q: Questionnaire, source: str) -> str:
    """Every answer on one row, grouped by section, processes as a table; '*' marks a default."""
    lines = [q.name, f"  from {source} (schema version {q.schema_version})"]
    defaults: list[str] = []
    for section in SECTIONS_BEFORE_PROCESSES:
        lines += _section_rows(q, section, defaults)
    for section in ONE_ROW_SECTIONS:
        lines += _one_row(q, section, defaults)
    lines += _process_rows(q, defaults)
    for section in SECTIONS_AFTER_PROCESSES:
        lines += _section_rows(q, section, defaults)
    lines.append("")
    footer = "Ranges read likely (low-high)."
    if defaults:
        footer += (
            f" {DEFAULT_MARK}: a default, not your answer ({len(defaults)} used); check them."
        )
    else:
        footer += " Every answer was given; no defaults used."
    lines.append(footer)
    notice = q.priorities.weights.notice()
    if notice:
        lines.append(notice)
    return "\n".join(lines)
