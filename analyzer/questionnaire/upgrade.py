"""``analyzer upgrade FILE``: rewrite a version-1 questionnaire as version 2, in place.

The text is edited line by line so the user's comments survive (schema_version 1 -> 2,
``managed: true|false`` -> ``runs_on: managed|machine-image``, ``embedded: true`` after an
SQLite file's ``stateful:`` line, ``codebase.apps``/``architecture`` lines removed). The edited
text is parsed back and must equal ``upgrade_document`` of the original; where it does not (flow
style, unusual layout) the file is re-rendered from the upgraded answers with the template's
annotations instead. The original is kept as ``FILE.bak``; both writes are atomic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from analyzer._io.atomic import write_backup, write_text_atomic
from analyzer._io.yamlio import load_yaml, parse_yaml
from analyzer.errors import InputError, Problem
from analyzer.questionnaire.form import (
    DROPPED_V1_FIELDS,
    SCHEMA_VERSION,
    upgrade_document,
    validate_document,
)
from analyzer.questionnaire.template import render_questionnaire_yaml

_VERSION_LINE = re.compile(r"^(schema_version:\s*)1(\s*(#.*)?)$")
_MANAGED_LINE = re.compile(r"^(\s*(?:-\s+)?)managed:\s*(true|false)(\s*(#.*)?)$")
_DROPPED_LINE = re.compile(r"^\s+(" + "|".join(DROPPED_V1_FIELDS) + r"):\s*[^\s#][^#]*(#.*)?$")


@dataclass(frozen=True)
class UpgradeResult:
    path: Path
    backup: Path | None
    notes: tuple[str, ...]
    kept_comments: bool
    changed: bool


def _edit_lines(text: str, embedded_names: set[str]) -> str:
    lines = text.splitlines()
    out: list[str] = []
    section = ""
    current_process = ""
    for line in lines:
        top = re.match(r"^([a-z_]+):", line)
        if top:
            section = top.group(1)
        if section == "processes":
            named = re.match(r"^\s*-\s+name:\s*(\S+)", line)
            if named:
                current_process = named.group(1).strip("'\"")
        if m := _VERSION_LINE.match(line):
            out.append(f"{m.group(1)}{SCHEMA_VERSION}{m.group(2)}")
            continue
        if section == "codebase" and _DROPPED_LINE.match(line):
            continue
        if section == "processes" and (m := _MANAGED_LINE.match(line)):
            where = "managed" if m.group(2) == "true" else "machine-image"
            out.append(f"{m.group(1)}runs_on: {where}{m.group(3)}")
            continue
        out.append(line)
        if (
            section == "processes"
            and current_process in embedded_names
            and re.match(r"^\s+stateful:\s*true", line)
        ):
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}embedded: true")
    return "\n".join(out) + ("\n" if text.endswith("\n") else "")


def _same(text: str, expected: object, name: str) -> bool:
    try:
        data, _ = parse_yaml(text, name)
    except InputError:
        return False
    if not isinstance(data, dict):
        return False
    # runs_on: machine-image is the default; the line edit writes it only where managed was given.
    return _normalised(data) == _normalised(expected)


def _normalised(data: object) -> object:
    if isinstance(data, dict):
        return {
            k: _normalised(v)
            for k, v in data.items()
            if not (k == "runs_on" and v == "machine-image")
        }
    if isinstance(data, list):
        return [_normalised(v) for v in data]
    return data


def upgrade_file(path: str | Path) -> UpgradeResult:
    """Rewrite ``path`` as version 2 (keeping ``path.bak``); a version-2 file is left alone."""
    loaded = load_yaml(path, what="questionnaire")
    name = str(loaded.path)
    data = loaded.data
    if not isinstance(data, dict):
        raise InputError([Problem(name, "expected a mapping of sections (team:, codebase:, ...)")])
    validate_document(data, loaded.marks, name)  # refuse to rewrite a file that does not load
    if data.get("schema_version") == SCHEMA_VERSION:
        return UpgradeResult(loaded.path, None, (), True, False)
    upgraded, notes = upgrade_document(data)
    text = loaded.path.read_text(encoding="utf-8")
    embedded = {
        str(p.get("name"))
        for p in upgraded.get("processes", [])
        if isinstance(p, dict) and p.get("embedded") is True
    }
    edited = _edit_lines(text, embedded)
    kept = _same(edited, upgraded, name)
    if not kept:

        edited = render_questionnaire_yaml(upgraded)
    backup = write_backup(loaded.path, text)  # FILE.bak, or FILE.bak.N: never over an old one
    write_text_atomic(loaded.path, edited, overwrite=True)
    return UpgradeResult(loaded.path, backup, tuple(notes), kept, True)
