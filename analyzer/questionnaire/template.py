"""The annotated questionnaire YAML that ``analyzer init`` writes (and interviews save).

Every section and field is written with a comment giving its meaning, unit and how to estimate it
when unknown, all read from the pydantic ``Field`` metadata of ``analyzer.questionnaire.form`` so the
template cannot drift from the model. Given values are written compactly (an estimate as a number
or ``[low, likely, high]``); missing ones fall back to the field default, or, for a required
field, to the example in its metadata, marked "replace me".
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import yaml
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from analyzer._io.plain import to_plain
from analyzer._io.yamlio import needs_quotes
from analyzer.errors import Problem
from analyzer.questionnaire.estimate import Estimate, parse_estimate
from analyzer.questionnaire.form import CategoryName, Questionnaire, incident_categories
from analyzer.questionnaire.schema import SCHEMA_FILE

INDENT = "  "
COMMENT_WIDTH = 98
MIN_COMMENT_WIDTH = 40  # deeply indented comments still get this many characters a line
FLOW_WIDTH = 1_000_000  # never let PyYAML fold a value over several lines
REPLACE_ME = "replace me: example value"
HEADER = (
    "analyzer questionnaire: one application and the team that runs it.",
    "Any number may be a single value, a range [low, likely, high] or",
    "{low: .., likely: .., high: ..}; a range is how you say you are unsure.",
    f'Values marked "{REPLACE_ME}" are examples: put in your own.',
    "The others are defaults; change any that do not fit your team.",
    "Check the file with: analyzer validate FILE",
)


@dataclass
class _Out:
    """Accumulates output lines."""

    lines: list[str] = field(default_factory=list)

    def comment(self, indent: str, text: str) -> None:
        width = max(COMMENT_WIDTH - len(indent) - len("# "), MIN_COMMENT_WIDTH)
        for chunk in textwrap.wrap(text, width=width, break_on_hyphens=False):
            self.lines.append(f"{indent}# {chunk}")

    def entry(self, indent: str, key: str, value: str | None, note: str | None = None) -> None:
        line = f"{indent}{_flow(key)}:" + (f" {value}" if value is not None else "")
        self.lines.append(line + (f"  # {note}" if note else ""))


def _flow(value: Any) -> str:
    """One-line YAML for a scalar, list or mapping."""
    value = to_plain(value)
    style = (
        '"' if isinstance(value, str) and (not value.isprintable() or needs_quotes(value)) else None
    )
    text = yaml.safe_dump(
        value,
        default_flow_style=True,
        default_style=style,
        width=FLOW_WIDTH,
        allow_unicode=True,
        sort_keys=False,
    )
    text = text.rstrip("\n")
    return text.removesuffix("\n...").rstrip("\n")


def _annotation_parts(annotation: Any) -> list[Any]:
    """The types inside ``X | None`` / ``Optional[X]``, else ``[annotation]``."""
    if get_origin(annotation) is Union or type(annotation).__name__ == "UnionType":
        return [a for a in get_args(annotation) if a is not type(None)]
    return [annotation]


def _strip_annotated(annotation: Any) -> Any:
    while hasattr(annotation, "__metadata__"):
        annotation = get_args(annotation)[0]
    return annotation


def _model_type(annotation: Any) -> type[BaseModel] | None:
    """The model class of a field typed ``Model``, ``Model | None`` or ``list[Model]``."""
    parts = [_strip_annotated(a) for a in _annotation_parts(annotation)]
    if get_origin(annotation) is list:
        parts = [_strip_annotated(get_args(annotation)[0])]
    for part in parts:
        if isinstance(part, type) and issubclass(part, BaseModel):
            return part
    return None


def _is_estimate(annotation: Any) -> bool:
    return any(_strip_annotated(a) is Estimate for a in _annotation_parts(annotation))


def _fixed_literal(annotation: Any) -> tuple[bool, Any]:
    """(True, value) for a ``Literal`` with one allowed value, such as ``schema_version``."""
    if get_origin(annotation) is Literal and len(get_args(annotation)) == 1:
        return True, get_args(annotation)[0]
    return False, None


def _estimate_text(value: Any) -> str:
    try:
        return _flow(parse_estimate(value).to_yaml())
    except (ValueError, TypeError):  # not a valid estimate yet: write it as given
        return _flow(value)


def _field_comments(info: FieldInfo) -> list[str]:
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    text = (info.description or "").strip()
    unit = extra.get("unit")
    if unit:
        text += f" Unit: {unit}."
    out = [text] if text else []
    hint = extra.get("hint")
    if hint:
        out.append(f"If unknown: {hint}")
    return out


def _value_for(info: FieldInfo, values: Mapping[str, Any], name: str) -> tuple[Any, bool]:
    """(value to write, is it an example placeholder?)."""
    if name in values:
        return values[name], False
    fixed, literal = _fixed_literal(info.annotation)
    if fixed:
        return literal, False
    if _model_type(info.annotation) is not None and get_origin(info.annotation) is not list:
        return {}, False  # a section: each of its fields falls back on its own
    if not info.is_required():
        return info.get_default(call_default_factory=True), False
    if info.examples:
        return info.examples[0], True
    return None, True


def _write_counts(out: _Out, indent: str, value: Any, given: bool) -> None:
    """incidents.counts: every category with its meaning; zero for those not given."""
    categories = incident_categories()
    if given and not (isinstance(value, Mapping) and value):
        out.lines[-1] += f" {_flow(value)}"  # {} or something invalid: written as given
        return
    if not given:
        value = dict.fromkeys(categories, 0)
    for key, count in value.items():
        meta = categories.get(str(key), {})
        label = meta.get("label")
        note = f"{label}: {' '.join(str(meta.get('description', '')).split())}" if label else None
        if note:
            out.comment(indent, note)
        out.entry(indent, str(key), _estimate_text(count))


def _write_field(
    out: _Out, indent: str, name: str, info: FieldInfo, values: Mapping[str, Any], example: bool
) -> None:
    annotation = info.annotation
    model = _model_type(annotation)
    is_list = get_origin(annotation) is list
    if _optional_section(info, model, is_list) and name not in values:
        _write_commented_section(out, indent, name, info, model)  # type: ignore[arg-type]
        return
    value, placeholder = _value_for(info, values, name)
    note = REPLACE_ME if (placeholder or (example and name in values)) else None
    for text in _field_comments(info):
        out.comment(indent, text)
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="python")
    if model is not None and not is_list and isinstance(value, Mapping):
        out.entry(indent, name, None)
        _write_model(out, indent + INDENT, model, value, example=example or placeholder)
    elif model is not None and is_list and isinstance(value, list) and value:
        out.entry(indent, name, None)
        for i, item in enumerate(value):
            if i:
                out.lines.append("")
            _write_item(out, indent + INDENT, model, item, example=example or placeholder)
    elif get_origin(annotation) is dict and get_args(annotation)[0] is CategoryName:
        out.entry(indent, name, None)
        _write_counts(out, indent + INDENT, value, given=name in values)
    elif _is_estimate(annotation) and value is not None:
        out.entry(indent, name, _estimate_text(value), note)
    else:
        out.entry(indent, name, _flow(value), note)


def _optional_section(info: FieldInfo, model: type[BaseModel] | None, is_list: bool) -> bool:
    """A nested section that is off unless given (its default is None), e.g. incidents.history."""
    return model is not None and not is_list and not info.is_required() and info.get_default() is None


def _write_commented_section(
    out: _Out, indent: str, name: str, info: FieldInfo, model: type[BaseModel]
) -> None:
    """An optional section as a commented-out example: uncomment it to use it."""
    for text in _field_comments(info):
        out.comment(indent, text)
    out.comment(indent, "Optional; remove the leading '# ' from the lines below to use it.")
    inner = _Out()
    inner.entry(indent, name, None)
    _write_model(inner, indent + INDENT, model, {}, example=True)
    for line in inner.lines:
        line = line.replace(f"  # {REPLACE_ME}", "")  # nothing to replace inside a comment
        body = line[len(indent) :]
        out.lines.append(line if body.startswith("#") or not body else f"{indent}# {body}")


def _write_item(
    out: _Out, indent: str, model: type[BaseModel], item: Any, *, example: bool
) -> None:
    """One list entry: the model's fields under a leading ``- ``."""
    if isinstance(item, BaseModel):
        item = item.model_dump(mode="python")
    if not isinstance(item, Mapping):
        out.lines.append(f"{indent}- {_flow(item)}")
        return
    inner = _Out()
    _write_model(inner, indent + INDENT, model, item, example=example)
    dash_done = False
    for line in inner.lines:
        if not dash_done:
            body = line.removeprefix(indent + INDENT)
            if body.startswith("#"):
                line = indent + body
            else:
                line = f"{indent}- {body}"
                dash_done = True
        out.lines.append(line)


def _write_model(
    out: _Out, indent: str, model: type[BaseModel], values: Mapping[str, Any], *, example: bool
) -> None:
    for name, info in model.model_fields.items():
        _write_field(out, indent, name, info, values, example)
    for key in values:  # keys the model does not know: keep them, validation will say why
        if key not in model.model_fields:
            out.entry(indent, str(key), _flow(values[key]))


def default_schema_ref() -> str:
    """Where the template points editors: the installed schema file's absolute path."""
    return str(SCHEMA_FILE)


def render_questionnaire_yaml(
    values: Mapping[str, Any] | None = None, *, schema_ref: str | None = None
) -> str:
    """A complete, annotated questionnaire as YAML text.

    ``values`` is a (possibly partial) nested dict shaped like the questionnaire, e.g.
    ``q.model_dump(mode="json")``; ``schema_ref`` is the path or URI written on the first line
    for yaml-language-server (default: the installed schema file).
    """
    out = _Out()
    ref = schema_ref if schema_ref is not None else default_schema_ref()
    out.lines.append(f"# yaml-language-server: $schema={ref}")
    out.lines.extend(f"# {text}" for text in HEADER)
    given: Mapping[str, Any] = values if values is not None else {}
    for name, info in Questionnaire.model_fields.items():
        if _model_type(info.annotation) is not None:
            out.lines.append("")
        _write_field(out, "", name, info, given, example=False)
    for key in given:
        if key not in Questionnaire.model_fields:
            out.entry("", str(key), _flow(given[key]))
    return "\n".join(out.lines) + "\n"


def unreplaced_examples(path: str | Path) -> list[Problem]:
    """One problem per value line of ``path`` still marked "replace me" (an untouched example).

    ``init`` writes examples with that marker; a questionnaire that keeps them is another team's
    numbers, so validate, assess and report refuse it until each is replaced (deleting the
    marker comment accepts the example as one's own answer).
    """
    problems = []
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []  # the loader reports unreadable files
    for number, line in enumerate(text.splitlines(), start=1):
        value, sep, comment = line.partition("#")
        if sep and REPLACE_ME in comment and value.strip():
            key = value.strip().lstrip("- ").partition(":")[0]
            problems.append(
                Problem(
                    str(path),
                    f"still the template's example value ({value.strip()}): put in your own, "
                    f"or delete the '# {REPLACE_ME}' comment to keep it",
                    number,
                    None,
                    key or None,
                )
            )
    return problems
